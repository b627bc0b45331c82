package coord_test

import (
	"bytes"
	"context"
	"image/png"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/uclg-mewa/surveybot/bot"
	"github.com/uclg-mewa/surveybot/bot/coord"
	"github.com/uclg-mewa/surveybot/bot/telegram"
	"github.com/uclg-mewa/surveybot/bot/telegram/telegramtest"
	"github.com/uclg-mewa/surveybot/conversation"
	"github.com/uclg-mewa/surveybot/messages"
	"github.com/uclg-mewa/surveybot/storage/export"
)

// tgHarness runs the real Telegram channel against the fake Bot API, over
// the harness's dispatcher, store and coordinator service.
type tgHarness struct {
	*harness
	srv *telegramtest.Server
	ch  *telegram.Channel
}

const (
	coordUser    int64 = 9001 // coordTG
	stranger     int64 = 555
	waitDelivery       = 10 * time.Second
)

func newTelegram(t *testing.T) *tgHarness {
	t.Helper()
	h := newHarness(t)
	srv := telegramtest.New()
	t.Cleanup(srv.Close)
	cfg := telegram.Config{
		Token: srv.Token(), APIURL: srv.URL(), PollTimeout: 1,
		GlobalRate: 10000, GlobalBurst: 1000, ChatRate: 10000, ChatBurst: 1000,
	}
	ch, err := telegram.New(context.Background(), cfg, h.d)
	if err != nil {
		t.Fatal(err)
	}
	h.svc.BotUsername = ch.Username
	h.svc.Sender = coord.Senders{"telegram": ch}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- ch.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	})
	return &tgHarness{harness: h, srv: srv, ch: ch}
}

// send types text as user and waits until the bot has handled it.
func (h *tgHarness) send(user int64, text string) {
	h.t.Helper()
	if id := h.srv.SendText(user, text); !h.srv.WaitConfirmed(id, waitDelivery) {
		h.t.Fatalf("%q from %d not handled", text, user)
	}
}

func (h *tgHarness) tap(user int64, msgID int, data string) {
	h.t.Helper()
	if id := h.srv.Tap(user, msgID, data); !h.srv.WaitConfirmed(id, waitDelivery) {
		h.t.Fatalf("tap %q from %d not handled", data, user)
	}
}

// last is the bot's latest message to user.
func (h *tgHarness) last(user int64) telegramtest.Message {
	h.t.Helper()
	m, ok := h.srv.LastMessage(user)
	if !ok {
		h.t.Fatalf("nothing said to %d", user)
	}
	return m
}

func TestTelegramEndToEnd(t *testing.T) {
	h := newTelegram(t)
	h.answer("telegram:101", profile{lang: "العربية", municipality: "صيدا", country: "لبنان", yes: true})
	h.answer("telegram:102", profile{lang: "English", municipality: "Sfax", country: "Tunisia", yes: false, stopAfter: 9})
	h.srv.SetLanguage(coordUser, "en")

	// /export csv: a document whose bytes are the CLI export's.
	h.send(coordUser, "/export csv")
	docs := h.srv.Calls("sendDocument")
	if len(docs) != 1 {
		t.Fatalf("%d sendDocument calls", len(docs))
	}
	f := docs[0].Files["document"]
	var cli bytes.Buffer
	each := func(fn func(conversation.State) error) error { return h.store.Each(h.sv.ID, fn) }
	if _, err := export.CSV(&cli, h.sv, each, coord.ExportOptions(export.StatusAll)); err != nil {
		t.Fatal(err)
	}
	if f.Name != "smart-cities-2026-12-03.csv" || !bytes.Equal(f.Bytes, cli.Bytes()) {
		t.Errorf("document %q (%d bytes), want smart-cities-2026-12-03.csv with the CLI's %d bytes", f.Name, len(f.Bytes), cli.Len())
	}
	if got := docs[0].Params.Get("caption"); got != "2 responses · CSV" {
		t.Errorf("caption %q", got)
	}

	// /chart: a PNG photo.
	h.send(coordUser, "/chart q1_new_tech")
	photos := h.srv.Calls("sendPhoto")
	if len(photos) != 1 {
		t.Fatalf("%d sendPhoto calls", len(photos))
	}
	img, err := png.Decode(bytes.NewReader(photos[0].Files["photo"].Bytes))
	if err != nil || img.Bounds().Dx() == 0 || img.Bounds().Dy() == 0 {
		t.Fatalf("photo: %v", err)
	}

	// /respondents with page buttons that work as taps.
	h.send(coordUser, "/respondents")
	m := h.last(coordUser)
	if !strings.HasPrefix(m.Text, "Respondents 1–2 of 2") || len(m.Keyboard) != 0 {
		t.Errorf("respondents: %q %v", m.Text, m.Keyboard)
	}

	// /invite: the bot's own username.
	h.send(coordUser, "/invite saida")
	if m := h.last(coordUser); !strings.HasSuffix(m.Text, "https://t.me/"+h.srv.Username()+"?start=saida") {
		t.Errorf("invite: %q", m.Text)
	}

	// Anyone else: the help text, nothing more.
	before := len(h.srv.Calls(""))
	h.srv.SetLanguage(stranger, "fr")
	for _, c := range []string{"/export csv", "/results", "/chart q1_new_tech", "/respondents", "/remind", "/invite x"} {
		h.send(stranger, c)
		if m := h.last(stranger); m.Text != messages.Get("fr", "help.text") || m.Document != nil || m.Photo != nil {
			t.Errorf("%s from a stranger: %+v", c, m)
		}
	}
	if n := len(h.srv.Messages(stranger)); n != 6 {
		t.Errorf("the stranger got %d messages for 6 commands", n)
	}
	for _, c := range h.srv.Calls("")[before:] {
		if c.Method == "sendDocument" || c.Method == "sendPhoto" {
			t.Errorf("a stranger's command made a %s call", c.Method)
		}
	}
	if _, found := h.state("telegram:555"); found {
		t.Error("the stranger's commands created a response")
	}
	if _, found := h.state(coordTG); found {
		t.Error("the coordinator's commands created a response")
	}
}

