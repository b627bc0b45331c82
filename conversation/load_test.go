package conversation

import (
	"errors"
	"strings"
	"testing"
)

const goodSurvey = `id: mini
version: 2
languages: [en, ar]
default_language: en
title: {en: Mini, ar: صغير}
intro: {en: Hello, ar: مرحبا}
questions:
  - id: likes
    type: yes_no
    text: {en: "Do you like it?", ar: "هل يعجبك؟"}
  - id: why
    type: text
    max_length: 50
    when: {question: likes, equals: "yes"}
    text: {en: "Why?", ar: "لماذا؟"}
  - id: colours
    type: multi
    min_choices: 1
    max_choices: 2
    text: {en: "Colours?", ar: "الألوان؟"}
    choices:
      - {id: red, label: {en: Red, ar: أحمر}}
      - {id: blue, label: {en: Blue, ar: أزرق}}
      - {id: other, other: true, label: {en: Other, ar: أخرى}}
  - id: age
    type: number
    min: 0
    max: 120
    integer: true
    required: false
    when:
      all:
        - {question: likes, answered: true}
        - not: {question: colours, contains: red}
    text: {en: "Age?", ar: "العمر؟"}
`

func TestLoadGood(t *testing.T) {
	s, err := Load([]byte(goodSurvey))
	if err != nil {
		t.Fatal(err)
	}
	if s.ID != "mini" || s.Version != 2 || len(s.Questions) != 4 || s.DefaultLanguage != "en" {
		t.Fatalf("got %+v", s)
	}
	age := s.Question("age")
	if age.Required || !age.Integer || *age.Max != 120 {
		t.Errorf("age = %+v", age)
	}
	if !s.Question("colours").Choices[2].Other {
		t.Error("other flag lost")
	}
	// The compound condition: likes answered and colours without red.
	ans := map[string]Answer{"likes": {Value: "no"}, "colours": {Choices: []string{"blue"}}}
	if !age.When.Eval(ans) {
		t.Error("age should be asked when red is not chosen")
	}
	ans["colours"] = Answer{Choices: []string{"red", "blue"}}
	if age.When.Eval(ans) {
		t.Error("age should not be asked when red is chosen")
	}
}

// Each broken survey must be refused with the problem at the right place.
func TestLoadProblems(t *testing.T) {
	cases := []struct {
		name, edit, with string
		want             string // "LINE:COL: fragment"
	}{
		{"unknown type", "type: yes_no\n    text: {en: \"Do", "type: yesno\n    text: {en: \"Do", `9:11: unknown type "yesno"`},
		{"duplicate id", "id: why", "id: likes", `11:5: question id "likes" is used twice`},
		{"later question", "{question: likes, equals: \"yes\"}", "{question: colours, contains: red}", `not an earlier question`},
		{"unknown question", "{question: likes, equals: \"yes\"}", "{question: nope, equals: \"yes\"}", `names "nope"`},
		{"missing translation", `text: {en: "Why?", ar: "لماذا؟"}`, `text: {en: "Why?"}`, `15:11: question why text has no ar translation`},
		{"duplicate choice", "{id: blue,", "{id: red,", `choice id "red" is used twice`},
		{"min > max", "min: 0\n", "min: 200\n", `min 200 is greater than max 120`},
		{"min_choices > max_choices", "min_choices: 1", "min_choices: 3", `min_choices 3 is greater than max_choices 2`},
		{"impossible value", `equals: "yes"`, `equals: "maybe"`, `"maybe" is not a possible answer of "likes"`},
		{"max_length on yes_no", "type: yes_no\n", "type: yes_no\n    max_length: 3\n", `max_length applies to text and email questions only`},
		{"unknown field", "version: 2", "version: 2\nowner: me", `3:1: unknown field "owner"`},
		{"max_choices > choices", "max_choices: 2", "max_choices: 5", `max_choices 5 is more than the 3 choices`},
		{"bad default language", "default_language: en", "default_language: de", `default_language "de" is not one of the languages`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			src := strings.Replace(goodSurvey, c.edit, c.with, 1)
			if src == goodSurvey {
				t.Fatalf("edit %q did not apply", c.edit)
			}
			_, err := Load([]byte(src))
			var ps Problems
			if !errors.As(err, &ps) {
				t.Fatalf("want problems, got %v", err)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("problems:\n%v\nwant one containing %q", err, c.want)
			}
			for _, p := range ps {
				if p.Line < 1 || p.Col < 1 {
					t.Errorf("problem without a position: %+v", p)
				}
			}
		})
	}
}

