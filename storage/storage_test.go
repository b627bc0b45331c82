package storage

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/uclg-mewa/surveybot/conversation"
)

const survey = "smart-cities"

var t0 = time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)

func openTemp(t testing.TB, opt Options) (*Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "test.db")
	s, err := Open(path, opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, path
}

// answer returns an Apply function that records one answer.
func answer(id, value string, now time.Time) func(*conversation.State) error {
	return func(st *conversation.State) error {
		if st.StartedAt.IsZero() {
			st.StartedAt = now
			st.Phase = conversation.PhaseQuestion
		}
		if st.Answers == nil {
			st.Answers = map[string]conversation.Answer{}
		}
		st.Answers[id] = conversation.Answer{Value: value}
		st.UpdatedAt = now
		return nil
	}
}

func TestReopenKeepsResponses(t *testing.T) {
	s, path := openTemp(t, Options{})
	if s.Path() != path {
		t.Fatalf("Path() = %q, want %q", s.Path(), path)
	}
	if _, _, err := s.Apply(survey, "telegram:1", "telegram:u1", t0, answer("municipality", "Gaziantep", t0)); err != nil {
		t.Fatal(err)
	}
	complete := conversation.State{
		Respondent: "telegram:2", Channel: "telegram", SurveyID: survey, SurveyVersion: 3,
		Language: "ar", Phase: conversation.PhaseComplete,
		Answers: map[string]conversation.Answer{
			"municipality": {Value: "إربد"},
			"q5_courses":   {Choices: []string{"basic_skills", "other"}, Other: "robotics"},
			"position":     {Skipped: true},
		},
		StartedAt: t0, UpdatedAt: t0.Add(time.Hour), CompletedAt: t0.Add(time.Hour),
	}
	if err := s.Put(complete); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s2, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()

	partial, ok, err := s2.Load(survey, "telegram:1")
	if err != nil || !ok {
		t.Fatalf("Load partial: ok=%v err=%v", ok, err)
	}
	if partial.Answers["municipality"].Value != "Gaziantep" || partial.Status() != conversation.StatusPartial {
		t.Errorf("partial = %+v", partial)
	}
	if partial.Respondent != "telegram:1" || partial.SurveyID != survey || partial.LastUpdate != "telegram:u1" {
		t.Errorf("identity not filled in: %+v", partial)
	}
	if !partial.StartedAt.Equal(t0) {
		t.Errorf("StartedAt = %v", partial.StartedAt)
	}

	got, ok, err := s2.Load(survey, "telegram:2")
	if err != nil || !ok {
		t.Fatalf("Load complete: ok=%v err=%v", ok, err)
	}
	if got.Status() != conversation.StatusComplete || !got.CompletedAt.Equal(complete.CompletedAt) {
		t.Errorf("complete = %+v", got)
	}
	if a := got.Answers["q5_courses"]; strings.Join(a.Choices, ";") != "basic_skills;other" || a.Other != "robotics" {
		t.Errorf("q5_courses = %+v", a)
	}
	if !got.Answers["position"].Skipped || got.Answers["municipality"].Value != "إربد" || got.SurveyVersion != 3 {
		t.Errorf("complete = %+v", got)
	}

	if _, ok, err := s2.Load(survey, "telegram:3"); ok || err != nil {
		t.Errorf("Load missing: ok=%v err=%v", ok, err)
	}
	if n, err := s2.Count(survey); n != 2 || err != nil {
		t.Errorf("Count = %d, %v", n, err)
	}
}

func TestApplyDuplicate(t *testing.T) {
	s, _ := openTemp(t, Options{})
	calls := 0
	fn := func(st *conversation.State) error {
		calls++
		return answer("country", "Jordan", t0)(st)
	}
	st1, dup, err := s.Apply(survey, "telegram:1", "telegram:100", t0, fn)
	if err != nil || dup {
		t.Fatalf("first Apply: dup=%v err=%v", dup, err)
	}
	st2, dup, err := s.Apply(survey, "telegram:1", "telegram:100", t0.Add(time.Second), fn)
	if err != nil || !dup {
		t.Fatalf("second Apply: dup=%v err=%v", dup, err)
	}
	if calls != 1 {
		t.Errorf("fn called %d times, want 1", calls)
	}
	if st2.Answers["country"].Value != "Jordan" || st2.Respondent != "telegram:1" || !st2.UpdatedAt.Equal(st1.UpdatedAt) {
		t.Errorf("dup state = %+v, want %+v", st2, st1)
	}

	// The same update key is global: another respondent cannot reuse it.
	if _, dup, err := s.Apply(survey, "telegram:2", "telegram:100", t0, fn); err != nil || !dup {
		t.Errorf("global key: dup=%v err=%v", dup, err)
	}
	// An empty key is never de-duplicated.
	for range 2 {
		if _, dup, err := s.Apply(survey, "telegram:1", "", t0, fn); err != nil || dup {
			t.Errorf("empty key: dup=%v err=%v", dup, err)
		}
	}
	if calls != 3 {
		t.Errorf("fn called %d times, want 3", calls)
	}
}

