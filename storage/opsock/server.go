package opsock

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// maxActive bounds the requests served at once: each holds a read
// transaction open, and a crowd of them would only slow the bot.
const maxActive = 4

type server struct {
	h    Handler
	log  *slog.Logger
	uid  int // peers must have this user id
	path string
	ln   *net.UnixListener
	fi   os.FileInfo // the socket file, to remove only our own

	sem    chan struct{}
	done   chan struct{}
	wg     sync.WaitGroup
	mu     sync.Mutex
	conns  map[net.Conn]struct{}
	closed bool
	once   sync.Once
}

// Serve listens on SocketPath(dbPath) and answers requests with h until
// ctx ends or stop is called. stop closes the socket, cuts the requests in
// flight (their writes fail, so their read transactions end), waits for
// them and removes the socket file; call it before closing the store. It
// is safe to call more than once.
//
// A socket file left by a killed process (nobody accepts on it) is
// replaced; one with a live server behind it is an error wrapping
// ErrInUse, and a file there that is not a socket is left alone and an
// error.
func Serve(ctx context.Context, dbPath string, h Handler, log *slog.Logger) (stop func(), err error) {
	return serve(ctx, dbPath, h, log, os.Getuid())
}

// serve is Serve with the user id to accept, for tests.
func serve(ctx context.Context, dbPath string, h Handler, log *slog.Logger, uid int) (func(), error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	path := SocketPath(dbPath)
	if len(path) > maxSocketPath {
		return nil, fmt.Errorf("socket path %s is too long (%d bytes, limit %d): use a shorter database path", path, len(path), maxSocketPath)
	}
	if err := clearStale(path); err != nil {
		return nil, err
	}
	ln, err := listen(path)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", path, err)
	}
	fi, err := os.Lstat(path)
	if err != nil {
		ln.Close()
		return nil, err
	}
	s := &server{h: h, log: log, uid: uid, path: path, ln: ln, fi: fi,
		sem: make(chan struct{}, maxActive), done: make(chan struct{}), conns: map[net.Conn]struct{}{}}
	s.wg.Add(1)
	go s.accept()
	unhook := context.AfterFunc(ctx, s.stop)
	return func() { unhook(); s.stop() }, nil
}

// clearStale removes a socket file nobody accepts on.
func clearStale(path string) error {
	fi, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if fi.Mode().Type() != fs.ModeSocket {
		return fmt.Errorf("%s exists and is not a socket; not replacing it", path)
	}
	if c, err := net.DialTimeout("unix", path, dialTimeout); err == nil {
		c.Close()
		return fmt.Errorf("%w (socket %s)", ErrInUse, path)
	}
	return os.Remove(path)
}

// listen creates the socket with mode 0600 whatever the umask: it binds
// inside a fresh 0700 directory, sets the mode, then renames the socket
// into place, so no other user can ever connect to it. If the temporary
// path would be too long for a socket, it binds in place and sets the mode
// right after; the peer check covers that short window.
func listen(path string) (*net.UnixListener, error) {
	dir, err := os.MkdirTemp(filepath.Dir(path), ".sock")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	tmp := filepath.Join(dir, "s")
	if len(tmp) > maxSocketPath {
		tmp = path
	}
	ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: tmp, Net: "unix"})
	if err != nil {
		return nil, err
	}
	// The file is removed by stop, only if it is still ours.
	ln.SetUnlinkOnClose(false)
	if err := os.Chmod(tmp, 0o600); err != nil {
		ln.Close()
		return nil, err
	}
	if tmp != path {
		if err := os.Rename(tmp, path); err != nil {
			ln.Close()
			return nil, err
		}
	}
	return ln, nil
}

func (s *server) accept() {
	defer s.wg.Done()
	for {
		conn, err := s.ln.AcceptUnix()
		if err != nil {
			if !errors.Is(err, net.ErrClosed) {
				s.log.Warn("opsock: accept", "err", err)
			}
			return
		}
		if !s.track(conn) {
			conn.Close()
			return
		}
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			defer s.untrack(conn)
			s.serveConn(conn)
		}()
	}
}

