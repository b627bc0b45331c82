package storage

import (
	"errors"
	"sync"

	bolt "go.etcd.io/bbolt"
)

// group commits the write transactions of concurrent callers together, one
// fsync for all, without a timer.
//
// bbolt's own Batch waits MaxBatchDelay for company before it commits, so
// a lone writer (one respondent typing) always paid that delay: 2 ms on top
// of a 0.4 ms fsync. Here a caller whose call finds no commit running
// commits at once; callers that arrive while a commit is syncing queue up,
// and the next commit takes all of them. Under load the group grows by
// itself with the fsync time; at rest nobody waits.
//
// One caller at a time leads: it commits everything queued, then hands the
// lead to the first caller still queued (so no caller keeps committing for
// others forever), or stands down when the queue is empty.
type group struct {
	mu      sync.Mutex
	queue   []*groupCall
	leading bool
}

type groupCall struct {
	fn   func(*bolt.Tx) error
	res  chan error    // the call's result; buffered
	lead chan struct{} // signalled when this caller must lead; buffered
}

// do runs fn in a write transaction shared with other callers. As with
// bbolt's Batch, fn may run more than once (when another function of the
// same group fails, the rest run again without it), so it must be
// idempotent. commit runs one group's transaction and answers every call.
func (g *group) do(fn func(*bolt.Tx) error, commit func([]*groupCall)) error {
	c := &groupCall{fn: fn, res: make(chan error, 1), lead: make(chan struct{}, 1)}
	g.mu.Lock()
	g.queue = append(g.queue, c)
	lead := !g.leading
	g.leading = true
	g.mu.Unlock()

	if !lead {
		select {
		case err := <-c.res:
			return err
		case <-c.lead:
		}
	}
	g.mu.Lock()
	calls := g.queue
	g.queue = nil
	g.mu.Unlock()
	g.commitAndPass(calls, commit) // holds c: its result is ready afterwards
	return <-c.res
}

// errAbandoned answers the calls of a commit whose goroutine ended inside
// a function (runtime.Goexit: a test's t.Fatal, say).
var errAbandoned = errors.New("storage: the write was abandoned: a function of its group ended its goroutine")

// commitAndPass commits calls, then hands the lead on or stands down. It
// does so even if a function ends the goroutine (runtime.Goexit), which
// would otherwise leave the group led by nobody and every later write
// waiting for ever.
func (g *group) commitAndPass(calls []*groupCall, commit func([]*groupCall)) {
	finished := false
	defer func() {
		if !finished {
			for _, c := range calls {
				select {
				case c.res <- errAbandoned: // unless already answered
				default:
				}
			}
		}
		g.mu.Lock()
		if len(g.queue) == 0 {
			g.leading = false
		} else {
			g.queue[0].lead <- struct{}{}
		}
		g.mu.Unlock()
	}()
	commit(calls)
	finished = true
}

// commitGroup is the commit for group.do: one transaction runs every
// function in order. A function that fails gets its own error and the
// others run again without it in a new transaction; a commit that fails
// (disk full, database closed, a damaged page) fails every call.
func (s *Store) commitGroup(calls []*groupCall) {
	for len(calls) > 0 {
		failed := -1
		var fnErr error
		err := s.update(func(tx *bolt.Tx) error {
			for i, c := range calls {
				if err := c.fn(tx); err != nil {
					failed, fnErr = i, err
					return err
				}
			}
			return nil
		})
		if failed < 0 { // committed, or the commit itself failed
			for _, c := range calls {
				c.res <- err
			}
			return
		}
		calls[failed].res <- fnErr
		calls = append(calls[:failed:failed], calls[failed+1:]...)
	}
}
