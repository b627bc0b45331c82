package main

// Security checks on the real binary (the issue "Prove it under load and
// faults", item 4): the token never shows in its output, whatever fails;
// the database, the socket and export files are 0600 even with umask 0;
// coordinator commands tell nobody else anything. Library-level checks are
// in bot/telegram/security_test.go; YAML bombs in conversation's
// TestLoadRefusesBombs.

import (
	"bytes"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/uclg-mewa/surveybot/bot/telegram/telegramtest"
	"github.com/uclg-mewa/surveybot/storage/opsock"
)

// syncBuffer collects a process's output written from two pipes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// startBot runs `surveybot run` with the token and API URL given and the
// extra environment; stdout and stderr go to one buffer.
func startBot(t *testing.T, token, apiURL, db string, extra ...string) (*exec.Cmd, *syncBuffer) {
	t.Helper()
	cmd := exec.Command(binPath, "run", "--db", db)
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), "TELEGRAM_BOT_TOKEN=" + token, "TELEGRAM_API_URL=" + apiURL}, extra...)
	out := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	return cmd, out
}

// stopBot sends SIGTERM (if still running) and waits up to 6 s.
func stopBot(t *testing.T, cmd *exec.Cmd) {
	t.Helper()
	_ = cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(6 * time.Second):
		t.Error("surveybot did not stop within 6 s of SIGTERM")
		_ = cmd.Process.Kill()
		<-done
	}
}

// noToken fails if the token, its secret half or the /bot<id>: URL part
// shows in out.
func noToken(t *testing.T, token, out string) {
	t.Helper()
	id, secret, _ := strings.Cut(token, ":")
	for _, s := range []string{token, secret, "bot" + id + ":"} {
		if strings.Contains(out, s) {
			t.Errorf("output contains %q:\n%s", s, out)
			return
		}
	}
}

// hangingAPI accepts requests and never answers them.
func hangingAPI(t *testing.T) string {
	quit := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		select {
		case <-r.Context().Done():
		case <-quit:
		}
	}))
	t.Cleanup(func() { close(quit); srv.Close() })
	return srv.URL
}

// closedPort is a local address nothing listens on.
func closedPort(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return "http://" + addr
}

// TestRunNeverPrintsToken: start-up against a Bot API that refuses the
// token (401), does not know it (404), fails (500), cannot be reached, or
// never answers; and a running bot whose sends and polls fail in all
// those ways. stdout and stderr never hold the token.
func TestRunNeverPrintsToken(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the binary for about 15 s")
	}
	const fakeToken = "123456789:AAE-secretPartOfTheTokenXYZ_0123456789ab"
	startCases := []struct {
		name string
		api  func(t *testing.T) (url, token string)
	}{
		{"401", func(t *testing.T) (string, string) {
			srv := telegramtest.New()
			t.Cleanup(srv.Close)
			srv.SetTokenValid(false)
			return srv.URL(), srv.Token()
		}},
		{"404", func(t *testing.T) (string, string) {
			srv := telegramtest.New()
			t.Cleanup(srv.Close)
			srv.FailNext("getMe", 404, 0)
			return srv.URL(), srv.Token()
		}},
		{"500", func(t *testing.T) (string, string) {
			srv := telegramtest.New()
			t.Cleanup(srv.Close)
			for range 50 {
				srv.FailNext("getMe", 500, 0)
			}
			return srv.URL(), srv.Token()
		}},
		{"refused", func(t *testing.T) (string, string) { return closedPort(t), fakeToken }},
		{"timeout", func(t *testing.T) (string, string) { return hangingAPI(t), fakeToken }},
	}
	for _, c := range startCases {
		t.Run("start/"+c.name, func(t *testing.T) {
			t.Parallel()
			url, token := c.api(t)
			cmd, out := startBot(t, token, url, filepath.Join(t.TempDir(), "s.db"))
			done := make(chan struct{})
			go func() { _ = cmd.Wait(); close(done) }()
			select {
			case <-done:
			case <-time.After(2500 * time.Millisecond):
				_ = cmd.Process.Signal(syscall.SIGTERM)
				<-done
			}
			if out.String() == "" {
				t.Error("nothing said about the failure")
			}
			noToken(t, token, out.String())
		})
	}

	t.Run("running", func(t *testing.T) {
		t.Parallel()
		srv := telegramtest.New()
		defer srv.Close()
		cmd, out := startBot(t, srv.Token(), srv.URL(), filepath.Join(t.TempDir(), "s.db"))
		const user = 5150
		srv.SendText(user, "/start")
		if !srv.WaitFor(func() bool { return len(srv.Messages(user)) > 0 }, 10*time.Second) {
			t.Fatalf("no reply:\n%s", out)
		}
		for _, f := range []struct {
			method string
			code   int
		}{{"sendMessage", 500}, {"sendMessage", 502}, {"editMessageText", 500}, {"answerCallbackQuery", 500},
			{"getUpdates", 500}, {"getUpdates", 404}, {"getUpdates", 409}, {"sendMessage", 404}} {
			srv.FailNext(f.method, f.code, 0)
		}
		srv.SendText(user, "English")
		time.Sleep(1500 * time.Millisecond)
		srv.Block(user)
		srv.SendText(user, "Karsiyaka") // the reply meets 403
		time.Sleep(1000 * time.Millisecond)
		srv.SetTokenValid(false) // revoked while running: 401 on every poll
		time.Sleep(1500 * time.Millisecond)
		srv.Close() // and then the server is gone: refused connections
		time.Sleep(1500 * time.Millisecond)
		stopBot(t, cmd)
		if !strings.Contains(out.String(), "level=WARN") {
			t.Errorf("no failure logged:\n%s", out)
		}
		noToken(t, srv.Token(), out.String())
	})
}

