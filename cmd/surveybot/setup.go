package main

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
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
		return nil, &exitError{code: 1, msg: fmt.Sprintf("cannot read survey file: %v", err)}
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
// process holds it.
func openStore(path string, readOnly bool) (*storage.Store, error) {
	st, err := storage.Open(path, storage.Options{LockTimeout: 3 * time.Second, ReadOnly: readOnly})
	if err != nil {
		return nil, &exitError{code: 1, msg: err.Error()}
	}
	return st, nil
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