func TestApplyErrorWritesNothing(t *testing.T) {
	s, _ := openTemp(t, Options{})
	if _, _, err := s.Apply(survey, "telegram:1", "telegram:1", t0, answer("country", "Jordan", t0)); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	_, dup, err := s.Apply(survey, "telegram:1", "telegram:2", t0, func(st *conversation.State) error {
		st.Answers["country"] = conversation.Answer{Value: "Tunisia"}
		st.Answers["comments"] = conversation.Answer{Value: "x"}
		return boom
	})
	if !errors.Is(err, boom) || dup {
		t.Fatalf("Apply: dup=%v err=%v, want boom", dup, err)
	}
	st, _, err := s.Load(survey, "telegram:1")
	if err != nil {
		t.Fatal(err)
	}
	if st.Answers["country"].Value != "Jordan" || len(st.Answers) != 1 || st.LastUpdate != "telegram:1" {
		t.Errorf("state changed by a failed Apply: %+v", st)
	}
	// The failed update was not recorded: it can be applied later.
	_, dup, err = s.Apply(survey, "telegram:1", "telegram:2", t0, answer("country", "Tunisia", t0))
	if err != nil || dup {
		t.Errorf("retry: dup=%v err=%v", dup, err)
	}
	// A failing fn on a new respondent leaves no record at all.
	if _, _, err := s.Apply(survey, "telegram:9", "telegram:3", t0, func(*conversation.State) error { return boom }); !errors.Is(err, boom) {
		t.Errorf("err = %v", err)
	}
	if _, ok, _ := s.Load(survey, "telegram:9"); ok {
		t.Error("failed Apply created a record")
	}
	// A state that names another respondent is refused.
	_, _, err = s.Apply(survey, "telegram:1", "telegram:4", t0, func(st *conversation.State) error {
		st.Respondent = "telegram:2"
		return nil
	})
	if err == nil {
		t.Error("Apply accepted a state of another respondent")
	}
}

func TestSecondOpenLocked(t *testing.T) {
	_, path := openTemp(t, Options{})
	for _, ro := range []bool{false, true} {
		start := time.Now()
		s2, err := Open(path, Options{LockTimeout: 300 * time.Millisecond, ReadOnly: ro})
		elapsed := time.Since(start)
		if err == nil {
			s2.Close()
			t.Fatalf("ReadOnly=%v: second Open succeeded", ro)
		}
		if !errors.Is(err, ErrLocked) {
			t.Fatalf("ReadOnly=%v: err = %v, want ErrLocked", ro, err)
		}
		want := "database " + path + " is in use by another process (is `surveybot run` running?)"
		if !strings.Contains(err.Error(), want) {
			t.Errorf("message = %q, want %q", err, want)
		}
		if elapsed > 600*time.Millisecond {
			t.Errorf("ReadOnly=%v: took %v with LockTimeout 300ms", ro, elapsed)
		}
	}
}

const childEnv = "SURVEYBOT_STORAGE_TEST_CHILD_DB"

// TestLockedChild is the child half of TestSecondOpenLockedOtherProcess; it
// does nothing in a normal run.
func TestLockedChild(t *testing.T) {
	path := os.Getenv(childEnv)
	if path == "" {
		t.Skip("only run as a child process")
	}
	start := time.Now()
	s, err := Open(path, Options{LockTimeout: 300 * time.Millisecond})
	if err == nil {
		s.Close()
		fmt.Println("CHILD: opened")
		os.Exit(2)
	}
	fmt.Printf("CHILD: locked=%v elapsed=%v\nCHILD-ERR: %v\n", errors.Is(err, ErrLocked), time.Since(start).Round(time.Millisecond), err)
	os.Exit(3)
}

