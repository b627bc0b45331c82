package telegram

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// ---- contexts and redaction ----

// doer is the library's HTTP client for one call: the library takes no
// context, so the request gets ours here, and a transport error (a
// *url.Error, whose text holds the whole URL and so the token) is replaced
// by a redacted one before the library or anyone else sees it.
type doer struct {
	ctx    context.Context
	client *http.Client
	redact func(string) string
}

func (d doer) Do(req *http.Request) (*http.Response, error) {
	resp, err := d.client.Do(req.WithContext(d.ctx))
	if err != nil {
		cause := err
		var ue *url.Error
		if errors.As(err, &ue) {
			cause = ue.Err
		}
		return nil, &safeError{msg: d.redact(err.Error()), cause: cause}
	}
	return resp, nil
}

// doer binds a context to the channel's HTTP client.
func (c *Channel) doer(ctx context.Context) doer {
	return doer{ctx: ctx, client: c.http, redact: c.redact}
}

// with returns a copy of the API client whose requests carry ctx. The copy
// is cheap (a few fields) and keeps concurrent calls independent.
func (c *Channel) with(ctx context.Context) *tgbotapi.BotAPI {
	b := *c.api
	b.Client = c.doer(ctx)
	return &b
}

// safeError is an error whose text was redacted; Unwrap keeps errors.Is
// (context.Canceled, *tgbotapi.Error...) working.
type safeError struct {
	msg   string
	cause error
}

func (e *safeError) Error() string { return e.msg }
func (e *safeError) Unwrap() error { return e.cause }

// tokenLike matches anything shaped like a bot token ("123456:AAE..."),
// as a last line of defence for tokens other than ours.
var tokenLike = regexp.MustCompile(`\d{5,}:[A-Za-z0-9_-]{30,}`)

// redactToken removes token (as is and URL-escaped) and anything that looks
// like a bot token from s.
func redactToken(s, token string) string {
	if token != "" {
		for _, t := range []string{token, url.PathEscape(token), url.QueryEscape(token)} {
			s = strings.ReplaceAll(s, t, "<token>")
		}
	}
	return tokenLike.ReplaceAllString(s, "<token>")
}

func (c *Channel) redact(s string) string { return redactToken(s, c.cfg.Token) }

// safe returns err with a redacted text, keeping what it wraps.
func (c *Channel) safe(method string, err error) error {
	if err == nil {
		return nil
	}
	return &safeError{msg: "telegram " + method + ": " + c.redact(err.Error()), cause: err}
}

// ---- the library's own logger ----

// The library logs with a package-level logger (only in debug mode and in
// GetUpdatesChan, neither of which we use). It is replaced once, for the
// process, by one that redacts and forwards to the latest channel's slog.
var (
	libLoggerOnce sync.Once
	libLog        atomic.Pointer[libTarget]
)

type libTarget struct {
	log   *slog.Logger
	token string
}

type libLogger struct{}

func (libLogger) Println(v ...any) { libLogger{}.write(fmt.Sprintln(v...)) }

func (libLogger) Printf(format string, v ...any) { libLogger{}.write(fmt.Sprintf(format, v...)) }

func (libLogger) write(s string) {
	if t := libLog.Load(); t != nil {
		t.log.Warn("telegram library", "msg", strings.TrimSpace(redactToken(s, t.token)))
	}
}

func installLibraryLogger(log *slog.Logger, token string) {
	libLog.Store(&libTarget{log: log, token: token})
	libLoggerOnce.Do(func() { _ = tgbotapi.SetLogger(libLogger{}) })
}

// ---- calls with pacing and retries ----

const (
	maxRetries     = 3
	minRetryPause  = 500 * time.Millisecond
	notModifiedMsg = "message is not modified"
)

// call makes one Bot API request: paced (for chatID when not 0), bounded
// by callTimeout, retried after a 429 as Telegram asks, and for idempotent
// methods (edits, callback answers, the menu) after a 5xx or a transport
// error. A send is not repeated at once after a transport error or a 5xx:
// it may have arrived, and a question twice is worse than a late one (a
// question alone gets one more try a little later, see sendText).
func (c *Channel) call(ctx context.Context, chatID int64, method string, req tgbotapi.Chattable) (*tgbotapi.APIResponse, error) {
	return c.callLogged(ctx, chatID, method, req, slog.LevelWarn)
}

// callQuietly is call with its retries logged at debug level only, for
// background work whose caller logs the outcome once.
func (c *Channel) callQuietly(ctx context.Context, chatID int64, method string, req tgbotapi.Chattable) (*tgbotapi.APIResponse, error) {
	return c.callLogged(ctx, chatID, method, req, slog.LevelDebug)
}

// callLogged is call, logging each retry at level.
func (c *Channel) callLogged(ctx context.Context, chatID int64, method string, req tgbotapi.Chattable, level slog.Level) (*tgbotapi.APIResponse, error) {
	for attempt := 0; ; attempt++ {
		if err := c.pace.wait(ctx, chatID); err != nil {
			return nil, c.safe(method, err)
		}
		cctx, cancel := context.WithTimeout(ctx, callTimeout)
		resp, err := c.with(cctx).Request(req)
		cancel()
		if err == nil {
			return resp, nil
		}
		pause, retry := c.retryPause(method, err, attempt)
		if !retry || attempt >= maxRetries || ctx.Err() != nil {
			return nil, c.safe(method, err)
		}
		c.log.Log(ctx, level, "telegram: call failed, retrying", "method", method, "chat", chatID, "in", pause, "err", c.redact(err.Error()))
		if err := sleep(ctx, pause); err != nil {
			return nil, c.safe(method, err)
		}
	}
}

// retryPause says whether and when to repeat a failed call.
func (c *Channel) retryPause(method string, err error, attempt int) (time.Duration, bool) {
	var tgErr *tgbotapi.Error
	if errors.As(err, &tgErr) {
		// On the multipart path Code stays 0: RetryAfter alone says 429.
		if tgErr.RetryAfter > 0 {
			return time.Duration(tgErr.RetryAfter) * time.Second, true
		}
		if tgErr.Code < 500 && tgErr.Code != 0 || !idempotent(method) {
			return 0, false
		}
	} else if !idempotent(method) || errors.Is(err, context.Canceled) {
		return 0, false
	}
	return jitter(minRetryPause << attempt), true
}

func idempotent(method string) bool {
	return strings.HasPrefix(method, "edit") || method == "answerCallbackQuery" || method == "setMyCommands"
}

// isNotModified is Telegram's answer to an edit that changes nothing
// (a double tap): not a failure.
func isNotModified(err error) bool {
	var tgErr *tgbotapi.Error
	return errors.As(err, &tgErr) && strings.Contains(tgErr.Message, notModifiedMsg)
}

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// jitter spreads d over [d/2, d) so that restarted bots do not retry in step.
func jitter(d time.Duration) time.Duration {
	if d <= 1 {
		return d
	}
	return d/2 + rand.N(d/2)
}
