package opsock

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/uclg-mewa/surveybot/conversation"
	"github.com/uclg-mewa/surveybot/conversation/builtin"
	"github.com/uclg-mewa/surveybot/storage"
	"github.com/uclg-mewa/surveybot/storage/export"
)

var t0 = time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)

// storeHandler answers over a real store, as `run` does.
type storeHandler struct {
	st *storage.Store
	sv *conversation.Survey
}

func (h storeHandler) each(fn func(conversation.State) error) error { return h.st.Each(h.sv.ID, fn) }

func (h storeHandler) Export(w io.Writer, format string, opt export.Options) error {
	_, err := export.Write(w, format, h.sv, h.each, opt)
	return err
}

func (h storeHandler) Stats(w io.Writer) error {
	s, err := export.Summarize(h.sv, h.each, t0)
	if err != nil {
		return err
	}
	return export.WriteTable(w, h.sv, s)
}

func (h storeHandler) Backup(w io.Writer) error {
	_, err := h.st.Backup(w)
	return err
}

// setup opens a database with n responses, held like `run` holds it.
func setup(t *testing.T, n int) (string, storeHandler) {
	t.Helper()
	sv, err := builtin.Survey()
	if err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(t.TempDir(), "s.db")
	st, err := storage.Open(db, storage.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	for i := range n {
		s := conversation.State{Respondent: fmt.Sprintf("telegram:%d", i), Channel: "telegram", SurveyID: sv.ID,
			Language: "ar", StartedAt: t0, UpdatedAt: t0.Add(time.Minute),
			Answers: map[string]conversation.Answer{"municipality": {Value: "بلدية " + fmt.Sprint(i)}, "q1_new_tech": {Value: "yes"}}}
		if i%2 == 0 {
			s.CompletedAt = s.UpdatedAt
		}
		if err := st.Put(s); err != nil {
			t.Fatal(err)
		}
	}
	return db, storeHandler{st: st, sv: sv}
}

func startServer(t *testing.T, db string, h Handler) func() {
	t.Helper()
	stop, err := Serve(context.Background(), db, h, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	return stop
}

func dialT(t *testing.T, db string) *Client {
	t.Helper()
	c, err := Dial(db)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func TestRoundTrip(t *testing.T) {
	db, h := setup(t, 300)
	startServer(t, db, h)
	opt := export.Options{Status: "complete", Labels: "en", SplitMulti: true, Since: t0}
	for _, format := range export.Formats {
		var want, got bytes.Buffer
		if err := h.Export(&want, format, opt); err != nil {
			t.Fatal(err)
		}
		if err := dialT(t, db).Export(&got, format, opt); err != nil {
			t.Fatalf("%s: %v", format, err)
		}
		// XLSX archives carry a timestamp; the others must match exactly.
		if format != export.FormatXLSX && !bytes.Equal(got.Bytes(), want.Bytes()) {
			t.Errorf("%s over the socket differs: %d vs %d bytes", format, got.Len(), want.Len())
		}
		if format == export.FormatXLSX && (got.Len() < 1000 || !bytes.HasPrefix(got.Bytes(), []byte("PK"))) {
			t.Errorf("xlsx over the socket: %d bytes", got.Len())
		}
	}
	var want, got bytes.Buffer
	h.Stats(&want)
	if err := dialT(t, db).Stats(&got); err != nil || got.String() != want.String() {
		t.Fatalf("stats: %v\n%s", err, got.String())
	}
}

func TestBackupOverSocket(t *testing.T) {
	db, h := setup(t, 50)
	startServer(t, db, h)
	out := filepath.Join(t.TempDir(), "backup.db")
	f, err := os.Create(out)
	if err != nil {
		t.Fatal(err)
	}
	// Several frames' worth (the database is larger than 64 KiB).
	if err := dialT(t, db).Backup(f); err != nil {
		t.Fatal(err)
	}
	f.Close()
	bk, err := storage.Open(out, storage.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer bk.Close()
	if n, err := bk.Count("smart-cities"); err != nil || n != 50 {
		t.Fatalf("backup holds %d responses, err %v", n, err)
	}
	if err := bk.Check(); err != nil {
		t.Fatal(err)
	}
}

func TestSocketModeIgnoresUmask(t *testing.T) {
	old := syscall.Umask(0)
	defer syscall.Umask(old)
	db, h := setup(t, 1)
	startServer(t, db, h)
	fi, err := os.Lstat(SocketPath(db))
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Type() != fs.ModeSocket || fi.Mode().Perm() != 0o600 {
		t.Fatalf("socket mode %v, want a socket with 0600", fi.Mode())
	}
	// No temporary directory is left behind.
	entries, _ := os.ReadDir(filepath.Dir(db))
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".sock") {
			t.Errorf("left over %s", e.Name())
		}
	}
}

// staleSocket leaves a socket file nobody listens on, as a killed process does.
func staleSocket(t *testing.T, path string) {
	t.Helper()
	ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: path, Net: "unix"})
	if err != nil {
		t.Fatal(err)
	}
	ln.SetUnlinkOnClose(false)
	ln.Close()
}