// TestFilesArePrivate: with umask 0, the database, the export socket, and
// the files of export and backup (through the running bot, and from the
// stopped bot's database) are all mode 0600.
func TestFilesArePrivate(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the binary")
	}
	old := syscall.Umask(0)
	defer syscall.Umask(old)
	dir := t.TempDir()
	db := filepath.Join(dir, "s.db")
	srv := telegramtest.New()
	defer srv.Close()
	cmd, out := startBot(t, srv.Token(), srv.URL(), db)
	srv.SendText(6001, "/start")
	if !srv.WaitFor(func() bool { return len(srv.Messages(6001)) > 0 }, 10*time.Second) {
		t.Fatalf("no reply:\n%s", out)
	}
	sock := opsock.SocketPath(db)
	if !srv.WaitFor(func() bool { _, err := os.Stat(sock); return err == nil }, 5*time.Second) {
		t.Fatalf("no socket at %s:\n%s", sock, out)
	}
	mode := func(path string) string {
		fi, err := os.Stat(path)
		if err != nil {
			t.Errorf("%s: %v", path, err)
			return ""
		}
		return fi.Mode().Perm().String()
	}
	files := map[string]string{"database": db, "socket": sock}
	for _, f := range []string{"csv", "xlsx", "json"} {
		p := filepath.Join(dir, "live."+f)
		if _, errOut, code := runBin(t, "", "export", "--db", db, "--format", f, "--out", p); code != 0 {
			t.Fatalf("export %s through the running bot: exit %d: %s", f, code, errOut)
		}
		files["export "+f+" (running)"] = p
	}
	backup := filepath.Join(dir, "live.backup")
	if _, errOut, code := runBin(t, "", "backup", "--db", db, "--out", backup); code != 0 {
		t.Fatalf("backup: exit %d: %s", code, errOut)
	}
	files["backup (running)"] = backup
	for name, p := range files {
		if m := mode(p); m != "-rw-------" && !(name == "socket" && m == "srw-------") {
			t.Errorf("%s %s: mode %s, want 0600", name, p, m)
		}
	}
	stopBot(t, cmd)
	p := filepath.Join(dir, "stopped.csv")
	if _, errOut, code := runBin(t, "", "export", "--db", db, "--format", "csv", "--out", p); code != 0 {
		t.Fatalf("export after stop: exit %d: %s", code, errOut)
	}
	if m := mode(p); m != "-rw-------" {
		t.Errorf("export after stop: mode %s", m)
	}
	if m := mode(db); m != "-rw-------" {
		t.Errorf("database after stop: mode %s", m)
	}
}

