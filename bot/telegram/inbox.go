package telegram

import (
	"cmp"
	"context"
	"log/slog"
	"slices"
	"strconv"
	"sync"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// The inbox holds the updates between getUpdates and their confirmation.
//
// Run polls without waiting for the updates it got: each new update goes
// to its respondent's queue, and one goroutine per respondent with queued
// updates handles them in order (at most Workers handle at the same time).
// A slow chat (paced, or told to wait by a 429) thus delays only itself.
//
// The offset sent to Telegram is the smallest update id not finished
// (stored and replied to) or not taken, so a crash loses nothing: Telegram
// delivers again everything from there, and the dispatcher ignores what it
// has applied. While anything is unfinished, Telegram returns those
// updates again on every poll, at once instead of waiting: the ids already
// taken are skipped, and such polls are spaced by repollEvery.
//
// Telegram returns at most batchLimit updates from the offset, so the
// updates in memory are bounded by that window as well as by the caps.
const (
	// repollEvery spaces the polls made while updates are unfinished: the
	// longest a new update then waits before it is seen.
	repollEvery = 250 * time.Millisecond
	// defaultPerRespondent caps one respondent's taken, unfinished
	// updates; their newer ones stay with Telegram until some finish.
	defaultPerRespondent = 50
	// defaultMaxPending caps all taken, unfinished updates; polling waits
	// while it is reached.
	defaultMaxPending = 1000
)

type inbox struct {
	handle func(context.Context, tgbotapi.Update) bool
	stop   context.Context // Run's: nothing new starts once it ends
	work   context.Context // handlers': outlives stop by the grace
	log    *slog.Logger
	slots  chan struct{} // Workers
	perKey int
	maxAll int

	mu         sync.Mutex
	taken      map[int]bool // ids taken at or above floor: true once finished
	unfinished int          // taken and not finished
	queues     map[string]*queue
	held       int // smallest id the last poll returned but did not take; 0: none
	next       int // one above the highest id seen
	floor      int // the last offset handed out: nothing below comes again
	changed    chan struct{}
	wg         sync.WaitGroup
}

// queue is one respondent's taken updates; its goroutine runs while it
// has some.
type queue struct {
	waiting  []tgbotapi.Update // in order, not started
	pending  int               // waiting, plus the one being handled
	flooding bool              // the cap was hit (logged once)
}

func newInbox(stop, work context.Context, c *Channel) *inbox {
	return &inbox{
		handle:  c.handleUpdate,
		stop:    stop,
		work:    work,
		log:     c.log,
		slots:   make(chan struct{}, c.cfg.Workers),
		perKey:  c.perRespondent,
		maxAll:  c.maxPending,
		taken:   map[int]bool{},
		queues:  map[string]*queue{},
		changed: make(chan struct{}, 1),
	}
}

// admit takes the updates of a poll that are not taken yet, in id order,
// and reports how many it took. An update is left with Telegram (held: the
// offset stays at or below it, so it comes again) when its respondent has
// perKey unfinished ones, or all respondents maxAll; a respondent's updates
// after a held one are held too, to keep their order.
func (in *inbox) admit(batch []tgbotapi.Update) int {
	slices.SortStableFunc(batch, func(a, b tgbotapi.Update) int { return cmp.Compare(a.UpdateID, b.UpdateID) })
	in.mu.Lock()
	defer in.mu.Unlock()
	in.held = 0
	heldKeys := map[string]bool{}
	took := 0
	for _, u := range batch {
		id := u.UpdateID
		if id < in.floor {
			continue // confirmed already: Telegram should not send it
		}
		in.next = max(in.next, id+1)
		if _, ok := in.taken[id]; ok {
			continue // in flight or finished: not twice
		}
		key := orderKey(u)
		q := in.queues[key]
		full := q != nil && q.pending >= in.perKey
		if heldKeys[key] || full || in.unfinished >= in.maxAll {
			heldKeys[key] = true
			if in.held == 0 {
				in.held = id
			}
			if full && !q.flooding {
				q.flooding = true
				in.log.Warn("telegram: a respondent sends faster than they are answered; their newer updates wait", "sender", key, "pending", q.pending)
			}
			continue
		}
		if q == nil {
			q = &queue{}
			in.queues[key] = q
			in.wg.Add(1)
			go in.drain(key, q)
		}
		q.waiting = append(q.waiting, u)
		q.pending++
		in.taken[id] = false
		in.unfinished++
		took++
	}
	return took
}

// drain handles a respondent's updates in order until none is left. Once
// Run's context ends the rest is dropped unfinished: never confirmed,
// Telegram delivers it again to the next run.
func (in *inbox) drain(key string, q *queue) {
	defer in.wg.Done()
	for {
		in.mu.Lock()
		if len(q.waiting) == 0 || in.stop.Err() != nil {
			delete(in.queues, key)
			in.mu.Unlock()
			return
		}
		u := q.waiting[0]
		q.waiting[0] = tgbotapi.Update{}
		q.waiting = q.waiting[1:]
		in.mu.Unlock()

		done := in.run(u)

		in.mu.Lock()
		q.pending--
		if done {
			in.taken[u.UpdateID] = true
			in.unfinished--
		}
		in.mu.Unlock()
		select {
		case in.changed <- struct{}{}:
		default:
		}
	}
}

// run handles one update in a worker slot; false if it did not finish.
func (in *inbox) run(u tgbotapi.Update) bool {
	select {
	case in.slots <- struct{}{}:
	case <-in.stop.Done():
		return false
	}
	defer func() { <-in.slots }()
	if in.stop.Err() != nil {
		return false
	}
	return in.handle(in.work, u)
}

// offset is the getUpdates offset that confirms the longest finished
// prefix: the smallest id unfinished or held, else one above all seen.
// Nothing below it can come again, so it is forgotten.
func (in *inbox) offset() int {
	in.mu.Lock()
	defer in.mu.Unlock()
	off := in.next
	if in.held != 0 {
		off = min(off, in.held)
	}
	for id, done := range in.taken {
		if !done {
			off = min(off, id)
		}
	}
	for id := range in.taken {
		if id < off {
			delete(in.taken, id)
		}
	}
	in.floor = max(in.floor, off)
	return in.floor
}

// turn waits until the next poll may go: at once when nothing is
// unfinished (the poll then long-polls for new updates); else repollEvery
// after the last one, as Telegram answers at once with the unfinished
// updates; and while maxAll updates are unfinished, until one finishes.
func (in *inbox) turn(ctx context.Context, last time.Time) error {
	for {
		in.mu.Lock()
		unfinished := in.unfinished
		in.mu.Unlock()
		if unfinished == 0 {
			return ctx.Err()
		}
		var timer *time.Timer
		var due <-chan time.Time
		if unfinished < in.maxAll {
			d := time.Until(last.Add(repollEvery))
			if d <= 0 {
				return ctx.Err()
			}
			timer = time.NewTimer(d)
			due = timer.C
		}
		select {
		case <-in.changed:
		case <-due:
			return ctx.Err()
		case <-ctx.Done():
			return ctx.Err()
		}
		if timer != nil {
			timer.Stop()
		}
	}
}

// idle reports whether no update is in flight.
func (in *inbox) idle() bool {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.unfinished == 0
}

// wait waits for every respondent's goroutine: the handlers in flight
// finish (within the grace), the rest is dropped.
func (in *inbox) wait() { in.wg.Wait() }

// orderKey is the sender of an update (a group chat counts as one): the
// updates of one key are handled in order.
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
