package telegram

import (
	"strings"
	"testing"
	"unicode"
)

// FuzzParseCommand: a message is a command only when it starts with "/"
// and a name; the name comes back lower-case, one word, and the argument
// trimmed.
func FuzzParseCommand(f *testing.F) {
	for _, s := range []string{"/start", "/start@SurveyBot city-42", "/HELP", "/", "/ back", "hello", " /skip ", "/@bot", "/تخطي x", "/back\u00a0now"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		name, at, arg, ok := parseCommand(text)
		if !ok {
			if name != "" || at != "" || arg != "" {
				t.Fatalf("%q: not a command, yet %q %q %q", text, name, at, arg)
			}
			return
		}
		if !strings.HasPrefix(strings.TrimSpace(text), "/") {
			t.Fatalf("%q: a command without a slash", text)
		}
		if name == "" || name != strings.ToLower(name) || strings.IndexFunc(name, unicode.IsSpace) >= 0 || strings.Contains(name, "@") {
			t.Fatalf("%q: name %q", text, name)
		}
		if arg != strings.TrimSpace(arg) || strings.IndexFunc(at, unicode.IsSpace) >= 0 {
			t.Fatalf("%q: at %q, arg %q", text, at, arg)
		}
	})
}
