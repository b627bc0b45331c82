// Package telegram is the Telegram channel: it long-polls the Bot API,
// turns updates into bot.Inbound events for the dispatcher, and shows the
// replies as messages with inline keyboards, editing a question in place
// once it is answered.
//
// Delivery is at-least-once with de-duplication: an update is acknowledged
// (the getUpdates offset moves past it) only after the dispatcher committed
// it and its replies were attempted, and every earlier update too; the
// dispatcher ignores an update key it has seen. Each respondent's updates
// are handled in order, while polling goes on, so a slow chat (paced, or
// told to wait by Telegram) delays only itself. The bot token never
// appears in a log line or an error.
package telegram

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/uclg-mewa/surveybot/bot"
	"github.com/uclg-mewa/surveybot/conversation"
	"github.com/uclg-mewa/surveybot/messages"
)

// DefaultAPIURL is Telegram's Bot API server.
const DefaultAPIURL = "https://api.telegram.org"

// Config configures a Channel. Zero values take the defaults.
type Config struct {
	// Token is the bot token. It is never logged and never inside an error.
	Token string
	// APIURL is the Bot API base URL (default DefaultAPIURL); requests go
	// to APIURL+"/bot"+Token+"/"+method.
	APIURL string
	Log    *slog.Logger
	// HTTPClient is used for every request. Leave its Timeout at zero:
	// long polls take PollTimeout seconds, and every request carries a
	// context with its own deadline anyway.
	HTTPClient *http.Client
	// PollTimeout is the getUpdates long-poll time in seconds (default 30;
	// negative: do not wait at all).
	PollTimeout int
	// GlobalRate and GlobalBurst pace all outgoing calls (default 30/s, 30).
	GlobalRate  float64
	GlobalBurst int
	// ChatRate and ChatBurst pace the calls to one chat (default 1/s, 5),
	// so that one busy chat cannot use up the global budget.
	ChatRate  float64
	ChatBurst int
	// Workers bounds how many respondents are handled in parallel (default 64).
	Workers int
}

// ErrUnauthorized is returned (wrapped) by New when Telegram refuses the token.
var ErrUnauthorized = errors.New("Telegram refused the bot token (401 Unauthorized): check TELEGRAM_BOT_TOKEN")

// Tuning that tests may shorten (same package).
const (
	defaultPollTimeout = 30
	shutdownGrace      = 3 * time.Second        // in-flight updates may finish after Run's ctx ends
	callTimeout        = 30 * time.Second       // one send or edit; a long poll gets PollTimeout more
	startBudget        = 30 * time.Second       // New retries a failing getMe for this long in all
	startBackoff       = 500 * time.Millisecond // the first pause of those retries
	maxPromptsKept     = 20000                  // remembered prompt messages (for edits)
)

// Channel is a running Telegram bot.
type Channel struct {
	cfg     Config
	log     *slog.Logger
	d       *bot.Dispatcher
	api     *tgbotapi.BotAPI // template: copied per call with a context-bound client
	http    *http.Client
	pace    *pacer
	prompts *promptCache

	// sentOffset is the offset of the last successful poll (Telegram has
	// confirmed everything below it); used only by Run's goroutine.
	sentOffset int
	menuSet    atomic.Bool // the command menu is registered

	minBackoff, maxBackoff time.Duration
	grace                  time.Duration
	perRespondent          int // see defaultPerRespondent
	maxPending             int // see defaultMaxPending
}

// New checks the token with getMe, retrying for a while (startBudget)
// when Telegram or the network fails for a moment. A refused token gives
// an error wrapping ErrUnauthorized at once. The command menu is
// registered by Run, in the background.
func New(ctx context.Context, cfg Config, d *bot.Dispatcher) (*Channel, error) {
	if cfg.Token == "" {
		return nil, errors.New("telegram: no bot token: set TELEGRAM_BOT_TOKEN")
	}
	cfg = withDefaults(cfg)
	c := &Channel{
		cfg:           cfg,
		log:           cfg.Log,
		d:             d,
		http:          cfg.HTTPClient,
		pace:          newPacer(cfg),
		prompts:       newPromptCache(maxPromptsKept),
		minBackoff:    time.Second,
		maxBackoff:    time.Minute,
		grace:         shutdownGrace,
		perRespondent: defaultPerRespondent,
		maxPending:    defaultMaxPending,
	}
	installLibraryLogger(cfg.Log, cfg.Token)
	if t := cfg.HTTPClient.Timeout; t > 0 && t <= time.Duration(cfg.PollTimeout)*time.Second {
		c.log.Warn("telegram: the HTTP client timeout is shorter than the long poll; every poll will fail", "timeout", t, "poll", cfg.PollTimeout)
	}
	api, err := c.connect(ctx)
	if err != nil {
		return nil, err
	}
	c.api = api
	c.log.Info("telegram: connected", "bot", "@"+api.Self.UserName, "api", cfg.APIURL)
	return c, nil
}

// connect makes the API client, which calls getMe. A 429, a 5xx or a
// network error is retried with backoff (as long as Telegram asks, on a
// 429) for up to startBudget in all; a refusal (401, 404...) is final.
func (c *Channel) connect(ctx context.Context) (*tgbotapi.BotAPI, error) {
	// The endpoint is a format string for (token, method): escape any %
	// of the base URL itself.
	endpoint := strings.ReplaceAll(c.cfg.APIURL, "%", "%%") + "/bot%s/%s"
	giveUp := time.Now().Add(startBudget)
	backoff := startBackoff
	for {
		// A hanging attempt must not overrun the budget either.
		getMeCtx, cancel := context.WithTimeout(ctx, min(callTimeout, max(time.Until(giveUp), 5*time.Second)))
		api, err := tgbotapi.NewBotAPIWithClient(c.cfg.Token, endpoint, c.doer(getMeCtx))
		cancel()
		if err == nil {
			return api, nil
		}
		wait, again := startRetry(err, backoff)
		if !again || ctx.Err() != nil || time.Now().Add(wait).After(giveUp) {
			return nil, c.startError(err)
		}
		c.log.Warn("telegram: getMe failed, retrying", "in", wait.Round(time.Millisecond), "err", c.redact(err.Error()))
		if sleep(ctx, wait) != nil {
			return nil, c.startError(err)
		}
		backoff = min(backoff*2, 8*time.Second)
	}
}

