package main

import (
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"

	"github.com/uclg-mewa/surveybot/conversation"
	"github.com/uclg-mewa/surveybot/conversation/builtin"
	"github.com/uclg-mewa/surveybot/messages"
)

// surveyInfo is what respondents need to read the bot's messages: which
// question a message asks, in each language.
type surveyInfo struct {
	sv    *conversation.Survey
	vocab conversation.Vocabulary
	// questions: per language, "· <question text>" → id, longest first so
	// that a text containing another one is matched whole.
	questions map[string][]qtext
	other     map[string]string // the "which one?" prompt of an other choice
	thanks    map[string]string // "thank you", or (a repeated reply after a crash) "already submitted"
	complete  map[string]string
}

type qtext struct {
	marker, id string
}

func loadSurveyInfo() (*surveyInfo, error) {
	sv, err := builtin.Survey()
	if err != nil {
		return nil, err
	}
	si := &surveyInfo{sv: sv, vocab: messages.Vocabulary(), questions: map[string][]qtext{}, other: map[string]string{}, thanks: map[string]string{}, complete: map[string]string{}}
	for _, lang := range sv.Languages {
		var qs []qtext
		for _, q := range sv.Questions {
			qs = append(qs, qtext{marker: "· " + q.Text.In(lang, sv.DefaultLanguage), id: q.ID})
		}
		slices.SortStableFunc(qs, func(a, b qtext) int { return len(b.marker) - len(a.marker) })
		si.questions[lang] = qs
		si.other[lang] = messages.Get(lang, "question.other_prompt")
		si.thanks[lang] = messages.Get(lang, "thanks")
		si.complete[lang] = messages.Get(lang, "notice.already_complete")
	}
	return si, nil
}

// What a bot message is, for a respondent.
type promptKind int

const (
	pNone promptKind = iota
	pLanguage
	pQuestion
	pOther
	pReview
	pThanks
)

type prompt struct {
	kind promptKind
	q    string // pQuestion, pOther: the question id
}

func (p prompt) String() string {
	switch p.kind {
	case pLanguage:
		return "language"
	case pQuestion:
		return p.q
	case pOther:
		return p.q + ".other"
	case pReview:
		return "review"
	case pThanks:
		return "thanks"
	}
	return "none"
}

// classify tells what m asks, in language lang ("" before one is chosen).
func (si *surveyInfo) classify(lang string, m *botMsg) prompt {
	for _, row := range m.Keyboard {
		for _, b := range row {
			_, action, _ := strings.Cut(b.Data, ":")
			switch {
			case strings.HasPrefix(action, "l:"):
				return prompt{kind: pLanguage}
			case action == "s":
				return prompt{kind: pReview}
			}
		}
	}
	if lang == "" {
		return prompt{}
	}
	if m.Text == si.thanks[lang] || m.Text == si.complete[lang] {
		return prompt{kind: pThanks}
	}
	if m.Text == si.other[lang] {
		return prompt{kind: pOther}
	}
	for _, q := range si.questions[lang] {
		if strings.Contains(m.Text, q.marker) {
			return prompt{kind: pQuestion, q: q.id}
		}
	}
	return prompt{}
}

// planned is what a respondent means to answer to one question.
type planned struct {
	skip    bool
	value   string // yes/no ("yes", "no"), text, e-mail
	choices []int  // several choices: 1-based option numbers, ascending
	other   string // text of the "other" choice, when chosen
}

// answer is the stored form of the planned answer.
func (p planned) answer(q *conversation.Question) conversation.Answer {
	switch {
	case p.skip:
		return conversation.Answer{Skipped: true}
	case q.Type == conversation.TypeMulti:
		ids := make([]string, len(p.choices))
		for i, c := range p.choices {
			ids[i] = q.Choices[c-1].ID
		}
		return conversation.Answer{Choices: ids, Other: p.other}
	}
	return conversation.Answer{Value: p.value}
}

var (
	textsLatin = []string{
		"Konya Metropolitan Municipality", "Municipalité de Sousse", "Ville d'Agadir", "İzmir Büyükşehir Belediyesi",
		"Open data portal, e-services and smart lighting", "=SUM(A1:A9) is not a formula here", "-", "42",
		"Line one\nline two", "Ça dépend 😀 — «guillemets» & \"quotes\"",
	}
	textsArabic = []string{
		"بلدية صيدا", "غازي عنتاب", "نعمل على مشروع للمدينة الذكية يشمل النقل والإنارة", "تونس", "بلدية ١٢٣",
	}
)

// makePlan draws a respondent's language and answers.
func (si *surveyInfo) makePlan(r *rand.Rand, id int64) (lang, hint string, plan map[string]planned) {
	langs := []string{"en", "en", "en", "en", "ar", "ar", "ar", "tr", "tr", "fr"}
	lang = langs[r.IntN(len(langs))]
	switch r.IntN(3) {
	case 0:
		hint = lang
	case 1:
		hint = [...]string{"en-US", "de", "ar", "tr", "fr-FR"}[r.IntN(5)]
	}
	plan = map[string]planned{}
	tag := " #" + strconv.FormatInt(id, 10)
	text := func(limit int) string {
		var s string
		if r.IntN(3) == 0 {
			s = textsArabic[r.IntN(len(textsArabic))]
		} else {
			s = textsLatin[r.IntN(len(textsLatin))]
		}
		if r.IntN(10) == 0 && limit >= 400 {
			s = strings.Repeat(s+" ", 1+300/len([]rune(s)))
			s = strings.TrimSpace(string([]rune(s)[:min(len([]rune(s)), limit-len(tag))]))
		}
		return s + tag
	}
	for _, q := range si.sv.Questions {
		var p planned
		switch q.Type {
		case conversation.TypeYesNo:
			p.value = "no"
			if r.IntN(10) < 6 {
				p.value = "yes"
			}
		case conversation.TypeMulti:
			for i := range q.Choices {
				if r.IntN(3) == 0 {
					p.choices = append(p.choices, i+1)
				}
			}
			if p.choices == nil {
				p.choices = []int{1 + r.IntN(len(q.Choices))}
			}
			for _, c := range p.choices {
				if q.Choices[c-1].Other {
					p.other = text(q.Limit())
				}
			}
		case conversation.TypeEmail:
			p.value = "u" + strconv.FormatInt(id, 10) + "@city" + strconv.Itoa(r.IntN(50)) + ".gov.example"
		default:
			p.value = text(q.Limit())
		}
		if !q.Required && r.IntN(4) == 0 {
			p = planned{skip: true}
		}
		plan[q.ID] = p
	}
	return lang, hint, plan
}

// expectedAnswers is what the export must hold for a plan: the planned
// answers of the questions that apply, skipped ones absent.
func (si *surveyInfo) expectedAnswers(plan map[string]planned) map[string]conversation.Answer {
	answers := map[string]conversation.Answer{}
	for _, q := range si.sv.Questions {
		if q.Answerable() && q.When.Eval(answers) {
			answers[q.ID] = plan[q.ID].answer(q)
		}
	}
	for id, a := range answers {
		if a.Skipped {
			delete(answers, id)
		}
	}
	return answers
}
