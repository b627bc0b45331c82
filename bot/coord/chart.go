package coord

import (
	"strings"

	"github.com/uclg-mewa/surveybot/bot"
	"github.com/uclg-mewa/surveybot/conversation"
	"github.com/uclg-mewa/surveybot/messages"
	"github.com/uclg-mewa/surveybot/storage/export"
)

// chart is /chart QUESTION_ID: a bar chart of the answers to one yes/no
// or choice question, as a PNG photo, labelled in the coordinator's
// language. Any other id gets the list of ids that can be charted.
func (s *Service) chart(lang, id string) ([]bot.Message, error) {
	sv := s.survey()
	q := sv.Question(id)
	if id == "" || q == nil || !q.IsChoice() {
		key := "coord.chart_unknown"
		if id == "" {
			key = "coord.chart_usage"
		}
		return []bot.Message{text(lang, key, "ids", strings.Join(s.chartable(), ", "))}, nil
	}
	sum, err := export.Summarize(sv, s.each(), s.now())
	if err != nil {
		return nil, err
	}
	c := s.buildChart(lang, q, sum)
	img, err := c.PNG()
	if err != nil {
		return nil, err
	}
	caption := messages.Get(lang, "coord.results_question", "id", q.ID, "answers", c.Subtitle) +
		"\n" + cut(q.Text.In(lang, sv.DefaultLanguage), 900)
	return []bot.Message{{
		Text:     caption,
		Language: lang,
		Photo:    &bot.File{Name: sv.ID + "-" + q.ID + ".png", Bytes: img},
	}}, nil
}

// buildChart lays out the counts of q from sum in lang.
func (s *Service) buildChart(lang string, q *conversation.Question, sum export.Summary) Chart {
	sv := s.survey()
	c := Chart{Title: q.Text.In(lang, sv.DefaultLanguage), RTL: lang == "ar"}
	for _, qs := range sum.Questions {
		if qs.ID != q.ID {
			continue
		}
		c.Total = qs.Answered
		c.Subtitle = messages.Get(lang, "coord.chart_answers", "count", num(lang, qs.Answered))
		for _, cc := range qs.Choices {
			c.Bars = append(c.Bars, Bar{
				Label: s.label(q, cc.ID, lang),
				Count: cc.Count,
				// Not "3 · 75%": a middle dot reads as an Arabic zero.
				Value: num(lang, cc.Count) + " (" + percent(lang, cc.Count, qs.Answered) + ")",
			})
		}
	}
	return c
}

// chartable lists the ids of the questions a chart can show.
func (s *Service) chartable() []string {
	var ids []string
	for _, q := range s.survey().Questions {
		if q.IsChoice() {
			ids = append(ids, q.ID)
		}
	}
	return ids
}