// TestCoordinatorCommandsRefuseOthers: with SURVEYBOT_COORDINATORS set,
// a respondent who is not a coordinator sending each coordinator command
// (and tapping a coordinator's button) gets the ordinary help, never a file
// or a picture, and nothing about the other respondents; the coordinator
// gets the real thing (so the refusal is not a broken feature).
func TestCoordinatorCommandsRefuseOthers(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the binary")
	}
	srv := telegramtest.New()
	defer srv.Close()
	const coordinator, respondentID, outsider = 9001, 9002, 9003
	cmd, out := startBot(t, srv.Token(), srv.URL(), filepath.Join(t.TempDir(), "s.db"),
		"SURVEYBOT_COORDINATORS=telegram:9001")
	defer stopBot(t, cmd)
	waitLast := func(user int64, want string) {
		t.Helper()
		if !srv.WaitFor(func() bool {
			m, ok := srv.LastMessage(user)
			return ok && strings.Contains(m.Text, want)
		}, 10*time.Second) {
			m, _ := srv.LastMessage(user)
			t.Fatalf("user %d: no message with %q; last %q\n%s", user, want, m.Text, out)
		}
	}
	for _, u := range []int64{coordinator, respondentID, outsider} {
		srv.SetLanguage(u, "en")
	}
	// Someone answers, so there is something to leak.
	srv.SendText(respondentID, "/start")
	waitLast(respondentID, "Choose your language")
	srv.SendText(respondentID, "English")
	waitLast(respondentID, "municipality")
	srv.SendText(respondentID, "Secretville")
	waitLast(respondentID, "country")

	help := "/back goes to the previous question"
	for _, command := range []string{"/results", "/export csv", "/export json all", "/export xlsx", "/chart q1_new_tech",
		"/respondents", "/respondents 2", "/remind", "/invite spies"} {
		before := len(srv.Messages(outsider))
		srv.SendText(outsider, command)
		if !srv.WaitFor(func() bool { return len(srv.Messages(outsider)) > before }, 10*time.Second) {
			t.Fatalf("%s: no answer\n%s", command, out)
		}
		time.Sleep(100 * time.Millisecond) // anything more it would send
		for _, m := range srv.Messages(outsider)[before:] {
			if m.Document != nil || m.Photo != nil {
				t.Errorf("%s: a file was sent to a non-coordinator", command)
			}
			if strings.Contains(m.Text, "Secretville") || strings.Contains(m.Text, "9002") {
				t.Errorf("%s: the answer tells about another respondent: %q", command, m.Text)
			}
		}
		if last, _ := srv.LastMessage(outsider); !strings.Contains(last.Text, help) {
			t.Errorf("%s: answered %q, want the ordinary help", command, last.Text)
		}
	}
	id := srv.Tap(outsider, 1, "co:resp:2")
	if !srv.WaitConfirmed(id, 10*time.Second) {
		t.Fatal("coordinator button tap not handled")
	}
	if text, _ := srv.CallbackAnswer(id); strings.Contains(text, "Secretville") {
		t.Errorf("a forged coordinator button answered %q", text)
	}
	if n := len(srv.Calls("sendDocument")) + len(srv.Calls("sendPhoto")); n != 0 {
		t.Errorf("%d files sent before the coordinator asked", n)
	}

	// The coordinator is served.
	srv.SendText(coordinator, "/export csv")
	if !srv.WaitFor(func() bool { return len(srv.Calls("sendDocument")) > 0 }, 10*time.Second) {
		t.Fatalf("the coordinator got no export\n%s", out)
	}
	doc := srv.Calls("sendDocument")[0]
	if doc.Params.Get("chat_id") != "9001" || !bytes.Contains(doc.Files["document"].Bytes, []byte("Secretville")) {
		t.Errorf("the coordinator's export went to %s and holds %d bytes", doc.Params.Get("chat_id"), len(doc.Files["document"].Bytes))
	}
}
