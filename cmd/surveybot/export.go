package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"time"

	"golang.org/x/sys/unix"

	"github.com/uclg-mewa/surveybot/conversation"
	"github.com/uclg-mewa/surveybot/messages"
	"github.com/uclg-mewa/surveybot/storage"
	"github.com/uclg-mewa/surveybot/storage/export"
	"github.com/uclg-mewa/surveybot/storage/opsock"
)

func cmdExport(_ context.Context, env *cliEnv, args []string) error {
	fl, c := env.flags("export")
	format := fl.String("format", export.FormatCSV, "csv, xlsx or json")
	out := fl.String("out", "", "output file, created with mode 0600 (default: standard output)")
	status := fl.String("status", export.StatusAll, "all, complete or partial")
	labels := fl.String("labels", "", "write choice labels in this survey language instead of ids")
	split := fl.Bool("split-multi", false, "add one 0/1 column per option of several-choices questions")
	since := fl.String("since", "", "only responses updated at or after this time (RFC 3339, or YYYY-MM-DD in UTC)")
	until := fl.String("until", "", "only responses updated before this time (YYYY-MM-DD includes that day)")
	if err := parseOnlyFlags(fl, args); err != nil {
		return err
	}
	opt, err := exportOptions(*format, *status, *labels, *since, *until)
	if err != nil {
		return err
	}
	opt.SplitMulti = *split
	if err := notTheDatabase(*out, c.db); err != nil {
		return err
	}
	return withOps(c, func(h opsock.Handler) error {
		return writeResult(env, *out, *format == export.FormatXLSX, func(w io.Writer) error {
			return h.Export(w, *format, opt)
		})
	})
}

func cmdStats(_ context.Context, env *cliEnv, args []string) error {
	fl, c := env.flags("stats")
	if err := parseOnlyFlags(fl, args); err != nil {
		return err
	}
	return withOps(c, func(h opsock.Handler) error { return h.Stats(env.stdout) })
}

func cmdBackup(_ context.Context, env *cliEnv, args []string) error {
	fl, c := env.flags("backup")
	out := fl.String("out", "", "backup file, created with mode 0600 (- for standard output)")
	if err := parseOnlyFlags(fl, args); err != nil {
		return err
	}
	if *out == "" {
		return &exitError{2, "backup needs --out FILE (or --out - for standard output)"}
	}
	if err := notTheDatabase(*out, c.db); err != nil {
		return err
	}
	return withOps(c, func(h opsock.Handler) error {
		return writeResult(env, *out, true, h.Backup)
	})
}

// notTheDatabase refuses an --out that names the database itself (or its
// socket): writing there would replace the file the bot is using, and
// every answer given after that would be lost at the next restart.
func notTheDatabase(out, db string) error {
	if out == "" || out == "-" {
		return nil
	}
	for _, p := range []string{db, opsock.SocketPath(db)} {
		if samePath(out, p) {
			return &exitError{2, fmt.Sprintf("--out %s is the database itself: choose another file", out)}
		}
	}
	return nil
}

// samePath tells whether two paths name one file: the same inode when both
// exist, else the same cleaned absolute path.
func samePath(a, b string) bool {
	fa, errA := os.Stat(a)
	fb, errB := os.Stat(b)
	if errA == nil && errB == nil {
		return os.SameFile(fa, fb)
	}
	absA, errA := filepath.Abs(a)
	absB, errB := filepath.Abs(b)
	return errA == nil && errB == nil && absA == absB
}

// parseOnlyFlags parses flags and refuses stray arguments, which would
// otherwise be silently ignored (a mistyped flag value, for instance).
func parseOnlyFlags(fl *flag.FlagSet, args []string) error {
	pos, err := parse(fl, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return &exitError{2, fmt.Sprintf("unexpected argument %q", pos[0])}
	}
	return nil
}

// exportOptions checks what can be checked without the survey; the rest
// (the labels language) is checked by whoever exports.
func exportOptions(format, status, labels, since, until string) (export.Options, error) {
	if !slices.Contains(export.Formats, format) {
		return export.Options{}, &exitError{2, fmt.Sprintf("--format %q: want csv, xlsx or json", format)}
	}
	opt := export.Options{Status: status, Labels: labels}
	if !slices.Contains([]string{export.StatusAll, export.StatusComplete, export.StatusPartial}, status) {
		return opt, &exitError{2, fmt.Sprintf("--status %q: want all, complete or partial", status)}
	}
	var err error
	if opt.Since, err = parseTimeBound("--since", since, false); err != nil {
		return opt, err
	}
	if opt.Until, err = parseTimeBound("--until", until, true); err != nil {
		return opt, err
	}
	return opt, nil
}

