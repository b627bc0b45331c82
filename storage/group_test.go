package storage

import (
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/uclg-mewa/surveybot/conversation"
)

// Callers that arrive while a commit runs share the next one, and the
// leader of a commit returns once its own call is done, handing the lead to
// a caller still waiting.
func TestGroupCommitsLateComersTogether(t *testing.T) {
	var g group
	release := make(chan struct{})
	entered := make(chan struct{})
	var mu sync.Mutex
	var sizes []int
	commit := func(calls []*groupCall) {
		mu.Lock()
		sizes = append(sizes, len(calls))
		first := len(sizes) == 1
		mu.Unlock()
		if first {
			close(entered)
			<-release // a slow fsync
		}
		for _, c := range calls {
			c.res <- c.fn(nil)
		}
	}
	ok := func(*bolt.Tx) error { return nil }

	leaderDone := make(chan error, 1)
	go func() { leaderDone <- g.do(ok, commit) }()
	<-entered

	const late = 5
	var wg sync.WaitGroup
	for range late {
		wg.Go(func() {
			if err := g.do(ok, commit); err != nil {
				t.Error(err)
			}
		})
	}
	waitFor(t, func() bool { g.mu.Lock(); defer g.mu.Unlock(); return len(g.queue) == late })
	close(release)
	if err := <-leaderDone; err != nil {
		t.Fatal(err)
	}
	wg.Wait()

	mu.Lock()
	defer mu.Unlock()
	if fmt.Sprint(sizes) != fmt.Sprint([]int{1, late}) {
		t.Errorf("commits of %v calls, want the lone first call then the %d that came while it synced", sizes, late)
	}
	if g.leading || len(g.queue) != 0 {
		t.Errorf("after all calls: leading=%v queue=%d", g.leading, len(g.queue))
	}
}

// A lone caller commits at once: nobody waits for company.
func TestGroupLoneCallerCommitsAlone(t *testing.T) {
	var g group
	var sizes []int
	commit := func(calls []*groupCall) {
		sizes = append(sizes, len(calls))
		for _, c := range calls {
			c.res <- nil
		}
	}
	for range 3 {
		if err := g.do(func(*bolt.Tx) error { return nil }, commit); err != nil {
			t.Fatal(err)
		}
	}
	if fmt.Sprint(sizes) != "[1 1 1]" {
		t.Errorf("commit sizes %v, want [1 1 1]", sizes)
	}
}

// One failing function of a group gets its own error; the others are
// committed all the same.
func TestGroupFailureStaysWithItsCaller(t *testing.T) {
	s, _ := openTemp(t, Options{})
	boom := errors.New("boom")
	put := func(key string) func(*bolt.Tx) error {
		return func(tx *bolt.Tx) error { return tx.Bucket(bucketMeta).Put([]byte(key), []byte("v")) }
	}
	calls := []*groupCall{
		{fn: put("a"), res: make(chan error, 1)},
		{fn: func(tx *bolt.Tx) error {
			if err := tx.Bucket(bucketMeta).Put([]byte("bad"), []byte("v")); err != nil {
				return err
			}
			return boom
		}, res: make(chan error, 1)},
		{fn: put("c"), res: make(chan error, 1)},
	}
	s.commitGroup(calls)
	for i, want := range []error{nil, boom, nil} {
		if err := <-calls[i].res; !errors.Is(err, want) || (want == nil && err != nil) {
			t.Errorf("call %d: err %v, want %v", i, err, want)
		}
	}
	for key, want := range map[string]bool{"a": true, "bad": false, "c": true} {
		v, err := s.GetMeta(key)
		if err != nil {
			t.Fatal(err)
		}
		if (v != nil) != want {
			t.Errorf("meta %q = %q, want stored %v", key, v, want)
		}
	}
}

// Through Apply: a failing respondent's event among many concurrent ones
// writes nothing, and every other event is stored.
func TestConcurrentApplyWithFailures(t *testing.T) {
	s, _ := openTemp(t, Options{})
	const n = 40
	boom := errors.New("boom")
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			r := fmt.Sprintf("telegram:%03d", i)
			fn := answer("country", r, t0)
			if i%4 == 0 {
				fn = func(st *conversation.State) error {
					_ = answer("country", r, t0)(st)
					return boom
				}
			}
			_, _, err := s.Apply(survey, r, r, t0, fn)
			if (i%4 == 0) != errors.Is(err, boom) || (i%4 != 0 && err != nil) {
				t.Errorf("%s: err %v", r, err)
			}
		})
	}
	wg.Wait()
	if c, err := s.Count(survey); c != n-n/4 || err != nil {
		t.Errorf("Count = %d, %v; want %d", c, err, n-n/4)
	}
	for i := range n {
		r := fmt.Sprintf("telegram:%03d", i)
		_, stored, err := s.Load(survey, r)
		if err != nil || stored != (i%4 != 0) {
			t.Errorf("%s: stored %v, err %v", r, stored, err)
		}
	}
}

// waitFor polls cond for up to 5 s; it only waits for goroutines to reach
// a point, it does not time anything.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); !cond(); {
		if time.Now().After(deadline) {
			t.Fatal("condition not reached in 5 s")
		}
		time.Sleep(time.Millisecond)
	}
}

// A panic in one caller's function fails that call alone, and is not taken
// for a damaged file; the calls committed with it are stored.
func TestGroupPanicStaysWithItsCaller(t *testing.T) {
	s, _ := openTemp(t, Options{})
	const n = 32
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			r := fmt.Sprintf("telegram:%03d", i)
			for j := range 5 {
				_, _, err := s.Apply(survey, r, fmt.Sprintf("%s/%d", r, j), t0, func(st *conversation.State) error {
					if i == 0 {
						panic("engine bug")
					}
					return answer("country", r, t0)(st)
				})
				switch {
				case i == 0 && (err == nil || !strings.Contains(err.Error(), "engine bug") || errors.Is(err, ErrCorrupt)):
					t.Errorf("the panicking call: %v", err)
				case i != 0 && err != nil:
					t.Errorf("%s, committed with a panicking call: %v", r, err)
				}
			}
		})
	}
	wg.Wait()
	if c, err := s.Count(survey); c != n-1 || err != nil {
		t.Errorf("Count = %d, %v; want %d", c, err, n-1)
	}
}

// runtime.Goexit inside an Apply function ends that goroutine, but the
// store goes on: later writes neither hang nor fail.
func TestGroupSurvivesGoexit(t *testing.T) {
	s, _ := openTemp(t, Options{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		s.Apply(survey, "telegram:1", "", t0, func(*conversation.State) error {
			runtime.Goexit()
			return nil
		})
	}()
	<-done
	result := make(chan error, 1)
	go func() {
		_, _, err := s.Apply(survey, "telegram:2", "u2", t0, answer("country", "Oman", t0))
		result <- err
	}()
	select {
	case err := <-result:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Apply hung after another Apply's function called runtime.Goexit")
	}
	if _, found, _ := s.Load(survey, "telegram:1"); found {
		t.Error("the abandoned write was stored")
	}
}
