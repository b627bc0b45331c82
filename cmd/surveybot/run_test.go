package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/uclg-mewa/surveybot/bot/telegram/telegramtest"
	"github.com/uclg-mewa/surveybot/conversation/builtin"
	"github.com/uclg-mewa/surveybot/storage"
)

func TestRunWithoutChannelExplains(t *testing.T) {
	_, errOut, code := runBin(t, "", "run", "--db", filepath.Join(t.TempDir(), "x.db"))
	if code == 0 || !strings.Contains(errOut, "TELEGRAM_BOT_TOKEN") {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
}

// startRun starts `surveybot run` against the fake Bot API.
func startRun(t *testing.T, srv *telegramtest.Server, db string) (*exec.Cmd, *bytes.Buffer) {
	t.Helper()
	cmd := exec.Command(binPath, "run", "--db", db)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "TELEGRAM_BOT_TOKEN=" + srv.Token(), "TELEGRAM_API_URL=" + srv.URL()}
	var logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd, &logs
}

func TestRunRefusedTokenExitsClearly(t *testing.T) {
	srv := telegramtest.New()
	defer srv.Close()
	srv.SetTokenValid(false)
	cmd, logs := startRun(t, srv, filepath.Join(t.TempDir(), "x.db"))
	err := cmd.Wait()
	if err == nil {
		t.Fatal("run with a refused token exited 0")
	}
	if !strings.Contains(logs.String(), "401") || strings.Contains(logs.String(), srv.Token()) {
		t.Errorf("output must explain the 401 without the token:\n%s", logs)
	}
}

// A respondent answers through `surveybot run`; SIGKILL in the middle,
// restart, and the survey continues where it was with nothing lost; SIGTERM
// then stops the process cleanly within 5 s with exit 0.
func TestRunSurvivesKillAndStopsOnSigterm(t *testing.T) {
	srv := telegramtest.New()
	defer srv.Close()
	db := filepath.Join(t.TempDir(), "s.db")
	const user = 4242
	cmd, logs := startRun(t, srv, db)
	srv.SendText(user, "/start")
	waitText(t, srv, user, "Choose your language", logs)
	srv.SendText(user, "English")
	waitText(t, srv, user, "municipality", logs)
	srv.SendText(user, "Karsiyaka")
	waitText(t, srv, user, "country", logs)

	cmd.Process.Kill()
	cmd.Wait()
	cmd, logs = startRun(t, srv, db)
	srv.SendText(user, "Turkey")
	waitText(t, srv, user, "full name", logs)

	start := time.Now()
	cmd.Process.Signal(syscall.SIGTERM)
	if err := cmd.Wait(); err != nil {
		t.Errorf("run after SIGTERM: %v\n%s", err, logs)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("stopping took %v", d)
	}
	st, err := storage.Open(db, storage.Options{LockTimeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	sv, _ := builtin.Survey()
	state, ok, err := st.Load(sv.ID, "telegram:4242")
	if err != nil || !ok {
		t.Fatalf("no state: %v", err)
	}
	if state.Answers["municipality"].Value != "Karsiyaka" || state.Answers["country"].Value != "Turkey" {
		t.Errorf("answers after kill and restart: %+v", state.Answers)
	}
	if err := st.Check(); err != nil {
		t.Errorf("database check: %v", err)
	}
}

// waitText waits until the user's last message contains want.
func waitText(t *testing.T, srv *telegramtest.Server, user int64, want string, logs *bytes.Buffer) {
	t.Helper()
	ok := srv.WaitFor(func() bool {
		m, found := srv.LastMessage(user)
		return found && strings.Contains(m.Text, want)
	}, 10*time.Second)
	if !ok {
		m, _ := srv.LastMessage(user)
		t.Fatalf("no message containing %q; last: %q\nlogs:\n%s", want, m.Text, logs)
	}
}

// A coordinator configured in the environment gets /results from the
// running bot; anyone else gets the ordinary help.
func TestRunCoordinatorResults(t *testing.T) {
	srv := telegramtest.New()
	defer srv.Close()
	db := filepath.Join(t.TempDir(), "s.db")
	cmd := exec.Command(binPath, "run", "--db", db)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "TELEGRAM_BOT_TOKEN=" + srv.Token(), "TELEGRAM_API_URL=" + srv.URL(),
		"SURVEYBOT_COORDINATORS=telegram:77"}
	var logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cmd.Process.Signal(syscall.SIGTERM); cmd.Wait() }()
	srv.SendText(5, "/start")
	waitText(t, srv, 5, "Choose your language", &logs)
	srv.SendText(77, "/results")
	ok := srv.WaitFor(func() bool {
		m, found := srv.LastMessage(77)
		return found && strings.Contains(m.Text, "q1_new_tech")
	}, 10*time.Second)
	if !ok {
		m, _ := srv.LastMessage(77)
		t.Fatalf("coordinator got %q\n%s", m.Text, logs.String())
	}
	srv.SendText(5, "/results")
	ok = srv.WaitFor(func() bool {
		m, found := srv.LastMessage(5)
		return found && strings.Contains(m.Text, "/restart")
	}, 10*time.Second)
	if m, _ := srv.LastMessage(5); !ok || strings.Contains(m.Text, "q1_new_tech") {
		t.Errorf("a respondent's /results got %q, want the help text", m.Text)
	}
}
