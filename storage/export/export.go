// Package export writes a survey's stored responses as CSV, JSON or XLSX
// (CONTRACT.md, "Exports"), and summarises them for `surveybot stats`.
//
// The writers stream: they take the responses one at a time from an each
// function (Store.Each bound to the survey id) and keep nothing but the
// current row, so memory stays flat however many responses there are. They
// need no Store, so tests and other callers can feed states directly.
package export

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/uclg-mewa/surveybot/conversation"
)

// Each walks the stored responses of one survey, calling fn for each; it is
// Store.Each with the survey id bound.
type Each func(fn func(conversation.State) error) error

// Status filters.
const (
	StatusAll      = "all"
	StatusComplete = conversation.StatusComplete
	StatusPartial  = conversation.StatusPartial
)

// Formats.
const (
	FormatCSV  = "csv"
	FormatJSON = "json"
	FormatXLSX = "xlsx"
)

// Formats lists the export formats, for usage messages.
var Formats = []string{FormatCSV, FormatXLSX, FormatJSON}

// ErrOptions is wrapped by the errors about invalid options or formats.
var ErrOptions = errors.New("invalid export options")

// Options select and shape the exported responses.
type Options struct {
	// Status is "all" (or ""), "complete" or "partial".
	Status string
	// Labels, when set, is a language of the survey: choice answers are
	// written as their labels in that language instead of their ids
	// (yes/no labels come from Vocab).
	Labels string
	// SplitMulti adds one 0/1 column per option of a several-choices
	// question, named "QUESTION/CHOICE", right after the question's column.
	// It shapes columns only (CSV, XLSX), not JSON.
	SplitMulti bool
	// Since and Until keep the responses with Since <= UpdatedAt < Until;
	// a zero bound is open.
	Since, Until time.Time
	// Vocab gives the yes/no labels for Labels.
	Vocab conversation.Vocabulary
}

// Check reports options that cannot work with sv.
func (o Options) Check(sv *conversation.Survey) error {
	switch o.Status {
	case "", StatusAll, StatusComplete, StatusPartial:
	default:
		return fmt.Errorf("%w: status %q (want all, complete or partial)", ErrOptions, o.Status)
	}
	if o.Labels != "" && !sv.HasLanguage(o.Labels) {
		return fmt.Errorf("%w: labels language %q is not one of the survey's languages (%s)",
			ErrOptions, o.Labels, strings.Join(sv.Languages, ", "))
	}
	if !o.Since.IsZero() && !o.Until.IsZero() && !o.Since.Before(o.Until) {
		return fmt.Errorf("%w: since (%s) is not before until (%s)", ErrOptions,
			o.Since.UTC().Format(time.RFC3339), o.Until.UTC().Format(time.RFC3339))
	}
	return nil
}

// keep reports whether st passes the status and date filters.
func (o Options) keep(st *conversation.State) bool {
	if o.Status == StatusComplete || o.Status == StatusPartial {
		if st.Status() != o.Status {
			return false
		}
	}
	if !o.Since.IsZero() && st.UpdatedAt.Before(o.Since) {
		return false
	}
	return o.Until.IsZero() || st.UpdatedAt.Before(o.Until)
}

// Write writes the responses in format (csv, json or xlsx).
func Write(w io.Writer, format string, sv *conversation.Survey, each Each, opt Options) (int, error) {
	switch format {
	case FormatCSV:
		return CSV(w, sv, each, opt)
	case FormatJSON:
		return JSON(w, sv, each, opt)
	case FormatXLSX:
		return XLSX(w, sv, each, opt)
	}
	return 0, fmt.Errorf("%w: format %q (want csv, xlsx or json)", ErrOptions, format)
}

// fixedColumns come before the questions, in contract order.
var fixedColumns = []string{"respondent", "channel", "language", "status", "started_at", "updated_at", "completed_at", "source"}

// colKind says what a question column holds.
type colKind int

const (
	colAnswer colKind = iota // the answer itself
	colSplit                 // 0/1: the multi answer includes choice
	colOther                 // the typed text of an "other" choice
)

// column is one question-derived column.
type column struct {
	name   string
	q      *conversation.Question
	kind   colKind
	choice string // colSplit
}

// layout is the column plan of one export.
type layout struct {
	sv   *conversation.Survey
	opt  Options
	cols []column
}

func newLayout(sv *conversation.Survey, opt Options) *layout {
	l := &layout{sv: sv, opt: opt}
	for _, q := range sv.Questions {
		if !q.Answerable() {
			continue
		}
		l.cols = append(l.cols, column{name: q.ID, q: q})
		if opt.SplitMulti && q.Type == conversation.TypeMulti {
			for _, c := range q.Choices {
				l.cols = append(l.cols, column{name: q.ID + "/" + c.ID, q: q, kind: colSplit, choice: c.ID})
			}
		}
		if hasOther(q) {
			// The id of an "other" choice alone would lose what was typed.
			// A dot cannot occur in an id, so the name never collides.
			l.cols = append(l.cols, column{name: q.ID + ".other", q: q, kind: colOther})
		}
	}
	return l
}

