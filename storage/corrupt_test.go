package storage

import (
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/uclg-mewa/surveybot/conversation"
)

// A damaged file must give errors from Open and the transactions we run,
// never a panic. (bbolt's own goroutines, Check and batch commits, cannot
// be guarded here: `surveybot` checks a file in a child process first, see
// cmd/surveybot.)
func TestOpenDamagedFile(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.db")
	s, err := Open(good, Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 200; i++ {
		st := conversation.State{Respondent: fmt.Sprintf("t:%d", i), SurveyID: "s", UpdatedAt: time.Unix(int64(i), 0),
			Answers: map[string]conversation.Answer{"q": {Value: fmt.Sprint(i)}}}
		if err := s.Put(st); err != nil {
			t.Fatal(err)
		}
	}
	s.Close()
	orig, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	const page = 4096
	rng := rand.New(rand.NewSource(7))
	damaged := 0
	for trial := 0; trial < 40; trial++ {
		data := append([]byte(nil), orig...)
		// Scribble over a data page (pages 0 and 1 are the meta pages,
		// which bbolt checksums itself).
		pg := 2 + rng.Intn(len(data)/page-2)
		off := pg*page + rng.Intn(64)
		for j := 0; j < 16; j++ {
			data[off+j] = byte(rng.Intn(256))
		}
		path := filepath.Join(dir, fmt.Sprintf("bad%d.db", trial))
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		if useDamaged(t, path) {
			damaged++
		}
	}
	t.Logf("%d of 40 damaged files gave an error", damaged)
	if damaged == 0 {
		t.Error("no trial was detected as damaged: the test did not damage anything")
	}
	if err := os.WriteFile(filepath.Join(dir, "junk.db"), []byte("not a database at all, clearly"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(filepath.Join(dir, "junk.db"), Options{}); err == nil {
		t.Error("a junk file opened")
	}
}

// useDamaged opens and reads a damaged file; it reports whether any call
// returned an error. A panic fails the test; a hang fails it after 30 s.
func useDamaged(t *testing.T, path string) bool {
	t.Helper()
	done := make(chan bool, 1)
	go func() {
		failed := false
		note := func(err error) {
			if err != nil {
				failed = true
				if strings.Contains(err.Error(), "runtime error") || strings.Contains(err.Error(), "nil pointer") {
					t.Errorf("%s: Go internals in an operator's message: %v", path, err)
				}
			}
		}
		s, err := Open(path, Options{LockTimeout: time.Second})
		if err != nil {
			done <- true
			return
		}
		defer s.Close()
		note(s.Each("s", func(conversation.State) error { return nil }))
		_, _, err = s.Load("s", "t:7")
		note(err)
		note(s.Put(conversation.State{Respondent: "t:new", SurveyID: "s"}))
		done <- failed
	}()
	select {
	case failed := <-done:
		return failed
	case <-time.After(30 * time.Second):
		t.Fatalf("%s: the store hung on a damaged file", path)
		return false
	}
}
