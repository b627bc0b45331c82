package coord

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/uclg-mewa/surveybot/bot"
	"github.com/uclg-mewa/surveybot/messages"
	"github.com/uclg-mewa/surveybot/storage/export"
)

// figureSpace is as wide as a digit in most fonts: padding counts with it
// lines them up in Telegram's proportional font, where spaces would not.
const figureSpace = "\u2007"

// results is /results: the completion figures, then each question with
// its answer counts and shares, split into messages under the size limit.
func (s *Service) results(lang string) ([]bot.Message, error) {
	sv := s.survey()
	sum, err := export.Summarize(sv, s.each(), s.now())
	if err != nil {
		return nil, err
	}
	if sum.Started == 0 {
		return []bot.Message{text(lang, "coord.no_responses")}, nil
	}
	var b strings.Builder
	b.WriteString(messages.Get(lang, "coord.results_header", "survey", sv.Title.In(lang, sv.DefaultLanguage)))
	b.WriteString("\n")
	b.WriteString(messages.Get(lang, "coord.results_counts",
		"started", num(lang, sum.Started),
		"complete", num(lang, sum.Complete),
		"rate", percent(lang, sum.Complete, sum.Started),
		"partial", num(lang, sum.Partial),
		"median", duration(lang, sum.MedianCompletion, sum.Complete)))
	// A blank line sets off each block of counts; one-line entries (text
	// questions) stack, which keeps the message short.
	prevLong := true
	for _, qs := range sum.Questions {
		block := s.questionBlock(lang, qs)
		long := strings.Contains(block, "\n")
		if long || prevLong {
			b.WriteString("\n")
		}
		b.WriteString("\n" + block)
		prevLong = long
	}
	var msgs []bot.Message
	for _, part := range bot.SplitText(b.String(), maxText) {
		msgs = append(msgs, bot.Message{Text: part, Language: lang})
	}
	return msgs, nil
}

// questionBlock is one question: its id and number of answers, then one
// aligned line per option ("  7  70%  Yes"), or the count of text answers.
func (s *Service) questionBlock(lang string, qs export.QuestionSummary) string {
	q := s.survey().Question(qs.ID)
	if qs.Choices == nil {
		return messages.Get(lang, "coord.results_question", "id", qs.ID,
			"answers", messages.Get(lang, "coord.text_answers", "count", num(lang, qs.Answered)))
	}
	lines := []string{messages.Get(lang, "coord.results_question", "id", qs.ID,
		"answers", messages.Get(lang, "coord.chart_answers", "count", num(lang, qs.Answered)))}
	width := 1
	for _, c := range qs.Choices {
		width = max(width, len(num("en", c.Count)))
	}
	full := utf8.RuneCountInString(percent(lang, 100, 100))
	for _, c := range qs.Choices {
		lines = append(lines, messages.Get(lang, "coord.results_choice",
			"count", pad(num(lang, c.Count), width),
			"percent", pad(percent(lang, c.Count, qs.Answered), full),
			"label", cut(s.label(q, c.ID, lang), 60)))
	}
	return strings.Join(lines, "\n")
}

// pad right-aligns s to width characters with figure spaces.
func pad(s string, width int) string {
	if n := utf8.RuneCountInString(s); n < width {
		return strings.Repeat(figureSpace, width-n) + s
	}
	return s
}

// duration words a median time to complete: "1 h 05 min", "12 min",
// "40 s"; a dash when nobody completed.
func duration(lang string, d time.Duration, count int) string {
	if count == 0 {
		return messages.Get(lang, "coord.median_none")
	}
	if d = d.Round(time.Second); d < time.Minute {
		return messages.Get(lang, "coord.duration_seconds", "seconds", num(lang, int(d/time.Second)))
	}
	if d = d.Round(time.Minute); d < time.Hour {
		return messages.Get(lang, "coord.duration_minutes", "minutes", num(lang, int(d/time.Minute)))
	}
	m := int(d/time.Minute) % 60
	return messages.Get(lang, "coord.duration_hours", "hours", num(lang, int(d/time.Hour)),
		"minutes", messages.Digits(lang, fmt.Sprintf("%02d", m)))
}
