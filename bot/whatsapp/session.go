package whatsapp

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"time"

	"go.mau.fi/whatsmeow/store/sqlstore"

	// The pure-Go SQLite driver, registered as "sqlite": builds with CGO_ENABLED=0.
	_ "modernc.org/sqlite"
)

// pollTTL is how long a poll's options are kept: a vote on an older poll
// is ignored (the question is long gone by then).
const pollTTL = 30 * 24 * time.Hour

// sessionStore is the session file: whatsmeow's tables plus ours.
type sessionStore struct {
	db        *sql.DB
	container *sqlstore.Container
}

// dsn turns on foreign keys (whatsmeow's schema upgrade fails without
// them), waits for a busy file instead of failing, and uses WAL so that
// whatsmeow's writes and ours do not block each other.
func dsn(path string) string {
	return "file:" + path + "?_pragma=foreign_keys(1)&_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)"
}

const ourSchema = `
CREATE TABLE IF NOT EXISTS surveybot_polls (
	id         TEXT PRIMARY KEY,
	respondent TEXT NOT NULL,
	seq        INTEGER NOT NULL,
	multi      INTEGER NOT NULL,
	options    TEXT NOT NULL,
	created_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS surveybot_polls_prompt ON surveybot_polls (respondent, seq);
CREATE TABLE IF NOT EXISTS surveybot_meta (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
);`

// openSession opens (creating it if needed) the session file, brings
// whatsmeow's schema up to date and adds our tables. The file holds the
// account's keys, so only its owner may read it.
func openSession(ctx context.Context, path string, log *slog.Logger) (*sessionStore, error) {
	db, err := sql.Open("sqlite", dsn(path))
	if err != nil {
		return nil, fmt.Errorf("whatsapp: opening %s: %w", path, err)
	}
	container := sqlstore.NewWithDB(db, "sqlite", newWALogger(log).Sub("Store"))
	if err := container.Upgrade(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("whatsapp: preparing session file %s: %s", path, redact(err.Error()))
	}
	if _, err := db.ExecContext(ctx, ourSchema); err != nil {
		db.Close()
		return nil, fmt.Errorf("whatsapp: preparing session file %s: %w", path, err)
	}
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		if err := os.Chmod(p, 0o600); err != nil && !errors.Is(err, os.ErrNotExist) {
			log.Warn("whatsapp: cannot restrict the session file's permissions", "err", err)
		}
	}
	st := &sessionStore{db: db, container: container}
	st.prunePolls(ctx, time.Now().Add(-pollTTL))
	return st, nil
}

func (s *sessionStore) close() error { return s.db.Close() }

// linkedAt is when the account was linked (or first connected), or zero.
func (s *sessionStore) linkedAt(ctx context.Context) time.Time {
	var v string
	err := s.db.QueryRowContext(ctx, `SELECT value FROM surveybot_meta WHERE key='linked_at'`).Scan(&v)
	if err != nil {
		return time.Time{}
	}
	ns, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return time.Time{}
	}
	return time.Unix(0, ns)
}

func (s *sessionStore) setLinkedAt(ctx context.Context, t time.Time) error {
	_, err := s.db.ExecContext(ctx,
		`INSERT INTO surveybot_meta (key, value) VALUES ('linked_at', ?) ON CONFLICT(key) DO UPDATE SET value=excluded.value`,
		strconv.FormatInt(t.UnixNano(), 10))
	return err
}

// poll is what a vote needs: whom the poll was sent to, the prompt it
// showed, and each option's name (what WhatsApp hashes) and button data.
type poll struct {
	Respondent string
	Seq        int
	Multi      bool
	Options    []pollOption
}

type pollOption struct {
	Name string `json:"n"`
	Data string `json:"d"`
}

func (s *sessionStore) putPoll(ctx context.Context, id string, p poll, now time.Time) error {
	opts, err := json.Marshal(p.Options)
	if err != nil {
		return err
	}
	_, err = s.db.ExecContext(ctx,
		`INSERT OR REPLACE INTO surveybot_polls (id, respondent, seq, multi, options, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
		id, p.Respondent, p.Seq, p.Multi, string(opts), now.Unix())
	return err
}

// getPoll returns the poll sent with message id, if we know it.
func (s *sessionStore) getPoll(ctx context.Context, id string) (poll, bool, error) {
	var p poll
	var opts string
	err := s.db.QueryRowContext(ctx,
		`SELECT respondent, seq, multi, options FROM surveybot_polls WHERE id=?`, id).
		Scan(&p.Respondent, &p.Seq, &p.Multi, &opts)
	if errors.Is(err, sql.ErrNoRows) {
		return p, false, nil
	}
	if err != nil {
		return p, false, err
	}
	if err := json.Unmarshal([]byte(opts), &p.Options); err != nil {
		return p, false, err
	}
	return p, true, nil
}

// hasPoll reports whether prompt seq of respondent already has a poll.
func (s *sessionStore) hasPoll(ctx context.Context, respondent string, seq int) bool {
	var one int
	err := s.db.QueryRowContext(ctx, `SELECT 1 FROM surveybot_polls WHERE respondent=? AND seq=? LIMIT 1`, respondent, seq).Scan(&one)
	return err == nil
}

// prunePolls keeps the table small; failing to prune changes nothing else.
func (s *sessionStore) prunePolls(ctx context.Context, before time.Time) {
	_, _ = s.db.ExecContext(ctx, `DELETE FROM surveybot_polls WHERE created_at < ?`, before.Unix())
}
