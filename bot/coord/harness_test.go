package coord_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/uclg-mewa/surveybot/bot"
	"github.com/uclg-mewa/surveybot/bot/coord"
	"github.com/uclg-mewa/surveybot/conversation"
	"github.com/uclg-mewa/surveybot/conversation/builtin"
	"github.com/uclg-mewa/surveybot/messages"
	"github.com/uclg-mewa/surveybot/storage"
)

// Coordinator ids of the tests.
const (
	coordTG = "telegram:9001"
	coordWA = "whatsapp:+96170123456"
)

var start = time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)

// harness runs the real engine, dispatcher, store (a bbolt file in a
// temporary directory) and coordinator service, with a settable clock and
// a recording sender.
type harness struct {
	t      *testing.T
	path   string
	store  *storage.Store
	sv     *conversation.Survey
	engine *conversation.Engine
	svc    *coord.Service
	d      *bot.Dispatcher
	sender *recorder

	mu     sync.Mutex
	now    time.Time
	update int
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	sv, err := builtin.Survey()
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{t: t, path: filepath.Join(t.TempDir(), "surveybot.db"), sv: sv, now: start, sender: &recorder{}}
	h.engine = &conversation.Engine{Survey: sv, Vocab: messages.Vocabulary()}
	h.open()
	return h
}

// open (re)opens the store and builds a fresh service and dispatcher over
// it, as a restarted process would.
func (h *harness) open() {
	h.t.Helper()
	st, err := storage.Open(h.path, storage.Options{NoSync: true})
	if err != nil {
		h.t.Fatal(err)
	}
	h.store = st
	h.t.Cleanup(func() { st.Close() })
	coords, err := coord.ParseCoordinators(coordTG + ", " + coordWA)
	if err != nil {
		h.t.Fatal(err)
	}
	h.svc = &coord.Service{
		Survey: h.sv, Engine: h.engine, Store: st, Coordinators: coords,
		BotUsername: func() string { return "smartcities_bot" },
		Now:         h.clock,
		Sender:      coord.Senders{"telegram": h.sender, "whatsapp": h.sender},
		Pace:        map[string]time.Duration{"telegram": 20 * time.Millisecond, "whatsapp": 40 * time.Millisecond},
	}
	h.d = bot.NewDispatcher(h.engine, st, nil)
	h.d.Now = h.clock
	h.d.Coord = h.svc
}

// loop runs the reminder loop (every minute, no automatic reminders)
// until the test ends.
func (h *harness) loop() {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- h.svc.RunReminders(ctx, time.Minute, 0) }()
	h.t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			h.t.Errorf("RunReminders: %v", err)
		}
	})
}

// waitSends waits until the recorder has n sends.
func (h *harness) waitSends(n int) []sent {
	h.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for len(h.sender.all()) < n && time.Now().Before(deadline) {
		time.Sleep(2 * time.Millisecond)
	}
	return h.sender.all()
}

// restart closes the store and opens everything again.
func (h *harness) restart() {
	h.t.Helper()
	if err := h.store.Close(); err != nil {
		h.t.Fatal(err)
	}
	h.open()
}

func (h *harness) clock() time.Time {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.now
}

func (h *harness) advance(d time.Duration) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.now = h.now.Add(d)
}

// event sends one inbound event through the dispatcher.
func (h *harness) event(respondent string, ev conversation.Event) []bot.Message {
	h.t.Helper()
	h.mu.Lock()
	h.update++
	key := fmt.Sprintf("%s:u%d", respondent, h.update)
	h.mu.Unlock()
	channel, _, _ := strings.Cut(respondent, ":")
	msgs, err := h.d.Handle(context.Background(), bot.Inbound{Respondent: respondent, Channel: channel, UpdateKey: key, Event: ev})
	if err != nil {
		h.t.Fatalf("%s: %v", respondent, err)
	}
	return msgs
}

func (h *harness) say(respondent, text string) []bot.Message {
	return h.event(respondent, conversation.Event{Kind: conversation.EventText, Text: text})
}

