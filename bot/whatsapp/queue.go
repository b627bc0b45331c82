package whatsapp

import (
	"log/slog"
	"sync"
	"time"

	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"
)

// maxQueued bounds one respondent's waiting messages: whatsmeow's event
// goroutine must never block, so a flood beyond it is dropped.
const maxQueued = 32

// job is one incoming message for one respondent.
type job struct {
	respondent string
	to         types.JID // where replies go: the chat it came from
	evt        *events.Message
}

// queues runs jobs in order per respondent and in parallel across
// respondents: one goroutine per respondent with work, gone when idle.
type queues struct {
	mu      sync.Mutex
	pending map[string][]job
	closed  bool
	active  sync.WaitGroup
	limit   int
	run     func(job)
	log     *slog.Logger
}

func newQueues(limit int, run func(job), log *slog.Logger) *queues {
	return &queues{pending: map[string][]job{}, limit: limit, run: run, log: log}
}

// push queues j; it never blocks.
func (q *queues) push(j job) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return
	}
	waiting, busy := q.pending[j.respondent]
	if len(waiting) >= q.limit {
		q.log.Warn("whatsapp: too many messages waiting; one dropped", "respondent", logID(j.respondent))
		return
	}
	q.pending[j.respondent] = append(waiting, j)
	if !busy {
		q.active.Add(1)
		go q.drain(j.respondent)
	}
}

// drain runs a respondent's jobs until none is left. The map entry stays
// while a job runs, so that push does not start a second goroutine.
func (q *queues) drain(respondent string) {
	defer q.active.Done()
	for {
		q.mu.Lock()
		waiting := q.pending[respondent]
		if len(waiting) == 0 {
			delete(q.pending, respondent)
			q.mu.Unlock()
			return
		}
		j := waiting[0]
		q.pending[respondent] = waiting[1:]
		q.mu.Unlock()
		q.run(j)
	}
}

// idle waits until no job is left, or timeout; it reports which.
func (q *queues) idle(timeout time.Duration) bool {
	done := make(chan struct{})
	go func() { q.active.Wait(); close(done) }()
	select {
	case <-done:
		return true
	case <-time.After(timeout):
		return false
	}
}

// close refuses new jobs and waits up to timeout for those queued.
func (q *queues) close(timeout time.Duration) bool {
	q.mu.Lock()
	q.closed = true
	q.mu.Unlock()
	return q.idle(timeout)
}