func TestLoadRefusesBombs(t *testing.T) {
	bomb := "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\nc: [*b, *b, *b, *b, *b, *b, *b, *b]\n"
	if _, err := Load([]byte(bomb)); err == nil || !strings.Contains(err.Error(), "aliases") {
		t.Errorf("alias bomb: got %v", err)
	}
	deep := strings.Repeat("[", 200) + strings.Repeat("]", 200)
	if _, err := Load([]byte(deep)); err == nil || !strings.Contains(err.Error(), "nesting") {
		t.Errorf("deep nesting: got %v", err)
	}
	big := make([]byte, maxSurveyBytes+1)
	if _, err := Load(big); err == nil || !strings.Contains(err.Error(), "limit") {
		t.Errorf("huge file: got %v", err)
	}
	if _, err := Load([]byte("id: [unclosed")); err == nil || !strings.Contains(err.Error(), "YAML") {
		t.Errorf("syntax error: got %v", err)
	}
}

func FuzzLoad(f *testing.F) {
	f.Add([]byte(goodSurvey))
	f.Add([]byte("a: &a [x]\nb: *a\n"))
	f.Add([]byte("questions: [{id: q, type: multi, choices: [{id: a}, {id: a}]}]"))
	f.Add([]byte("questions:\n  - when: {all: [{not: {question: x}}]}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Load(data)
		if (s == nil) == (err == nil) {
			t.Fatalf("Load must return exactly one of survey and error: %v %v", s, err)
		}
		if err != nil {
			var ps Problems
			if !errors.As(err, &ps) || len(ps) == 0 {
				t.Fatalf("error is not a list of problems: %v", err)
			}
		}
	})
}

// Syntax errors point at the line that holds the mistake (yaml.v3 numbers
// some of them from 0).
func TestLoadSyntaxErrorLines(t *testing.T) {
	for _, c := range []struct {
		name, src string
		line      int
	}{
		{"mapping value in a value", "id: x\nversion: 1\nlanguages: a: b\ntitle: t\n", 3},
		{"bad indentation", "id: x\nversion: 1\nq:\n  - a\n b: 2\n", 5},
		{"sequence item in a mapping", "id: x\nversion: 1\ntitle: t\n- a\n", 4},
		{"tab indentation", "id: x\nversion: 1\n\tlanguages: [en]\ntitle: t\n", 3},
		{"unclosed [", "id: x\nversion: 1\nlanguages: [en\ntitle: t\nfoo: bar\n", 3},
		{"unclosed {", "id: x\nversion: 1\ntitle: {a: 1\n", 3},
		{"unclosed quote", "id: x\nversion: 1\ntitle: \"abc\nx: 1\n", 3},
		{"after blank lines", "id: x\n\nversion: 1\n\n\ntitle: t\n  bad: 1\n", 7},
	} {
		_, err := Load([]byte(c.src))
		var ps Problems
		if !errors.As(err, &ps) || len(ps) != 1 || !strings.HasPrefix(ps[0].Msg, "YAML: ") {
			t.Errorf("%s: %v, want one YAML problem", c.name, err)
			continue
		}
		if ps[0].Line != c.line {
			t.Errorf("%s: line %d (%s), want %d", c.name, ps[0].Line, ps[0].Msg, c.line)
		}
	}
}
