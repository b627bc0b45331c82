package telegram

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/uclg-mewa/surveybot/bot"
	"github.com/uclg-mewa/surveybot/bot/telegram/telegramtest"
	"github.com/uclg-mewa/surveybot/conversation"
	"github.com/uclg-mewa/surveybot/messages"
)

// sameProgress compares what matters of two states: where the respondent
// is and what they answered (not the timestamps of the update).
func sameProgress(a, b conversation.State) bool {
	return a.Phase == b.Phase && a.Current == b.Current && a.Seq == b.Seq &&
		a.Language == b.Language && reflect.DeepEqual(a.Answers, b.Answers) && reflect.DeepEqual(a.Pending, b.Pending)
}

// atSecondQuestion starts user in English and answers the municipality, so
// that the bot waits for the country.
func (h *harness) atSecondQuestion(user int64) (languageMsg telegramtest.Message) {
	h.t.Helper()
	h.send(user, "/start")
	languageMsg, _ = h.srv.LastMessage(user)
	h.tap(user, "English")
	h.send(user, "Karsiyaka")
	return languageMsg
}

func TestStaleTapIsAnsweredAndChangesNothing(t *testing.T) {
	h := newHarness(t, nil)
	h.start()
	const user = 3001
	lang := h.atSecondQuestion(user)
	before, sent := h.state(user), len(h.srv.Calls("sendMessage"))

	// The language buttons are gone from the chat but a client may still
	// send their data (an old message, a slow network).
	data := *lang.Keyboard[0][1].CallbackData
	id := h.srv.Tap(user, lang.ID, data)
	h.settle(id)

	text, ok := h.srv.CallbackAnswer(id)
	if !ok || text != messages.Get("en", "notice.stale") {
		t.Errorf("callback answer %v %q", ok, text)
	}
	if n := len(h.srv.Calls("sendMessage")); n != sent {
		t.Errorf("%d messages sent for a stale tap", n-sent)
	}
	if after := h.state(user); !sameProgress(before, after) {
		t.Errorf("state changed:\n%+v\n%+v", before, after)
	}
}

func TestForgedCallbackIsRefused(t *testing.T) {
	h := newHarness(t, nil)
	h.start()
	const user, other = 3101, 3102
	h.atSecondQuestion(user)
	for _, s := range []string{"Türkiye", "Ayşe", "/skip", "/skip"} {
		h.send(user, s)
	}
	q1, _ := h.srv.LastMessage(user)
	yes := *q1.Keyboard[0][0].CallbackData
	seq, _, _ := strings.Cut(yes, ":")
	before, sent := h.state(user), len(h.srv.Calls("sendMessage"))

	forged := []string{
		"garbage",
		"99:c:1",     // another prompt number
		seq + ":c:9", // no such option
		seq + ":c:1" + strings.Repeat("x", 65-len(seq)-4), // 65 bytes
		"",
	}
	for _, data := range forged {
		id := h.srv.Tap(user, q1.ID, data)
		h.settle(id)
		if text, ok := h.srv.CallbackAnswer(id); !ok || text != messages.Get("en", "notice.stale") {
			t.Errorf("data %q: callback answer %v %q", data, ok, text)
		}
	}
	if n := len(h.srv.Calls("sendMessage")); n != sent {
		t.Errorf("%d messages sent for forged taps", n-sent)
	}
	if after := h.state(user); !sameProgress(before, after) {
		t.Errorf("state changed:\n%+v\n%+v", before, after)
	}

	// Another user replaying the valid data touches only their own session.
	id := h.srv.Tap(other, q1.ID, yes)
	h.settle(id)
	if after := h.state(user); !sameProgress(before, after) {
		t.Error("another user's tap changed the respondent's answers")
	}
	if o := h.state(other); o.Respondent != respondent(other) || len(o.Answers) != 0 {
		t.Errorf("other user's state %+v", o)
	}
	if n := len(h.srv.Calls("sendMessage")) - sent; n != 1 || len(h.srv.Messages(other)) != 1 {
		t.Errorf("the other user's tap: %d messages sent, %d in their chat", n, len(h.srv.Messages(other)))
	}
}

