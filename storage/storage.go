// Package storage keeps survey responses in a single bbolt file.
//
// # Layout
//
// The file holds three top-level buckets:
//
//	meta       small named values; "schema_version" holds the layout
//	           version as decimal text (currently 1)
//	responses  surveyID + "\x00" + respondent → JSON of conversation.State,
//	           one record per respondent per survey; keys sort by survey,
//	           then by respondent, so a survey's responses are one
//	           contiguous, ordered key range
//	updates    updateKey → 8-byte big-endian Unix nanoseconds of when the
//	           inbound update was applied; update keys are global, callers
//	           prefix them with the channel ("telegram:12345")
//
// # One transaction per event
//
// Every inbound event is applied with [Store.Apply] in exactly one write
// transaction: the duplicate check on its update key, the read of the
// respondent's state, the change, the write of the new state and the record
// of the update key all commit together or not at all. A crash therefore
// never leaves an answer stored without its update being marked as done (or
// the reverse), and an update delivered twice is applied once. Events of
// different respondents arriving while a commit is syncing share the next
// commit (one fsync), without waiting on a timer (see group).
//
// Only one process can hold the file. A second open, from this process or
// another, fails within [Options.LockTimeout] with an error matching
// [ErrLocked].
package storage

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"

	"github.com/uclg-mewa/surveybot/conversation"
)

// SchemaVersion is the layout version this package writes and understands.
const SchemaVersion = 1

// DefaultLockTimeout is how long Open waits for the file lock when
// Options.LockTimeout is zero.
const DefaultLockTimeout = 3 * time.Second

const metaSchemaKey = "schema_version"

var (
	bucketMeta      = []byte("meta")
	bucketResponses = []byte("responses")
	bucketUpdates   = []byte("updates")
)

// ErrLocked is returned (wrapped) by Open when another process, or another
// Store in this process, holds the database file.
var ErrLocked = errors.New("database is in use by another process")

// ErrReadOnly is returned by writes on a Store opened with ReadOnly.
var ErrReadOnly = errors.New("database is open read-only")

type lockedError struct{ path string }

func (e *lockedError) Error() string {
	return fmt.Sprintf("database %s is in use by another process (is `surveybot run` running?)", e.path)
}

func (e *lockedError) Unwrap() []error { return []error{ErrLocked, berrors.ErrTimeout} }

// Options tune Open.
type Options struct {
	// LockTimeout bounds the wait for the file lock; 0 means 3 s.
	LockTimeout time.Duration
	// NoSync skips fsync at commit (tests, benchmarks, bulk imports):
	// a power cut may then lose recent commits.
	NoSync bool
	// ReadOnly opens the file with a shared lock and refuses writes. The
	// file must exist. It still fails while a writer holds the file.
	ReadOnly bool
}

// Store is an open database. Its methods are safe for concurrent use.
type Store struct {
	db       *bolt.DB
	path     string
	readOnly bool
	group    group // commits concurrent Apply calls together
}

// Open opens (creating it with mode 0600 if needed) the database at path,
// creates the buckets and records the schema version. It refuses a file
// written by a newer schema. If the file is held elsewhere it returns an
// error matching ErrLocked after at most opt.LockTimeout.
func Open(path string, opt Options) (s *Store, err error) {
	defer faultsPanic()()
	defer guard(path, &err)
	return open(path, opt)
}

// guard turns a panic (or a fault on the memory map) that bbolt raises on a
// damaged file into an ErrCorrupt error: an operator must get a sentence,
// not a stack trace, and a bot must not crash-loop on one bad page. Every
// transaction runs under it. It cannot reach bbolt's own goroutines (its
// Check): the command checks a file in a child process before it serves
// from it.
func guard(path string, err *error) {
	if p := recover(); p != nil {
		cause := fmt.Sprint(p)
		if _, ok := p.(runtime.Error); ok {
			// "invalid memory address or nil pointer dereference" tells an
			// operator nothing; what happened is a page that makes no sense.
			cause = "a page cannot be read"
		}
		*err = &corruptError{path: path, cause: cause}
	}
}

