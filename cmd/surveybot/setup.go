package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"os/user"
	"strings"
	"time"

	"github.com/uclg-mewa/surveybot/conversation"
	"github.com/uclg-mewa/surveybot/conversation/builtin"
	"github.com/uclg-mewa/surveybot/messages"
	"github.com/uclg-mewa/surveybot/storage"
)

// loadSurvey reads the survey file, or the built-in one when path is "".
// Problems are reported as FILE:LINE:COL: message.
func loadSurvey(path string) (*conversation.Survey, error) {
	if path == "" {
		return builtin.Survey()
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read survey file: %w", err)
	}
	sv, err := conversation.Load(data)
	if err != nil {
		return nil, &exitError{code: 1, msg: "survey file " + path + " has problems:\n" + problemLines(path, err)}
	}
	return sv, nil
}

// problemLines prefixes each problem with the file name.
func problemLines(path string, err error) string {
	var ps conversation.Problems
	if !errors.As(err, &ps) {
		return path + ": " + err.Error()
	}
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = path + ":" + p.String()
	}
	return strings.Join(lines, "\n")
}

func newEngine(sv *conversation.Survey) *conversation.Engine {
	return &conversation.Engine{Survey: sv, Vocab: messages.Vocabulary()}
}

// openStore opens the database, failing within a few seconds when another
// process holds it, and refusing a damaged file (see checkInChild).
func openStore(path string, readOnly bool) (*storage.Store, error) {
	if err := checkInChild(path); err != nil {
		return nil, err
	}
	st, err := storage.Open(path, storage.Options{LockTimeout: 3 * time.Second, ReadOnly: readOnly})
	if err != nil {
		return nil, &exitError{code: 1, msg: err.Error()}
	}
	return st, nil
}

// checkDamage is off in this package's in-process tests, whose executable
// is the test binary, not surveybot; the tests that run the built binary
// exercise the check.
var checkDamage = true

// checkDBCommand is the hidden command that checks a database file.
const checkDBCommand = "check-db"

// checkInChild runs bbolt's consistency check on an existing database in
// a child process. On some damaged files bbolt faults or loops in its own
// goroutines, where no recover reaches; in a child that costs the child,
// and the operator gets a sentence instead of a crash (or, under `run`, a
// crash at every restart).
func checkInChild(path string) error {
	if !checkDamage {
		return nil
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Size() == 0 || !fi.Mode().IsRegular() {
		return nil // a new file, or an error Open explains better
	}
	exe, err := os.Executable()
	if err != nil {
		return nil
	}
	budget := 10*time.Second + time.Duration(fi.Size()/(20<<20))*time.Second
	ctx, cancel := context.WithTimeout(context.Background(), budget)
	defer cancel()
	var out bytes.Buffer
	cmd := exec.CommandContext(ctx, exe, checkDBCommand, "--db", path)
	cmd.Stdout, cmd.Stderr = &out, &out
	err = cmd.Run()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return nil
	case ctx.Err() != nil:
		return &exitError{code: 1, msg: fmt.Sprintf("database %s is damaged: its consistency check did not finish in %v; move it away and restore a copy made with `surveybot backup`", path, budget)}
	case errors.As(err, &ee) && ee.ExitCode() == checkDBLocked:
		return &exitError{code: 1, msg: strings.TrimPrefix(strings.TrimSpace(out.String()), "surveybot: ")}
	case errors.As(err, &ee) && ee.ExitCode() == checkDBDamaged:
		return &exitError{code: 1, msg: strings.TrimPrefix(strings.TrimSpace(out.String()), "surveybot: ")}
	}
	return &exitError{code: 1, msg: fmt.Sprintf("database %s is damaged (its check crashed); move it away and restore a copy made with `surveybot backup`", path)}
}

// Exit codes of the hidden check-db command.
const (
	checkDBDamaged = 3
	checkDBLocked  = 4
)

// cmdCheckDB opens the database read-only and runs bbolt's check.
func cmdCheckDB(_ context.Context, env *cliEnv, args []string) error {
	fs, c := env.flags(checkDBCommand)
	if _, err := parse(fs, args); err != nil {
		return err
	}
	st, err := storage.Open(c.db, storage.Options{LockTimeout: 3 * time.Second, ReadOnly: true})
	if errors.Is(err, storage.ErrLocked) {
		return &exitError{code: checkDBLocked, msg: err.Error()}
	}
	if err != nil {
		return &exitError{code: checkDBDamaged, msg: err.Error()}
	}
	defer st.Close()
	if err := st.Check(); err != nil {
		detail := strings.TrimPrefix(err.Error(), "database "+c.db+": ")
		return &exitError{code: checkDBDamaged, msg: fmt.Sprintf("database %s is damaged (%s); move it away and restore a copy made with `surveybot backup`", c.db, detail)}
	}
	return nil
}

func newLogger(env *cliEnv) *slog.Logger {
	return slog.New(slog.NewTextHandler(env.stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
}

// osUser is the default console respondent name.
func osUser() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	if n := os.Getenv("USER"); n != "" {
		return n
	}
	return "local"
}