// TestDuplicateUpdateAppliedOnce: the same update twice in one batch
// (handled once: the channel skips an update id it has taken), and again
// after a restart that Telegram was not told about (the dispatcher
// ignores it and repeats the pending question).
func TestDuplicateUpdateAppliedOnce(t *testing.T) {
	h := newHarness(t, nil)
	const user = 3201
	h.srv.SetLanguage(user, "en")
	// Queued before the bot runs: both copies arrive in the first batch.
	first := h.srv.SendText(user, "/start")
	h.srv.AddUpdate(tgbotapi.Update{UpdateID: first, Message: &tgbotapi.Message{
		MessageID: 1, From: &tgbotapi.User{ID: user, LanguageCode: "en"}, Chat: &tgbotapi.Chat{ID: user, Type: "private"}, Text: "/start",
	}})
	h.start()
	h.settle(first)
	if n := len(h.srv.Messages(user)); n != 1 {
		t.Errorf("%d messages after a doubled /start, want 1", n)
	}
	h.tap(user, "English")
	answer := h.send(user, "Karsiyaka")
	h.stop()

	// Telegram delivers the last update again to a restarted bot.
	srv2 := telegramtest.New()
	defer srv2.Close()
	srv2.AddUpdate(tgbotapi.Update{UpdateID: answer, Message: &tgbotapi.Message{
		MessageID: 50, From: &tgbotapi.User{ID: user, LanguageCode: "en"}, Chat: &tgbotapi.Chat{ID: user, Type: "private"}, Text: "Karsiyaka",
	}})
	h.srv = srv2
	h.ch = h.newChannel(nil)
	h.start()
	h.settle(answer)
	st := h.state(user)
	if st.Current != "country" || st.Answers["municipality"].Value != "Karsiyaka" {
		t.Fatalf("after redelivery: at %s, answers %+v", st.Current, st.Answers)
	}
	if _, ok := st.Answers["country"]; ok {
		t.Error("the redelivered municipality was taken as the country")
	}
	// The pending question is asked again, so the respondent can go on.
	if last, _ := srv2.LastMessage(user); !strings.Contains(last.Text, "country") {
		t.Errorf("after redelivery the bot said %q", last.Text)
	}
	h.send(user, "Türkiye")
	if got := h.state(user).Answers["country"].Value; got != "Türkiye" {
		t.Errorf("country = %q", got)
	}
}

func TestGroupGetsOnePointerAndNothingStored(t *testing.T) {
	h := newHarness(t, nil)
	h.start()
	const group, user = -100500, 3301
	h.srv.SetLanguage(user, "en")
	var ids []int
	for _, text := range []string{
		"hello everyone",
		"/start@" + h.srv.Username(),
		"/start@some_other_bot",
		"Karsiyaka",
		"/help",
	} {
		ids = append(ids, h.srv.SendGroupText(group, user, text))
	}
	h.settle(ids[len(ids)-1])
	msgs := h.srv.Messages(group)
	if len(msgs) != 2 {
		t.Fatalf("%d replies in the group, want 2: %+v", len(msgs), msgs)
	}
	for _, m := range msgs {
		if m.Text != messages.Get("en", "group.private_only") || len(m.Keyboard) != 0 || m.ReplyTo == 0 {
			t.Errorf("group reply %+v", m)
		}
	}
	if n, err := h.st.Count(h.d.Engine.Survey.ID); err != nil || n != 0 {
		t.Errorf("%d responses stored for group messages (%v)", n, err)
	}
	// A user without a known language gets the default language.
	h.settle(h.srv.SendGroupText(group, 3302, "/status"))
	if last, _ := h.srv.LastMessage(group); last.Text != messages.Get(messages.Default, "group.private_only") {
		t.Errorf("default-language pointer %q", last.Text)
	}
}

func TestNonTextIsExplainedAndNothingStored(t *testing.T) {
	h := newHarness(t, nil)
	h.start()
	const user = 3401
	h.atSecondQuestion(user)
	before := h.state(user)
	question, _ := h.srv.LastMessage(user)
	for name, send := range map[string]func() int{
		"sticker":  func() int { return h.srv.SendSticker(user) },
		"photo":    func() int { return h.srv.SendPhoto(user, "our city hall") },
		"location": func() int { return h.srv.SendLocation(user) },
		"edit":     func() int { return h.srv.EditText(user, 5, "Spain") },
	} {
		n := len(h.srv.Messages(user))
		h.settle(send())
		msgs := h.srv.Messages(user)[n:]
		if len(msgs) != 2 || msgs[0].Text != messages.Get("en", "notice.unsupported") || msgs[1].Text != question.Text {
			t.Errorf("%s: replies %+v", name, msgs)
		}
	}
	if after := h.state(user); !reflect.DeepEqual(before.Answers, after.Answers) || after.Current != before.Current {
		t.Errorf("answers changed: %+v", after.Answers)
	}
	// The question repeated last is the one a typed answer now edits.
	h.send(user, "Türkiye")
	last := h.srv.Messages(user)
	if repeated := last[len(last)-2]; !strings.HasSuffix(repeated.Text, "✓ Türkiye") {
		t.Errorf("repeated question after answer: %q", repeated.Text)
	}
}