// view and update run a transaction with panics on a damaged file turned
// into errors (see guard); batch shares a transaction with concurrent
// callers (see group), committed through update.
func (s *Store) view(fn func(*bolt.Tx) error) (err error) {
	defer faultsPanic()()
	defer guard(s.path, &err)
	return s.db.View(fn)
}

func (s *Store) update(fn func(*bolt.Tx) error) (err error) {
	defer faultsPanic()()
	defer guard(s.path, &err)
	return s.db.Update(fn)
}

func (s *Store) batch(fn func(*bolt.Tx) error) (err error) {
	return s.group.do(fn, s.commitGroup)
}

// faultsPanic makes a fault on the memory map a recoverable panic in this
// goroutine for the duration of a call: defer the function it returns.
func faultsPanic() func() {
	old := debug.SetPanicOnFault(true)
	return func() { debug.SetPanicOnFault(old) }
}

// encode is a response as stored. One larger than maxRecord is refused
// here, since Each would take it for a damaged record.
func encode(st *conversation.State) ([]byte, error) {
	data, err := json.Marshal(st)
	if err != nil {
		return nil, fmt.Errorf("storage: encode response: %w", err)
	}
	if len(data) > maxRecord {
		return nil, fmt.Errorf("storage: response of %s is %d bytes, more than the %d a response may have", st.Respondent, len(data), maxRecord)
	}
	return data, nil
}

// callApply calls an Apply function, turning a panic into an error of
// that call alone: a bug in the caller's function must neither fail the
// other calls committed with it nor pass for a damaged file.
func callApply(fn func(*conversation.State) error, st *conversation.State) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("storage: the function given to Apply panicked: %v", p)
		}
	}()
	return fn(st)
}

// ErrCorrupt matches the error Open returns for a damaged database file.
var ErrCorrupt = errors.New("database file is damaged")

type corruptError struct{ path, cause string }

func (e *corruptError) Error() string {
	return fmt.Sprintf("database %s is damaged (%s): move it away and restore a copy made with `surveybot backup`", e.path, e.cause)
}

func (e *corruptError) Unwrap() error { return ErrCorrupt }

// notDatabaseError is a file whose header bbolt does not recognise: another
// kind of file given as --db, or a database whose header pages are damaged.
type notDatabaseError struct {
	path  string
	cause error
}

func (e *notDatabaseError) Error() string {
	return fmt.Sprintf("%s is not a surveybot database, or its header is damaged (%v): check --db; if it is your database, move it away and restore a copy made with `surveybot backup`", e.path, e.cause)
}

func (e *notDatabaseError) Unwrap() []error { return []error{ErrCorrupt, e.cause} }

func open(path string, opt Options) (*Store, error) {
	// bbolt's own errors for these say "bad file descriptor" or call the
	// path a damaged database.
	if fi, err := os.Stat(path); err == nil {
		if fi.IsDir() {
			return nil, fmt.Errorf("database %s is a directory: --db names the database file", path)
		}
		if fi.Size() == 0 && opt.ReadOnly {
			return nil, fmt.Errorf("database %s is an empty file, not a database: check --db (nothing has been answered into it)", path)
		}
	}
	timeout := opt.LockTimeout
	if timeout <= 0 {
		timeout = DefaultLockTimeout
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{
		Timeout:  timeout,
		NoSync:   opt.NoSync,
		ReadOnly: opt.ReadOnly,
	})
	if err != nil {
		if errors.Is(err, berrors.ErrTimeout) {
			return nil, &lockedError{path: path}
		}
		if errors.Is(err, berrors.ErrInvalid) || errors.Is(err, berrors.ErrChecksum) || errors.Is(err, berrors.ErrVersionMismatch) {
			return nil, &notDatabaseError{path: path, cause: err}
		}
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}

	s := &Store{db: db, path: path, readOnly: opt.ReadOnly}
	if err := s.init(); err != nil {
		db.Close()
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	return s, nil
}

// init creates the buckets and checks or records the schema version.
func (s *Store) init() error {
	check := func(tx *bolt.Tx) (found bool, err error) {
		b := tx.Bucket(bucketMeta)
		if b == nil {
			return false, nil
		}
		v := b.Get([]byte(metaSchemaKey))
		if v == nil {
			return false, nil
		}
		n, err := strconv.Atoi(string(v))
		if err != nil || n < 1 {
			return true, fmt.Errorf("invalid schema version %q in meta bucket", v)
		}
		if n > SchemaVersion {
			return true, fmt.Errorf("schema version %d is newer than this surveybot supports (%d): use a newer surveybot", n, SchemaVersion)
		}
		return true, nil
	}
	if s.readOnly {
		return s.view(func(tx *bolt.Tx) error {
			_, err := check(tx)
			return err
		})
	}
	return s.update(func(tx *bolt.Tx) error {
		found, err := check(tx)
		if err != nil {
			return err
		}
		for _, name := range [][]byte{bucketMeta, bucketResponses, bucketUpdates} {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return fmt.Errorf("create bucket %s: %w", name, err)
			}
		}
		if !found {
			return tx.Bucket(bucketMeta).Put([]byte(metaSchemaKey), []byte(strconv.Itoa(SchemaVersion)))
		}
		return nil
	})
}

