package bot_test

import (
	"strings"
	"testing"
	"unicode"

	"github.com/uclg-mewa/surveybot/bot"
	"github.com/uclg-mewa/surveybot/conversation"
)

func TestParseCommand(t *testing.T) {
	cases := []struct {
		text, name, at, arg string
		ok                  bool
	}{
		{"/start", "start", "", "", true},
		{"/START payload_1", "start", "", "payload_1", true},
		{"/help@SmartCities_Test_Bot", "help", "SmartCities_Test_Bot", "", true},
		{"/back@bot\n", "back", "bot", "", true},
		{"/", "", "", "", false},
		{"hello /start", "", "", "", false},
		{"/ start", "", "", "", false},
	}
	for _, c := range cases {
		name, at, arg, ok := bot.ParseCommand(c.text)
		if name != c.name || at != c.at || arg != c.arg || ok != c.ok {
			t.Errorf("ParseCommand(%q) = %q %q %q %v", c.text, name, at, arg, ok)
		}
	}
}

func TestTextEvent(t *testing.T) {
	cases := map[string]conversation.Event{
		"/start ref_42":   {Kind: conversation.EventCommand, Command: "start", Arg: "ref_42"},
		" /Back":          {Kind: conversation.EventCommand, Command: "back"},
		"/skip\nplease":   {Kind: conversation.EventCommand, Command: "skip", Arg: "please"},
		"1,3":             {Kind: conversation.EventText, Text: "1,3"},
		"/":               {Kind: conversation.EventText, Text: "/"},
		"  نعم  ":         {Kind: conversation.EventText, Text: "  نعم  "},
		"and/or":          {Kind: conversation.EventText, Text: "and/or"},
		"/ leading slash": {Kind: conversation.EventText, Text: "/ leading slash"},
	}
	for in, want := range cases {
		if got := bot.TextEvent(in); got != want {
			t.Errorf("TextEvent(%q) = %+v, want %+v", in, got, want)
		}
	}
}

// FuzzTextEvent: typed text is a command only when it starts with "/" and
// a name, which comes back lower case, one word, without "@bot", with the
// argument trimmed; anything else is the text exactly as typed. ("/ back"
// was once read by the terminal as a command without a name.)
func FuzzTextEvent(f *testing.F) {
	for _, s := range []string{"/start", "/start@SurveyBot city-42", "/HELP me", "/", "/ back", "hello", " /skip ", "/@bot", "/تخطي x", "/back\u00a0now", "/back\t2", "1,3\r"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		name, at, arg, ok := bot.ParseCommand(text)
		ev := bot.TextEvent(text)
		if !ok {
			if name != "" || at != "" || arg != "" {
				t.Fatalf("%q: not a command, yet %q %q %q", text, name, at, arg)
			}
			if ev.Kind != conversation.EventText || ev.Text != text {
				t.Fatalf("%q: event %+v, want the text as typed", text, ev)
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
		if ev.Kind != conversation.EventCommand || ev.Command != name || ev.Arg != arg {
			t.Fatalf("%q: event %+v, want command %q %q", text, ev, name, arg)
		}
	})
}