func TestCommandSuffixOfThisBotInPrivateChat(t *testing.T) {
	h := newHarness(t, nil)
	h.start()
	const user = 3501
	h.send(user, "/start@"+strings.ToUpper(h.srv.Username()))
	if st := h.state(user); st.Phase != conversation.PhaseLanguage {
		t.Fatalf("phase %s", st.Phase)
	}
	h.tap(user, "English")
	before := len(h.srv.Messages(user))
	h.send(user, "/HELP")
	// The help, then the question again (it is not answered yet).
	msgs := h.srv.Messages(user)[before:]
	if len(msgs) != 2 || msgs[0].Text != messages.Get("en", "help.text") || !strings.Contains(msgs[1].Text, "municipality") {
		t.Errorf("after /HELP: %+v", msgs)
	}
}

func TestMenuRegisteredPerLanguage(t *testing.T) {
	h := newHarness(t, nil)
	h.start()
	all := func() bool { return len(h.srv.Calls("setMyCommands")) >= len(messages.Languages)+1 }
	if !h.srv.WaitFor(all, wait) {
		t.Fatalf("%d setMyCommands calls", len(h.srv.Calls("setMyCommands")))
	}
	h.stop()
	calls := h.srv.Calls("setMyCommands")
	if len(calls) != len(messages.Languages)+1 {
		t.Fatalf("%d setMyCommands calls", len(calls))
	}
	seen := map[string]bool{}
	for _, c := range calls {
		lang := c.Params.Get("language_code")
		seen[lang] = true
		text := lang
		if text == "" {
			text = messages.Default
		}
		want := fmt.Sprintf(`{"command":"status","description":%q}`, messages.Get(text, "cmd.status"))
		if !strings.Contains(c.Params.Get("commands"), want) {
			t.Errorf("%q menu: %s", lang, c.Params.Get("commands"))
		}
	}
	for _, l := range messages.Languages {
		if !seen[l] {
			t.Errorf("no menu for %s", l)
		}
	}
}

// Menu failures are logged once, whatever the number of languages.
func TestMenuFailureIsNotFatal(t *testing.T) {
	h := newHarness(t, nil)
	for range len(messages.Languages) + 1 {
		h.srv.FailNext("setMyCommands", 400, 0)
	}
	h.start()
	if !h.srv.WaitFor(func() bool { return strings.Contains(h.logs.String(), "command menu") }, wait) {
		t.Fatal("menu failure not logged")
	}
	h.send(3601, "/start")
	if n := strings.Count(h.logs.String(), "command menu"); n != 1 {
		t.Errorf("menu failure logged %d times", n)
	}
	if !strings.Contains(h.logs.String(), "languages=default,") {
		t.Errorf("the failed languages are not named:\n%s", h.logs.String())
	}
}

// TestManyRespondentsInParallel: one batch of many respondents, each
// answered in order, with the race detector watching.
func TestManyRespondentsInParallel(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.Workers = 8 })
	const n = 40
	var last int
	for u := int64(1); u <= n; u++ {
		h.srv.SendText(4000+u, "/start")
		last = h.srv.SendText(4000+u, "2")
	}
	h.start()
	h.settle(last)
	for u := int64(1); u <= n; u++ {
		st := h.state(4000 + u)
		if st.Language == "" || st.Current != "municipality" {
			t.Fatalf("user %d: language %q at %q", u, st.Language, st.Current)
		}
	}
}

func TestSendDocumentsPhotosAndLongText(t *testing.T) {
	h := newHarness(t, nil)
	const coord = 5001
	ctx := context.Background()
	csv := []byte("respondent,status\r\ntelegram:1,complete\r\n")
	png := []byte("\x89PNG fake")
	long := strings.Repeat("سطر طويل من النص العربي\n", 500)
	err := h.ch.Send(ctx, respondent(coord), []bot.Message{
		{Text: "12 responses · csv", Document: &bot.File{Name: "smart-cities-2026-12-03.csv", Bytes: csv}},
		{Text: "q1_new_tech", Photo: &bot.File{Name: "chart.png", Bytes: png}},
		{Text: long},
	})
	if err != nil {
		t.Fatal(err)
	}
	msgs := h.srv.Messages(coord)
	if len(msgs) < 4 {
		t.Fatalf("%d messages", len(msgs))
	}
	if d := msgs[0].Document; d == nil || d.Name != "smart-cities-2026-12-03.csv" || string(d.Bytes) != string(csv) || msgs[0].Text != "12 responses · csv" {
		t.Errorf("document %+v", msgs[0])
	}
	if p := msgs[1].Photo; p == nil || string(p.Bytes) != string(png) || msgs[1].Text != "q1_new_tech" {
		t.Errorf("photo %+v", msgs[1])
	}
	var joined []string
	for _, m := range msgs[2:] {
		joined = append(joined, m.Text)
	}
	if strings.TrimSpace(strings.Join(joined, "\n")) != strings.TrimSpace(long) {
		t.Error("long text not delivered whole in order")
	}
	if err := h.ch.Send(ctx, "whatsapp:+33612345678", []bot.Message{{Text: "x"}}); err == nil {
		t.Error("Send accepted a WhatsApp respondent")
	}
}

