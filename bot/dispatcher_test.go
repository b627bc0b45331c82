package bot_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/uclg-mewa/surveybot/bot"
	"github.com/uclg-mewa/surveybot/conversation"
	"github.com/uclg-mewa/surveybot/conversation/builtin"
	"github.com/uclg-mewa/surveybot/messages"
	"github.com/uclg-mewa/surveybot/storage"
)

func newDispatcher(t *testing.T) *bot.Dispatcher {
	t.Helper()
	sv, err := builtin.Survey()
	if err != nil {
		t.Fatal(err)
	}
	st, err := storage.Open(filepath.Join(t.TempDir(), "d.db"), storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return bot.NewDispatcher(&conversation.Engine{Survey: sv, Vocab: messages.Vocabulary()}, st, nil)
}

func text(s string) conversation.Event {
	return conversation.Event{Kind: conversation.EventText, Text: s}
}

// An update delivered twice is applied once; when it was the latest, the
// pending question is sent again (its reply may have been lost in a crash);
// an older duplicate gets no reply at all.
func TestDuplicateUpdates(t *testing.T) {
	d := newDispatcher(t)
	ctx := context.Background()
	in := func(key, s string) []bot.Message {
		msgs, err := d.Handle(ctx, bot.Inbound{Respondent: "t:1", Channel: "t", UpdateKey: key, Event: text(s)})
		if err != nil {
			t.Fatal(err)
		}
		return msgs
	}
	in("u1", "hi")
	in("u2", "English")
	in("u3", "Izmir")
	again := in("u3", "Izmir")
	if len(again) != 1 || !strings.Contains(again[0].Text, "country") || !again[0].Prompt {
		t.Errorf("latest duplicate: want the pending question again, got %+v", again)
	}
	if old := in("u2", "English"); len(old) != 0 {
		t.Errorf("older duplicate answered: %+v", old)
	}
	st, _, _ := d.State("t:1")
	if st.Answers["municipality"].Value != "Izmir" || st.Current != "country" {
		t.Errorf("state after duplicates: current %s, answers %+v", st.Current, st.Answers)
	}
}

// Text-only channels get the "type" wording; others the "tap" wording.
func TestTextOnlyWording(t *testing.T) {
	d := newDispatcher(t)
	ctx := context.Background()
	for _, c := range []struct {
		who      string
		textOnly bool
		want     string
	}{{"t:2", false, messages.Get("en", "notice.unsupported")}, {"t:3", true, messages.Get("en", "notice.unsupported.typed")}} {
		for _, ev := range []conversation.Event{text("hi"), text("English"), {Kind: conversation.EventUnsupported, What: "sticker"}} {
			msgs, err := d.Handle(ctx, bot.Inbound{Respondent: c.who, Channel: "t", Event: ev, TextOnly: c.textOnly})
			if err != nil {
				t.Fatal(err)
			}
			if ev.Kind == conversation.EventUnsupported && (len(msgs) == 0 || msgs[0].Text != c.want || msgs[0].Notice != conversation.NoticeUnsupported) {
				t.Errorf("textOnly=%v: got %+v, want %q", c.textOnly, msgs, c.want)
			}
		}
	}
}

// A cancelled context stores nothing.
func TestHandleHonoursContext(t *testing.T) {
	d := newDispatcher(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := d.Handle(ctx, bot.Inbound{Respondent: "t:4", Channel: "t", Event: text("hi")}); err == nil {
		t.Fatal("no error on a cancelled context")
	}
	if _, ok, _ := d.State("t:4"); ok {
		t.Error("a state was stored")
	}
}

// The review is split into several messages when long; only the last
// carries the buttons.
func TestLongReviewIsSplit(t *testing.T) {
	long := strings.Repeat("مرحبا ", 150)
	var items []conversation.ReviewItem
	for i := 1; i <= 26; i++ {
		items = append(items, conversation.ReviewItem{Number: i, Question: "Q", Display: long})
	}
	msgs := bot.Render([]conversation.Output{{Kind: conversation.OutReview, Language: "ar", Seq: 9, Items: items,
		Options: []conversation.Option{{Label: "Submit", Data: "9:s", Kind: "submit"}}}})
	if len(msgs) < 2 {
		t.Fatalf("got %d messages", len(msgs))
	}
	for i, m := range msgs {
		if len(m.Text) > 4096 {
			t.Errorf("message %d is %d bytes", i, len(m.Text))
		}
		if (len(m.Options) > 0) != (i == len(msgs)-1) {
			t.Errorf("message %d: buttons %v", i, m.Options)
		}
	}
	if !strings.Contains(msgs[len(msgs)-1].Options[0].Label, "✓") {
		t.Error("Submit lacks its button wording")
	}
}

func TestSplitTextKeepsRunes(t *testing.T) {
	s := strings.Repeat("ب", 3000) // 2 bytes each, no line breaks
	parts := bot.SplitText(s, 1001)
	if strings.Join(parts, "") != s {
		t.Fatal("text lost or changed")
	}
	for _, p := range parts {
		if len(p) > 1001 || !strings.HasPrefix(p, "ب") {
			t.Errorf("bad part of %d bytes", len(p))
		}
	}
}