func (h *harness) command(respondent, name, arg string) []bot.Message {
	return h.event(respondent, conversation.Event{Kind: conversation.EventCommand, Command: name, Arg: arg})
}

func (h *harness) tap(respondent, data string) []bot.Message {
	return h.event(respondent, conversation.Event{Kind: conversation.EventButton, Data: data})
}

// tapIn taps as a user whose channel reports language hint.
func (h *harness) tapIn(respondent, data, hint string) []bot.Message {
	return h.event(respondent, conversation.Event{Kind: conversation.EventButton, Data: data, LanguageHint: hint})
}

// state is the stored response of respondent.
func (h *harness) state(respondent string) (conversation.State, bool) {
	h.t.Helper()
	st, ok, err := h.store.Load(h.sv.ID, respondent)
	if err != nil {
		h.t.Fatal(err)
	}
	return st, ok
}

// profile is how a scripted respondent answers.
type profile struct {
	lang         string // language name typed at the start ("English")
	municipality string
	country      string
	yes          bool // every yes/no question
	stopAfter    int  // answer only this many questions (0: all, then submit)
}

// begin starts respondent and picks the language.
func (h *harness) begin(respondent string, p profile) {
	h.t.Helper()
	h.command(respondent, "start", "")
	h.say(respondent, p.lang)
}

// answer takes respondent through the survey as p says, typing every
// answer as a person would.
func (h *harness) answer(respondent string, p profile) {
	h.t.Helper()
	h.begin(respondent, p)
	for n := 0; ; n++ {
		st, _ := h.state(respondent)
		if st.Phase == conversation.PhaseReview {
			if p.stopAfter == 0 {
				h.say(respondent, "submit")
			}
			return
		}
		if st.Phase != conversation.PhaseQuestion || (p.stopAfter > 0 && n >= p.stopAfter) {
			return
		}
		h.say(respondent, typed(h.sv.Question(st.Current), p))
	}
}

// typed is the answer p gives to q.
func typed(q *conversation.Question, p profile) string {
	switch {
	case q.ID == "municipality":
		return p.municipality
	case q.ID == "country":
		return p.country
	case q.Type == conversation.TypeYesNo && p.yes:
		return "yes"
	case q.Type == conversation.TypeYesNo:
		return "no"
	case q.Type == conversation.TypeMulti:
		return "1,3"
	case q.Type == conversation.TypeEmail:
		return "office@city.example"
	}
	return "Answer to " + q.ID
}

// sent is one reminder delivery the recorder saw.
type sent struct {
	at         time.Time // real time, for pacing
	respondent string
	msgs       []bot.Message
}

// recorder is the reminders' Sender: it keeps what would have been sent.
type recorder struct {
	mu    sync.Mutex
	sends []sent
	fail  map[string]error
}

func (r *recorder) Send(ctx context.Context, respondent string, msgs []bot.Message) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := r.fail[respondent]; err != nil {
		return err
	}
	r.sends = append(r.sends, sent{at: time.Now(), respondent: respondent, msgs: msgs})
	return nil
}

func (r *recorder) all() []sent {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]sent(nil), r.sends...)
}

func (r *recorder) reset() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sends = nil
}

// only returns the single message of msgs, failing otherwise.
func only(t *testing.T, msgs []bot.Message) bot.Message {
	t.Helper()
	if len(msgs) != 1 {
		t.Fatalf("got %d messages, want 1: %+v", len(msgs), msgs)
	}
	return msgs[0]
}

// joined is the text of msgs, one after the other.
func joined(msgs []bot.Message) string {
	var parts []string
	for _, m := range msgs {
		parts = append(parts, m.Text)
	}
	return strings.Join(parts, "\n")
}

// run calls the service directly, as the dispatcher does for a coordinator.
func (h *harness) run(respondent, lang, command, arg string) []bot.Message {
	h.t.Helper()
	msgs, err := h.svc.Handle(context.Background(), respondent, lang, command, arg)
	if err != nil {
		h.t.Fatalf("/%s %s: %v", command, arg, err)
	}
	return msgs
}
