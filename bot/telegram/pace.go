package telegram

import (
	"context"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// pacer keeps outgoing calls under Telegram's flood limits: a global
// token bucket for the bot, and one per chat. A call waits for its chat's
// bucket first and only then for the global one, so a chat that floods
// holds at most its own rate of global tokens and other chats' replies
// still get through: fairness comes from the order of the two waits.
type pacer struct {
	global    *rate.Limiter
	chatRate  rate.Limit
	chatBurst int

	mu        sync.Mutex
	chats     map[int64]*rate.Limiter
	lastSweep time.Time
}

// sweepEvery is how often idle per-chat buckets are dropped.
const sweepEvery = time.Minute

func newPacer(cfg Config) *pacer {
	return &pacer{
		global:    rate.NewLimiter(rate.Limit(cfg.GlobalRate), cfg.GlobalBurst),
		chatRate:  rate.Limit(cfg.ChatRate),
		chatBurst: cfg.ChatBurst,
		chats:     map[int64]*rate.Limiter{},
		lastSweep: time.Now(),
	}
}

// wait blocks until a call to chatID (0: not chat-bound) may go out.
func (p *pacer) wait(ctx context.Context, chatID int64) error {
	if chatID != 0 {
		if err := p.chat(chatID).Wait(ctx); err != nil {
			return err
		}
	}
	return p.global.Wait(ctx)
}

// chat returns the chat's bucket, creating it (full) on first use.
func (p *pacer) chat(id int64) *rate.Limiter {
	p.mu.Lock()
	defer p.mu.Unlock()
	if now := time.Now(); now.Sub(p.lastSweep) > sweepEvery {
		p.sweep()
		p.lastSweep = now
	}
	l, ok := p.chats[id]
	if !ok {
		l = rate.NewLimiter(p.chatRate, p.chatBurst)
		p.chats[id] = l
	}
	return l
}

// sweep drops buckets that have refilled: a full bucket behaves exactly
// like a new one, so forgetting it changes nothing. Caller holds mu.
func (p *pacer) sweep() {
	for id, l := range p.chats {
		if l.Tokens() >= float64(p.chatBurst) {
			delete(p.chats, id)
		}
	}
}

// size is the number of tracked chats (tests).
func (p *pacer) size() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.chats)
}
