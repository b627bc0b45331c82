package telegram

import (
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// A respondent who floods the bot is paced in their own chat; another
// respondent is answered at once, and a shutdown in the middle is quick.
func TestFloodingRespondentDoesNotDelayOthers(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.ChatRate, c.ChatBurst = 1, 1 })
	const flooder, other = 9101, 9102
	h.srv.SetLanguage(flooder, "en")
	for i := range 30 {
		h.srv.SendText(flooder, "hello "+strconv.Itoa(i))
	}
	h.start()
	if !h.srv.WaitFor(func() bool { return len(h.srv.Messages(flooder)) > 0 }, wait) {
		t.Fatalf("the flooder got no reply; log:\n%s", h.logs.String())
	}
	begin := time.Now()
	h.srv.SendText(other, "/start")
	if !h.srv.WaitFor(func() bool { return len(h.srv.Messages(other)) > 0 }, 2*time.Second) {
		t.Errorf("the other respondent was not answered within 2 s (flooder has %d messages)", len(h.srv.Messages(flooder)))
	} else if n := len(h.srv.Messages(flooder)); n >= 30 {
		t.Errorf("the flooder was not paced: %d messages", n)
	} else {
		t.Logf("answered in %v while the flooder had %d messages", time.Since(begin).Round(time.Millisecond), n)
	}

	begin = time.Now()
	h.stop()
	if d := time.Since(begin); d > 4*time.Second {
		t.Errorf("Run took %v to stop during a flood", d)
	}
}

// A chat told to wait by a 429 waits alone.
func TestRateLimitedChatDoesNotDelayOthers(t *testing.T) {
	h := newHarness(t, nil)
	h.start()
	const slow, other = 9201, 9202
	h.srv.FailNext("sendMessage", 429, 4)
	slowID := h.srv.SendText(slow, "/start")
	limited := func() bool {
		calls := h.srv.Calls("sendMessage")
		return len(calls) > 0 && calls[0].Status == 429
	}
	if !h.srv.WaitFor(limited, wait) {
		t.Fatal("no 429")
	}
	begin := time.Now()
	h.srv.SendText(other, "/start")
	if !h.srv.WaitFor(func() bool { return len(h.srv.Messages(other)) > 0 }, 2*time.Second) {
		t.Errorf("the other respondent waited for the rate-limited chat (%v)", time.Since(begin).Round(time.Millisecond))
	}
	h.settle(slowID)
	if d := time.Since(begin); d < 3*time.Second {
		t.Errorf("the rate-limited chat was answered after %v, before its retry_after", d)
	}
	if n := len(h.srv.Messages(slow)); n != 1 {
		t.Errorf("the rate-limited chat got %d messages", n)
	}
}

// script is a respondent's answers, each one distinct, so that a lost,
// doubled or reordered update shows in the stored answers.
func script(p string) []string {
	return []string{"/start", "English", p + " municipality", p + " country", p + " name", p + " position",
		p + "@example.org", "yes", "no", "yes", "no"}
}

// checkScript checks that user's answers are script(p), applied once each
// and in order.
func (h *harness) checkScript(user int64, p string) {
	h.t.Helper()
	st := h.state(user)
	want := map[string]string{
		"municipality": p + " municipality", "country": p + " country", "respondent_name": p + " name",
		"position": p + " position", "email": p + "@example.org",
		"q1_new_tech": "yes", "q2_wifi_hotspots": "no", "q3_internet_center": "yes", "q4_isp_deals": "no",
	}
	for id, v := range want {
		if got := st.Answers[id].Value; got != v {
			h.t.Errorf("user %d: %s = %q, want %q", user, id, got, v)
		}
	}
	if st.Language != "en" || st.Current != "q5_computer_courses" || len(st.Answers) != len(want) {
		h.t.Errorf("user %d: language %q, at %q, %d answers", user, st.Language, st.Current, len(st.Answers))
	}
}

// sendScript queues script(p) from user and returns the update ids.
func (h *harness) sendScript(user int64, p string) []int {
	var ids []int
	for _, text := range script(p) {
		ids = append(ids, h.srv.SendText(user, text))
	}
	return ids
}

// watchOffsets checks at every poll that no update of the users below
// the offset is still unstored, and returns the violations seen so far.
func (h *harness) watchOffsets(ids map[int64][]int) func() []string {
	var mu sync.Mutex
	var bad []string
	h.srv.OnPoll(func(offset int) {
		for user, list := range ids {
			below := 0
			for _, id := range list {
				if id < offset {
					below = id
				}
			}
			if below == 0 {
				continue
			}
			st, _, err := h.d.State(respondent(user))
			stored, _ := strconv.Atoi(strings.TrimPrefix(st.LastUpdate, "telegram:"))
			if err != nil || stored < below {
				mu.Lock()
				bad = append(bad, fmt.Sprintf("offset %d passed update %d of user %d, stored only up to %d (%v)", offset, below, user, stored, err))
				mu.Unlock()
			}
		}
	})
	h.t.Cleanup(func() { h.srv.OnPoll(nil) })
	return func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), bad...)
	}
}

