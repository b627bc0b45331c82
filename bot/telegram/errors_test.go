package telegram

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/uclg-mewa/surveybot/bot/telegram/telegramtest"
)

func TestRetryAfter429DeliversOnce(t *testing.T) {
	h := newHarness(t, nil)
	h.start()
	const user = 7001
	h.srv.FailNext("sendMessage", 429, 1)
	start := time.Now()
	h.send(user, "/start")
	if d := time.Since(start); d < 900*time.Millisecond {
		t.Errorf("delivered after %v, before retry_after", d)
	}
	calls := h.srv.Calls("sendMessage")
	if len(calls) != 2 || calls[0].Status != 429 || calls[1].Status != 200 {
		t.Errorf("calls: %+v", calls)
	}
	if n := len(h.srv.Messages(user)); n != 1 {
		t.Errorf("%d messages delivered", n)
	}
}

// On the multipart path the library leaves Code at 0: retry_after alone
// must be enough.
func TestRetryAfter429OnUpload(t *testing.T) {
	h := newHarness(t, nil)
	h.srv.FailNext("sendDocument", 429, 1)
	msgs := []botMessage{{Text: "export", Document: &botFile{Name: "a.csv", Bytes: []byte("a,b\r\n")}}}
	if err := h.ch.Send(context.Background(), respondent(7002), msgs); err != nil {
		t.Fatal(err)
	}
	if calls := h.srv.Calls("sendDocument"); len(calls) != 2 || len(h.srv.Messages(7002)) != 1 {
		t.Errorf("%d calls, %d messages", len(calls), len(h.srv.Messages(7002)))
	}
}

func TestSendIsNotRepeatedAfterServerError(t *testing.T) {
	h := newHarness(t, nil)
	h.srv.FailNext("sendMessage", 500, 0)
	err := h.ch.Send(context.Background(), respondent(7003), []botMessage{{Text: "hello"}})
	if err == nil {
		t.Fatal("no error")
	}
	if n := len(h.srv.Calls("sendMessage")); n != 1 {
		t.Errorf("sendMessage tried %d times", n)
	}
}

// checkNoToken fails if the token shows anywhere.
func checkNoToken(t *testing.T, token string, texts ...string) {
	t.Helper()
	secret := strings.SplitN(token, ":", 2)[1]
	for _, s := range texts {
		if strings.Contains(s, token) || strings.Contains(s, secret) {
			t.Errorf("token leaked in: %s", s)
		}
	}
}

func TestUnauthorizedAtStart(t *testing.T) {
	srv := telegramtest.New()
	defer srv.Close()
	srv.SetTokenValid(false)
	logs := &logBuffer{}
	log := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	_, err := New(context.Background(), Config{Token: srv.Token(), APIURL: srv.URL(), Log: log}, nil)
	if !errors.Is(err, ErrUnauthorized) {
		t.Fatalf("err = %v, want ErrUnauthorized", err)
	}
	checkNoToken(t, srv.Token(), err.Error(), logs.String())
}

// A transport error from net/http holds the whole URL, token included.
// New retries it until its context ends, then explains the last error.
func TestNetworkErrorsAreRedacted(t *testing.T) {
	srv := telegramtest.New()
	url, token := srv.URL(), srv.Token()
	srv.Close()
	logs := &logBuffer{}
	log := slog.New(slog.NewTextHandler(logs, nil))
	ctx, cancel := context.WithTimeout(context.Background(), 1500*time.Millisecond)
	defer cancel()
	_, err := New(ctx, Config{Token: token, APIURL: url, Log: log}, nil)
	if err == nil || errors.Is(err, ErrUnauthorized) {
		t.Fatalf("err = %v", err)
	}
	if !strings.Contains(logs.String(), "getMe failed, retrying") {
		t.Errorf("a network error at start was not retried:\n%s", logs)
	}
	if !strings.Contains(err.Error(), url) {
		t.Errorf("error does not name the server: %v", err)
	}
	checkNoToken(t, token, err.Error(), logs.String())

	// The library's own logger goes through the same redaction.
	libLogger{}.Println(`Post "` + url + `/bot` + token + `/getUpdates": connection refused`)
	libLogger{}.Printf("%s", "token "+token)
	if !strings.Contains(logs.String(), "telegram library") {
		t.Error("library log lines are not forwarded")
	}
	checkNoToken(t, token, logs.String())
}