func TestSecondOpenLockedOtherProcess(t *testing.T) {
	s, path := openTemp(t, Options{})
	if err := s.Put(conversation.State{SurveyID: survey, Respondent: "console:a"}); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestLockedChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), childEnv+"="+path)
	start := time.Now()
	out, err := cmd.CombinedOutput()
	elapsed := time.Since(start)
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 3 {
		t.Fatalf("child: err=%v\n%s", err, out)
	}
	want := "CHILD-ERR: database " + path + " is in use by another process (is `surveybot run` running?)"
	if !bytes.Contains(out, []byte(want)) || !bytes.Contains(out, []byte("locked=true")) {
		t.Errorf("child output lacks %q:\n%s", want, out)
	}
	if elapsed > 5*time.Second {
		t.Errorf("child took %v", elapsed)
	}
	t.Logf("child (%v): %s", elapsed.Round(time.Millisecond), bytes.TrimSpace(out))

	// Once the parent closes, the child can open it.
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s2, err := Open(path, Options{LockTimeout: 300 * time.Millisecond})
	if err != nil {
		t.Fatalf("open after close: %v", err)
	}
	s2.Close()
}

func TestEachOrderAndSurvey(t *testing.T) {
	s, _ := openTemp(t, Options{})
	// Inserted out of order; "smart-cities-2" shares a prefix with "smart-cities".
	for _, r := range []string{"telegram:3", "console:z", "telegram:1", "whatsapp:+962", "telegram:10"} {
		if err := s.Put(conversation.State{SurveyID: survey, Respondent: r}); err != nil {
			t.Fatal(err)
		}
	}
	for _, sv := range []string{"smart-cities-2", "other", "smart-citie"} {
		if err := s.Put(conversation.State{SurveyID: sv, Respondent: "telegram:2"}); err != nil {
			t.Fatal(err)
		}
	}
	var got []string
	err := s.Each(survey, func(st conversation.State) error {
		if st.SurveyID != survey {
			t.Errorf("Each returned survey %q", st.SurveyID)
		}
		got = append(got, st.Respondent)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := "console:z telegram:1 telegram:10 telegram:3 whatsapp:+962"
	if strings.Join(got, " ") != want {
		t.Errorf("Each order = %v, want %v", got, want)
	}
	if n, err := s.Count(survey); n != 5 || err != nil {
		t.Errorf("Count = %d, %v", n, err)
	}
	if n, err := s.Count("smart-cities-2"); n != 1 || err != nil {
		t.Errorf("Count(smart-cities-2) = %d, %v", n, err)
	}
	if n, err := s.Count("none"); n != 0 || err != nil {
		t.Errorf("Count(none) = %d, %v", n, err)
	}

	stop := errors.New("stop")
	calls := 0
	err = s.Each(survey, func(conversation.State) error { calls++; return stop })
	if !errors.Is(err, stop) || calls != 1 {
		t.Errorf("Each stop: calls=%d err=%v", calls, err)
	}
}

func TestPruneUpdates(t *testing.T) {
	s, _ := openTemp(t, Options{})
	for i := range 10 {
		at := t0.Add(time.Duration(i) * time.Hour)
		if _, _, err := s.Apply(survey, "telegram:1", fmt.Sprintf("telegram:%d", i), at, answer("n", fmt.Sprint(i), at)); err != nil {
			t.Fatal(err)
		}
	}
	n, err := s.PruneUpdates(t0.Add(4 * time.Hour)) // removes updates 0..3
	if err != nil || n != 4 {
		t.Fatalf("PruneUpdates = %d, %v; want 4", n, err)
	}
	if n, err := s.PruneUpdates(t0.Add(4 * time.Hour)); err != nil || n != 0 {
		t.Fatalf("second PruneUpdates = %d, %v; want 0", n, err)
	}
	// Pruned keys are forgotten, kept keys are still duplicates.
	if _, dup, _ := s.Apply(survey, "telegram:1", "telegram:3", t0, answer("n", "x", t0)); dup {
		t.Error("pruned update still a duplicate")
	}
	if _, dup, _ := s.Apply(survey, "telegram:1", "telegram:4", t0, answer("n", "x", t0)); !dup {
		t.Error("kept update not a duplicate")
	}
	// telegram:3 was re-recorded at t0, so 1 old key is left now.
	if n, err := s.PruneUpdates(t0.Add(100 * time.Hour)); err != nil || n != 7 {
		t.Errorf("PruneUpdates(all) = %d, %v; want 7", n, err)
	}
	if st, ok, _ := s.Load(survey, "telegram:1"); !ok || st.Answers["n"].Value != "x" {
		t.Errorf("PruneUpdates touched responses: %+v", st)
	}
}

func TestBackup(t *testing.T) {
	s, _ := openTemp(t, Options{})
	for i := range 20 {
		r := fmt.Sprintf("telegram:%02d", i)
		if _, _, err := s.Apply(survey, r, "u"+r, t0, answer("municipality", "M"+r, t0)); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.PutMeta("telegram_offset", []byte("42")); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	n, err := s.Backup(&buf)
	if err != nil || n != int64(buf.Len()) || n == 0 {
		t.Fatalf("Backup = %d, %v (buffer %d)", n, err, buf.Len())
	}
	// A write after the backup is not in it.
	if _, _, err := s.Apply(survey, "telegram:99", "late", t0, answer("x", "y", t0)); err != nil {
		t.Fatal(err)
	}

	path := filepath.Join(t.TempDir(), "backup.db")
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	b, err := Open(path, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if err := b.Check(); err != nil {
		t.Fatal(err)
	}
	if n, err := b.Count(survey); n != 20 || err != nil {
		t.Errorf("backup Count = %d, %v", n, err)
	}
	if st, ok, err := b.Load(survey, "telegram:07"); !ok || err != nil || st.Answers["municipality"].Value != "Mtelegram:07" {
		t.Errorf("backup Load = %+v, %v, %v", st, ok, err)
	}
	if v, err := b.GetMeta("telegram_offset"); string(v) != "42" || err != nil {
		t.Errorf("backup meta = %q, %v", v, err)
	}
	if err := b.Put(conversation.State{SurveyID: survey, Respondent: "x"}); !errors.Is(err, ErrReadOnly) {
		t.Errorf("Put on read-only store: %v", err)
	}
}

func TestConcurrentApply(t *testing.T) {
	s, _ := openTemp(t, Options{})
	const n = 50
	var wg sync.WaitGroup
	errs := make(chan error, n*3)
	for i := range n {
		wg.Go(func() {
			r := fmt.Sprintf("telegram:%03d", i)
			for j, q := range []string{"municipality", "country", "q1_new_tech"} {
				st, dup, err := s.Apply(survey, r, fmt.Sprintf("%s/%d", r, j), t0, answer(q, r, t0))
				if err != nil || dup || st.Answers[q].Value != r {
					errs <- fmt.Errorf("%s %s: dup=%v err=%v st=%+v", r, q, dup, err, st)
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if c, err := s.Count(survey); c != n || err != nil {
		t.Fatalf("Count = %d, %v", c, err)
	}
	i := 0
	err := s.Each(survey, func(st conversation.State) error {
		r := fmt.Sprintf("telegram:%03d", i)
		i++
		if st.Respondent != r || len(st.Answers) != 3 || st.Answers["country"].Value != r {
			return fmt.Errorf("state %d = %+v", i, st)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Check(); err != nil {
		t.Fatal(err)
	}
}

func TestFileMode(t *testing.T) {
	_, path := openTemp(t, Options{})
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if m := fi.Mode().Perm(); m != 0o600 {
		t.Errorf("mode = %v, want 0600", m)
	}
}

func TestSchemaVersion(t *testing.T) {
	s, path := openTemp(t, Options{})
	if v, err := s.GetMeta("schema_version"); string(v) != "1" || err != nil {
		t.Fatalf("schema_version = %q, %v", v, err)
	}
	if err := s.PutMeta("schema_version", []byte("7")); err == nil {
		t.Error("PutMeta overwrote the schema version")
	}
	if v, err := s.GetMeta("missing"); v != nil || err != nil {
		t.Errorf("GetMeta(missing) = %q, %v", v, err)
	}
	s.Close()

	// Pretend a newer surveybot wrote the file.
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket([]byte("meta")).Put([]byte("schema_version"), []byte("2"))
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	s2, err := Open(path, Options{})
	if err == nil {
		s2.Close()
		t.Fatal("Open accepted a newer schema")
	}
	if !strings.Contains(err.Error(), "schema version 2 is newer") || !strings.Contains(err.Error(), path) {
		t.Errorf("err = %v", err)
	}
	// The refused file is released again.
	db, err = bolt.Open(path, 0o600, &bolt.Options{Timeout: 300 * time.Millisecond})
	if err != nil {
		t.Fatalf("file still locked after refused Open: %v", err)
	}
	db.Close()
}

func TestNotADatabase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "survey.yaml")
	if err := os.WriteFile(path, bytes.Repeat([]byte("id: smart-cities\n"), 500), 0o600); err != nil {
		t.Fatal(err)
	}
	if s, err := Open(path, Options{}); err == nil {
		s.Close()
		t.Fatal("Open accepted a non-database file")
	} else if !strings.Contains(err.Error(), path) || !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "surveybot backup") {
		t.Errorf("err = %v, want the path, ErrCorrupt and what to do", err)
	}
	if b, _ := os.ReadFile(path); !bytes.HasPrefix(b, []byte("id: smart-cities")) {
		t.Error("Open changed a non-database file")
	}
}

func TestMeta(t *testing.T) {
	s, path := openTemp(t, Options{})
	if err := s.PutMeta("telegram_offset", []byte("123")); err != nil {
		t.Fatal(err)
	}
	if err := s.PutMeta("empty", nil); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s2, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if v, err := s2.GetMeta("telegram_offset"); string(v) != "123" || err != nil {
		t.Errorf("GetMeta = %q, %v", v, err)
	}
	if v, err := s2.GetMeta("empty"); v == nil || len(v) != 0 || err != nil {
		t.Errorf("GetMeta(empty) = %#v, %v; want empty, non-nil", v, err)
	}
}

func BenchmarkApply(b *testing.B) {
	s, _ := openTemp(b, Options{})
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		r := fmt.Sprintf("telegram:%d", i%100)
		if _, _, err := s.Apply(survey, r, fmt.Sprintf("telegram:u%d", i), t0, answer("q1_new_tech", "yes", t0)); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

func BenchmarkApplyParallel(b *testing.B) {
	s, _ := openTemp(b, Options{})
	b.ReportAllocs()
	b.SetParallelism(32) // 32 × GOMAXPROCS goroutines, like many respondents at once
	var next atomic.Int64
	b.RunParallel(func(pb *testing.PB) {
		r := fmt.Sprintf("telegram:%d", next.Add(1))
		i := 0
		for pb.Next() {
			if _, _, err := s.Apply(survey, r, fmt.Sprintf("%s/u%d", r, i), t0, answer("q1_new_tech", "yes", t0)); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
}

// Pruning in several short transactions finds every old record, however
// the records fall across the transactions, and keeps every fresh one.
func TestPruneUpdatesInBatches(t *testing.T) {
	for _, scan := range []int{1, 7, 10, 50, 1000} {
		t.Run(fmt.Sprint(scan), func(t *testing.T) {
			old := pruneScan
			pruneScan = scan
			t.Cleanup(func() { pruneScan = old })
			s, _ := openTemp(t, Options{NoSync: true})
			for i := range 100 {
				at := t0 // even: old
				if i%2 == 1 {
					at = t0.Add(48 * time.Hour) // odd: fresh
				}
				if _, _, err := s.Apply(survey, "telegram:1", fmt.Sprintf("telegram:%03d", i), at, answer("n", fmt.Sprint(i), at)); err != nil {
					t.Fatal(err)
				}
			}
			if n, err := s.PruneUpdates(t0.Add(time.Hour)); err != nil || n != 50 {
				t.Fatalf("PruneUpdates = %d, %v; want 50", n, err)
			}
			for i := range 100 {
				_, dup, err := s.Apply(survey, "telegram:2", fmt.Sprintf("telegram:%03d", i), t0, answer("n", "x", t0))
				if err != nil || dup != (i%2 == 1) {
					t.Errorf("update %d after pruning: dup=%v err=%v", i, dup, err)
				}
			}
		})
	}
}

// A directory, or an empty file opened to read, gets a sentence that says
// what it is, not bbolt's "bad file descriptor" or "damaged database".
func TestOpenDirectoryOrEmptyFile(t *testing.T) {
	dir := t.TempDir()
	if _, err := Open(dir, Options{ReadOnly: true}); err == nil || !strings.Contains(err.Error(), "is a directory") {
		t.Errorf("directory: %v", err)
	}
	empty := filepath.Join(dir, "empty.db")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(empty, Options{ReadOnly: true}); err == nil || !strings.Contains(err.Error(), "is an empty file") {
		t.Errorf("empty file, read-only: %v", err)
	}
}
