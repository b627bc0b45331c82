package telegramtest

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

func newBot(t *testing.T, s *Server) *tgbotapi.BotAPI {
	t.Helper()
	b, err := tgbotapi.NewBotAPIWithClient(s.Token(), s.URL()+"/bot%s/%s", &http.Client{})
	if err != nil {
		t.Fatal(err)
	}
	if b.Self.UserName != DefaultUsername {
		t.Errorf("getMe username %q", b.Self.UserName)
	}
	return b
}

func ids(ups []tgbotapi.Update) []int {
	var out []int
	for _, u := range ups {
		out = append(out, u.UpdateID)
	}
	return out
}

func TestGetUpdatesConfirmsOnlyBelowOffset(t *testing.T) {
	s := New()
	defer s.Close()
	b := newBot(t, s)
	a := s.SendText(1, "one")
	c := s.SendText(1, "two")
	for range 2 { // unconfirmed updates come again
		ups, err := b.GetUpdates(tgbotapi.UpdateConfig{})
		if err != nil || len(ups) != 2 || ups[0].UpdateID != a || ups[1].Message.Text != "two" {
			t.Fatalf("%v %v", ids(ups), err)
		}
	}
	ups, _ := b.GetUpdates(tgbotapi.UpdateConfig{Offset: a + 1})
	if len(ups) != 1 || ups[0].UpdateID != c || s.Confirmed(c) || !s.Confirmed(a) {
		t.Fatalf("after offset %d: %v", a+1, ids(ups))
	}
	if s.Pending() != 1 {
		t.Errorf("pending %d", s.Pending())
	}
}

func TestLongPollWaitsAndWakes(t *testing.T) {
	s := New()
	defer s.Close()
	b := newBot(t, s)
	start := time.Now()
	ups, err := b.GetUpdates(tgbotapi.UpdateConfig{Timeout: 1})
	if err != nil || len(ups) != 0 || time.Since(start) < 900*time.Millisecond {
		t.Fatalf("empty long poll: %v %v after %v", ids(ups), err, time.Since(start))
	}
	go func() {
		time.Sleep(100 * time.Millisecond)
		s.SendText(1, "hi")
	}()
	start = time.Now()
	ups, _ = b.GetUpdates(tgbotapi.UpdateConfig{Timeout: 5})
	if len(ups) != 1 || time.Since(start) > 2*time.Second {
		t.Fatalf("woken poll: %v after %v", ids(ups), time.Since(start))
	}
}

func TestAllowedUpdatesFilter(t *testing.T) {
	s := New()
	defer s.Close()
	b := newBot(t, s)
	s.SendText(1, "hi")
	s.Tap(1, 5, "1:x")
	ups, _ := b.GetUpdates(tgbotapi.UpdateConfig{AllowedUpdates: []string{"callback_query"}})
	if len(ups) != 1 || ups[0].CallbackQuery == nil || ups[0].CallbackQuery.Data != "1:x" {
		t.Fatalf("%+v", ups)
	}
}

func apiCode(err error) int {
	var e *tgbotapi.Error
	if errors.As(err, &e) {
		return e.Code
	}
	return 0
}

func TestValidationLikeTelegram(t *testing.T) {
	s := New()
	defer s.Close()
	b := newBot(t, s)
	long := tgbotapi.NewMessage(1, strings.Repeat("é", 4097))
	if _, err := b.Send(long); apiCode(err) != 400 {
		t.Errorf("4097 characters: %v", err)
	}
	ok := tgbotapi.NewMessage(1, strings.Repeat("é", 4096))
	if _, err := b.Send(ok); err != nil {
		t.Errorf("4096 characters: %v", err)
	}
	withData := func(data string) tgbotapi.MessageConfig {
		m := tgbotapi.NewMessage(1, "q")
		m.ReplyMarkup = tgbotapi.NewInlineKeyboardMarkup(tgbotapi.NewInlineKeyboardRow(tgbotapi.NewInlineKeyboardButtonData("b", data)))
		return m
	}
	if _, err := b.Send(withData(strings.Repeat("x", 65))); apiCode(err) != 400 {
		t.Errorf("65-byte callback data: %v", err)
	}
	sent, err := b.Send(withData(strings.Repeat("x", 64)))
	if err != nil {
		t.Fatal(err)
	}
	// Same text, same keyboard: "message is not modified".
	same := tgbotapi.NewEditMessageTextAndMarkup(1, sent.MessageID, "q", *sent.ReplyMarkup)
	if _, err := b.Request(same); apiCode(err) != 400 || !strings.Contains(err.Error(), "not modified") {
		t.Errorf("unchanged edit: %v", err)
	}
	// An empty keyboard removes the buttons.
	none := tgbotapi.NewEditMessageTextAndMarkup(1, sent.MessageID, "q ✓", tgbotapi.InlineKeyboardMarkup{InlineKeyboard: [][]tgbotapi.InlineKeyboardButton{}})
	if _, err := b.Request(none); err != nil {
		t.Fatal(err)
	}
	if m, _ := s.Message(1, sent.MessageID); m.Text != "q ✓" || len(m.Keyboard) != 0 || m.Edits != 1 {
		t.Errorf("edited message %+v", m)
	}
}

func TestUploadsAndFailures(t *testing.T) {
	s := New()
	defer s.Close()
	b := newBot(t, s)
	doc := tgbotapi.NewDocument(5, tgbotapi.FileBytes{Name: "r.csv", Bytes: []byte("a,b")})
	doc.Caption = "3 responses"
	if _, err := b.Send(doc); err != nil {
		t.Fatal(err)
	}
	if m, _ := s.LastMessage(5); m.Document == nil || m.Document.Name != "r.csv" || string(m.Document.Bytes) != "a,b" || m.Text != "3 responses" {
		t.Errorf("document %+v", m)
	}
	s.FailNext("sendMessage", 429, 3)
	_, err := b.Send(tgbotapi.NewMessage(5, "x"))
	var e *tgbotapi.Error
	if !errors.As(err, &e) || e.Code != 429 || e.RetryAfter != 3 {
		t.Errorf("injected 429: %v", err)
	}
	s.SetTokenValid(false)
	if _, err := b.Send(tgbotapi.NewMessage(5, "x")); apiCode(err) != 401 {
		t.Errorf("revoked token: %v", err)
	}
	if calls := s.Calls("sendMessage"); len(calls) != 2 || calls[0].Status != 429 || calls[1].Status != 401 {
		t.Errorf("calls %+v", calls)
	}
}

func TestCallbackAnsweredOnce(t *testing.T) {
	s := New()
	defer s.Close()
	b := newBot(t, s)
	id := s.Tap(9, 1, "1:c:1")
	if _, err := b.Request(tgbotapi.NewCallback("cq"+strconv.Itoa(id), "toast")); err != nil {
		t.Fatal(err)
	}
	if text, ok := s.CallbackAnswer(id); !ok || text != "toast" {
		t.Errorf("answer %q %v", text, ok)
	}
	if _, err := b.Request(tgbotapi.NewCallback("cq"+strconv.Itoa(id), "")); apiCode(err) != 400 {
		t.Errorf("second answer: %v", err)
	}
}