// /remind over Telegram: the reminder arrives with a Continue button that
// resumes the survey.
func TestTelegramRemind(t *testing.T) {
	h := newTelegram(t)
	h.loop()
	h.answer("telegram:102", profile{lang: "English", municipality: "Sfax", country: "Tunisia", yes: false, stopAfter: 9})
	h.advance(25 * time.Hour)
	h.srv.SetLanguage(coordUser, "en")
	h.send(coordUser, "/remind")
	if m := h.last(coordUser); m.Text != "Reminders sent: 1." {
		t.Errorf("reply %q", m.Text)
	}
	var msgs []telegramtest.Message
	if !h.srv.WaitFor(func() bool { msgs = h.srv.Messages(102); return len(msgs) >= 2 }, waitDelivery) {
		t.Fatalf("no reminder: %+v", msgs)
	}
	if !strings.HasPrefix(msgs[0].Text, "Hello! Your survey") {
		t.Errorf("reminder %q", msgs[0].Text)
	}
	id, data, ok := h.srv.Button(102, "Continue")
	if !ok {
		// The question after the reminder carries its own keyboard; the
		// Continue button is on the reminder itself.
		id, data = msgs[0].ID, ""
		for _, row := range msgs[0].Keyboard {
			for _, b := range row {
				if b.Text == "Continue" && b.CallbackData != nil {
					data = *b.CallbackData
				}
			}
		}
	}
	if data != bot.ResumeData {
		t.Fatalf("Continue button data %q", data)
	}
	h.tap(102, id, data)
	if m := h.last(102); !strings.Contains(m.Text, "10/") {
		t.Errorf("after Continue: %q", m.Text)
	}
}

// /respondents pages turn with the inline buttons.
func TestTelegramRespondentPages(t *testing.T) {
	h := newTelegram(t)
	for i := 0; i < 21; i++ {
		h.begin("telegram:"+strconv.Itoa(200+i), profile{lang: "Français"})
	}
	h.srv.SetLanguage(coordUser, "fr")
	h.send(coordUser, "/respondents")
	id, data, ok := h.srv.Button(coordUser, messages.Get("fr", "coord.next"))
	if !ok || data != "co:r:2" {
		t.Fatalf("Next button: %v %q; last message %+v", ok, data, h.last(coordUser))
	}
	h.tap(coordUser, id, data)
	if m := h.last(coordUser); !strings.HasPrefix(m.Text, "Répondants 21–21 sur 21") {
		t.Errorf("page 2: %q", m.Text)
	}
	if _, data, ok := h.srv.Button(coordUser, messages.Get("fr", "coord.prev")); !ok || data != "co:r:1" {
		t.Errorf("Previous button: %v %q", ok, data)
	}
	// The same button from someone else changes nothing and says so.
	up := h.srv.Tap(stranger, id, data)
	if !h.srv.WaitConfirmed(up, waitDelivery) {
		t.Fatal("stranger's tap not handled")
	}
	if text, answered := h.srv.CallbackAnswer(up); !answered || text != messages.Get("ar", "notice.stale") {
		t.Errorf("stranger's tap answered %v with %q", answered, text)
	}
	if n := len(h.srv.Messages(stranger)); n != 0 {
		t.Errorf("the stranger got %d messages", n)
	}
}