// Two respondents answer quickly while their replies are paced; the bot
// is killed in the middle (no grace: replies cut short) and restarted.
// Every answer is stored once, in order, and no poll ever confirmed an
// update that was not stored.
func TestFloodAppliedOnceInOrderAcrossCrash(t *testing.T) {
	mod := func(c *Config) { c.ChatRate, c.ChatBurst = 20, 1 }
	h := newHarness(t, mod)
	const a, b = 9301, 9302
	ids := map[int64][]int{a: h.sendScript(a, "a")}
	ids[b] = h.sendScript(b, "b")
	violations := h.watchOffsets(ids)

	h.ch.grace = 0
	h.start()
	progressed := func() bool {
		st := h.state(a)
		stored, _ := strconv.Atoi(strings.TrimPrefix(st.LastUpdate, "telegram:"))
		return stored >= ids[a][5]
	}
	if !h.srv.WaitFor(progressed, wait) {
		t.Fatalf("no progress; log:\n%s", h.logs.String())
	}
	h.stop()

	h.ch = h.newChannel(mod)
	h.start()
	h.settle(ids[a][len(ids[a])-1])
	h.settle(ids[b][len(ids[b])-1])
	h.checkScript(a, "a")
	h.checkScript(b, "b")
	for _, v := range violations() {
		t.Error(v)
	}
}

// With tiny caps most updates are left with Telegram at first (held) and
// taken on later polls: none is lost, none confirmed before it is stored,
// each respondent's stay in order.
func TestHeldUpdatesAreTakenLaterInOrder(t *testing.T) {
	for _, caps := range []struct{ perRespondent, pending int }{{3, 1000}, {50, 2}, {1, 1}} {
		t.Run(fmt.Sprintf("%d-%d", caps.perRespondent, caps.pending), func(t *testing.T) {
			h := newHarness(t, nil)
			h.ch.perRespondent, h.ch.maxPending = caps.perRespondent, caps.pending
			const a, b = 9401, 9402
			ids := map[int64][]int{a: h.sendScript(a, "a")}
			ids[b] = h.sendScript(b, "b")
			violations := h.watchOffsets(ids)
			h.start()
			h.settle(ids[a][len(ids[a])-1])
			h.settle(ids[b][len(ids[b])-1])
			h.checkScript(a, "a")
			h.checkScript(b, "b")
			for _, v := range violations() {
				t.Error(v)
			}
			if caps.perRespondent < len(ids[a]) && !strings.Contains(h.logs.String(), "sends faster than they are answered") {
				t.Error("the flood was not logged")
			}
		})
	}
}

// While updates are in flight Telegram answers every poll at once: the
// polls are then spaced, not repeated in a tight loop.
func TestPollsAreSpacedWhileUpdatesAreInFlight(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.ChatRate, c.ChatBurst = 1, 1 })
	const user = 9501
	for i := range 5 {
		h.srv.SendText(user, "hello "+strconv.Itoa(i))
	}
	h.start()
	if !h.srv.WaitFor(func() bool { return len(h.srv.Messages(user)) > 0 }, wait) {
		t.Fatal("no reply")
	}
	before := len(h.srv.Calls("getUpdates"))
	time.Sleep(2 * time.Second)
	// One poll per repollEvery (250 ms), give or take.
	if n := len(h.srv.Calls("getUpdates")) - before; n > 12 {
		t.Errorf("%d polls in 2 s while updates were in flight", n)
	}
}

// The same update returned by several polls while it is in flight is
// handled once.
func TestInFlightUpdateIsNotTakenTwice(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.ChatRate, c.ChatBurst = 2, 1 })
	const user = 9601
	h.srv.SetLanguage(user, "en")
	h.start()
	// Replies: the language prompt, then for "hi" a notice and the prompt
	// again (and the first copy's buttons removed): paced at 2/s, the
	// second update stays in flight over several polls.
	h.send(user, "/start")
	polls := len(h.srv.Calls("getUpdates"))
	h.send(user, "hi")
	if n := len(h.srv.Calls("getUpdates")) - polls; n < 3 {
		t.Logf("only %d polls while the update was in flight", n)
	}
	if n := len(h.srv.Messages(user)); n != 3 {
		t.Errorf("%d messages, want 3 (the update handled once)", n)
	}
	if strings.Contains(h.logs.String(), "duplicate update ignored") {
		t.Error("an update in flight was dispatched again")
	}
}
