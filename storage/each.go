package storage

import (
	"bytes"
	"encoding/json"
	"fmt"
	"runtime"
	"sync"

	bolt "go.etcd.io/bbolt"

	"github.com/uclg-mewa/surveybot/conversation"
)

// eachChunk is how many records travel together between the goroutines of
// eachDecoded: enough to make a channel hand-off cheap next to decoding,
// few enough to keep memory flat (a chunk of large responses is ~100 KB).
const eachChunk = 64

// maxRecord is far above any real response (at most a few hundred
// answers of at most 4,000 characters each). A damaged page can claim a
// length of gigabytes; copying that before decoding would take seconds
// and memory, where the JSON decoder would have failed at the first byte.
const maxRecord = 16 << 20

// chunk is a run of consecutive records: copied from the file by the
// cursor, decoded by a worker, handed to fn by the caller.
type chunk struct {
	keys, vals [][]byte
	states     []conversation.State
	err        error         // the first record that failed to decode
	done       chan struct{} // closed once decoded (or abandoned)
}

func (c *chunk) decode() {
	c.states = make([]conversation.State, len(c.vals))
	for i, v := range c.vals {
		if err := json.Unmarshal(v, &c.states[i]); err != nil {
			c.states = c.states[:i]
			c.err = fmt.Errorf("storage: decode response %q: %w", c.keys[i], err)
			return
		}
	}
}

// eachDecoded calls fn on every record under prefix, in key order, on the
// calling goroutine.
//
// An export of 100,000 responses is mostly JSON decoding (about 80% of its
// CPU), so the records are decoded on GOMAXPROCS goroutines while fn (the
// CSV or XLSX writer) works on the ones before. One goroutine walks the
// cursor and copies each record out of the memory map (with the same
// damaged-file guard as view), so the decoders touch only ordinary
// memory. At most a few chunks are in flight: memory stays flat whatever
// the number of records. However fn ends (an error, a panic,
// runtime.Goexit), the goroutines are stopped and waited for before
// eachDecoded returns, and so before the read transaction ends.
func eachDecoded(path string, c *bolt.Cursor, prefix []byte, fn func(conversation.State) error) error {
	workers := runtime.GOMAXPROCS(0)
	work := make(chan *chunk)
	order := make(chan *chunk, 2*workers)
	stop := make(chan struct{})

	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for ch := range work {
				ch.decode()
				close(ch.done)
			}
		})
	}
	var walkErr error // read once order is closed
	wg.Go(func() {
		defer close(work)
		defer close(order)
		walkErr = walk(path, c, prefix, order, work, stop)
	})
	defer func() {
		close(stop)
		for ch := range order { // let the walk end; its chunks are dropped
			<-ch.done
		}
		wg.Wait()
	}()

	for ch := range order {
		<-ch.done
		for _, st := range ch.states {
			if err := callEach(fn, st); err != nil {
				return err
			}
		}
		if ch.err != nil {
			return ch.err
		}
	}
	return walkErr
}

// walk sends the records under prefix in chunks, each to order (the
// caller's queue) and then to work (the decoders), until the end or stop.
func walk(path string, c *bolt.Cursor, prefix []byte, order, work chan<- *chunk, stop <-chan struct{}) (err error) {
	defer faultsPanic()()
	defer guard(path, &err)
	send := func(ch *chunk) bool {
		select {
		case order <- ch:
		case <-stop:
			return false
		}
		select {
		case work <- ch:
			return true
		case <-stop:
			close(ch.done) // never decoded: nobody will read it
			return false
		}
	}
	ch := &chunk{done: make(chan struct{})}
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		if len(v) > maxRecord {
			return &corruptError{path: path, cause: fmt.Sprintf("response %q claims %d bytes", k, len(v))}
		}
		ch.keys = append(ch.keys, bytes.Clone(k))
		ch.vals = append(ch.vals, bytes.Clone(v))
		if len(ch.vals) == eachChunk {
			if !send(ch) {
				return nil
			}
			ch = &chunk{done: make(chan struct{})}
		}
	}
	if len(ch.vals) > 0 {
		send(ch)
	}
	return nil
}

// callEach calls fn, turning a panic into an error: it is a bug in the
// caller's function, not damage in the file (which is what a panic that
// reaches view's guard would be taken for).
func callEach(fn func(conversation.State) error, st conversation.State) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("storage: the function given to Each panicked: %v", p)
		}
	}()
	return fn(st)
}
