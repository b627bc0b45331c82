// Package conversation holds the survey model, the survey-file loader and
// the per-respondent state machine. It is pure: no I/O, no clock reads, no
// channel types. Callers pass the time in and render the outputs themselves.
package conversation

// Question types, as written in a survey file.
const (
	TypeYesNo  = "yes_no"
	TypeChoice = "choice" // exactly one choice
	TypeMulti  = "multi"  // several choices
	TypeText   = "text"
	TypeNumber = "number"
	TypeEmail  = "email"
	TypeNote   = "note" // shown, never answered
)

// DefaultMaxLength is the limit of a typed text answer, in Unicode code
// points, when the survey sets none (CONTRACT.md).
const DefaultMaxLength = 1000

// Text is one sentence in each of the survey's languages, keyed by language
// code ("ar", "en", ...).
type Text map[string]string

// In returns the text in lang, falling back to fallback and then to any
// language, so that a missing translation never shows an empty message.
func (t Text) In(lang, fallback string) string {
	if s, ok := t[lang]; ok && s != "" {
		return s
	}
	if s, ok := t[fallback]; ok && s != "" {
		return s
	}
	for _, s := range t {
		return s
	}
	return ""
}

// Survey is a loaded, validated survey file.
type Survey struct {
	ID              string
	Version         int
	Languages       []string
	DefaultLanguage string
	Title           Text
	Intro           Text
	Questions       []*Question

	index map[string]int
}

// Question is one item of the survey.
type Question struct {
	ID       string
	Type     string
	Text     Text
	Required bool
	Choices  []Choice
	When     *Condition // nil: always asked

	MaxLength int      // text-like answers, in code points
	Min, Max  *float64 // number range
	Integer   bool     // number must be whole

	MinChoices, MaxChoices int // multi; 0 = no bound

	Line int // position in the survey file, for messages about it
}

// Choice is one option of a choice or multi question.
type Choice struct {
	ID    string
	Label Text
	// Other marks a choice that asks the respondent to say what, as text.
	Other bool
}

// Condition decides whether a question is asked, from earlier answers.
// Exactly one of its forms is set.
type Condition struct {
	// Leaf form: Question compared with one of the operators.
	Question  string
	Equals    *string
	NotEquals *string
	OneOf     []string
	Contains  *string // multi: the answer includes this choice id
	Answered  *bool   // the question has (true) or lacks (false) an answer

	// Compound forms.
	All []*Condition
	Any []*Condition
	Not *Condition

	line, col int // position in the survey file
}

// Question returns the question with id, or nil.
func (s *Survey) Question(id string) *Question {
	if i, ok := s.index[id]; ok {
		return s.Questions[i]
	}
	return nil
}

// Position returns the index of question id in survey order, or -1.
func (s *Survey) Position(id string) int {
	if i, ok := s.index[id]; ok {
		return i
	}
	return -1
}

// HasLanguage reports whether lang is one of the survey's languages.
func (s *Survey) HasLanguage(lang string) bool {
	for _, l := range s.Languages {
		if l == lang {
			return true
		}
	}
	return false
}

// Answerable reports whether the question takes an answer (notes do not).
func (q *Question) Answerable() bool { return q.Type != TypeNote }

// IsChoice reports whether answers are picked from options.
func (q *Question) IsChoice() bool {
	return q.Type == TypeYesNo || q.Type == TypeChoice || q.Type == TypeMulti
}

// Limit returns the text-length limit in code points.
func (q *Question) Limit() int {
	if q.MaxLength > 0 {
		return q.MaxLength
	}
	return DefaultMaxLength
}

// ChoiceByID returns the choice with id, or nil.
func (q *Question) ChoiceByID(id string) *Choice {
	for i := range q.Choices {
		if q.Choices[i].ID == id {
			return &q.Choices[i]
		}
	}
	return nil
}

// Eval evaluates the condition against answers. A question that has no
// answer (not asked yet, skipped, or not applicable) matches no value, so a
// follow-up stays hidden until the answer that opens it is given.
func (c *Condition) Eval(answers map[string]Answer) bool {
	if c == nil {
		return true
	}
	switch {
	case len(c.All) > 0:
		for _, sub := range c.All {
			if !sub.Eval(answers) {
				return false
			}
		}
		return true
	case len(c.Any) > 0:
		for _, sub := range c.Any {
			if sub.Eval(answers) {
				return true
			}
		}
		return false
	case c.Not != nil:
		return !c.Not.Eval(answers)
	}
	a, ok := answers[c.Question]
	has := ok && a.HasValue()
	switch {
	case c.Answered != nil:
		return has == *c.Answered
	case c.Equals != nil:
		return has && a.Value == *c.Equals
	case c.NotEquals != nil:
		return has && a.Value != *c.NotEquals
	case len(c.OneOf) > 0:
		if !has {
			return false
		}
		for _, v := range c.OneOf {
			if a.Value == v {
				return true
			}
		}
		return false
	case c.Contains != nil:
		if !has {
			return false
		}
		for _, v := range a.Choices {
			if v == *c.Contains {
				return true
			}
		}
		return false
	}
	return false
}

// refs lists the question ids the condition names.
func (c *Condition) refs() []string {
	if c == nil {
		return nil
	}
	var out []string
	if c.Question != "" {
		out = append(out, c.Question)
	}
	for _, sub := range c.All {
		out = append(out, sub.refs()...)
	}
	for _, sub := range c.Any {
		out = append(out, sub.refs()...)
	}
	return append(out, c.Not.refs()...)
}