// Close closes the database, waiting for open transactions to finish.
func (s *Store) Close() error { return s.db.Close() }

// Path is the file the store was opened from.
func (s *Store) Path() string { return s.path }

func responseKey(surveyID, respondent string) ([]byte, error) {
	if surveyID == "" {
		return nil, errors.New("storage: empty survey id")
	}
	if strings.IndexByte(surveyID, 0) >= 0 {
		return nil, fmt.Errorf("storage: survey id %q contains a NUL byte", surveyID)
	}
	if respondent == "" {
		return nil, errors.New("storage: empty respondent")
	}
	k := make([]byte, 0, len(surveyID)+1+len(respondent))
	k = append(k, surveyID...)
	k = append(k, 0)
	k = append(k, respondent...)
	return k, nil
}

func surveyPrefix(surveyID string) ([]byte, error) {
	if surveyID == "" {
		return nil, errors.New("storage: empty survey id")
	}
	if strings.IndexByte(surveyID, 0) >= 0 {
		return nil, fmt.Errorf("storage: survey id %q contains a NUL byte", surveyID)
	}
	return append([]byte(surveyID), 0), nil
}

// get decodes the record at key into st; a nil bucket (read-only open of a
// fresh file) reads as empty.
func get(b *bolt.Bucket, key []byte, st *conversation.State) (bool, error) {
	if b == nil {
		return false, nil
	}
	v := b.Get(key)
	if v == nil {
		return false, nil
	}
	// json.Unmarshal copies everything out of v, which is only valid
	// inside the transaction.
	if err := json.Unmarshal(v, st); err != nil {
		return true, fmt.Errorf("storage: decode response %q: %w", key, err)
	}
	return true, nil
}