func TestStaleSocketReplaced(t *testing.T) {
	db, h := setup(t, 3)
	staleSocket(t, SocketPath(db))
	if _, err := Dial(db); !errors.Is(err, ErrNoServer) {
		t.Fatalf("Dial on a stale socket: %v, want ErrNoServer", err)
	}
	startServer(t, db, h)
	var buf bytes.Buffer
	if err := dialT(t, db).Export(&buf, "json", export.Options{}); err != nil || !strings.Contains(buf.String(), "telegram:2") {
		t.Fatalf("%v %s", err, buf.String())
	}
}

func TestNoServer(t *testing.T) {
	db := filepath.Join(t.TempDir(), "none.db")
	if _, err := Dial(db); !errors.Is(err, ErrNoServer) {
		t.Fatalf("Dial with no socket: %v", err)
	}
	long := filepath.Join(t.TempDir(), strings.Repeat("d", 100), "x.db")
	if _, err := Dial(long); !errors.Is(err, ErrNoServer) {
		t.Fatalf("Dial with a too long path: %v", err)
	}
	if _, err := Serve(context.Background(), long, nil, nil); err == nil || !strings.Contains(err.Error(), "too long") {
		t.Fatalf("Serve with a too long path: %v", err)
	}
}

func TestLiveSocketNotTaken(t *testing.T) {
	db, h := setup(t, 1)
	startServer(t, db, h)
	if _, err := Serve(context.Background(), db, h, nil); !errors.Is(err, ErrInUse) {
		t.Fatalf("second Serve: %v, want ErrInUse", err)
	}
	// The first still answers.
	if err := dialT(t, db).Stats(io.Discard); err != nil {
		t.Fatal(err)
	}
}

