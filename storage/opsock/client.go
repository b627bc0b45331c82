package opsock

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"

	"github.com/uclg-mewa/surveybot/storage/export"
)

// Client asks a running surveybot for results. It implements Handler, so
// callers treat the remote and the local case alike.
type Client struct {
	path string
	conn net.Conn // from Dial, used by the first request
}

// Dial connects to the server of the database at dbPath. When no process
// serves it (no socket, a stale socket, or a path too long to be one) the
// error wraps ErrNoServer, and the caller may open the database itself.
// It never waits more than a couple of seconds.
func Dial(dbPath string) (*Client, error) {
	path := SocketPath(dbPath)
	conn, err := dial(path)
	if err != nil {
		return nil, err
	}
	return &Client{path: path, conn: conn}, nil
}

func dial(path string) (net.Conn, error) {
	if len(path) > maxSocketPath {
		return nil, fmt.Errorf("%w (socket path %s too long)", ErrNoServer, path)
	}
	conn, err := net.DialTimeout("unix", path, dialTimeout)
	if err == nil {
		return conn, nil
	}
	if errors.Is(err, syscall.ENOENT) || errors.Is(err, syscall.ECONNREFUSED) {
		return nil, fmt.Errorf("%w (socket %s)", ErrNoServer, path)
	}
	return nil, fmt.Errorf("connect to the running surveybot at %s: %w", path, err)
}

// Close releases the connection if no request used it.
func (c *Client) Close() error {
	if c.conn == nil {
		return nil
	}
	err := c.conn.Close()
	c.conn = nil
	return err
}

// Export writes the running process's export to w.
func (c *Client) Export(w io.Writer, format string, opt export.Options) error {
	return c.do(request{Op: OpExport, Format: format, Options: toWire(opt)}, w)
}

// Stats writes the running process's statistics table to w.
func (c *Client) Stats(w io.Writer) error { return c.do(request{Op: OpStats}, w) }

// Backup writes a consistent copy of the database to w.
func (c *Client) Backup(w io.Writer) error { return c.do(request{Op: OpBackup}, w) }

// do sends one request on its own connection and copies the result to w.
// The error says whether the result is complete; w may hold part of it.
func (c *Client) do(req request, w io.Writer) error {
	conn := c.conn
	c.conn = nil
	if conn == nil {
		var err error
		if conn, err = dial(c.path); err != nil {
			return err
		}
	}
	defer conn.Close()
	// The server answers the request line at once; a process that holds
	// the socket but does not answer (stopped, hung) must fail the command
	// within seconds. Once the result flows, heartbeats keep it alive.
	dc := &deadlineConn{Conn: conn, idle: requestTimeout}
	r := bufio.NewReaderSize(dc, maxLine)
	if err := writeLine(dc, req); err != nil {
		// A server that refuses us may hang up before reading: its
		// reason is more useful than the broken pipe.
		if st := readStatus(r); st != nil && !errors.Is(st, errBadAnswer) {
			return st
		}
		return fmt.Errorf("send request: %w", err)
	}
	if err := readStatus(r); err != nil {
		return err
	}
	dc.idle = idleTimeout
	if err := readFrames(r, w); err != nil {
		return err
	}
	return readStatus(r)
}

var errBadAnswer = errors.New("no valid answer from the running surveybot")

// readStatus turns a status line into nil or the server's error.
func readStatus(r *bufio.Reader) error {
	var st status
	if err := readLine(r, &st); err != nil {
		return fmt.Errorf("%w: %w", errBadAnswer, err)
	}
	if !st.OK {
		return fmt.Errorf("running surveybot: %s", st.Error)
	}
	return nil
}
