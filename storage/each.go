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
// cursor, decoded by a worker, handed to fn by the consumer.
type chunk struct {
	keys, vals [][]byte
	states     []conversation.State
	err        error         // the first record that failed to decode
	done       chan struct{} // closed once decoded
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

// eachDecoded calls fn on every record under prefix, in key order.
//
// An export of 100,000 responses is mostly JSON decoding (about 80% of its
// CPU), so the records are decoded on GOMAXPROCS goroutines while fn (the
// CSV or XLSX writer) works on the ones before. The cursor stays on the
// calling goroutine, which runs under the damaged-file guard of view, and
// copies each record out of the memory map, so the other goroutines touch
// only ordinary memory. At most a few chunks are in flight at once: memory
// stays flat whatever the number of records.
func eachDecoded(path string, c *bolt.Cursor, prefix []byte, fn func(conversation.State) error) error {
	workers := runtime.GOMAXPROCS(0)
	work := make(chan *chunk)
	order := make(chan *chunk, 2*workers)
	stop := make(chan struct{})
	var stopOnce sync.Once

	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for ch := range work {
				ch.decode()
				close(ch.done)
			}
		})
	}
	var fnErr error
	var fnPanic any
	consumed := make(chan struct{})
	go func() {
		defer close(consumed)
		fnPanic, fnErr = consume(order, fn)
		if fnErr != nil || fnPanic != nil {
			stopOnce.Do(func() { close(stop) })
		}
		for range order { // let the cursor finish its last send
		}
	}()

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
			close(ch.done) // never decoded; the consumer has stopped reading
			return false
		}
	}
	// On a damaged page the cursor panics here (view turns that into an
	// error); the goroutines must end all the same.
	finished := false
	defer func() {
		if !finished {
			stopOnce.Do(func() { close(stop) })
			close(order)
			close(work)
			wg.Wait()
			<-consumed
		}
	}()
	ch := &chunk{done: make(chan struct{})}
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		if len(v) > maxRecord {
			return &corruptError{path: path, cause: fmt.Sprintf("response %q claims %d bytes", k, len(v))}
		}
		ch.keys = append(ch.keys, bytes.Clone(k))
		ch.vals = append(ch.vals, bytes.Clone(v))
		if len(ch.vals) == eachChunk {
			sent := send(ch)
			ch = &chunk{done: make(chan struct{})}
			if !sent {
				break
			}
		}
	}
	if len(ch.vals) > 0 {
		send(ch)
	}
	finished = true
	close(order)
	close(work)
	wg.Wait()
	<-consumed
	if fnPanic != nil {
		panic(fnPanic) // as if fn had run here: view's guard sees it
	}
	return fnErr
}

// consume hands the decoded records to fn in order, until the first error
// (of decoding or of fn) or a panic in fn.
func consume(order <-chan *chunk, fn func(conversation.State) error) (panicked any, err error) {
	defer func() { panicked = recover() }()
	for ch := range order {
		<-ch.done
		for _, st := range ch.states {
			if err := fn(st); err != nil {
				return nil, err
			}
		}
		if ch.err != nil {
			return nil, ch.err
		}
	}
	return nil, nil
}
