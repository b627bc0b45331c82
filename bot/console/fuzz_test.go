package console_test

import (
	"strings"
	"testing"
	"unicode"

	"github.com/uclg-mewa/surveybot/bot/console"
	"github.com/uclg-mewa/surveybot/conversation"
)

// FuzzParseLine: a typed line is either a command with a non-empty,
// lower-case, one-word name, or the line itself as text.
func FuzzParseLine(f *testing.F) {
	for _, s := range []string{"/start", "/HELP me", "hello", "", "/", "/ back", " /skip ", "/تخطي", "1,3\r", "/back\t2"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		ev := console.ParseLine(line)
		switch ev.Kind {
		case conversation.EventCommand:
			if ev.Command == "" || ev.Command != strings.ToLower(ev.Command) || strings.IndexFunc(ev.Command, unicode.IsSpace) >= 0 {
				t.Fatalf("%q: command %q", line, ev.Command)
			}
			if ev.Arg != strings.TrimSpace(ev.Arg) {
				t.Fatalf("%q: arg %q not trimmed", line, ev.Arg)
			}
		case conversation.EventText:
			if ev.Text != strings.TrimRight(line, "\r") {
				t.Fatalf("%q: text %q", line, ev.Text)
			}
		default:
			t.Fatalf("%q: event kind %v", line, ev.Kind)
		}
	})
}
