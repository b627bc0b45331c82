package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/uclg-mewa/surveybot/conversation"
	"github.com/uclg-mewa/surveybot/conversation/builtin"
	"github.com/uclg-mewa/surveybot/storage"
	"github.com/uclg-mewa/surveybot/storage/opsock"
)

var exportT0 = time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)

// exportTestDB writes two responses (one complete) into a new database file and
// closes it.
func exportTestDB(t *testing.T) string {
	t.Helper()
	db := filepath.Join(t.TempDir(), "surveybot.db")
	st, err := storage.Open(db, storage.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for i, s := range []conversation.State{
		{Respondent: "telegram:1", Channel: "telegram", Language: "ar", CompletedAt: exportT0.Add(time.Hour),
			Answers: map[string]conversation.Answer{"municipality": {Value: "غازي عنتاب"}, "q1_new_tech": {Value: "yes"}}},
		{Respondent: "console:ali", Channel: "console", Language: "en",
			Answers: map[string]conversation.Answer{"municipality": {Value: "=1+1"}}},
	} {
		s.SurveyID, s.StartedAt, s.UpdatedAt = "smart-cities", exportT0, exportT0.Add(time.Duration(i+1)*time.Hour)
		if err := st.Put(s); err != nil {
			t.Fatal(err)
		}
	}
	return db
}

type result struct {
	code           int
	stdout, stderr string
}

// runCLI calls dispatch as main does, with the environment empty.
func runCLI(t *testing.T, args ...string) result {
	t.Helper()
	var out, errOut bytes.Buffer
	env := &cliEnv{stdin: strings.NewReader(""), stdout: &out, stderr: &errOut, getenv: func(string) string { return "" }}
	code := exitCode(env, dispatch(context.Background(), env, args))
	return result{code, out.String(), errOut.String()}
}

func TestExportCSVToStdout(t *testing.T) {
	db := exportTestDB(t)
	r := runCLI(t, "export", "--db", db, "--format", "csv")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	lines := strings.Split(r.stdout, "\r\n")
	if !strings.HasPrefix(lines[0], "\ufeffrespondent,channel,language,status,started_at,updated_at,completed_at,source,municipality,country,") {
		t.Fatalf("header %q", lines[0])
	}
	if len(lines) != 4 || !strings.HasPrefix(lines[1], "console:ali,console,en,partial,") || !strings.Contains(lines[1], ",'=1+1,") ||
		!strings.Contains(lines[2], "غازي عنتاب") {
		t.Fatalf("rows %q", lines)
	}
	r = runCLI(t, "export", "--db", db, "--format", "json", "--status", "complete")
	var recs []map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &recs); err != nil || len(recs) != 1 || recs[0]["respondent"] != "telegram:1" {
		t.Fatalf("json %v: %s %s", err, r.stdout, r.stderr)
	}
}

