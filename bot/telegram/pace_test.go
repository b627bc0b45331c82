package telegram

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/uclg-mewa/surveybot/bot"
)

func texts(n int) []bot.Message {
	msgs := make([]bot.Message, n)
	for i := range msgs {
		msgs[i] = bot.Message{Text: "message " + itoa(int64(i+1))}
	}
	return msgs
}

// Six messages to one chat at 5/s with a burst of 1: the first goes at
// once, the other five 200 ms apart.
func TestChatPacing(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.ChatRate, c.ChatBurst = 5, 1 })
	start := time.Now()
	if err := h.ch.Send(context.Background(), respondent(8001), texts(6)); err != nil {
		t.Fatal(err)
	}
	d := time.Since(start)
	if d < 900*time.Millisecond || d > 5*time.Second {
		t.Errorf("6 messages at 5/s took %v, want about 1 s", d)
	}
	if n := len(h.srv.Messages(8001)); n != 6 {
		t.Errorf("%d messages delivered", n)
	}
}

func TestGlobalPacing(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.GlobalRate, c.GlobalBurst = 10, 1 })
	start := time.Now()
	var wg sync.WaitGroup
	for u := range int64(6) {
		wg.Go(func() { _ = h.ch.Send(context.Background(), respondent(8100+u), texts(1)) })
	}
	wg.Wait()
	if d := time.Since(start); d < 450*time.Millisecond {
		t.Errorf("6 messages to 6 chats at 10/s took %v, want about 0.5 s", d)
	}
}

// A chat flooded by many concurrent sends holds at most its own share of
// the global budget: another chat's message still goes out at once.
func TestFloodingChatDoesNotStarveOthers(t *testing.T) {
	h := newHarness(t, func(c *Config) {
		c.GlobalRate, c.GlobalBurst = 10, 1
		c.ChatRate, c.ChatBurst = 2, 1
	})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var wg sync.WaitGroup
	defer wg.Wait()
	for range 30 {
		wg.Go(func() { _ = h.ch.Send(ctx, respondent(8201), texts(1)) })
	}
	time.Sleep(300 * time.Millisecond)
	start := time.Now()
	if err := h.ch.Send(context.Background(), respondent(8202), texts(1)); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 600*time.Millisecond {
		t.Errorf("a quiet chat waited %v behind a flooding one", d)
	}
	cancel()
}

func TestIdleChatBucketsAreSwept(t *testing.T) {
	p := newPacer(withDefaults(Config{GlobalRate: 1e6, GlobalBurst: 1000, ChatRate: 1000, ChatBurst: 1}))
	for id := range int64(100) {
		if err := p.wait(context.Background(), id+1); err != nil {
			t.Fatal(err)
		}
	}
	time.Sleep(10 * time.Millisecond) // every bucket refills
	p.mu.Lock()
	p.lastSweep = time.Now().Add(-2 * sweepEvery)
	p.mu.Unlock()
	p.chat(1000)
	if n := p.size(); n != 1 {
		t.Errorf("%d buckets kept after the sweep", n)
	}
}