func TestNotFoundTokenAtStart(t *testing.T) {
	srv := telegramtest.New()
	defer srv.Close()
	srv.FailNext("getMe", 404, 0)
	_, err := New(context.Background(), Config{Token: srv.Token(), APIURL: srv.URL()}, nil)
	if err == nil || !strings.Contains(err.Error(), "404") {
		t.Fatalf("err = %v", err)
	}
	checkNoToken(t, srv.Token(), err.Error())
}

func TestUnauthorizedDuringRunIsLoggedOnceAndRetried(t *testing.T) {
	h := newHarness(t, nil)
	h.ch.maxBackoff = 50 * time.Millisecond
	h.start()
	h.send(7101, "/start")
	h.srv.SetTokenValid(false)
	polls := len(h.srv.Calls("getUpdates"))
	if !h.srv.WaitFor(func() bool { return len(h.srv.Calls("getUpdates")) > polls+4 }, wait) {
		t.Fatal("no retries after 401")
	}
	h.srv.SetTokenValid(true)
	h.send(7101, "2")
	if n := strings.Count(h.logs.String(), "token refused"); n != 1 {
		t.Errorf("token refusal logged %d times", n)
	}
	checkNoToken(t, h.srv.Token(), h.logs.String())
}

func TestPollErrorsBackOffAndRecover(t *testing.T) {
	h := newHarness(t, nil)
	h.srv.FailNext("getUpdates", 500, 0)
	h.srv.FailNext("getUpdates", 429, 1)
	h.start()
	start := time.Now()
	h.send(7201, "/start")
	if d := time.Since(start); d < 900*time.Millisecond {
		t.Errorf("retry_after of getUpdates not honoured (%v)", d)
	}
	if len(h.srv.Messages(7201)) != 1 {
		t.Error("no reply after the errors")
	}
}

func TestRunStopsPromptlyDuringLongPoll(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.PollTimeout = 30 })
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- h.ch.Run(ctx) }()
	if !h.srv.WaitFor(func() bool { return h.srv.Polling() == 1 }, wait) {
		t.Fatal("no long poll in flight")
	}
	time.Sleep(100 * time.Millisecond)
	start := time.Now()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run: %v", err)
		}
		if d := time.Since(start); d > time.Second {
			t.Errorf("Run took %v to stop", d)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("Run did not stop within 2 s")
	}
}

// The poll asks only for the kinds the bot handles, and acknowledges a
// batch only with the next poll, after handling it.
func TestPollParameters(t *testing.T) {
	h := newHarness(t, nil)
	h.start()
	id := h.send(7301, "/start")
	polls := h.srv.Calls("getUpdates")
	p := polls[len(polls)-1].Params
	if p.Get("allowed_updates") != `["message","edited_message","callback_query"]` || p.Get("timeout") != "1" {
		t.Errorf("poll params %v", p)
	}
	if p.Get("offset") != itoa(int64(id+1)) {
		t.Errorf("offset %s after update %d", p.Get("offset"), id)
	}
}

func TestRedactToken(t *testing.T) {
	token := "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
	for _, s := range []string{
		"https://api.telegram.org/bot" + token + "/getMe",
		"bot123456789%3AAAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw",
		"other 987654321:ZZHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw token",
	} {
		got := redactToken(s, token)
		if strings.Contains(got, "AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw") || strings.Contains(got, "ZZHdqTcv") || !strings.Contains(got, "<token>") {
			t.Errorf("redactToken(%q) = %q", s, got)
		}
	}
}

// The pacing errors and a tgbotapi.Error stay recognisable through the
// redacting wrapper.
func TestSafeErrorKeepsCause(t *testing.T) {
	c := &Channel{cfg: Config{Token: "1:x"}}
	err := c.safe("sendMessage", &tgbotapi.Error{Code: 403, Message: "Forbidden"})
	var tgErr *tgbotapi.Error
	if !errors.As(err, &tgErr) || tgErr.Code != 403 {
		t.Errorf("cause lost: %v", err)
	}
	if !errors.Is(c.safe("x", context.Canceled), context.Canceled) {
		t.Error("context.Canceled lost")
	}
}
