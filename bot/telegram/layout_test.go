package telegram

import (
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"testing"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/uclg-mewa/surveybot/bot"
	"github.com/uclg-mewa/surveybot/conversation"
)

func opt(kind, label, data string) conversation.Option {
	return conversation.Option{Kind: kind, Label: label, Data: data}
}

func rowsOf(kb [][]tgbotapi.InlineKeyboardButton) [][]string {
	var out [][]string
	for _, row := range kb {
		var r []string
		for _, b := range row {
			r = append(r, b.Text)
		}
		out = append(out, r)
	}
	return out
}

func TestLayout(t *testing.T) {
	var review []conversation.Option
	for i := 1; i <= 14; i++ {
		review = append(review, opt("change", fmt.Sprint(i), fmt.Sprintf("9:e:%d", i)))
	}
	review = append(review, opt("submit", "Submit ✓", "9:s"))
	multi := []conversation.Option{
		opt("choice", "A", "3:t:1"), {Kind: "choice", Label: "B", Data: "3:t:2", Selected: true},
		opt("done", "Done ✓", "3:d"), opt("skip", "Skip", "3:k"),
	}
	cases := []struct {
		name string
		msg  bot.Message
		want [][]string
	}{
		{"languages", bot.Message{Options: []conversation.Option{
			opt("language", "English", "1:l:en"), opt("language", "العربية", "1:l:ar"),
			opt("language", "Türkçe", "1:l:tr"), opt("language", "Français", "1:l:fr")}},
			[][]string{{"English", "العربية"}, {"Türkçe", "Français"}}},
		{"yes/no question", bot.Message{Language: "ar", Options: []conversation.Option{
			opt("yes", "نعم", "4:c:1"), opt("no", "لا", "4:c:2")}},
			[][]string{{"نعم", "لا"}}},
		{"restart confirm", bot.Message{Options: []conversation.Option{opt("yes", "Yes", "5:y"), opt("no", "No", "5:n")}},
			[][]string{{"Yes", "No"}}},
		{"choices", bot.Message{Language: "en", Options: []conversation.Option{
			opt("choice", "Yes please", "6:c:1"), opt("choice", "No", "6:c:2"), opt("skip", "Skip", "6:k")}},
			[][]string{{"Yes please"}, {"No"}, {"Skip"}}},
		{"several choices", bot.Message{Options: multi},
			[][]string{{"☐ A"}, {"☑ B"}, {"Done ✓", "Skip"}}},
		{"pages and resume", bot.Message{Options: []conversation.Option{
			opt("page", "‹ Previous", "co:p:1"), opt("page", "Next ›", "co:p:3"), opt("resume", "Continue", "resume")}},
			[][]string{{"‹ Previous", "Next ›"}, {"Continue"}}},
		{"review", bot.Message{Options: review},
			[][]string{{"1", "2", "3", "4", "5", "6"}, {"7", "8", "9", "10", "11", "12"}, {"13", "14"}, {"Submit ✓"}}},
	}
	for _, c := range cases {
		if got := rowsOf(layout(c.msg)); !slices.EqualFunc(got, c.want, slices.Equal) {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}

func TestOverlongCallbackDataIsLeftOut(t *testing.T) {
	logs := &logBuffer{}
	c := &Channel{log: slog.New(slog.NewTextHandler(logs, nil))}
	kb := c.keyboard(bot.Message{Options: []conversation.Option{
		opt("choice", "ok", "1:c:1"),
		opt("choice", "too long", "1:c:"+strings.Repeat("x", 61)),
		opt("choice", "exactly 64", "1:c:"+strings.Repeat("x", 60)),
	}})
	if got := rowsOf(kb.InlineKeyboard); !slices.EqualFunc(got, [][]string{{"ok"}, {"exactly 64"}}, slices.Equal) {
		t.Errorf("keyboard %v", got)
	}
	if !strings.Contains(logs.String(), "64") {
		t.Error("dropped button not logged")
	}
}

func TestPromptCacheIsBounded(t *testing.T) {
	p := newPromptCache(3)
	for chat := range int64(5) {
		p.put(promptRec{chat: chat, seq: 1, msgID: int(chat) + 10})
	}
	if p.len() != 3 {
		t.Errorf("%d prompts kept", p.len())
	}
	if _, ok := p.get(0); ok {
		t.Error("oldest prompt not evicted")
	}
	if r, ok := p.get(4); !ok || r.msgID != 14 {
		t.Errorf("newest prompt %+v %v", r, ok)
	}
	p.drop(4, 99) // another message: kept
	if _, ok := p.get(4); !ok {
		t.Error("drop of another message removed the prompt")
	}
}

func TestWithAckKeepsTheAnswer(t *testing.T) {
	if got := withAck("1/26 · Country?", "✓ Türkiye"); got != "1/26 · Country?\n\n✓ Türkiye" {
		t.Errorf("%q", got)
	}
	long := strings.Repeat("😀", 3000) // 6000 UTF-16 units
	ack := "✓ " + strings.Repeat("a", 1000)
	got := withAck(long, ack)
	if n := utf16Len(got); n > maxMessage || n < maxMessage-10 || !strings.HasSuffix(got, "…\n\n"+ack) {
		t.Errorf("length %d, suffix kept %v", n, strings.HasSuffix(got, ack))
	}
}
