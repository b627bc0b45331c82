package telegram

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// allowedUpdates are the kinds the bot handles; Telegram drops the rest.
var allowedUpdates = []string{"message", "edited_message", "callback_query"}

// batchLimit is getUpdates' maximum: also the most updates Telegram
// shows beyond the first unconfirmed one.
const batchLimit = 100

// Run polls for updates until ctx is cancelled, then returns nil once
// the updates in flight are finished (they get a few seconds more; updates
// not started are left to Telegram, which delivers them again next time).
//
// Polling does not wait for the updates it got (see inbox): each
// respondent's updates are handled in order, different respondents in
// parallel, and an update is acknowledged (the offset moves past it) only
// once it and every update before it were handled (stored, replies
// attempted), so a crash loses nothing: the unacknowledged updates come
// again and the dispatcher ignores what it has applied. The command menu
// is registered meanwhile, in the background. Run must not be called
// twice at the same time.
func (c *Channel) Run(ctx context.Context) error {
	work, stop := graceContext(ctx, c.grace)
	defer stop()
	var menu sync.WaitGroup
	if !c.menuSet.Load() {
		menu.Go(func() { c.registerMenu(ctx) })
	}
	in := newInbox(ctx, work, c)
	c.log.Info("telegram: polling for updates", "bot", "@"+c.Username())
	backoff := c.minBackoff
	refused := false
	var last time.Time
	for in.turn(ctx, last) == nil {
		offset := in.offset()
		last = time.Now()
		updates, err := c.poll(ctx, offset)
		if err != nil {
			if ctx.Err() != nil {
				break
			}
			backoff, refused = c.pause(ctx, err, backoff, refused)
			continue
		}
		backoff, refused = c.minBackoff, false
		if in.admit(updates) == 0 && len(updates) > 0 && in.idle() {
			// Only updates already handled, below the offset: Telegram
			// does not do that, but a tight loop would be the worst answer.
			_ = sleep(ctx, repollEvery)
		}
	}
	in.wait()
	c.confirm(in.offset())
	menu.Wait()
	c.log.Info("telegram: stopped")
	return nil
}

// graceContext is ctx without its cancellation, cancelled d after ctx is:
// replies of updates in flight still go out during a shutdown, for a while.
func graceContext(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	work, cancel := context.WithCancel(context.WithoutCancel(ctx))
	go func() {
		select {
		case <-ctx.Done():
			_ = sleep(work, d)
			cancel()
		case <-work.Done():
		}
	}()
	return work, cancel
}

// poll makes one getUpdates call, cancelled with ctx.
func (c *Channel) poll(ctx context.Context, offset int) ([]tgbotapi.Update, error) {
	timeout := time.Duration(c.cfg.PollTimeout)*time.Second + callTimeout
	pctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cfg := tgbotapi.UpdateConfig{Offset: offset, Limit: batchLimit, Timeout: c.cfg.PollTimeout, AllowedUpdates: allowedUpdates}
	updates, err := c.with(pctx).GetUpdates(cfg)
	if err != nil {
		return nil, err
	}
	c.sentOffset = offset
	if len(updates) == 0 && c.cfg.PollTimeout == 0 {
		// Short polling: do not hammer the server.
		err = sleep(ctx, 200*time.Millisecond)
	}
	return updates, err
}

// pause waits after a failed poll: as Telegram asks on 429, else with a
// growing, jittered backoff. A refused token (401) is logged once per
// episode and retried, as the token may be fixed on Telegram's side.
func (c *Channel) pause(ctx context.Context, err error, backoff time.Duration, refused bool) (time.Duration, bool) {
	wait := jitter(backoff)
	var tgErr *tgbotapi.Error
	switch {
	case errors.As(err, &tgErr) && tgErr.RetryAfter > 0:
		wait = time.Duration(tgErr.RetryAfter) * time.Second
		c.log.Warn("telegram: getUpdates rate-limited", "retry_after", tgErr.RetryAfter)
	case errors.As(err, &tgErr) && tgErr.Code == http.StatusUnauthorized:
		if !refused {
			c.log.Error("telegram: token refused (401 Unauthorized); retrying with backoff: check TELEGRAM_BOT_TOKEN")
		}
		refused = true
	default:
		c.log.Warn("telegram: getUpdates failed", "retry_in", wait.Round(time.Millisecond), "err", c.redact(err.Error()))
	}
	_ = sleep(ctx, wait)
	return min(backoff*2, c.maxBackoff), refused
}

// confirm tells Telegram, on the way out, which updates are done (offset),
// so that they are not delivered again after a restart (which would be
// harmless, only repeating the pending questions).
func (c *Channel) confirm(offset int) {
	if offset <= c.sentOffset {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	cfg := tgbotapi.UpdateConfig{Offset: offset, Limit: 1, AllowedUpdates: allowedUpdates}
	if _, err := c.with(ctx).GetUpdates(cfg); err != nil {
		c.log.Debug("telegram: could not confirm the last updates", "err", c.redact(err.Error()))
	}
}
