package conversation

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// Limits that keep a hostile survey file from exhausting memory: the loader
// refuses aliases outright (no "billion laughs"), deep nesting and big files.
// MaxChoices bounds a question's options: Telegram shows at most 100
// buttons under a message, and a long list is unreadable on a phone anyway.
const MaxChoices = 60

const (
	maxSurveyBytes = 4 << 20
	maxDepth       = 16
	maxQuestions   = 500
)

// Problem is one thing wrong with a survey file, with its position.
type Problem struct {
	Line, Col int
	Msg       string
}

func (p Problem) String() string { return fmt.Sprintf("%d:%d: %s", p.Line, p.Col, p.Msg) }

// Problems is every problem found in a survey file; it is the error Load
// returns when the file is not usable.
type Problems []Problem

func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

var (
	idPattern       = regexp.MustCompile(`^[a-z][a-z0-9_]{0,39}$`)
	surveyIDPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,39}$`)
	languagePattern = regexp.MustCompile(`^[a-z]{2,3}$`)
)

var knownTypes = map[string]bool{
	TypeYesNo: true, TypeChoice: true, TypeMulti: true, TypeText: true,
	TypeNumber: true, TypeEmail: true, TypeNote: true,
}

// Load parses and validates a survey file. On any problem it returns a nil
// survey and a Problems error listing all of them, in file order.
func Load(data []byte) (*Survey, error) {
	if len(data) > maxSurveyBytes {
		return nil, Problems{{1, 1, fmt.Sprintf("file is %d bytes; the limit is %d", len(data), maxSurveyBytes)}}
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, Problems{yamlProblem(err)}
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 {
		return nil, Problems{{1, 1, "empty survey file"}}
	}
	l := &loader{}
	if p, bad := checkShape(doc.Content[0], 0); bad {
		return nil, Problems{p}
	}
	s := l.survey(doc.Content[0])
	if len(l.problems) > 0 {
		sort.SliceStable(l.problems, func(i, j int) bool {
			a, b := l.problems[i], l.problems[j]
			return a.Line < b.Line || a.Line == b.Line && a.Col < b.Col
		})
		return nil, l.problems
	}
	return s, nil
}

// yamlProblem turns a yaml syntax error ("yaml: line 3: ...") into a Problem.
func yamlProblem(err error) Problem {
	msg := err.Error()
	line := 1
	var te *yaml.TypeError
	if errors.As(err, &te) && len(te.Errors) > 0 {
		msg = te.Errors[0]
	}
	msg = strings.TrimPrefix(msg, "yaml: ")
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		if n, after, ok := strings.Cut(rest, ": "); ok {
			if v, err := strconv.Atoi(n); err == nil {
				line, msg = v, after
				if zeroBasedLine(msg) {
					line++
				}
			}
		}
	}
	return Problem{line, 1, "YAML: " + msg}
}

// zeroBasedLine reports the yaml.v3 (v3.0.1) errors whose line number is
// one too low: the parser's errors, which it reports with the 0-based line
// of their mark (only scanner errors get the +1), and the tab-indentation
// error, which names the line where the scalar before the tab began.
func zeroBasedLine(msg string) bool {
	for _, p := range []string{"did not find expected", "found undefined tag handle", "found duplicate %TAG directive", "found incompatible YAML document", "found a tab character that violates indentation"} {
		if strings.HasPrefix(msg, p) {
			return true
		}
	}
	return false
}

// checkShape refuses aliases and deep nesting before any decoding.
func checkShape(n *yaml.Node, depth int) (Problem, bool) {
	if n.Kind == yaml.AliasNode || n.Anchor != "" {
		return Problem{n.Line, n.Column, "anchors and aliases (& and *) are not allowed in a survey file"}, true
	}
	if depth > maxDepth {
		return Problem{n.Line, n.Column, fmt.Sprintf("nesting deeper than %d levels", maxDepth)}, true
	}
	for _, c := range n.Content {
		if p, bad := checkShape(c, depth+1); bad {
			return p, true
		}
	}
	return Problem{}, false
}

type loader struct {
	problems  Problems
	languages []string
}

func (l *loader) add(n *yaml.Node, format string, args ...any) {
	if n == nil {
		n = &yaml.Node{Line: 1, Column: 1} // a missing field: point at the top
	}
	l.problems = append(l.problems, Problem{n.Line, n.Column, fmt.Sprintf(format, args...)})
}

// fields maps the keys of a mapping node to their value nodes, reporting
// unknown and repeated keys.
func (l *loader) fields(n *yaml.Node, what string, allowed ...string) map[string]*yaml.Node {
	out := map[string]*yaml.Node{}
	if n.Kind != yaml.MappingNode {
		l.add(n, "%s must be a mapping", what)
		return out
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if !contains(allowed, k.Value) {
			l.add(k, "unknown field %q in %s (expected one of: %s)", k.Value, what, strings.Join(allowed, ", "))
			continue
		}
		if _, dup := out[k.Value]; dup {
			l.add(k, "field %q given twice in %s", k.Value, what)
			continue
		}
		out[k.Value] = v
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func (l *loader) str(n *yaml.Node, what string) string {
	if n == nil {
		return ""
	}
	if n.Kind != yaml.ScalarNode {
		l.add(n, "%s must be a single value", what)
		return ""
	}
	return n.Value
}

func (l *loader) integer(n *yaml.Node, what string) int {
	s := l.str(n, what)
	v, err := strconv.Atoi(s)
	if err != nil {
		l.add(n, "%s must be a whole number, not %q", what, s)
	}
	return v
}

func (l *loader) number(n *yaml.Node, what string) *float64 {
	if n == nil {
		return nil
	}
	s := l.str(n, what)
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		l.add(n, "%s must be a number, not %q", what, s)
		return nil
	}
	return &v
}

func (l *loader) boolean(n *yaml.Node, what string, def bool) bool {
	if n == nil {
		return def
	}
	switch l.str(n, what) {
	case "true", "yes":
		return true
	case "false", "no":
		return false
	}
	l.add(n, "%s must be true or false", what)
	return def
}

// text reads a per-language text and reports missing translations.
func (l *loader) text(n *yaml.Node, what string, required bool) Text {
	t := Text{}
	if n == nil {
		return t
	}
	if n.Kind == yaml.ScalarNode {
		l.add(n, "%s must give a text per language, e.g. {en: \"...\", ar: \"...\"}", what)
		return t
	}
	for lang, v := range l.fields(n, what, l.languages...) {
		t[lang] = strings.TrimSpace(l.str(v, what+"."+lang))
	}
	if !required {
		return t
	}
	for _, lang := range l.languages {
		if t[lang] == "" {
			l.add(n, "%s has no %s translation", what, lang)
		}
	}
	return t
}

func (l *loader) survey(root *yaml.Node) *Survey {
	f := l.fields(root, "survey", "id", "version", "languages", "default_language", "title", "intro", "questions")
	s := &Survey{index: map[string]int{}, Version: 1}
	s.ID = l.str(f["id"], "id")
	if f["id"] == nil {
		l.add(root, "survey has no id")
	} else if !surveyIDPattern.MatchString(s.ID) {
		l.add(f["id"], "survey id %q must be lower-case letters, digits, - and _", s.ID)
	}
	if f["version"] != nil {
		s.Version = l.integer(f["version"], "version")
	}
	l.readLanguages(s, root, f)
	s.Title = l.text(f["title"], "title", true)
	if f["title"] == nil {
		l.add(root, "survey has no title")
	}
	s.Intro = l.text(f["intro"], "intro", true)
	qs := f["questions"]
	if qs == nil || qs.Kind != yaml.SequenceNode || len(qs.Content) == 0 {
		l.add(root, "survey has no questions (a list under \"questions:\")")
		return s
	}
	if len(qs.Content) > maxQuestions {
		l.add(qs, "%d questions; the limit is %d", len(qs.Content), maxQuestions)
		return s
	}
	for _, qn := range qs.Content {
		q := l.question(qn)
		if q.ID == "" {
			continue
		}
		if _, dup := s.index[q.ID]; dup {
			l.add(qn, "question id %q is used twice", q.ID)
			continue
		}
		if q.When != nil {
			l.checkRefs(s, q, qn)
		}
		s.index[q.ID] = len(s.Questions)
		s.Questions = append(s.Questions, q)
	}
	return s
}

func (l *loader) readLanguages(s *Survey, root *yaml.Node, f map[string]*yaml.Node) {
	ln := f["languages"]
	if ln == nil || ln.Kind != yaml.SequenceNode || len(ln.Content) == 0 {
		l.add(root, "survey has no languages (a list such as [ar, en])")
		s.Languages = []string{"en"}
	} else {
		for _, n := range ln.Content {
			lang := l.str(n, "language")
			if !languagePattern.MatchString(lang) {
				l.add(n, "language %q must be a code such as ar, en, tr, fr", lang)
				continue
			}
			if contains(s.Languages, lang) {
				l.add(n, "language %q is listed twice", lang)
				continue
			}
			s.Languages = append(s.Languages, lang)
		}
	}
	l.languages = s.Languages
	s.DefaultLanguage = l.str(f["default_language"], "default_language")
	switch {
	case s.DefaultLanguage == "" && len(s.Languages) > 0:
		s.DefaultLanguage = s.Languages[0]
	case !contains(s.Languages, s.DefaultLanguage):
		l.add(f["default_language"], "default_language %q is not one of the languages", s.DefaultLanguage)
	}
}

func (l *loader) question(n *yaml.Node) *Question {
	f := l.fields(n, "question", "id", "type", "text", "required", "choices", "when",
		"max_length", "min", "max", "integer", "min_choices", "max_choices")
	q := &Question{Line: n.Line, Required: true}
	q.ID = l.str(f["id"], "id")
	if f["id"] == nil {
		l.add(n, "question has no id")
	} else if !idPattern.MatchString(q.ID) {
		l.add(f["id"], "question id %q must start with a letter and use only a-z, 0-9 and _ (at most 40)", q.ID)
	}
	q.Type = l.str(f["type"], "type")
	if f["type"] == nil {
		l.add(n, "question %q has no type", q.ID)
	} else if !knownTypes[q.Type] {
		l.add(f["type"], "unknown type %q (expected yes_no, choice, multi, text, number, email or note)", q.Type)
	}
	q.Text = l.text(f["text"], "question "+q.ID+" text", true)
	if f["text"] == nil {
		l.add(n, "question %q has no text", q.ID)
	}
	q.Required = l.boolean(f["required"], "required", q.Type != TypeNote)
	if f["when"] != nil {
		q.When = l.condition(f["when"])
	}
	l.choices(q, n, f["choices"])
	l.limits(q, f)
	return q
}

func (l *loader) choices(q *Question, n, cn *yaml.Node) {
	needs := q.Type == TypeChoice || q.Type == TypeMulti
	if cn == nil {
		if needs {
			l.add(n, "question %q of type %s needs choices", q.ID, q.Type)
		}
		return
	}
	if !needs {
		l.add(cn, "question %q of type %s takes no choices", q.ID, q.Type)
		return
	}
	if cn.Kind != yaml.SequenceNode || len(cn.Content) < 2 {
		l.add(cn, "choices must be a list of at least two")
		return
	}
	if len(cn.Content) > MaxChoices {
		l.add(cn, "%d choices; at most %d fit on a chat keyboard", len(cn.Content), MaxChoices)
		return
	}
	seen := map[string]bool{}
	for _, c := range cn.Content {
		f := l.fields(c, "choice", "id", "label", "other")
		ch := Choice{ID: l.str(f["id"], "choice id")}
		if !idPattern.MatchString(ch.ID) {
			l.add(c, "choice id %q must start with a letter and use only a-z, 0-9 and _", ch.ID)
		}
		if seen[ch.ID] {
			l.add(c, "choice id %q is used twice in question %q", ch.ID, q.ID)
		}
		seen[ch.ID] = true
		ch.Label = l.text(f["label"], "choice "+ch.ID+" label", true)
		if f["label"] == nil {
			l.add(c, "choice %q has no label", ch.ID)
		}
		ch.Other = l.boolean(f["other"], "other", false)
		q.Choices = append(q.Choices, ch)
	}
}

func (l *loader) limits(q *Question, f map[string]*yaml.Node) {
	textual := q.Type == TypeText || q.Type == TypeEmail
	if n := f["max_length"]; n != nil {
		q.MaxLength = l.integer(n, "max_length")
		if !textual {
			l.add(n, "max_length applies to text and email questions only")
		} else if q.MaxLength < 1 || q.MaxLength > 4000 {
			l.add(n, "max_length must be between 1 and 4000")
		}
	}
	q.Min, q.Max = l.number(f["min"], "min"), l.number(f["max"], "max")
	q.Integer = l.boolean(f["integer"], "integer", false)
	for _, k := range []string{"min", "max", "integer"} {
		if f[k] != nil && q.Type != TypeNumber {
			l.add(f[k], "%s applies to number questions only", k)
		}
	}
	if q.Min != nil && q.Max != nil && *q.Min > *q.Max {
		l.add(f["min"], "min %v is greater than max %v", *q.Min, *q.Max)
	}
	if f["min_choices"] != nil {
		q.MinChoices = l.integer(f["min_choices"], "min_choices")
	}
	if f["max_choices"] != nil {
		q.MaxChoices = l.integer(f["max_choices"], "max_choices")
	}
	for _, k := range []string{"min_choices", "max_choices"} {
		if f[k] != nil && q.Type != TypeMulti {
			l.add(f[k], "%s applies to multi questions only", k)
		}
	}
	if q.Type != TypeMulti {
		return
	}
	n := len(q.Choices)
	switch {
	case q.MinChoices < 0 || q.MaxChoices < 0:
		l.add(f["min_choices"], "min_choices and max_choices cannot be negative")
	case q.MaxChoices > 0 && q.MinChoices > q.MaxChoices:
		l.add(f["min_choices"], "min_choices %d is greater than max_choices %d", q.MinChoices, q.MaxChoices)
	case n > 0 && q.MinChoices > n:
		l.add(f["min_choices"], "min_choices %d is more than the %d choices", q.MinChoices, n)
	case n > 0 && q.MaxChoices > n:
		l.add(f["max_choices"], "max_choices %d is more than the %d choices", q.MaxChoices, n)
	}
}

var condOps = []string{"question", "equals", "not_equals", "one_of", "contains", "answered", "all", "any", "not"}

func (l *loader) condition(n *yaml.Node) *Condition {
	f := l.fields(n, "condition", condOps...)
	c := &Condition{}
	forms := 0
	for _, k := range []string{"all", "any"} {
		sn := f[k]
		if sn == nil {
			continue
		}
		forms++
		if sn.Kind != yaml.SequenceNode || len(sn.Content) == 0 {
			l.add(sn, "%s must be a non-empty list of conditions", k)
			continue
		}
		for _, sub := range sn.Content {
			if k == "all" {
				c.All = append(c.All, l.condition(sub))
			} else {
				c.Any = append(c.Any, l.condition(sub))
			}
		}
	}
	if f["not"] != nil {
		forms++
		c.Not = l.condition(f["not"])
	}
	if f["question"] != nil {
		forms++
		l.leaf(c, n, f)
	}
	if forms != 1 {
		l.add(n, "a condition needs exactly one of: question (with equals, not_equals, one_of, contains or answered), all, any, not")
	}
	return c
}

func (l *loader) leaf(c *Condition, n *yaml.Node, f map[string]*yaml.Node) {
	c.Question = l.str(f["question"], "question")
	ops := 0
	strp := func(k string) *string {
		if f[k] == nil {
			return nil
		}
		ops++
		v := l.str(f[k], k)
		return &v
	}
	c.Equals, c.NotEquals, c.Contains = strp("equals"), strp("not_equals"), strp("contains")
	if on := f["one_of"]; on != nil {
		ops++
		if on.Kind != yaml.SequenceNode || len(on.Content) == 0 {
			l.add(on, "one_of must be a non-empty list")
		}
		for _, v := range on.Content {
			c.OneOf = append(c.OneOf, l.str(v, "one_of"))
		}
	}
	if f["answered"] != nil {
		ops++
		b := l.boolean(f["answered"], "answered", true)
		c.Answered = &b
	}
	if ops != 1 {
		l.add(n, "condition on %q needs exactly one of equals, not_equals, one_of, contains, answered", c.Question)
	}
	c.line, c.col = n.Line, n.Column
}

// checkRefs makes sure a condition names only earlier questions, with
// values those questions can take.
func (l *loader) checkRefs(s *Survey, q *Question, qn *yaml.Node) {
	var walk func(c *Condition)
	walk = func(c *Condition) {
		if c == nil {
			return
		}
		for _, sub := range c.All {
			walk(sub)
		}
		for _, sub := range c.Any {
			walk(sub)
		}
		walk(c.Not)
		if c.Question == "" {
			return
		}
		at := &yaml.Node{Line: c.line, Column: c.col}
		if c.Question == q.ID {
			l.add(at, "question %q has a condition on itself", q.ID)
			return
		}
		ref := s.Question(c.Question)
		if ref == nil {
			l.add(at, "condition of %q names %q, which is not an earlier question", q.ID, c.Question)
			return
		}
		l.checkValues(ref, c, at)
	}
	walk(q.When)
}

func (l *loader) checkValues(ref *Question, c *Condition, at *yaml.Node) {
	if !ref.Answerable() {
		l.add(at, "condition names note %q, which has no answer", ref.ID)
		return
	}
	if c.Contains != nil && ref.Type != TypeMulti {
		l.add(at, "contains works on multi questions; %q is %s", ref.ID, ref.Type)
	}
	vals := []string{}
	for _, p := range []*string{c.Equals, c.NotEquals, c.Contains} {
		if p != nil {
			vals = append(vals, *p)
		}
	}
	vals = append(vals, c.OneOf...)
	for _, v := range vals {
		if !validValue(ref, v) {
			l.add(at, "%q is not a possible answer of %q", v, ref.ID)
		}
	}
}

func validValue(q *Question, v string) bool {
	switch q.Type {
	case TypeYesNo:
		return v == "yes" || v == "no"
	case TypeChoice, TypeMulti:
		return q.ChoiceByID(v) != nil
	}
	return true
}