// startRetry says whether a failed getMe is worth repeating, and when.
func startRetry(err error, backoff time.Duration) (time.Duration, bool) {
	var tgErr *tgbotapi.Error
	switch {
	case errors.As(err, &tgErr) && tgErr.RetryAfter > 0:
		return time.Duration(tgErr.RetryAfter) * time.Second, true
	case errors.As(err, &tgErr):
		return jitter(backoff), tgErr.Code >= 500
	}
	// A network error or timeout, or not the Bot API answering (a proxy's
	// error page). The caller's context ending is checked apart.
	return jitter(backoff), true
}

func withDefaults(cfg Config) Config {
	cfg.APIURL = strings.TrimRight(cfg.APIURL, "/")
	if cfg.APIURL == "" {
		cfg.APIURL = DefaultAPIURL
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	setDefault(&cfg.Workers, 64)
	if cfg.HTTPClient == nil {
		// Up to Workers calls run at once; the default transport keeps
		// only 2 idle connections per host, so nearly every call would
		// open a new connection (a TLS handshake with the real Telegram).
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.MaxIdleConnsPerHost = cfg.Workers + 8
		cfg.HTTPClient = &http.Client{Transport: t}
	}
	if cfg.PollTimeout == 0 {
		cfg.PollTimeout = defaultPollTimeout
	}
	if cfg.PollTimeout < 0 {
		cfg.PollTimeout = 0
	}
	setDefault(&cfg.GlobalRate, 30)
	setDefault(&cfg.ChatRate, 1)
	setDefault(&cfg.GlobalBurst, 30)
	setDefault(&cfg.ChatBurst, 5)
	return cfg
}

func setDefault[T int | float64](v *T, def T) {
	if *v <= 0 {
		*v = def
	}
}

// startError explains why getMe failed, without the token.
func (c *Channel) startError(err error) error {
	var tgErr *tgbotapi.Error
	if errors.As(err, &tgErr) {
		switch {
		case tgErr.Code == http.StatusUnauthorized:
			return ErrUnauthorized
		case tgErr.Code == http.StatusNotFound:
			return fmt.Errorf("telegram: the Bot API at %s does not know this bot token (404 Not Found): check TELEGRAM_BOT_TOKEN and TELEGRAM_API_URL", c.cfg.APIURL)
		case tgErr.RetryAfter > 0:
			return fmt.Errorf("telegram: the Bot API at %s asks to wait %d s before trying again (429 Too Many Requests)", c.cfg.APIURL, tgErr.RetryAfter)
		}
	}
	return fmt.Errorf("telegram: cannot reach the Bot API at %s: %s", c.cfg.APIURL, c.redact(err.Error()))
}

// registerMenu sets the respondent commands once per language, plus a
// default list (in messages.Default) for users of other languages. It runs
// beside the polling, retries as any idempotent call does, and logs the
// failures once.
func (c *Channel) registerMenu(ctx context.Context) {
	var failed []string
	var firstErr error
	for _, lang := range append([]string{""}, messages.Languages...) {
		text := lang
		if text == "" {
			text = messages.Default
		}
		cfg := tgbotapi.SetMyCommandsConfig{LanguageCode: lang}
		for _, name := range conversation.RespondentCommands {
			cfg.Commands = append(cfg.Commands, tgbotapi.BotCommand{Command: name, Description: messages.Get(text, "cmd."+name)})
		}
		if _, err := c.callQuietly(ctx, 0, "setMyCommands", cfg); err != nil {
			if ctx.Err() != nil {
				return // shutting down: the next run registers it
			}
			if lang == "" {
				lang = "default"
			}
			failed = append(failed, lang)
			firstErr = cmp.Or(firstErr, err)
		}
	}
	if len(failed) > 0 {
		c.log.Warn("telegram: could not set the command menu", "languages", strings.Join(failed, ","), "err", firstErr)
		return
	}
	c.menuSet.Store(true)
}

// Username is the bot's username, without the @.
func (c *Channel) Username() string { return c.api.Self.UserName }

// Send delivers messages to a respondent ("telegram:<id>") outside a reply
// (reminders, notices to coordinators), paced like replies.
func (c *Channel) Send(ctx context.Context, respondent string, msgs []bot.Message) error {
	id, err := chatOf(respondent)
	if err != nil {
		return err
	}
	return c.deliver(ctx, id, msgs, nil)
}

// chatOf parses "telegram:<user id>"; a user's private chat has their id.
func chatOf(respondent string) (int64, error) {
	s, ok := strings.CutPrefix(respondent, "telegram:")
	id, err := strconv.ParseInt(s, 10, 64)
	if !ok || err != nil || id == 0 {
		return 0, fmt.Errorf("telegram: %q is not a Telegram respondent (telegram:<user id>)", respondent)
	}
	return id, nil
}

// languageOf picks a messages language from Telegram's language_code.
func languageOf(code string) string {
	code = strings.ToLower(code)
	if i := strings.IndexAny(code, "-_"); i > 0 {
		code = code[:i]
	}
	for _, l := range messages.Languages {
		if l == code {
			return l
		}
	}
	return messages.Default
}
