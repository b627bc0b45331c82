package telegram

import (
	"net"
	"net/http"
	"os"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// An edit (idempotent) that meets a 5xx is tried again, after a pause that
// grows with each attempt, and lands once.
func TestEditRetriedAfterServerErrorWithGrowingPause(t *testing.T) {
	h := newHarness(t, nil)
	h.start()
	const user = 3601
	h.send(user, "/start")
	h.tap(user, "English") // at municipality; its prompt is remembered
	prompt, _ := h.srv.LastMessage(user)
	before := len(h.srv.Calls("editMessageText"))
	h.srv.FailNext("editMessageText", 500, 0)
	h.srv.FailNext("editMessageText", 502, 0)
	h.send(user, "Karsiyaka")
	var at []time.Time
	for _, c := range h.srv.Calls("editMessageText")[before:] {
		at = append(at, c.At)
	}
	if len(at) != 3 {
		t.Fatalf("%d editMessageText calls, want 2 failures and a success", len(at))
	}
	first, second := at[1].Sub(at[0]), at[2].Sub(at[1])
	if first < minRetryPause/2 || second < first || second > 4*minRetryPause {
		t.Errorf("pauses %v then %v: want a backoff from about %v, growing", first, second, minRetryPause)
	}
	if m, _ := h.srv.Message(user, prompt.ID); !strings.Contains(m.Text, "Karsiyaka") || m.Edits != 1 {
		t.Errorf("the answered question reads %q after %d edits", m.Text, m.Edits)
	}
}

// Retries of many bots (or chats) after the same outage should not come
// in step: each pause is spread over [d/2, d).
func TestRetryPausesAreJittered(t *testing.T) {
	c := &Channel{}
	err := &tgbotapi.Error{Code: 502, Message: "Bad Gateway"}
	for attempt := range 3 {
		d := minRetryPause << attempt
		seen := map[time.Duration]bool{}
		for range 50 {
			p, ok := c.retryPause("editMessageText", err, attempt)
			if !ok || p < d/2 || p > d {
				t.Fatalf("attempt %d: pause %v (retry %v), want within [%v, %v]", attempt, p, ok, d/2, d)
			}
			seen[p] = true
		}
		if len(seen) < 10 {
			t.Errorf("attempt %d: only %d distinct pauses in 50", attempt, len(seen))
		}
	}
}

// refusingTransport refuses the first n connections to sendMessage, as a
// network that is briefly down does: the request never leaves.
type refusingTransport struct {
	n    atomic.Int32
	next http.RoundTripper
}

func (r *refusingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if strings.HasSuffix(req.URL.Path, "/sendMessage") && r.n.Add(-1) >= 0 {
		return nil, &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}
	}
	return r.next.RoundTrip(req)
}

// A question whose send meets a refused connection (safe: nothing was
// sent) is delivered once, a little later, and the error logged is
// redacted.
func TestQuestionDeliveredOnceAfterRefusedConnection(t *testing.T) {
	rt := &refusingTransport{next: http.DefaultTransport}
	h := newHarness(t, func(c *Config) { c.HTTPClient = &http.Client{Transport: rt} })
	h.start()
	const user = 3701
	h.send(user, "/start")
	h.tap(user, "English")
	rt.n.Store(1)
	begin := time.Now()
	h.send(user, "Karsiyaka")
	var questions int
	for _, text := range h.sentTexts(user) {
		if strings.Contains(text, "country") {
			questions++
		}
	}
	if questions != 1 {
		t.Errorf("the next question was sent %d times", questions)
	}
	t.Logf("delivered %v after the refusal", time.Since(begin).Round(time.Millisecond))
	checkNoToken(t, h.srv.Token(), h.logs.String())
	if !strings.Contains(h.logs.String(), "connection refused") {
		t.Errorf("the refusal was not logged:\n%s", h.logs.String())
	}
}
