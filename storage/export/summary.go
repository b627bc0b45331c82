package export

import (
	"bufio"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/uclg-mewa/surveybot/conversation"
)

// IdleAfter is how long a partial response must be untouched to count as
// idle (the coordinators' /remind uses the same 24 hours).
const IdleAfter = 24 * time.Hour

// Summary is the completion figures of a survey and the per-question
// counts. It holds numbers only: each caller words them for its audience
// (the operator's terminal here, the coordinators' chat in their language).
type Summary struct {
	AsOf     time.Time // when it was computed
	Started  int       // responses stored: everyone who began
	Complete int       // submitted
	Partial  int       // not submitted
	// IdlePartial counts the partial responses untouched for IdleAfter.
	IdlePartial int
	// CompletionRate is Complete / Started (0 when nobody started).
	CompletionRate float64
	// MedianCompletion is the median of CompletedAt - StartedAt over the
	// complete responses (0 when there is none).
	MedianCompletion time.Duration
	// LastActivity is the latest UpdatedAt (zero when nobody started).
	LastActivity time.Time
	// Questions has one entry per answerable question, in survey order.
	Questions []QuestionSummary
}

// QuestionSummary counts the answers to one question. Only answers that
// count are included: given (not skipped), to a question that applies.
type QuestionSummary struct {
	ID       string
	Type     string
	Answered int
	Skipped  int
	// Choices has one entry per option, in survey order, for yes/no,
	// choice and several-choices questions; nil for the others. For
	// several choices the counts add up to more than Answered.
	Choices []ChoiceCount
}

// ChoiceCount is how many answers include one option.
type ChoiceCount struct {
	ID    string
	Count int
}

// Summarize reads every stored response of sv (no filter) once.
func Summarize(sv *conversation.Survey, each Each, now time.Time) (Summary, error) {
	s := Summary{AsOf: now}
	var qs []*conversation.Question
	for _, q := range sv.Questions {
		if q.Answerable() {
			qs = append(qs, q)
			s.Questions = append(s.Questions, newQuestionSummary(q))
		}
	}
	var durations []time.Duration
	err := each(func(st conversation.State) error {
		s.count(&st, now)
		if st.Status() == conversation.StatusComplete {
			durations = append(durations, st.CompletedAt.Sub(st.StartedAt))
		}
		for i, q := range qs {
			s.Questions[i].add(&st, q)
		}
		return nil
	})
	if err != nil {
		return Summary{}, err
	}
	if s.Started > 0 {
		s.CompletionRate = float64(s.Complete) / float64(s.Started)
	}
	s.MedianCompletion = median(durations)
	return s, nil
}

func (s *Summary) count(st *conversation.State, now time.Time) {
	s.Started++
	if st.UpdatedAt.After(s.LastActivity) {
		s.LastActivity = st.UpdatedAt
	}
	if st.Status() == conversation.StatusComplete {
		s.Complete++
		return
	}
	s.Partial++
	if now.Sub(st.UpdatedAt) > IdleAfter {
		s.IdlePartial++
	}
}

func newQuestionSummary(q *conversation.Question) QuestionSummary {
	qs := QuestionSummary{ID: q.ID, Type: q.Type}
	switch {
	case q.Type == conversation.TypeYesNo:
		qs.Choices = []ChoiceCount{{ID: "yes"}, {ID: "no"}}
	case q.IsChoice():
		qs.Choices = make([]ChoiceCount, len(q.Choices))
		for i, c := range q.Choices {
			qs.Choices[i].ID = c.ID
		}
	}
	return qs
}

func (qs *QuestionSummary) add(st *conversation.State, q *conversation.Question) {
	if a, ok := st.Answers[q.ID]; ok && a.Skipped && q.When.Eval(st.Answers) {
		qs.Skipped++
		return
	}
	a, ok := answer(st, q)
	if !ok {
		return
	}
	qs.Answered++
	for i := range qs.Choices {
		c := &qs.Choices[i]
		if a.Value == c.ID || (q.Type == conversation.TypeMulti && contains(a.Choices, c.ID)) {
			c.Count++
		}
	}
}

// median of ds (sorted in place); 0 for none. With an even count it is
// the mean of the two middle values.
func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	slices.Sort(ds)
	m := len(ds) / 2
	if len(ds)%2 == 1 {
		return ds[m]
	}
	return ds[m-1] + (ds[m]-ds[m-1])/2
}

// WriteTable prints s for the operator's terminal (`surveybot stats`):
// the completion figures, then one line per question with its number of
// answers and skips, and under choice questions one line per option with
// its count and its share of the question's answers. Operator output, so
// English.
func WriteTable(w io.Writer, sv *conversation.Survey, s Summary) error {
	bw := bufio.NewWriter(w)
	line(bw, "survey %s, version %d, as of %s\n", sv.ID, sv.Version, stamp(s.AsOf))
	line(bw, "%-24s %7d", "started", s.Started)
	line(bw, "%-24s %7d %7s", "complete", s.Complete, percent(s.Complete, s.Started))
	line(bw, "%-24s %7d %7s", "partial", s.Partial, percent(s.Partial, s.Started))
	line(bw, "%-24s %7d", "  idle over 24 h", s.IdlePartial)
	line(bw, "%-24s %7s", "median time to complete", formatDuration(s.MedianCompletion, s.Complete))
	line(bw, "%-24s %s\n", "last activity", orDash(stamp(s.LastActivity)))
	width := len("question")
	for _, q := range s.Questions {
		width = max(width, len(q.ID))
		for _, c := range q.Choices {
			width = max(width, len(c.ID)+2)
		}
	}
	line(bw, "%-*s  %-7s %8s %8s %7s", width, "question", "type", "answered", "skipped", "share")
	for _, q := range s.Questions {
		line(bw, "%-*s  %-7s %8d %8d", width, q.ID, q.Type, q.Answered, q.Skipped)
		for _, c := range q.Choices {
			line(bw, "%-*s  %-7s %8d %8s %7s", width, "  "+c.ID, "", c.Count, "", percent(c.Count, q.Answered))
		}
	}
	return bw.Flush()
}

// line writes one formatted line without trailing blanks.
func line(w io.Writer, format string, args ...any) {
	s := strings.TrimRight(fmt.Sprintf(format, args...), " ")
	io.WriteString(w, s+"\n")
}

// percent is n of total with one decimal, "" when total is 0.
func percent(n, total int) string {
	if total == 0 {
		return ""
	}
	return strconv.FormatFloat(100*float64(n)/float64(total), 'f', 1, 64) + "%"
}

func formatDuration(d time.Duration, count int) string {
	if count == 0 {
		return "-"
	}
	return d.Round(time.Second).String()
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
