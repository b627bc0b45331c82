package storage

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Reminder timers live in their own bucket, created by the first Schedule
// (Open need not know about it, and a database that never schedules one
// never gets it):
//
//	reminders  8-byte big-endian Unix nanoseconds of the due time +
//	           surveyID + "\x00" + respondent → JSON of Reminder
//
// Keys sort by due time, so the timers that are due are one cursor walk
// from the start of the bucket. Timers are on disk, never only in memory:
// a restart neither loses one nor fires one twice (see MarkReminded).
var bucketReminders = []byte("reminders")

// Reminder is one scheduled reminder.
type Reminder struct {
	Respondent string `json:"respondent"`
	Survey     string `json:"survey"`
	// ScheduledFor is the respondent's State.UpdatedAt when the timer was
	// set: if it has changed by the due time, the respondent has moved on
	// and the reminder is dropped.
	ScheduledFor time.Time `json:"scheduled_for_update"`
	// Manual marks a coordinator's /remind (due at once, under its own
	// rule) as opposed to an automatic reminder.
	Manual bool `json:"manual,omitempty"`

	// Due and Key are read back from the key; they are not in the JSON.
	Due time.Time `json:"-"`
	Key []byte    `json:"-"`
}

// ReminderKey is the bucket key of a timer due at due.
func ReminderKey(due time.Time, surveyID, respondent string) ([]byte, error) {
	id, err := responseKey(surveyID, respondent)
	if err != nil {
		return nil, err
	}
	if due.UnixNano() < 0 {
		return nil, fmt.Errorf("storage: reminder due %s is before 1970", due)
	}
	k := make([]byte, 8, 8+len(id))
	binary.BigEndian.PutUint64(k, uint64(due.UnixNano()))
	return append(k, id...), nil
}

// Schedule sets a timer for r due at due and returns its key. Scheduling
// the same respondent and due time again replaces the timer, so a periodic
// scan may schedule what it sees without checking first.
func (s *Store) Schedule(due time.Time, r Reminder) ([]byte, error) {
	if s.readOnly {
		return nil, ErrReadOnly
	}
	key, err := ReminderKey(due, r.Survey, r.Respondent)
	if err != nil {
		return nil, err
	}
	data, err := json.Marshal(r)
	if err != nil {
		return nil, fmt.Errorf("storage: encode reminder: %w", err)
	}
	err = s.db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(bucketReminders)
		if err != nil {
			return err
		}
		return b.Put(key, data)
	})
	return key, err
}

// Due returns the timers due at or before now, earliest first.
func (s *Store) Due(now time.Time) ([]Reminder, error) {
	limit := uint64(max(now.UnixNano(), 0))
	return s.reminders(func(due uint64) bool { return due <= limit })
}

// Reminders returns every pending timer, earliest first.
func (s *Store) Reminders() ([]Reminder, error) {
	return s.reminders(func(uint64) bool { return true })
}

// reminders walks the bucket in due order while keep holds.
func (s *Store) reminders(keep func(due uint64) bool) ([]Reminder, error) {
	var out []Reminder
	err := s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketReminders)
		if b == nil {
			return nil
		}
		c := b.Cursor()
		for k, v := c.First(); k != nil; k, v = c.Next() {
			r, due, err := decodeReminder(k, v)
			if err != nil {
				return err
			}
			if !keep(due) {
				break
			}
			out = append(out, r)
		}
		return nil
	})
	return out, err
}

func decodeReminder(k, v []byte) (Reminder, uint64, error) {
	var r Reminder
	if len(k) < 9 {
		return r, 0, fmt.Errorf("storage: malformed reminder key %q", k)
	}
	if err := json.Unmarshal(v, &r); err != nil {
		return r, 0, fmt.Errorf("storage: decode reminder %q: %w", k, err)
	}
	due := binary.BigEndian.Uint64(k[:8])
	r.Due = time.Unix(0, int64(due)).UTC()
	r.Key = bytes.Clone(k)
	return r, due, nil
}

// Done removes a timer (fired or dropped). A missing key is not an error.
func (s *Store) Done(key []byte) error {
	if s.readOnly {
		return ErrReadOnly
	}
	return s.db.Update(func(tx *bolt.Tx) error {
		if b := tx.Bucket(bucketReminders); b != nil {
			return b.Delete(key)
		}
		return nil
	})
}

// MarkReminded records that respondent was reminded at at and removes
// the timer key (if not nil), in one transaction: either both happen or
// neither, so a restart can neither lose a sent reminder's record nor
// keep a timer whose reminder went out. The state is read and written
// inside that transaction, so an answer the respondent gives meanwhile
// is never overwritten. Only RemindedAt changes; UpdatedAt stays the
// respondent's own last activity.
func (s *Store) MarkReminded(surveyID, respondent string, at time.Time, key []byte) error {
	if s.readOnly {
		return ErrReadOnly
	}
	rk, err := responseKey(surveyID, respondent)
	if err != nil {
		return err
	}
	return s.db.Update(func(tx *bolt.Tx) error {
		if err := setReminded(tx.Bucket(bucketResponses), rk, at); err != nil {
			return err
		}
		if b := tx.Bucket(bucketReminders); b != nil && key != nil {
			return b.Delete(key)
		}
		return nil
	})
}

// setReminded updates RemindedAt of the record at key, keeping every other
// field exactly as stored (fields this version does not know included).
func setReminded(b *bolt.Bucket, key []byte, at time.Time) error {
	v := b.Get(key)
	if v == nil {
		return nil // deleted meanwhile: nothing to record
	}
	var rec map[string]json.RawMessage
	if err := json.Unmarshal(v, &rec); err != nil {
		return fmt.Errorf("storage: decode response %q: %w", key, err)
	}
	stamp, err := json.Marshal(at)
	if err != nil {
		return err
	}
	rec["reminded_at"] = stamp
	data, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	return b.Put(key, data)
}