func hasOther(q *conversation.Question) bool {
	for _, c := range q.Choices {
		if c.Other {
			return true
		}
	}
	return false
}

// Columns returns the header of the CSV and XLSX exports: the fixed
// columns, then one per answerable question in survey order (plus the
// split and "other" columns the options and survey call for).
func Columns(sv *conversation.Survey, opt Options) []string {
	return newLayout(sv, opt).header()
}

func (l *layout) header() []string {
	h := make([]string, 0, len(fixedColumns)+len(l.cols))
	h = append(h, fixedColumns...)
	for _, c := range l.cols {
		h = append(h, c.name)
	}
	return h
}

// width is the number of cells in a row.
func (l *layout) width() int { return len(fixedColumns) + len(l.cols) }

// fill writes st's cells into row (len = width) as text.
func (l *layout) fill(st *conversation.State, row []string) {
	fillFixed(st, row)
	for i, c := range l.cols {
		row[len(fixedColumns)+i] = l.cell(st, c)
	}
}

func fillFixed(st *conversation.State, row []string) {
	row[0] = st.Respondent
	row[1] = st.Channel
	row[2] = st.Language
	row[3] = st.Status()
	row[4] = stamp(st.StartedAt)
	row[5] = stamp(st.UpdatedAt)
	row[6] = stamp(st.CompletedAt)
	row[7] = st.Source
}

// stamp formats t as RFC 3339 in UTC, or "" when zero.
func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// answer returns the answer to q if it counts: given (not skipped) and
// the question applies. A stored answer whose condition no longer holds
// was never meant to be asked, so its column stays empty (CONTRACT.md).
func answer(st *conversation.State, q *conversation.Question) (conversation.Answer, bool) {
	a, ok := st.Answers[q.ID]
	if !ok || !a.HasValue() || !q.When.Eval(st.Answers) {
		return conversation.Answer{}, false
	}
	return a, true
}

func (l *layout) cell(st *conversation.State, c column) string {
	a, ok := answer(st, c.q)
	if !ok {
		return ""
	}
	switch c.kind {
	case colSplit:
		if contains(a.Choices, c.choice) {
			return "1"
		}
		return "0"
	case colOther:
		return a.Other
	}
	if c.q.Type == conversation.TypeMulti {
		return strings.Join(l.multi(c.q, a), ";")
	}
	return l.value(c.q, a)
}

// value is a single-valued answer: the id (or label) of a choice, or the
// text as typed.
func (l *layout) value(q *conversation.Question, a conversation.Answer) string {
	if l.opt.Labels == "" || (q.Type != conversation.TypeYesNo && q.Type != conversation.TypeChoice) {
		return a.Value
	}
	return l.label(q, a.Value)
}

// multi lists the chosen ids (or labels) in survey order; ids the survey
// no longer has (an older version) follow, so nothing is lost.
func (l *layout) multi(q *conversation.Question, a conversation.Answer) []string {
	out := make([]string, 0, len(a.Choices))
	for _, c := range q.Choices {
		if contains(a.Choices, c.ID) {
			out = append(out, l.choiceText(q, c.ID))
		}
	}
	for _, id := range a.Choices {
		if q.ChoiceByID(id) == nil {
			out = append(out, id)
		}
	}
	return out
}

func (l *layout) choiceText(q *conversation.Question, id string) string {
	if l.opt.Labels == "" {
		return id
	}
	return l.label(q, id)
}

// label is the label of choice id in the Labels language, or the id when
// there is none.
func (l *layout) label(q *conversation.Question, id string) string {
	var t conversation.Text
	if q.Type == conversation.TypeYesNo {
		switch id {
		case "yes":
			t = l.opt.Vocab.Yes
		case "no":
			t = l.opt.Vocab.No
		}
	} else if c := q.ChoiceByID(id); c != nil {
		t = c.Label
	}
	if s := t.In(l.opt.Labels, l.sv.DefaultLanguage); s != "" {
		return s
	}
	return id
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// filtered wraps each so that fn sees only the responses opt keeps, and
// counts them.
func filtered(each Each, opt Options, n *int, fn func(*conversation.State) error) error {
	return each(func(st conversation.State) error {
		if !opt.keep(&st) {
			return nil
		}
		if err := fn(&st); err != nil {
			return err
		}
		*n++
		return nil
	})
}