// parseTimeBound reads an RFC 3339 time or a date (UTC). As an upper bound a
// date means the end of that day: --until 2025-03-31 includes March 31.
func parseTimeBound(flag, s string, upper bool) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}, &exitError{2, fmt.Sprintf("%s %q: want a time such as 2025-03-01T09:00:00Z or a date such as 2025-03-01", flag, s)}
	}
	if upper {
		d = d.AddDate(0, 0, 1)
	}
	return d, nil
}

// withOps runs op against the running surveybot over its socket, or, when
// no process serves the database, against the database opened read-only
// here. It never waits long: the dial and the file lock both time out.
func withOps(c *common, op func(opsock.Handler) error) error {
	cl, err := opsock.Dial(c.db)
	if err == nil {
		defer cl.Close()
		return op(cl)
	}
	if !errors.Is(err, opsock.ErrNoServer) {
		return &exitError{1, err.Error()}
	}
	sv, err := loadSurvey(c.survey)
	if err != nil {
		return err
	}
	st, err := openReadOnly(c.db)
	if err != nil {
		return err
	}
	defer st.Close()
	return op(newOpsHandler(st, sv))
}

// openReadOnly opens the database for reading, explaining the two usual
// failures: no file, and a file held by a process that does not serve
// the socket (such as `surveybot chat`).
func openReadOnly(path string) (*storage.Store, error) {
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return nil, &exitError{1, fmt.Sprintf("no database at %s (set --db or SURVEYBOT_DB)", path)}
	}
	st, err := storage.Open(path, storage.Options{LockTimeout: 3 * time.Second, ReadOnly: true})
	if errors.Is(err, storage.ErrLocked) {
		return nil, &exitError{1, fmt.Sprintf("%v; nothing answers on %s, so stop the process that holds the database (for example `surveybot chat`) and try again",
			err, opsock.SocketPath(path))}
	}
	if err != nil {
		return nil, &exitError{1, err.Error()}
	}
	return st, nil
}

// writeResult runs write against standard output (path "" or "-") or the
// file at path. A file is written to a temporary file (mode 0600) in the
// same directory and renamed into place once complete, so a failed export
// leaves no half file and never clobbers the previous one.
func writeResult(env *cliEnv, path string, binary bool, write func(io.Writer) error) error {
	if path == "" || path == "-" {
		if binary && isTerminalWriter(env.stdout) {
			return &exitError{2, "refusing to write binary output to a terminal: use --out FILE"}
		}
		return write(env.stdout)
	}
	if fi, err := os.Stat(path); err == nil && !fi.Mode().IsRegular() {
		return writeInPlace(path, fi, write)
	}
	if err := writeAtomically(path, write); err != nil {
		return err
	}
	fmt.Fprintf(env.stderr, "wrote %s\n", path)
	return nil
}

// writeInPlace writes to an existing device or pipe (/dev/stdout, a
// fifo): renaming over it would replace the device node.
func writeInPlace(path string, fi fs.FileInfo, write func(io.Writer) error) error {
	if fi.IsDir() {
		return &exitError{2, fmt.Sprintf("--out %s is a directory", path)}
	}
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return &exitError{1, err.Error()}
	}
	if err := write(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func writeAtomically(path string, write func(io.Writer) error) (err error) {
	// CreateTemp opens with O_EXCL and mode 0600.
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return &exitError{1, fmt.Sprintf("cannot create %s: %v", path, err)}
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if err = f.Chmod(0o600); err != nil {
		return err
	}
	if err = write(f); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}

// isTerminalWriter reports whether w is a terminal, where binary output
// would only garble the screen: a character device other than /dev/null
// (which is one too, and a fine place to throw an export away).
func isTerminalWriter(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	// A terminal answers the "get terminal attributes" request; other
	// character devices (/dev/null, /dev/full) do not.
	_, err := unix.IoctlGetTermios(int(f.Fd()), unix.TCGETS)
	return err == nil
}

// opsHandler answers export, stats and backup requests over an open
// store: for the socket of `surveybot run`, and for these commands when
// no process serves the database.
type opsHandler struct {
	st    *storage.Store
	sv    *conversation.Survey
	vocab conversation.Vocabulary
	now   func() time.Time
}

// newOpsHandler is what `run` passes to opsock.Serve.
func newOpsHandler(st *storage.Store, sv *conversation.Survey) opsock.Handler {
	return &opsHandler{st: st, sv: sv, vocab: messages.Vocabulary(), now: time.Now}
}

func (h *opsHandler) each(fn func(conversation.State) error) error { return h.st.Each(h.sv.ID, fn) }

func (h *opsHandler) Export(w io.Writer, format string, opt export.Options) error {
	opt.Vocab = h.vocab
	_, err := export.Write(w, format, h.sv, h.each, opt)
	return err
}

func (h *opsHandler) Stats(w io.Writer) error {
	s, err := export.Summarize(h.sv, h.each, h.now())
	if err != nil {
		return err
	}
	return export.WriteTable(w, h.sv, s)
}

func (h *opsHandler) Backup(w io.Writer) error {
	_, err := h.st.Backup(w)
	return err
}