func TestExportOutFiles(t *testing.T) {
	old := syscall.Umask(0) // the mode must not depend on the umask
	defer syscall.Umask(old)
	db := exportTestDB(t)
	dir := t.TempDir()
	for _, format := range []string{"csv", "json", "xlsx"} {
		out := filepath.Join(dir, "responses."+format)
		os.WriteFile(out, []byte("previous"), 0o644) // replaced, and its mode with it
		r := runCLI(t, "export", "--db", db, "--format", format, "--out", out, "--since", "2025-03-01", "--until", "2025-03-01")
		if r.code != 0 || r.stdout != "" {
			t.Fatalf("%s: exit %d: %s %s", format, r.code, r.stdout, r.stderr)
		}
		fi, err := os.Stat(out)
		if err != nil || fi.Mode().Perm() != 0o600 {
			t.Fatalf("%s: mode %v %v", format, fi.Mode(), err)
		}
	}
	f, err := excelize.OpenFile(filepath.Join(dir, "responses.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if rows, _ := f.GetRows("responses"); len(rows) != 3 {
		t.Fatalf("xlsx rows %d", len(rows))
	}
	assertDirHolds(t, dir, "responses.csv", "responses.json", "responses.xlsx")
}

// assertDirHolds fails if dir holds anything but names (no temporary files).
func assertDirHolds(t *testing.T, dir string, names ...string) {
	t.Helper()
	entries, _ := os.ReadDir(dir)
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	if strings.Join(got, " ") != strings.Join(names, " ") {
		t.Fatalf("%s holds %q, want %q", dir, got, names)
	}
}

func TestFailedExportLeavesNoFile(t *testing.T) {
	db := exportTestDB(t)
	dir := t.TempDir()
	r := runCLI(t, "export", "--db", db, "--format", "csv", "--labels", "de", "--out", filepath.Join(dir, "x.csv"))
	if r.code != 1 || !strings.Contains(r.stderr, `labels language "de"`) {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	assertDirHolds(t, dir)
}

func TestExportUsageErrors(t *testing.T) {
	db := exportTestDB(t)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--format", "pdf"}, `--format "pdf"`},
		{[]string{"--status", "done"}, `--status "done"`},
		{[]string{"--since", "yesterday"}, `--since "yesterday"`},
		{[]string{"stray"}, `unexpected argument "stray"`},
	} {
		r := runCLI(t, append([]string{"export", "--db", db}, c.args...)...)
		if r.code != 2 || !strings.Contains(r.stderr, c.want) {
			t.Errorf("%q: exit %d, stderr %q", c.args, r.code, r.stderr)
		}
	}
	if r := runCLI(t, "export", "--db", filepath.Join(t.TempDir(), "none.db")); r.code != 1 || !strings.Contains(r.stderr, "no database at") {
		t.Errorf("missing db: exit %d, %q", r.code, r.stderr)
	}
	if r := runCLI(t, "backup", "--db", db); r.code != 2 || !strings.Contains(r.stderr, "--out") {
		t.Errorf("backup without --out: exit %d, %q", r.code, r.stderr)
	}
}

func TestStatsAndBackupLocal(t *testing.T) {
	db := exportTestDB(t)
	r := runCLI(t, "stats", "--db", db)
	if r.code != 0 || !strings.Contains(r.stdout, "complete                       1   50.0%") {
		t.Fatalf("exit %d:\n%s%s", r.code, r.stdout, r.stderr)
	}
	out := filepath.Join(t.TempDir(), "backup.db")
	if r := runCLI(t, "backup", "--db", db, "--out", out); r.code != 0 {
		t.Fatalf("backup: exit %d: %s", r.code, r.stderr)
	}
	checkBackupFile(t, out)
}

func checkBackupFile(t *testing.T, path string) {
	t.Helper()
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("backup mode: %v %v", fi, err)
	}
	st, err := storage.Open(path, storage.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if n, err := st.Count("smart-cities"); n != 2 || err != nil {
		t.Fatalf("backup holds %d responses: %v", n, err)
	}
}

// holdDB opens the database for writing, as `runCLI` or `chat` does.
func holdDB(t *testing.T, db string) *storage.Store {
	t.Helper()
	st, err := storage.Open(db, storage.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// While `runCLI` holds the database, the commands go through its socket: a
// read-only open would fail on the lock after 3 s.
func TestCommandsThroughRunningProcess(t *testing.T) {
	db := exportTestDB(t)
	st := holdDB(t, db)
	sv, err := builtin.Survey()
	if err != nil {
		t.Fatal(err)
	}
	stop, err := opsock.Serve(context.Background(), db, newOpsHandler(st, sv), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	start := time.Now()
	r := runCLI(t, "export", "--db", db, "--format", "csv", "--labels", "en")
	if r.code != 0 || !strings.Contains(r.stdout, "telegram:1,telegram,ar,complete,") || !strings.Contains(r.stdout, ",Yes,") {
		t.Fatalf("export: exit %d:\n%s%s", r.code, r.stdout, r.stderr)
	}
	if r := runCLI(t, "stats", "--db", db); r.code != 0 || !strings.Contains(r.stdout, "started                        2") {
		t.Fatalf("stats: exit %d:\n%s%s", r.code, r.stdout, r.stderr)
	}
	out := filepath.Join(t.TempDir(), "backup.db")
	if r := runCLI(t, "backup", "--db", db, "--out", out); r.code != 0 {
		t.Fatalf("backup: exit %d: %s", r.code, r.stderr)
	}
	checkBackupFile(t, out)
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("took %v: not through the socket", d)
	}
}

// A database held by a process that does not serve the socket (`chat`):
// a clear message within seconds, nothing written.
func TestLockedWithoutSocket(t *testing.T) {
	db := exportTestDB(t)
	holdDB(t, db)
	out := filepath.Join(t.TempDir(), "x.csv")
	start := time.Now()
	r := runCLI(t, "export", "--db", db, "--out", out)
	if d := time.Since(start); d > 6*time.Second {
		t.Fatalf("took %v", d)
	}
	if r.code != 1 || !strings.Contains(r.stderr, "is in use by another process") || !strings.Contains(r.stderr, db+".sock") {
		t.Fatalf("exit %d: %q", r.code, r.stderr)
	}
	if _, err := os.Stat(out); err == nil {
		t.Fatal("output file created")
	}
}