func TestRegularFileNotReplaced(t *testing.T) {
	db, h := setup(t, 1)
	if err := os.WriteFile(SocketPath(db), []byte("keep"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Serve(context.Background(), db, h, nil); err == nil {
		t.Fatal("Serve replaced a regular file")
	}
	if b, _ := os.ReadFile(SocketPath(db)); string(b) != "keep" {
		t.Fatal("file changed")
	}
}

func TestStopRemovesSocket(t *testing.T) {
	db, h := setup(t, 1)
	ctx, cancel := context.WithCancel(context.Background())
	stop, err := Serve(ctx, db, h, nil)
	if err != nil {
		t.Fatal(err)
	}
	cancel() // the end of `run` stops it too
	stop()   // and stop stays safe to call
	stop()
	if _, err := os.Lstat(SocketPath(db)); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("socket left after stop: %v", err)
	}
	if _, err := Dial(db); !errors.Is(err, ErrNoServer) {
		t.Fatalf("Dial after stop: %v", err)
	}
}

func TestCheckPeer(t *testing.T) {
	if err := checkPeer(1000, 1000); err != nil {
		t.Fatal(err)
	}
	for _, c := range [][2]int{{1000, 0}, {0, 1000}, {1001, 1000}} {
		if err := checkPeer(c[0], c[1]); err == nil || !strings.Contains(err.Error(), "permission denied") {
			t.Errorf("checkPeer(%d, %d) = %v, want a refusal", c[0], c[1], err)
		}
	}
}

// A server that runs as another user refuses this one, and says why.
func TestPeerOfAnotherUserRefused(t *testing.T) {
	db, h := setup(t, 1)
	stop, err := serve(context.Background(), db, h, nil, os.Getuid()+1)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	var buf bytes.Buffer
	err = dialT(t, db).Export(&buf, "csv", export.Options{})
	if err == nil || !strings.Contains(err.Error(), "permission denied") || buf.Len() != 0 {
		t.Fatalf("err %v, %d bytes", err, buf.Len())
	}
}

// failing writes some bytes, then fails, as an export that breaks half way.
type failing struct{ storeHandler }

func (failing) Export(w io.Writer, _ string, _ export.Options) error {
	w.Write([]byte("respondent,channel\r\n"))
	return errors.New("disk on fire")
}

func TestFailureAfterBytesIsReported(t *testing.T) {
	db, h := setup(t, 1)
	startServer(t, db, failing{h})
	var buf bytes.Buffer
	err := dialT(t, db).Export(&buf, "csv", export.Options{})
	if err == nil || !strings.Contains(err.Error(), "disk on fire") {
		t.Fatalf("err %v", err)
	}
}

func TestBadOptionsReported(t *testing.T) {
	db, h := setup(t, 1)
	startServer(t, db, h)
	err := dialT(t, db).Export(io.Discard, "csv", export.Options{Labels: "de"})
	if !errorContains(err, "labels language") {
		t.Fatalf("err %v", err)
	}
	err = dialT(t, db).Export(io.Discard, "pdf", export.Options{})
	if !errorContains(err, "format") {
		t.Fatalf("err %v", err)
	}
}

func errorContains(err error, s string) bool { return err != nil && strings.Contains(err.Error(), s) }

// slow prepares its result for a while before writing, as an XLSX export
// does; heartbeats keep the client waiting instead of timing out.
type slow struct{ storeHandler }

func (slow) Stats(w io.Writer) error {
	time.Sleep(150 * time.Millisecond)
	_, err := io.WriteString(w, "done")
	return err
}

func TestHeartbeat(t *testing.T) {
	old := beatEvery
	beatEvery = 10 * time.Millisecond
	defer func() { beatEvery = old }()
	db, h := setup(t, 1)
	startServer(t, db, slow{h})
	var buf bytes.Buffer
	if err := dialT(t, db).Stats(&buf); err != nil || buf.String() != "done" {
		t.Fatalf("%v %q", err, buf.String())
	}
}

// endless writes until its connection is cut.
type endless struct{ storeHandler }

func (endless) Backup(w io.Writer) error {
	chunk := make([]byte, 32<<10)
	for {
		if _, err := w.Write(chunk); err != nil {
			return err
		}
	}
}

// stop does not wait for a client that stopped reading: `run` must shut
// down within seconds.
func TestStopCutsStuckClient(t *testing.T) {
	db, h := setup(t, 1)
	stop := startServer(t, db, endless{h})
	conn, err := net.Dial("unix", SocketPath(db))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	writeLine(conn, request{Op: OpBackup})
	time.Sleep(100 * time.Millisecond) // the server fills the socket buffer and blocks
	done := make(chan struct{})
	go func() { stop(); close(done) }()
	select {
	case <-done:
	case <-time.After(3 * time.Second):
		t.Fatal("stop waited for a stuck client")
	}
}

func TestBadRequest(t *testing.T) {
	db, h := setup(t, 1)
	startServer(t, db, h)
	for _, req := range []string{"not json\n", `{"op":"drop"}` + "\n"} {
		conn, err := net.Dial("unix", SocketPath(db))
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(conn, req)
		b, _ := io.ReadAll(conn)
		conn.Close()
		if !strings.HasPrefix(string(b), `{"ok":false,"error":`) {
			t.Errorf("%q: answer %q", req, b)
		}
	}
}

// A process that holds the socket but never answers (stopped with SIGSTOP,
// hung) must fail the command within seconds, not after the idle timeout.
func TestSilentServerFailsFast(t *testing.T) {
	db := filepath.Join(t.TempDir(), "s.db")
	ln, err := net.Listen("unix", SocketPath(db))
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			defer c.Close() // hold it open, say nothing
		}
	}()
	c, err := Dial(db)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	err = c.Stats(io.Discard)
	if err == nil {
		t.Fatal("a silent server gave no error")
	}
	if d := time.Since(start); d > requestTimeout+2*time.Second {
		t.Errorf("took %v to give up", d)
	}
}