// Apply runs one inbound event for one respondent in one write transaction.
//
// If updateKey is not empty and was applied before, fn is not called and the
// stored state is returned with dup = true. Otherwise Apply loads the
// respondent's state for surveyID (the zero State if there is none), calls
// fn on it, then stores the result and records updateKey with now, all in
// the same transaction. If fn returns an error nothing is written and that
// error is returned.
//
// After fn, empty Respondent and SurveyID fields are filled in from the
// arguments (a different non-empty value is an error), and LastUpdate is set
// to updateKey when that is not empty.
//
// Apply commits together with concurrent callers (see group): fn may run
// more than once (each time on a fresh copy of the stored state), so it
// must be deterministic and free of side effects outside st. A panic in fn
// is an error of this call alone. The returned state is the one committed.
func (s *Store) Apply(surveyID, respondent, updateKey string, now time.Time, fn func(st *conversation.State) error) (st conversation.State, dup bool, err error) {
	if s.readOnly {
		return st, false, ErrReadOnly
	}
	key, err := responseKey(surveyID, respondent)
	if err != nil {
		return st, false, err
	}
	var stamp [8]byte
	binary.BigEndian.PutUint64(stamp[:], uint64(now.UnixNano()))

	err = s.batch(func(tx *bolt.Tx) error {
		// Reset the results: this may be a re-run.
		st, dup = conversation.State{}, false
		responses := tx.Bucket(bucketResponses)
		updates := tx.Bucket(bucketUpdates)
		if updateKey != "" && updates.Get([]byte(updateKey)) != nil {
			dup = true
			_, err := get(responses, key, &st)
			return err
		}
		if _, err := get(responses, key, &st); err != nil {
			return err
		}
		if err := callApply(fn, &st); err != nil {
			return err
		}
		if st.Respondent == "" {
			st.Respondent = respondent
		} else if st.Respondent != respondent {
			return fmt.Errorf("storage: Apply for %q: state names respondent %q", respondent, st.Respondent)
		}
		if st.SurveyID == "" {
			st.SurveyID = surveyID
		} else if st.SurveyID != surveyID {
			return fmt.Errorf("storage: Apply for survey %q: state names survey %q", surveyID, st.SurveyID)
		}
		if updateKey != "" {
			st.LastUpdate = updateKey
		}
		data, err := encode(&st)
		if err != nil {
			return err
		}
		if err := responses.Put(key, data); err != nil {
			return err
		}
		if updateKey != "" {
			return updates.Put([]byte(updateKey), stamp[:])
		}
		return nil
	})
	if err != nil {
		return conversation.State{}, false, err
	}
	return st, dup, nil
}

// Load returns the stored state of respondent for surveyID, and whether
// there is one.
func (s *Store) Load(surveyID, respondent string) (conversation.State, bool, error) {
	var st conversation.State
	key, err := responseKey(surveyID, respondent)
	if err != nil {
		return st, false, err
	}
	var found bool
	err = s.view(func(tx *bolt.Tx) error {
		found, err = get(tx.Bucket(bucketResponses), key, &st)
		return err
	})
	if err != nil || !found {
		return conversation.State{}, false, err
	}
	return st, true, nil
}

// Put stores st under st.SurveyID and st.Respondent, replacing any earlier
// record, in one transaction. It records no update key.
func (s *Store) Put(st conversation.State) error {
	if s.readOnly {
		return ErrReadOnly
	}
	key, err := responseKey(st.SurveyID, st.Respondent)
	if err != nil {
		return err
	}
	data, err := encode(&st)
	if err != nil {
		return err
	}
	return s.update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketResponses).Put(key, data)
	})
}

// Each calls fn for every stored response of surveyID, in respondent order
// (byte order of the respondent id), inside one read transaction, so it sees
// one consistent snapshot. fn gets its own copy. Each stops at the first
// error and returns it unchanged. Records are decoded on several
// goroutines ahead of fn (see eachDecoded); fn itself is called from one
// goroutine at a time, in order.
//
// fn must not write to the store (Apply, Put, ...) and wait for it: a write
// that grows the file waits for open read transactions, this one included.
func (s *Store) Each(surveyID string, fn func(conversation.State) error) error {
	prefix, err := surveyPrefix(surveyID)
	if err != nil {
		return err
	}
	return s.view(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketResponses)
		if b == nil {
			return nil
		}
		return eachDecoded(s.path, b.Cursor(), prefix, fn)
	})
}

// Count returns how many responses surveyID has.
func (s *Store) Count(surveyID string) (int, error) {
	prefix, err := surveyPrefix(surveyID)
	if err != nil {
		return 0, err
	}
	n := 0
	err = s.view(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketResponses)
		if b == nil {
			return nil
		}
		c := b.Cursor()
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			n++
		}
		return nil
	})
	return n, err
}

