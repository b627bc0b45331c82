package storage

import (
	"bytes"
	"errors"
	"path/filepath"
	"testing"
	"time"
)

func TestReminderTimersSurviveReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "r.db")
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	// A fresh database has no reminders bucket: reading must still work.
	if due, err := s.Due(t0.Add(time.Hour)); err != nil || len(due) != 0 {
		t.Fatalf("Due on a fresh store = %v, %v", due, err)
	}
	late := Reminder{Respondent: "telegram:2", Survey: survey, ScheduledFor: t0}
	early := Reminder{Respondent: "telegram:1", Survey: survey, ScheduledFor: t0.Add(-time.Hour)}
	if _, err := s.Schedule(t0.Add(2*time.Hour), late); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Schedule(t0.Add(time.Hour), early); err != nil {
		t.Fatal(err)
	}
	// The same respondent and due time again replaces, never duplicates.
	if _, err := s.Schedule(t0.Add(time.Hour), early); err != nil {
		t.Fatal(err)
	}
	s.Close()

	s, err = Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	all, err := s.Reminders()
	if err != nil || len(all) != 2 {
		t.Fatalf("Reminders after reopen = %v, %v; want 2", all, err)
	}
	if all[0].Respondent != "telegram:1" || !all[0].Due.Equal(t0.Add(time.Hour)) || !all[0].ScheduledFor.Equal(early.ScheduledFor) {
		t.Errorf("first timer = %+v", all[0])
	}
	due, err := s.Due(t0.Add(90 * time.Minute))
	if err != nil || len(due) != 1 || due[0].Respondent != "telegram:1" {
		t.Fatalf("Due(+90m) = %+v, %v; want only telegram:1", due, err)
	}
	if err := s.Done(due[0].Key); err != nil {
		t.Fatal(err)
	}
	if err := s.Done(due[0].Key); err != nil {
		t.Fatalf("Done twice: %v", err)
	}
	due, _ = s.Due(t0.Add(3 * time.Hour))
	if len(due) != 1 || due[0].Respondent != "telegram:2" {
		t.Fatalf("Due(+3h) after Done = %+v", due)
	}
}

func TestMarkRemindedKeepsConcurrentAnswers(t *testing.T) {
	s, _ := openTemp(t, Options{})
	if _, _, err := s.Apply(survey, "telegram:1", "u1", t0, answer("municipality", "Sfax", t0)); err != nil {
		t.Fatal(err)
	}
	key, err := s.Schedule(t0.Add(time.Hour), Reminder{Respondent: "telegram:1", Survey: survey, ScheduledFor: t0})
	if err != nil {
		t.Fatal(err)
	}
	// An answer arrives after the reminder run read the state: marking must
	// not overwrite it.
	if _, _, err := s.Apply(survey, "telegram:1", "u2", t0.Add(time.Minute), answer("country", "Tunisia", t0.Add(time.Minute))); err != nil {
		t.Fatal(err)
	}
	at := t0.Add(2 * time.Hour)
	if err := s.MarkReminded(survey, "telegram:1", at, key); err != nil {
		t.Fatal(err)
	}
	st, _, err := s.Load(survey, "telegram:1")
	if err != nil {
		t.Fatal(err)
	}
	if !st.RemindedAt.Equal(at) || st.Answers["country"].Value != "Tunisia" || !st.UpdatedAt.Equal(t0.Add(time.Minute)) {
		t.Errorf("after MarkReminded: reminded %v, answers %v, updated %v", st.RemindedAt, st.Answers, st.UpdatedAt)
	}
	if all, _ := s.Reminders(); len(all) != 0 {
		t.Errorf("timer not removed: %+v", all)
	}
	// A respondent without a record: nothing to mark, no error.
	if err := s.MarkReminded(survey, "telegram:9", at, nil); err != nil {
		t.Fatal(err)
	}
	if _, found, _ := s.Load(survey, "telegram:9"); found {
		t.Error("MarkReminded created a response")
	}
}

func TestReminderKeyOrdersByDueTime(t *testing.T) {
	a, _ := ReminderKey(t0, survey, "telegram:zzz")
	b, _ := ReminderKey(t0.Add(time.Nanosecond), survey, "telegram:a")
	if bytes.Compare(a, b) >= 0 {
		t.Error("keys do not sort by due time first")
	}
	if _, err := ReminderKey(t0, survey, ""); err == nil {
		t.Error("empty respondent accepted")
	}
}

func TestRemindersReadOnly(t *testing.T) {
	p2 := filepath.Join(t.TempDir(), "ro.db")
	w, err := Open(p2, Options{})
	if err != nil {
		t.Fatal(err)
	}
	w.Close()
	ro, err := Open(p2, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	if _, err := ro.Schedule(t0, Reminder{Respondent: "telegram:1", Survey: survey}); !errors.Is(err, ErrReadOnly) {
		t.Errorf("Schedule read-only: %v", err)
	}
	if err := ro.MarkReminded(survey, "telegram:1", t0, nil); !errors.Is(err, ErrReadOnly) {
		t.Errorf("MarkReminded read-only: %v", err)
	}
	if due, err := ro.Due(t0); err != nil || len(due) != 0 {
		t.Errorf("Due read-only = %v, %v", due, err)
	}
}
