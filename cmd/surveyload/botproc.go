package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// surveybotPkg is built when no --bot-cmd is given.
const surveybotPkg = "github.com/uclg-mewa/surveybot/cmd/surveybot"

// buildBot builds surveybot into dir and returns the binary's path.
func buildBot(ctx context.Context, dir string) (string, error) {
	bin := filepath.Join(dir, "surveybot")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, surveybotPkg)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("go build %s (run surveyload inside the surveybot module, or pass --bot-cmd): %v\n%s", surveybotPkg, err, out.String())
	}
	return bin, nil
}

// botEnv is the environment of the bot: ours without any surveybot,
// Telegram or WhatsApp settings, plus the fake server's.
func botEnv(api *fakeAPI) []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "TELEGRAM_") || strings.HasPrefix(k, "SURVEYBOT_") || strings.HasPrefix(k, "WHATSAPP_") {
			continue
		}
		env = append(env, kv)
	}
	return append(env,
		"TELEGRAM_BOT_TOKEN="+api.token,
		"TELEGRAM_API_URL="+api.url,
		"SURVEYBOT_TELEGRAM_RATE=0",
		"SURVEYBOT_TELEGRAM_CHAT_RATE=0", // for binaries built before the RATE=0 fix
	)
}

// botProc is one run of the bot.
type botProc struct {
	cmd     *exec.Cmd
	started time.Time
	exited  chan struct{}
	err     error // of Wait, after exited is closed
}

func startBot(argv []string, env []string, log io.Writer) (*botProc, error) {
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = log, log
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL} // never outlive the tool
	b := &botProc{cmd: cmd, exited: make(chan struct{})}
	b.started = time.Now()
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	go func() {
		b.err = cmd.Wait()
		close(b.exited)
	}()
	return b, nil
}

func (b *botProc) pid() int { return b.cmd.Process.Pid }

// procStatus reads one "Key:   value kB" line of /proc/PID/status, in kB.
func (b *botProc) procStatus(key string) int64 {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", b.pid()))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, key+":"); ok {
			f := strings.Fields(v)
			if len(f) > 0 {
				n, _ := strconv.ParseInt(f[0], 10, 64)
				return n
			}
		}
	}
	return 0
}

// rss returns the resident anonymous memory (heap, stacks) and the
// resident file-backed memory (mostly the database's mmap), in bytes.
func (b *botProc) rss() (anon, file int64) {
	return b.procStatus("RssAnon") * 1024, b.procStatus("RssFile") * 1024
}

// peakRSS is the process's peak resident set (VmHWM), in bytes.
func (b *botProc) peakRSS() int64 { return b.procStatus("VmHWM") * 1024 }

// cpu is the CPU time the process used so far (user + system).
func (b *botProc) cpu() time.Duration {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", b.pid()))
	if err != nil {
		return 0
	}
	s := string(data)
	if i := strings.LastIndexByte(s, ')'); i >= 0 {
		s = s[i+1:]
	}
	f := strings.Fields(s)
	if len(f) < 13 {
		return 0
	}
	// Fields after the command: state(0) ... utime(11) stime(12), in ticks.
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(ut+st) * time.Second / 100
}

// kill sends SIGKILL and waits for the process to be gone.
func (b *botProc) kill() {
	_ = b.cmd.Process.Signal(syscall.SIGKILL)
	<-b.exited
}

// stop sends SIGTERM and waits up to limit; it kills the process if it
// does not stop in time. It returns how long stopping took and the exit
// code (-1: killed or crashed).
func (b *botProc) stop(limit time.Duration) (time.Duration, int) {
	start := time.Now()
	_ = b.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-b.exited:
	case <-time.After(limit):
		b.kill()
		return time.Since(start), -1
	}
	d := time.Since(start)
	if b.err == nil {
		return d, 0
	}
	var ee *exec.ExitError
	if errors.As(b.err, &ee) {
		return d, ee.ExitCode()
	}
	return d, -1
}
