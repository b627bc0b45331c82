package telegram

import (
	"strings"
	"testing"
	"time"
)

// A respondent flooding the bot while it runs (100 messages a second, far
// over the per-chat pacing of replies) must not slow the others down:
// another respondent goes through four steps of the survey, each answered
// within the usual time, while the flood is being worked off. (flood_test.go
// queues the flood before the bot starts; this one arrives live.)
func TestLiveFloodAt100PerSecondLeavesOthersFast(t *testing.T) {
	h := newHarness(t, func(c *Config) {
		c.ChatRate, c.ChatBurst = 5, 1 // each chat: a reply every 200 ms
	})
	h.start()
	const flooder, other = 9101, 9102
	h.srv.SetLanguage(flooder, "en")
	h.srv.SetLanguage(other, "en")
	h.send(flooder, "/start")

	// 100 messages in one second: each is refused with a notice and the
	// language question again, so about 40 s of paced replies.
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		for range 100 {
			select {
			case <-stop:
				return
			case <-tick.C:
				h.srv.SendText(flooder, "hello?")
			}
		}
	}()
	time.Sleep(300 * time.Millisecond)

	// Another respondent, meanwhile: every step answered promptly. (Not
	// "confirmed": the offset stays below the flooder's oldest update
	// until the flood is worked off; the reply is what counts.)
	for i, step := range []struct{ in, want string }{
		{"/start", "Choose your language"}, {"English", "municipality"}, {"Karsiyaka", "country"}, {"Türkiye", "full name"},
	} {
		start := time.Now()
		h.srv.SendText(other, step.in)
		replied := h.srv.WaitFor(func() bool {
			last, ok := h.srv.LastMessage(other)
			return ok && strings.Contains(last.Text, step.want)
		}, 10*time.Second)
		if !replied {
			t.Fatalf("step %d (%q): no reply within 10 s during the flood; log:\n%s", i, step.in, h.logs.String())
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("step %d (%q): the reply took %v during the flood", i, step.in, d.Round(time.Millisecond))
		}
	}
	if last, _ := h.srv.LastMessage(other); !strings.Contains(last.Text, "full name") {
		t.Errorf("the other respondent is at %q", last.Text)
	}
}