func TestBlockedUserDoesNotStopOthers(t *testing.T) {
	h := newHarness(t, nil)
	h.start()
	h.srv.Block(6001)
	a := h.srv.SendText(6001, "/start")
	b := h.srv.SendText(6002, "/start")
	h.settle(max(a, b))
	if len(h.srv.Messages(6002)) != 1 {
		t.Error("the other user got no reply")
	}
	if !strings.Contains(h.logs.String(), "blocked") {
		t.Error("the failed reply was not logged")
	}
}

// TestShutdownFinishesInFlight: a reply being paced when Run is cancelled
// still goes out, and Run returns.
func TestShutdownFinishesInFlight(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.ChatRate, c.ChatBurst = 4, 1 })
	h.start()
	const user = 6101
	h.send(user, "/start")
	h.tap(user, "English") // welcome + question: paced 250 ms apart
	h.srv.SendText(user, "Karsiyaka")
	// The first edit marks the language menu; the second, the answer.
	h.srv.WaitFor(func() bool { return len(h.srv.Calls("editMessageText")) > 1 }, wait)
	h.stop()
	if st := h.state(user); st.Answers["municipality"].Value != "Karsiyaka" {
		t.Fatal("answer lost")
	}
	if last, _ := h.srv.LastMessage(user); !strings.Contains(last.Text, "country") {
		t.Errorf("next question not sent before stopping: %q", last.Text)
	}
}

// TestSentPromptIsEditedByTypedAnswer: a question sent outside a reply (a
// reminder repeats the pending one) is the one a typed answer edits.
func TestSentPromptIsEditedByTypedAnswer(t *testing.T) {
	h := newHarness(t, nil)
	h.start()
	const user = 6201
	h.atSecondQuestion(user)
	reminder := append([]bot.Message{{Text: "Reminder", Options: []conversation.Option{{Label: "Continue", Data: "resume", Kind: "resume"}}}},
		bot.Render(h.d.Engine.Repeat(h.state(user)))...)
	if err := h.ch.Send(context.Background(), respondent(user), reminder); err != nil {
		t.Fatal(err)
	}
	q, _ := h.srv.LastMessage(user)
	h.send(user, "Türkiye")
	if got, _ := h.srv.Message(user, q.ID); got.Text != q.Text+"\n\n✓ Türkiye" {
		t.Errorf("reminded question after the answer: %q", got.Text)
	}
}

// A refused answer repeats the question as a new message; the earlier copy
// loses its buttons, so only one copy of the question can be tapped.
func TestRepeatedQuestionRetiresOldButtons(t *testing.T) {
	h := newHarness(t, nil)
	h.start()
	const user = 3101
	h.send(user, "/start")
	h.tap(user, "English")
	for _, a := range []string{"Izmir", "Türkiye", "Ayşe", "/skip", "/skip", "yes", "yes", "yes", "yes", "yes"} {
		h.send(user, a)
	}
	first, _ := h.srv.LastMessage(user) // the courses question, with toggles
	if len(first.Keyboard) == 0 {
		t.Fatalf("no keyboard on %q", first.Text)
	}
	h.settle(h.srv.SendSticker(user))
	second, _ := h.srv.LastMessage(user)
	if second.ID == first.ID || second.Text != first.Text || len(second.Keyboard) == 0 {
		t.Fatalf("the question was not repeated with buttons: %q", second.Text)
	}
	if old, _ := h.srv.Message(user, first.ID); len(old.Keyboard) != 0 {
		t.Errorf("the first copy still has buttons: %v", labels(old))
	}
}

// A refused answer to a text question repeats it with no call to remove
// buttons it never had (Telegram refuses such an edit as "not modified").
func TestRepeatedTextQuestionMakesNoEmptyEdit(t *testing.T) {
	h := newHarness(t, nil)
	h.start()
	const user = 3102
	h.send(user, "/start")
	h.tap(user, "English") // the municipality: a text question
	before := len(h.srv.Calls("editMessageReplyMarkup"))
	h.settle(h.srv.SendSticker(user))
	h.send(user, strings.Repeat("x", 5000))
	if again, _ := h.srv.LastMessage(user); !strings.Contains(again.Text, "municipality") {
		t.Fatalf("the question was not repeated: %q", again.Text)
	}
	if n := len(h.srv.Calls("editMessageReplyMarkup")) - before; n != 0 {
		t.Errorf("%d editMessageReplyMarkup calls for a question without buttons", n)
	}
}
