package coord

import (
	"strconv"
	"strings"

	"github.com/uclg-mewa/surveybot/bot"
	"github.com/uclg-mewa/surveybot/conversation"
	"github.com/uclg-mewa/surveybot/messages"
)

// PageSize is how many respondents one /respondents page lists.
const PageSize = 20

// pageData prefixes the data of the page buttons: "co:r:<page>".
const pageData = bot.CoordData + "r:"

// Answers of the built-in survey that name a respondent's place and
// person; a survey without them shows a dash.
const (
	qMunicipality = "municipality"
	qCountry      = "country"
	qName         = "respondent_name"
)

// fieldWidth bounds a typed answer in a listing line.
const fieldWidth = 30

// respondents is /respondents [PAGE]: one line per respondent, in
// respondent order (stable while people answer, so pages do not shift),
// PageSize per page, with Previous/Next buttons.
func (s *Service) respondents(lang string, page int) ([]bot.Message, error) {
	var lines []string
	err := s.Store.Each(s.survey().ID, func(st conversation.State) error {
		lines = append(lines, s.respondentLine(lang, &st))
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(lines) == 0 {
		return []bot.Message{text(lang, "coord.respondents_none")}, nil
	}
	pages := (len(lines) + PageSize - 1) / PageSize
	page = min(max(page, 1), pages)
	from, to := (page-1)*PageSize, min(page*PageSize, len(lines))
	header := messages.Get(lang, "coord.respondents_header",
		"from", num(lang, from+1), "to", num(lang, to), "total", num(lang, len(lines)))
	body := header + "\n\n" + strings.Join(lines[from:to], "\n")
	var msgs []bot.Message
	for _, part := range bot.SplitText(body, maxText) {
		msgs = append(msgs, bot.Message{Text: part, Language: lang})
	}
	msgs[len(msgs)-1].Options = pageButtons(lang, page, pages)
	return msgs, nil
}

// respondentLine is one coord.respondents_line.
func (s *Service) respondentLine(lang string, st *conversation.State) string {
	answered, total := conversation.Progress(s.survey(), st)
	who := st.Respondent
	if name := answerText(st, qName); name != "" {
		who = cut(name, fieldWidth) + " (" + st.Respondent + ")"
	}
	return messages.Get(lang, "coord.respondents_line",
		"respondent", who,
		"municipality", orDash(cut(answerText(st, qMunicipality), fieldWidth)),
		"country", orDash(cut(answerText(st, qCountry), fieldWidth)),
		"status", messages.Get(lang, "status."+st.Status()),
		"answered", num(lang, answered),
		"total", num(lang, total),
		"last", messages.Digits(lang, st.UpdatedAt.UTC().Format("2006-01-02 15:04")))
}

func answerText(st *conversation.State, id string) string {
	if a, ok := st.Answers[id]; ok && a.HasValue() {
		return a.Value
	}
	return ""
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// pageButtons are Previous and Next where there is such a page.
func pageButtons(lang string, page, pages int) []conversation.Option {
	var opts []conversation.Option
	if page > 1 {
		opts = append(opts, conversation.Option{Label: messages.Get(lang, "coord.prev"), Data: pageData + strconv.Itoa(page-1), Kind: "page"})
	}
	if page < pages {
		opts = append(opts, conversation.Option{Label: messages.Get(lang, "coord.next"), Data: pageData + strconv.Itoa(page+1), Kind: "page"})
	}
	return opts
}
