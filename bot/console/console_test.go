package console_test

import (
	"bytes"
	"context"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/uclg-mewa/surveybot/bot"
	"github.com/uclg-mewa/surveybot/bot/console"
	"github.com/uclg-mewa/surveybot/conversation"
	"github.com/uclg-mewa/surveybot/conversation/builtin"
	"github.com/uclg-mewa/surveybot/messages"
	"github.com/uclg-mewa/surveybot/storage"
)

func newDispatcher(t *testing.T) *bot.Dispatcher {
	t.Helper()
	sv, _ := builtin.Survey()
	st, err := storage.Open(filepath.Join(t.TempDir(), "c.db"), storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return bot.NewDispatcher(&conversation.Engine{Survey: sv, Vocab: messages.Vocabulary()}, st, nil)
}

// Ctrl-C (a cancelled context) ends the chat at once, even while it waits
// for a line, says that the answers are saved, and keeps them.
func TestCancelWhileWaiting(t *testing.T) {
	d := newDispatcher(t)
	pr, pw := io.Pipe()
	defer pw.Close()
	var out bytes.Buffer
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- console.Run(ctx, d, "ali", pr, &out) }()
	pw.Write([]byte("2\nIzmir\n"))
	deadline := time.Now().Add(5 * time.Second)
	for {
		if st, ok, _ := d.State("console:ali"); ok && st.Answers["municipality"].Value == "Izmir" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("answer not stored")
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel() // no more input is coming: Run must not wait for it
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("Run did not return after cancel")
	}
	if !strings.Contains(out.String(), messages.Get("en", "console.bye")) {
		t.Errorf("no goodbye in English:\n%s", out.String())
	}
}

// The terminal speaks of typing, numbers options, and names the words to
// type for Done.
func TestTextOnlyScreen(t *testing.T) {
	d := newDispatcher(t)
	var out bytes.Buffer
	in := strings.NewReader("2\nIzmir\nTR\nA\n/skip\n/skip\nyes\nyes\nyes\nyes\nyes\n!\n")
	if err := console.Run(context.Background(), d, "b", in, &out); err != nil {
		t.Fatal(err)
	}
	screen := out.String()
	for _, want := range []string{
		"  1. العربية", // the language menu uses Western digits for everyone
		"  1. Basic computer skills",
		"  → Done",
		messages.Get("en", "question.choose_many_hint.typed"),
		messages.Get("en", "notice.choose_several.typed", "count", "6"),
	} {
		if !strings.Contains(screen, want) {
			t.Errorf("screen lacks %q:\n%s", want, screen)
		}
	}
	if strings.Contains(screen, "tap") {
		t.Errorf("the terminal talks about tapping:\n%s", screen)
	}
}

func TestParseLine(t *testing.T) {
	cases := map[string]conversation.Event{
		"/BACK":           {Kind: conversation.EventCommand, Command: "back"},
		"/start city-7  ": {Kind: conversation.EventCommand, Command: "start", Arg: "city-7"},
		"  /help":         {Kind: conversation.EventCommand, Command: "help"},
		"/":               {Kind: conversation.EventText, Text: "/"},
		"yes\r":           {Kind: conversation.EventText, Text: "yes"},
		"a/b":             {Kind: conversation.EventText, Text: "a/b"},
		"/ back":          {Kind: conversation.EventText, Text: "/ back"}, // found by FuzzTextEvent
		"/back\tnow\r":    {Kind: conversation.EventCommand, Command: "back", Arg: "now"},
	}
	for in, want := range cases {
		if got := console.ParseLine(in); got != want {
			t.Errorf("ParseLine(%q) = %+v, want %+v", in, got, want)
		}
	}
}

// A line of several megabytes is refused as too long, and the session
// goes on (it used to end with "token too long").
func TestHugeLine(t *testing.T) {
	d := newDispatcher(t)
	var out bytes.Buffer
	in := strings.NewReader("2\n" + strings.Repeat("x", 3<<20) + "\nIzmir\n")
	if err := console.Run(context.Background(), d, "h", in, &out); err != nil {
		t.Fatal(err)
	}
	st, _, _ := d.State("console:h")
	if st.Answers["municipality"].Value != "Izmir" {
		t.Errorf("after the huge line: %+v", st.Answers)
	}
	if !strings.Contains(out.String(), messages.Get("en", "notice.too_long", "max", "200", "got", "1048576")) {
		t.Errorf("no too-long notice")
	}
}
