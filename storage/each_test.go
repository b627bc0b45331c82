package storage

import (
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/uclg-mewa/surveybot/conversation"
)

// fillN stores n responses of survey, respondents t:00000 … in key order.
func fillN(t *testing.T, s *Store, n int) {
	t.Helper()
	for i := range n {
		st := conversation.State{Respondent: fmt.Sprintf("t:%05d", i), SurveyID: survey,
			Answers: map[string]conversation.Answer{"q": {Value: fmt.Sprint(i)}}}
		if err := s.Put(st); err != nil {
			t.Fatal(err)
		}
	}
}

// putRaw stores value as respondent's record as it is, past Put's checks.
func putRaw(t *testing.T, s *Store, respondent string, value []byte) {
	t.Helper()
	key, err := responseKey(survey, respondent)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketResponses).Put(key, value)
	}); err != nil {
		t.Fatal(err)
	}
}

// noLeak fails the test if goroutines started during it are still running
// shortly after (Each's decoders must all end, whatever happened).
func noLeak(t *testing.T) {
	before := runtime.NumGoroutine()
	t.Cleanup(func() {
		for deadline := time.Now().Add(5 * time.Second); runtime.NumGoroutine() > before; {
			if time.Now().After(deadline) {
				t.Errorf("%d goroutines left running", runtime.NumGoroutine()-before)
				return
			}
			time.Sleep(time.Millisecond)
		}
	})
}

// Many chunks, decoded in parallel, still reach fn one at a time, in order.
func TestEachManyInOrder(t *testing.T) {
	s, _ := openTemp(t, Options{NoSync: true})
	const n = 1000
	fillN(t, s, n)
	noLeak(t)
	i := 0
	inFn := false
	err := s.Each(survey, func(st conversation.State) error {
		if inFn {
			t.Fatal("fn called concurrently")
		}
		inFn = true
		defer func() { inFn = false }()
		if want := fmt.Sprintf("t:%05d", i); st.Respondent != want || st.Answers["q"].Value != fmt.Sprint(i) {
			return fmt.Errorf("record %d is %s = %v, want %s", i, st.Respondent, st.Answers["q"], want)
		}
		i++
		return nil
	})
	if err != nil || i != n {
		t.Fatalf("Each: %v after %d records, want %d", err, i, n)
	}
}

// fn's error stops the walk at once and comes back unchanged.
func TestEachStopsAtFnError(t *testing.T) {
	s, _ := openTemp(t, Options{NoSync: true})
	fillN(t, s, 1000)
	noLeak(t)
	stop := errors.New("enough")
	calls := 0
	err := s.Each(survey, func(st conversation.State) error {
		calls++
		if st.Respondent == "t:00500" {
			return stop
		}
		return nil
	})
	if err != stop || calls != 501 {
		t.Errorf("Each: %v after %d calls, want the error after 501", err, calls)
	}
}

// A record that does not decode: fn gets every record before it, then the
// error names the record.
func TestEachDecodeError(t *testing.T) {
	s, _ := openTemp(t, Options{NoSync: true})
	fillN(t, s, 300)
	putRaw(t, s, "t:00200", []byte(`{"respondent": tru`))
	noLeak(t)
	calls := 0
	err := s.Each(survey, func(conversation.State) error { calls++; return nil })
	if err == nil || !strings.Contains(err.Error(), "t:00200") || calls != 200 {
		t.Errorf("Each: %v after %d calls, want a decode error naming t:00200 after 200", err, calls)
	}
}

// A panic in fn is an error for the caller, and nothing keeps running.
func TestEachFnPanic(t *testing.T) {
	s, _ := openTemp(t, Options{NoSync: true})
	fillN(t, s, 500)
	noLeak(t)
	err := s.Each(survey, func(st conversation.State) error {
		if st.Respondent == "t:00300" {
			panic("bug in a writer")
		}
		return nil
	})
	if err == nil || !strings.Contains(err.Error(), "bug in a writer") || errors.Is(err, ErrCorrupt) {
		t.Errorf("Each: %v, want the panic as an error that does not blame the file", err)
	}
	// The store still works.
	if n, err := s.Count(survey); n != 500 || err != nil {
		t.Errorf("Count after: %d, %v", n, err)
	}
}

// A record longer than any response can be is a damaged file, said at
// once, not copied (a damaged page can claim gigabytes).
func TestEachRefusesImpossibleRecord(t *testing.T) {
	s, _ := openTemp(t, Options{NoSync: true})
	fillN(t, s, 10)
	putRaw(t, s, "t:00005", make([]byte, maxRecord+1))
	noLeak(t)
	calls := 0
	err := s.Each(survey, func(conversation.State) error { calls++; return nil })
	if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "t:00005") {
		t.Errorf("Each: %v after %d calls, want ErrCorrupt naming t:00005", err, calls)
	}
}

// runtime.Goexit in fn (t.Fatal in a test) ends the caller's goroutine, as
// it would without Each; the decoders all end too, and the store is
// usable after.
func TestEachFnGoexit(t *testing.T) {
	s, _ := openTemp(t, Options{NoSync: true})
	fillN(t, s, 3000)
	noLeak(t)
	done := make(chan struct{})
	returned := false
	go func() {
		defer close(done)
		calls := 0
		s.Each(survey, func(conversation.State) error {
			if calls++; calls == 10 {
				runtime.Goexit()
			}
			return nil
		})
		returned = true
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Each hung after runtime.Goexit in fn")
	}
	if returned {
		t.Error("Each returned although fn ended its goroutine")
	}
	if err := s.Put(conversation.State{Respondent: "t:new", SurveyID: survey}); err != nil {
		t.Errorf("Put after: %v", err)
	}
}

// What Each would refuse as damaged cannot be written in the first place.
func TestOversizedResponseRefusedOnWrite(t *testing.T) {
	s, _ := openTemp(t, Options{NoSync: true})
	huge := strings.Repeat("x", maxRecord)
	err := s.Put(conversation.State{Respondent: "t:1", SurveyID: survey, Answers: map[string]conversation.Answer{"q": {Value: huge}}})
	if err == nil {
		t.Error("Put stored a response over maxRecord")
	}
	_, _, err = s.Apply(survey, "t:2", "u", t0, answer("q", huge, t0))
	if err == nil {
		t.Error("Apply stored a response over maxRecord")
	}
	if n, err := s.Count(survey); n != 0 || err != nil {
		t.Errorf("Count = %d, %v", n, err)
	}
	if err := s.Each(survey, func(conversation.State) error { return nil }); err != nil {
		t.Errorf("Each after: %v", err)
	}
}