// PruneUpdates deletes the processed-update records applied before the
// given time and returns how many it deleted. An update delivered again
// after its record is pruned is applied again, so keep records for longer
// than any channel may re-deliver.
//
// It reads the records pruneScan at a time in read transactions and
// deletes the old ones of each stretch in a short write transaction, so
// that a large bucket (millions of records after a busy week) never holds
// up respondents' writes for long.
func (s *Store) PruneUpdates(before time.Time) (int, error) {
	if s.readOnly {
		return 0, ErrReadOnly
	}
	cutoff := before.UnixNano()
	total := 0
	var from []byte // where the next transaction resumes; nil: the start
	for {
		n, next, err := s.pruneSome(cutoff, from)
		total += n
		if err != nil {
			return total, err
		}
		if next == nil {
			return total, nil
		}
		from = next
	}
}

// pruneScan bounds the records one pruning transaction looks at.
var pruneScan = 20_000

// pruneSome deletes the old records among at most pruneScan from the key
// from on. next is the key to resume at, nil at the end of the bucket. The
// records are looked at in a read transaction, and a write transaction
// opens only when there is something to delete: most of a week's records
// are not old yet, and a commit costs an fsync.
func (s *Store) pruneSome(cutoff int64, from []byte) (n int, next []byte, err error) {
	var old [][]byte
	err = s.view(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketUpdates).Cursor()
		k, v := c.First()
		if from != nil {
			k, v = c.Seek(from)
		}
		for scanned := 0; k != nil && scanned < pruneScan; k, v = c.Next() {
			scanned++
			if len(v) == 8 && int64(binary.BigEndian.Uint64(v)) >= cutoff {
				continue
			}
			old = append(old, bytes.Clone(k)) // malformed stamps are dropped too
		}
		if k != nil {
			next = bytes.Clone(k)
		}
		return nil
	})
	if err != nil || len(old) == 0 {
		return 0, next, err
	}
	// An update record never changes once written, so what was old in the
	// read transaction is old still.
	err = s.update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketUpdates)
		for _, k := range old {
			if err := b.Delete(k); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, nil, err
	}
	return len(old), next, nil
}

// Backup writes a consistent copy of the whole database to w (bbolt's
// Tx.WriteTo inside one read transaction); the output is itself a valid
// database file. Writers are not blocked meanwhile.
func (s *Store) Backup(w io.Writer) (int64, error) {
	var n int64
	err := s.view(func(tx *bolt.Tx) error {
		var err error
		n, err = tx.WriteTo(w)
		return err
	})
	return n, err
}

// Check runs bbolt's consistency check and returns the first problem, or nil.
func (s *Store) Check() error {
	// bbolt's check is safe alongside writers only inside a writable
	// transaction; it is rolled back, so nothing is written. A read-only
	// store has no writers (its shared lock keeps them out).
	var tx *bolt.Tx
	var err error
	if s.readOnly {
		tx, err = s.db.Begin(false)
	} else {
		tx, err = s.db.Begin(true)
	}
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var first error
	// Drain the channel: the checker goroutine blocks until it is read.
	for e := range tx.Check() {
		if first == nil {
			first = e
		}
	}
	if first != nil {
		return fmt.Errorf("database %s: consistency check: %w", s.path, first)
	}
	return nil
}

// GetMeta returns the value stored under key in the meta bucket, or nil if
// there is none.
func (s *Store) GetMeta(key string) ([]byte, error) {
	if key == "" {
		return nil, errors.New("storage: empty meta key")
	}
	var val []byte
	err := s.view(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketMeta)
		if b == nil {
			return nil
		}
		if v := b.Get([]byte(key)); v != nil {
			val = bytes.Clone(v)
		}
		return nil
	})
	return val, err
}

// PutMeta stores val under key in the meta bucket. The key
// "schema_version" is reserved.
func (s *Store) PutMeta(key string, val []byte) error {
	if s.readOnly {
		return ErrReadOnly
	}
	if key == "" {
		return errors.New("storage: empty meta key")
	}
	if key == metaSchemaKey {
		return fmt.Errorf("storage: meta key %q is reserved", key)
	}
	if val == nil {
		val = []byte{} // bbolt refuses a nil value
	}
	return s.update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketMeta).Put([]byte(key), val)
	})
}