// track registers conn so that stop can cut it; false once stopping.
func (s *server) track(c net.Conn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	s.conns[c] = struct{}{}
	return true
}

func (s *server) untrack(c net.Conn) {
	s.mu.Lock()
	delete(s.conns, c)
	s.mu.Unlock()
	c.Close()
}

func (s *server) stop() {
	s.once.Do(func() {
		s.mu.Lock()
		s.closed = true
		close(s.done)
		s.ln.Close()
		for c := range s.conns {
			c.Close()
		}
		s.mu.Unlock()
		s.wg.Wait()
		if fi, err := os.Lstat(s.path); err == nil && os.SameFile(fi, s.fi) {
			os.Remove(s.path)
		}
	})
}

func (s *server) serveConn(conn *net.UnixConn) {
	dc := &deadlineConn{Conn: conn, idle: idleTimeout}
	bw := bufio.NewWriterSize(dc, maxFrame+8)
	if err := s.checkConn(conn); err != nil {
		s.log.Warn("opsock: refused", "err", err)
		writeLine(bw, status{Error: err.Error()})
		bw.Flush()
		return
	}
	conn.SetReadDeadline(time.Now().Add(requestTimeout))
	var req request
	if err := readLine(bufio.NewReaderSize(conn, maxLine), &req); err != nil {
		s.log.Debug("opsock: bad request", "err", err)
		writeLine(bw, status{Error: "bad request: " + err.Error()})
		bw.Flush()
		return
	}
	select {
	case s.sem <- struct{}{}:
		defer func() { <-s.sem }()
	case <-s.done:
		return
	}
	s.run(req, bw)
}

// checkConn refuses a peer of another user.
func (s *server) checkConn(conn *net.UnixConn) error {
	uid, err := peerUID(conn)
	if err != nil {
		return fmt.Errorf("cannot identify the peer: %w", err)
	}
	return checkPeer(uid, s.uid)
}

// checkPeer allows only the server's own user: the results hold every
// respondent's answers, and the backup the whole database.
func checkPeer(peer, self int) error {
	if peer != self {
		return fmt.Errorf("permission denied: peer user id %d is not the server's (%d)", peer, self)
	}
	return nil
}

// run answers one request: ok, the framed result, the final status.
func (s *server) run(req request, bw *bufio.Writer) {
	start := time.Now()
	call, err := s.call(req)
	if err != nil {
		writeLine(bw, status{Error: err.Error()})
		bw.Flush()
		return
	}
	if writeLine(bw, status{OK: true}) != nil {
		return
	}
	fw := &frameWriter{bw: bw}
	stopBeat := s.heartbeat(fw)
	result := call(fw)
	stopBeat()
	err = fw.finish(result)
	if result == nil {
		result = err
	}
	if result != nil {
		s.log.Warn("opsock: request failed", "op", req.Op, "format", req.Format, "err", result)
		return
	}
	s.log.Info("opsock: request served", "op", req.Op, "format", req.Format, "took", time.Since(start).Round(time.Millisecond))
}

// call maps a request to the handler method that answers it.
func (s *server) call(req request) (func(*frameWriter) error, error) {
	switch req.Op {
	case OpExport:
		opt := req.Options.options()
		return func(w *frameWriter) error { return s.h.Export(w, req.Format, opt) }, nil
	case OpStats:
		return func(w *frameWriter) error { return s.h.Stats(w) }, nil
	case OpBackup:
		return func(w *frameWriter) error { return s.h.Backup(w) }, nil
	}
	return nil, fmt.Errorf("unknown op %q", req.Op)
}

// heartbeat sends beats every beatEvery until the returned func is called.
func (s *server) heartbeat(fw *frameWriter) (stop func()) {
	quit := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(beatEvery)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				fw.beat()
			case <-quit:
				return
			}
		}
	}()
	return func() { close(quit); wg.Wait() }
}
