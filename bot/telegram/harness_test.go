package telegram

import (
	"bytes"
	"context"
	"log/slog"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/uclg-mewa/surveybot/bot"
	"github.com/uclg-mewa/surveybot/bot/telegram/telegramtest"
	"github.com/uclg-mewa/surveybot/conversation"
	"github.com/uclg-mewa/surveybot/conversation/builtin"
	"github.com/uclg-mewa/surveybot/messages"
	"github.com/uclg-mewa/surveybot/storage"
)

// wait is how long a test waits for something that should take milliseconds.
const wait = 10 * time.Second

// logBuffer collects log output from several goroutines.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// harness is a channel on a fake Bot API with a real engine and bbolt.
type harness struct {
	t    *testing.T
	srv  *telegramtest.Server
	st   *storage.Store
	d    *bot.Dispatcher
	logs *logBuffer
	log  *slog.Logger
	ch   *Channel

	cancel context.CancelFunc
	done   chan error
}

// fastConfig paces generously, so that tests of behaviour do not wait.
func fastConfig(c *Config) {
	c.PollTimeout = 1
	c.GlobalRate, c.GlobalBurst = 10000, 1000
	c.ChatRate, c.ChatBurst = 10000, 1000
}

// newHarness opens a store and a fake server; mod adjusts the config.
func newHarness(t *testing.T, mod func(*Config)) *harness {
	t.Helper()
	h := &harness{t: t, srv: telegramtest.New(), logs: &logBuffer{}}
	t.Cleanup(h.srv.Close)
	h.log = slog.New(slog.NewTextHandler(h.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	st, err := storage.Open(filepath.Join(t.TempDir(), "surveybot.db"), storage.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	h.st = st
	sv, err := builtin.Survey()
	if err != nil {
		t.Fatal(err)
	}
	h.d = bot.NewDispatcher(&conversation.Engine{Survey: sv, Vocab: messages.Vocabulary()}, st, h.log)
	h.ch = h.newChannel(mod)
	return h
}

func (h *harness) config(mod func(*Config)) Config {
	cfg := Config{Token: h.srv.Token(), APIURL: h.srv.URL(), Log: h.log}
	fastConfig(&cfg)
	if mod != nil {
		mod(&cfg)
	}
	return cfg
}

func (h *harness) newChannel(mod func(*Config)) *Channel {
	h.t.Helper()
	ch, err := New(context.Background(), h.config(mod), h.d)
	if err != nil {
		h.t.Fatalf("New: %v", err)
	}
	ch.minBackoff = 20 * time.Millisecond
	return ch
}

// start runs the channel until the test ends.
func (h *harness) start() {
	ctx, cancel := context.WithCancel(context.Background())
	h.cancel, h.done = cancel, make(chan error, 1)
	go func() { h.done <- h.ch.Run(ctx) }()
	h.t.Cleanup(h.stop)
}

// stop cancels Run and waits for it.
func (h *harness) stop() {
	if h.cancel == nil {
		return
	}
	h.cancel()
	select {
	case err := <-h.done:
		if err != nil {
			h.t.Errorf("Run: %v", err)
		}
	case <-time.After(wait):
		h.t.Error("Run did not return")
	}
	h.cancel = nil
}

// settle waits until the bot acknowledged update id (stored, replied).
func (h *harness) settle(id int) {
	h.t.Helper()
	if !h.srv.WaitConfirmed(id, wait) {
		h.t.Fatalf("update %d not acknowledged; log:\n%s", id, h.logs.String())
	}
}

func (h *harness) send(user int64, text string) int {
	h.t.Helper()
	id := h.srv.SendText(user, text)
	h.settle(id)
	return id
}

// tap taps the button labelled label on the bot's latest keyboard.
func (h *harness) tap(user int64, label string) (updateID, msgID int) {
	h.t.Helper()
	msgID, data, ok := h.srv.Button(user, label)
	if !ok {
		last, _ := h.srv.LastMessage(user)
		h.t.Fatalf("no button %q; last message %q with keyboard %v", label, last.Text, labels(last))
	}
	updateID = h.srv.Tap(user, msgID, data)
	h.settle(updateID)
	return updateID, msgID
}

func (h *harness) state(user int64) conversation.State {
	h.t.Helper()
	st, _, err := h.d.State(respondent(user))
	if err != nil {
		h.t.Fatal(err)
	}
	return st
}

func respondent(user int64) string { return "telegram:" + itoa(user) }

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// labels lists a message's button labels row by row.
func labels(m telegramtest.Message) [][]string {
	var out [][]string
	for _, row := range m.Keyboard {
		var r []string
		for _, b := range row {
			r = append(r, b.Text)
		}
		out = append(out, r)
	}
	return out
}

// sentTexts is every text the bot sent to chat, in order.
func (h *harness) sentTexts(chat int64) []string {
	var out []string
	for _, c := range h.srv.Calls("sendMessage") {
		if c.Params.Get("chat_id") == itoa(chat) && c.Status == 200 {
			out = append(out, c.Params.Get("text"))
		}
	}
	return out
}

// Short names for the bot package's types in test tables.
type (
	botMessage = bot.Message
	botFile    = bot.File
)
