// Package opsock lets other processes ask a running `surveybot run` for
// exports, statistics and backups.
//
// bbolt lets one process hold a database file, so while `run` serves it,
// `surveybot export`, `stats` and `backup` cannot open it. The running
// process therefore listens on a Unix socket next to the database (its
// path plus ".sock"), readable and writable by its owner only (mode 0600),
// and refuses peers of another user id (SO_PEERCRED, on Linux).
//
// # Protocol
//
// One request per connection. The client sends one JSON line:
//
//	{"op":"export","format":"csv","options":{"status":"complete","labels":"en","split_multi":true,"since":"2025-03-01T00:00:00Z"}}
//	{"op":"stats"}
//	{"op":"backup"}
//
// The server answers with a JSON status line, {"ok":true} or
// {"ok":false,"error":"..."}. After an ok it streams the result's raw bytes
// in frames: a 4-byte big-endian length, then that many bytes. A length of
// 0 ends the stream and is followed by a final status line, which says
// whether the result is complete: an export that fails half way must not
// pass for a short file. A length of 0xFFFFFFFF is a heartbeat, sent while
// the result is being prepared (an XLSX workbook is only zipped at the
// end), so the client can tell a slow server from a dead one.
package opsock

import (
	"bufio"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"time"

	"github.com/uclg-mewa/surveybot/storage/export"
)

// Handler produces the results, over the running process's open store.
type Handler interface {
	Export(w io.Writer, format string, opt export.Options) error
	Stats(w io.Writer) error
	Backup(w io.Writer) error
}

// Operations.
const (
	OpExport = "export"
	OpStats  = "stats"
	OpBackup = "backup"
)

// ErrNoServer is wrapped by Dial's error when no process serves the
// database: no socket, or a stale one left by a killed process.
var ErrNoServer = errors.New("no running surveybot serves this database")

// ErrInUse is wrapped by Serve's error when another live process already
// serves the socket.
var ErrInUse = errors.New("another running surveybot already serves this database")

// SocketPath is where the server of the database at dbPath listens.
func SocketPath(dbPath string) string { return dbPath + ".sock" }

// maxSocketPath bounds a socket path in bytes: sun_path is 108 bytes on
// Linux and 104 on the BSDs, terminating NUL included.
const maxSocketPath = 103

const (
	maxLine        = 64 << 10  // request and status lines
	maxFrame       = 64 << 10  // payload bytes per frame
	frameEnd       = 0         // length that ends the stream
	frameBeat      = 1<<32 - 1 // length of a heartbeat frame
	idleTimeout    = 30 * time.Second
	dialTimeout    = 2 * time.Second
	requestTimeout = 5 * time.Second
)

// beatEvery is the heartbeat interval (a variable for tests).
var beatEvery = 5 * time.Second

// wireOptions is export.Options as sent; the vocabulary is the server's.
type wireOptions struct {
	Status     string    `json:"status,omitempty"`
	Labels     string    `json:"labels,omitempty"`
	SplitMulti bool      `json:"split_multi,omitempty"`
	Since      time.Time `json:"since,omitzero"`
	Until      time.Time `json:"until,omitzero"`
}

func toWire(o export.Options) *wireOptions {
	return &wireOptions{Status: o.Status, Labels: o.Labels, SplitMulti: o.SplitMulti, Since: o.Since, Until: o.Until}
}

func (w *wireOptions) options() export.Options {
	if w == nil {
		return export.Options{}
	}
	return export.Options{Status: w.Status, Labels: w.Labels, SplitMulti: w.SplitMulti, Since: w.Since, Until: w.Until}
}

type request struct {
	Op      string       `json:"op"`
	Format  string       `json:"format,omitempty"`
	Options *wireOptions `json:"options,omitempty"`
}

type status struct {
	OK    bool   `json:"ok"`
	Error string `json:"error,omitempty"`
}

func writeLine(w io.Writer, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// readLine reads one JSON line of at most maxLine bytes into v.
func readLine(r *bufio.Reader, v any) error {
	line, err := r.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		return fmt.Errorf("line longer than %d bytes", maxLine)
	}
	if err != nil {
		return err
	}
	return json.Unmarshal(line, v)
}

// deadlineConn sets a fresh deadline before every read and write, so a
// peer that stops reading or writing is dropped after idleTimeout instead
// of holding a read transaction (and with it, database growth) forever.
type deadlineConn struct {
	net.Conn
	idle time.Duration
}

func (c *deadlineConn) Read(p []byte) (int, error) {
	if err := c.SetReadDeadline(time.Now().Add(c.idle)); err != nil {
		return 0, err
	}
	return c.Conn.Read(p)
}

func (c *deadlineConn) Write(p []byte) (int, error) {
	if err := c.SetWriteDeadline(time.Now().Add(c.idle)); err != nil {
		return 0, err
	}
	return c.Conn.Write(p)
}

// frameWriter cuts what the handler writes into frames. Heartbeats come
// from another goroutine, hence the lock.
type frameWriter struct {
	mu  sync.Mutex
	bw  *bufio.Writer
	err error
}

func (f *frameWriter) Write(p []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for len(p) > 0 && f.err == nil {
		chunk := p[:min(len(p), maxFrame)]
		f.header(uint32(len(chunk)))
		if f.err == nil {
			_, f.err = f.bw.Write(chunk)
		}
		if f.err == nil {
			n += len(chunk)
		}
		p = p[len(chunk):]
	}
	return n, f.err
}

func (f *frameWriter) header(n uint32) {
	var h [4]byte
	binary.BigEndian.PutUint32(h[:], n)
	if f.err == nil {
		_, f.err = f.bw.Write(h[:])
	}
}

// beat sends a heartbeat and pushes out what is buffered.
func (f *frameWriter) beat() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.header(frameBeat)
	if f.err == nil {
		f.err = f.bw.Flush()
	}
}

// finish ends the stream with the final status.
func (f *frameWriter) finish(result error) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.header(frameEnd)
	st := status{OK: result == nil}
	if result != nil {
		st.Error = result.Error()
	}
	if f.err == nil {
		f.err = writeLine(f.bw, st)
	}
	if f.err == nil {
		f.err = f.bw.Flush()
	}
	return f.err
}

// readFrames copies the framed stream from r to w until its end.
func readFrames(r *bufio.Reader, w io.Writer) error {
	var h [4]byte
	for {
		if _, err := io.ReadFull(r, h[:]); err != nil {
			return fmt.Errorf("result cut short: %w", err)
		}
		n := binary.BigEndian.Uint32(h[:])
		switch {
		case n == frameEnd:
			return nil
		case n == frameBeat:
			continue
		case n > maxFrame:
			return fmt.Errorf("protocol error: frame of %d bytes", n)
		}
		if _, err := io.CopyN(w, r, int64(n)); err != nil {
			return fmt.Errorf("copy result: %w", err)
		}
	}
}
