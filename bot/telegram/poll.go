package telegram

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// allowedUpdates are the kinds the bot handles; Telegram drops the rest.
var allowedUpdates = []string{"message", "edited_message", "callback_query"}

// batchLimit is getUpdates' maximum.
const batchLimit = 100

// Run long-polls for updates until ctx is cancelled, then returns nil once
// the updates in flight are finished (they get a few seconds more; updates
// not started are left to Telegram, which delivers them again next time).
//
// Each batch is handled completely (stored, replies attempted) before the
// next getUpdates acknowledges it with a higher offset, so a crash loses
// nothing: the batch comes again and the dispatcher ignores what it has
// seen. Run must not be called twice at the same time.
func (c *Channel) Run(ctx context.Context) error {
	work, stop := graceContext(ctx, c.grace)
	defer stop()
	c.log.Info("telegram: polling for updates", "bot", "@"+c.Username())
	backoff := c.minBackoff
	refused := false
	for ctx.Err() == nil {
		updates, err := c.poll(ctx)
		if err != nil {
			if ctx.Err() != nil {
				break
			}
			backoff, refused = c.pause(ctx, err, backoff, refused)
			continue
		}
		backoff, refused = c.minBackoff, false
		if len(updates) == 0 {
			continue
		}
		// An unfinished batch (shutdown) is not acknowledged: it comes again.
		if c.handleBatch(ctx, work, updates) || ctx.Err() == nil {
			c.offset = nextOffset(updates)
		}
	}
	c.confirm()
	c.log.Info("telegram: stopped")
	return nil
}

// nextOffset acknowledges every update of the batch.
func nextOffset(updates []tgbotapi.Update) int {
	next := 0
	for _, u := range updates {
		next = max(next, u.UpdateID+1)
	}
	return next
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
func (c *Channel) poll(ctx context.Context) ([]tgbotapi.Update, error) {
	timeout := time.Duration(c.cfg.PollTimeout)*time.Second + callTimeout
	pctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cfg := tgbotapi.UpdateConfig{Offset: c.offset, Limit: batchLimit, Timeout: c.cfg.PollTimeout, AllowedUpdates: allowedUpdates}
	updates, err := c.with(pctx).GetUpdates(cfg)
	if err != nil {
		return nil, err
	}
	c.sentOffset = c.offset
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

// confirm tells Telegram, on the way out, that the last handled batch is
// done, so that it is not delivered again after a restart (which would be
// harmless, only repeating the pending questions).
func (c *Channel) confirm() {
	if c.offset <= c.sentOffset {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	cfg := tgbotapi.UpdateConfig{Offset: c.offset, Limit: 1, AllowedUpdates: allowedUpdates}
	if _, err := c.with(ctx).GetUpdates(cfg); err != nil {
		c.log.Debug("telegram: could not confirm the last batch", "err", c.redact(err.Error()))
	}
}

// handleBatch handles one getUpdates batch and reports whether every
// update was finished. Updates of one respondent run in order, different
// respondents in parallel (at most Workers at a time).
func (c *Channel) handleBatch(ctx, work context.Context, updates []tgbotapi.Update) bool {
	groups, order := groupUpdates(updates)
	sem := make(chan struct{}, c.cfg.Workers)
	var wg sync.WaitGroup
	var unfinished atomic.Bool
	for _, key := range order {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			for _, u := range groups[key] {
				// After shutdown began, nothing new starts: Telegram keeps
				// the rest for the next run.
				if ctx.Err() != nil || !c.handleUpdate(work, u) {
					unfinished.Store(true)
					return
				}
			}
		})
	}
	wg.Wait()
	return !unfinished.Load()
}

// groupUpdates splits a batch by sender (a group chat counts as one),
// keeping each one's order.
func groupUpdates(updates []tgbotapi.Update) (map[string][]tgbotapi.Update, []string) {
	groups := map[string][]tgbotapi.Update{}
	var order []string
	for _, u := range updates {
		key := orderKey(u)
		if _, ok := groups[key]; !ok {
			order = append(order, key)
		}
		groups[key] = append(groups[key], u)
	}
	return groups, order
}

func orderKey(u tgbotapi.Update) string {
	m := u.Message
	if m == nil {
		m = u.EditedMessage
	}
	switch {
	case u.CallbackQuery != nil && u.CallbackQuery.From != nil:
		return "user:" + strconv.FormatInt(u.CallbackQuery.From.ID, 10)
	case m != nil && m.Chat != nil && m.Chat.Type != "private":
		return "chat:" + strconv.FormatInt(m.Chat.ID, 10)
	case m != nil && m.From != nil:
		return "user:" + strconv.FormatInt(m.From.ID, 10)
	}
	return "update:" + strconv.Itoa(u.UpdateID)
}
