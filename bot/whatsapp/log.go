package whatsapp

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"regexp"

	waLog "go.mau.fi/whatsmeow/util/log"
)

// longDigits matches phone numbers and LIDs (and anything else as long):
// they never reach a log line or an error (rule 6).
var longDigits = regexp.MustCompile(`[0-9]{6,}`)

// redact hides every long run of digits but its last two.
func redact(s string) string {
	return longDigits.ReplaceAllStringFunc(s, func(d string) string { return "…" + d[len(d)-2:] })
}

// logID names a respondent in logs by a short hash: stable enough to
// follow one person through the log, without the number.
func logID(respondent string) string {
	sum := sha256.Sum256([]byte(respondent))
	return "wa#" + hex.EncodeToString(sum[:4])
}

// waLogger passes whatsmeow's log to slog, redacted. whatsmeow's Info is
// chatty (every receipt, every sync), so it goes to Debug.
type waLogger struct {
	l      *slog.Logger
	module string
}

func newWALogger(l *slog.Logger) waLog.Logger {
	if l == nil {
		l = slog.New(slog.DiscardHandler)
	}
	return &waLogger{l: l, module: "whatsmeow"}
}

func (w *waLogger) log(level slog.Level, msg string, args []any) {
	if !w.l.Enabled(context.Background(), level) {
		return
	}
	w.l.Log(context.Background(), level, redact(fmt.Sprintf(msg, args...)), "module", w.module)
}

func (w *waLogger) Errorf(msg string, args ...any) { w.log(slog.LevelError, msg, args) }
func (w *waLogger) Warnf(msg string, args ...any)  { w.log(slog.LevelWarn, msg, args) }
func (w *waLogger) Infof(msg string, args ...any)  { w.log(slog.LevelDebug, msg, args) }
func (w *waLogger) Debugf(msg string, args ...any) { w.log(slog.LevelDebug-4, msg, args) }
func (w *waLogger) Sub(module string) waLog.Logger {
	return &waLogger{l: w.l, module: w.module + "/" + module}
}
