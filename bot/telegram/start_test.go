package telegram

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/uclg-mewa/surveybot/bot/telegram/telegramtest"
)

// newAt makes a channel on srv, for start-up tests.
func newAt(ctx context.Context, srv *telegramtest.Server, logs *logBuffer) (*Channel, error) {
	cfg := Config{Token: srv.Token(), APIURL: srv.URL()}
	if logs != nil {
		cfg.Log = slog.New(slog.NewTextHandler(logs, nil))
	}
	return New(ctx, cfg, nil)
}

// A passing failure of Telegram at start-up is retried: server errors
// with backoff, a 429 after the time it asks for.
func TestGetMeRetriedAtStart(t *testing.T) {
	srv := telegramtest.New()
	defer srv.Close()
	srv.FailNext("getMe", 500, 0)
	srv.FailNext("getMe", 502, 0)
	srv.FailNext("getMe", 429, 1)
	logs := &logBuffer{}
	begin := time.Now()
	ch, err := newAt(context.Background(), srv, logs)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	if d := time.Since(begin); d < 900*time.Millisecond {
		t.Errorf("retry_after not honoured (%v)", d)
	}
	if n := len(srv.Calls("getMe")); n != 4 || ch.Username() != srv.Username() {
		t.Errorf("%d getMe calls, bot %q", n, ch.Username())
	}
	if n := strings.Count(logs.String(), "getMe failed, retrying"); n != 3 {
		t.Errorf("%d retries logged", n)
	}
	checkNoToken(t, srv.Token(), logs.String())
}

// A refusal is final at once: a 401 (a wrong token) and a 404.
func TestGetMeRefusalIsNotRetried(t *testing.T) {
	for _, code := range []int{401, 404, 400} {
		srv := telegramtest.New()
		srv.FailNext("getMe", code, 0)
		begin := time.Now()
		_, err := newAt(context.Background(), srv, nil)
		if err == nil || errors.Is(err, ErrUnauthorized) != (code == 401) {
			t.Errorf("%d: err = %v", code, err)
		}
		if n := len(srv.Calls("getMe")); n != 1 || time.Since(begin) > time.Second {
			t.Errorf("%d: %d getMe calls in %v", code, n, time.Since(begin))
		}
		srv.Close()
	}
}

// A wait longer than the start-up budget is not waited for; a cancelled
// context stops the waiting.
func TestGetMeRetryIsBounded(t *testing.T) {
	srv := telegramtest.New()
	defer srv.Close()
	srv.FailNext("getMe", 429, 600)
	begin := time.Now()
	_, err := newAt(context.Background(), srv, nil)
	if err == nil || !strings.Contains(err.Error(), "429") || time.Since(begin) > time.Second {
		t.Errorf("err = %v after %v", err, time.Since(begin))
	}

	srv.FailNext("getMe", 429, 20)
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	begin = time.Now()
	_, err = newAt(ctx, srv, nil)
	if err == nil || time.Since(begin) > 2*time.Second {
		t.Errorf("err = %v after %v", err, time.Since(begin))
	}
	checkNoToken(t, srv.Token(), err.Error())
}

// The command menu is registered beside the polling: its failures and
// retries delay neither New nor the first replies.
func TestMenuDoesNotDelayStart(t *testing.T) {
	h := newHarness(t, nil)
	for range 8 {
		h.srv.FailNext("setMyCommands", 500, 0)
	}
	begin := time.Now()
	h.ch = h.newChannel(nil)
	h.start()
	h.send(3701, "/start")
	if d := time.Since(begin); d > 2*time.Second {
		t.Errorf("first reply after %v", d)
	}
	if len(h.srv.Messages(3701)) != 1 {
		t.Error("no reply")
	}
	begin = time.Now()
	h.stop() // while the menu is still being retried
	if d := time.Since(begin); d > 2*time.Second {
		t.Errorf("Run took %v to stop", d)
	}
}

// A question that could not be sent is tried once more a little later
// (the answer before it is stored: without it the respondent is stuck);
// a refusal (blocked bot) is not.
func TestFailedQuestionIsSentOnceMore(t *testing.T) {
	h := newHarness(t, nil)
	h.start()
	const user, blocked = 3801, 3802
	h.srv.FailNext("sendMessage", 500, 0)
	h.send(user, "/start")
	if n := len(h.srv.Messages(user)); n != 1 {
		t.Errorf("%d messages after a failed send", n)
	}
	if !strings.Contains(h.logs.String(), "trying once more") {
		t.Error("the second try is not logged")
	}
	h.srv.Block(blocked)
	h.send(blocked, "/start")
	n := 0
	for _, c := range h.srv.Calls("sendMessage") {
		if c.Params.Get("chat_id") == itoa(blocked) {
			n++
		}
	}
	if n != 1 {
		t.Errorf("a refused send was tried %d times", n)
	}
	if !strings.Contains(h.logs.String(), "respondent=telegram:3802") {
		t.Errorf("the undelivered reply is not logged with the respondent:\n%s", h.logs.String())
	}
	checkNoToken(t, h.srv.Token(), h.logs.String())
}
