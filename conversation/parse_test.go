package conversation

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestFold(t *testing.T) {
	cases := map[string]string{
		"نعم":        "نعم",
		"  Yes.  ":   "yes",
		"أحمد":       "احمد",
		"إسلام":      "اسلام",
		"آمنة":       "امنه",
		"مستشفى":     "مستشفي",
		"مدرسـة":     "مدرسه", // tatweel
		"مُدَرِّسَة": "مدرسه", // diacritics
		"EVET":       "evet",
		"Hayır":      "hayir",
		"HAYIR":      "hayir",
		"Terminé":    "termine",
		"a   b\tc":   "a b c",
		"١٢":         "12",
		"؟":          "",
	}
	for in, want := range cases {
		if got := Fold(in); got != want {
			t.Errorf("Fold(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestMatchMany(t *testing.T) {
	opts := []labelled{
		{"a", Text{"en": "Red", "ar": "أحمر"}},
		{"b", Text{"en": "Blue, dark", "ar": "أزرق"}},
		{"c", Text{"en": "Green", "ar": "أخضر"}},
	}
	cases := []struct {
		in   string
		want []int
		ok   bool
	}{
		{"1,3", []int{0, 2}, true},
		{"1 3", []int{0, 2}, true},
		{"١،٣", []int{0, 2}, true},
		{"۳ ۱", []int{0, 2}, true},
		{"3;1;3", []int{0, 2}, true},
		{"Blue, dark", []int{1}, true}, // a whole label with a comma in it
		{"red, احمر", []int{0}, true},  // the same option twice
		{"ازرق، green", []int{1, 2}, true},
		{"1, 4", nil, false},
		{"red blue", nil, false}, // spaces split numbers only
		{"", nil, false},
		{",,,", nil, false},
	}
	for _, c := range cases {
		got, ok := matchMany(c.in, opts)
		if ok != c.ok || strings.Trim(strings.Join(strings.Fields(strings.Trim(fmtInts(got), "[]")), ","), ",") != strings.Trim(strings.Join(strings.Fields(strings.Trim(fmtInts(c.want), "[]")), ","), ",") {
			t.Errorf("matchMany(%q) = %v, %v; want %v, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}

func fmtInts(v []int) string {
	var b strings.Builder
	for _, x := range v {
		b.WriteString(string(rune('0' + x)))
		b.WriteString(" ")
	}
	return b.String()
}

func TestParseNumberAndEmail(t *testing.T) {
	nums := map[string]float64{"12": 12, "١٢": 12, "۱۲": 12, "3.5": 3.5, "٣٫٥": 3.5, "3,5": 3.5, " 7 ": 7, "1 000": 1000,
		"1,000": 1000, "12,500": 12500, "1,234,567": 1234567, "-0": 0, "+4": 4, "9223372036854775807": 9223372036854775807}
	for in, want := range nums {
		if got, ok := parseNumber(in); !ok || got != want {
			t.Errorf("parseNumber(%q) = %v, %v; want %v", in, got, ok, want)
		}
	}
	for _, bad := range []string{"", "abc", "1e9", "NaN", "Inf", "1,2,3", "0x10", "0x1p4", "1_000", "1.", ".5", "1,00,0"} {
		if _, ok := parseNumber(bad); ok {
			t.Errorf("parseNumber(%q) accepted", bad)
		}
	}
	for _, good := range []string{"a@b.co", "name.surname@city.gov.tr", "x+y@mail.example.org"} {
		if !validEmail(good) {
			t.Errorf("validEmail(%q) = false", good)
		}
	}
	for _, bad := range []string{"a@b", "@b.com", "a@.com", "a@b.", "Name <a@b.com>", "a b@c.com", "plain"} {
		if validEmail(bad) {
			t.Errorf("validEmail(%q) = true", bad)
		}
	}
}

func TestCleanText(t *testing.T) {
	in := "  a\u0000b\u0007c\r\nline\ttab\u200f\u202e  "
	want := "abc\nline\ttab\u200f\u202e"
	if got := CleanText(in); got != want {
		t.Errorf("CleanText = %q, want %q", got, want)
	}
	if got := CleanText("\xff\xfe ok"); !utf8.ValidString(got) {
		t.Errorf("invalid UTF-8 kept: %q", got)
	}
}

func miniEngine(t testing.TB) *Engine {
	t.Helper()
	s, err := Load([]byte(goodSurvey))
	if err != nil {
		t.Fatal(err)
	}
	v := Vocabulary{
		Yes: Text{"en": "Yes", "ar": "نعم"}, No: Text{"en": "No", "ar": "لا"},
		Done: Text{"en": "Done", "ar": "تم"}, Submit: Text{"en": "Submit", "ar": "إرسال"},
		Skip: Text{"en": "Skip", "ar": "تخطي"}, LanguageNames: Text{"en": "English", "ar": "العربية"},
	}
	return &Engine{Survey: s, Vocab: v}
}

func text(s string) Event { return Event{Kind: EventText, Text: s} }

// The "other" choice asks for text, and the review can reopen an answer.
func TestOtherChoiceAndReviewEdit(t *testing.T) {
	e := miniEngine(t)
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	st := State{Respondent: "t:1"}
	for _, in := range []string{"hi", "1", "yes", "because", "1,3"} {
		st, _ = e.Step(st, text(in), now)
	}
	if st.Phase != PhaseOther || st.Current != "colours" {
		t.Fatalf("after choosing other: phase %s current %s", st.Phase, st.Current)
	}
	var outs []Output
	st, outs = e.Step(st, text("purple"), now)
	if a := st.Answers["colours"]; a.Other != "purple" || strings.Join(a.Choices, ";") != "red;other" {
		t.Fatalf("colours = %+v", a)
	}
	if outs[0].Kind != OutAck || outs[0].Display != "Red, Other: purple" {
		t.Errorf("ack = %+v", outs[0])
	}
	// red chosen → age not asked → straight to the review.
	if st.Phase != PhaseReview {
		t.Fatalf("phase %s, want review", st.Phase)
	}
	st, _ = e.Step(st, text("3"), now) // reopen colours
	if st.Phase != PhaseQuestion || st.Current != "colours" {
		t.Fatalf("edit: phase %s current %s", st.Phase, st.Current)
	}
	st, _ = e.Step(st, text("2"), now) // blue only: age now applies
	if st.Current != "age" {
		t.Fatalf("after changing colours, current = %q, want age", st.Current)
	}
	if st.Answers["colours"].Other != "" {
		t.Error("other text kept after other was unchosen")
	}
	st, outs = e.Step(st, text("٤٢"), now)
	if st.Answers["age"].Value != "42" || st.Phase != PhaseReview {
		t.Fatalf("age = %+v, phase %s", st.Answers["age"], st.Phase)
	}
	if n := len(outs[len(outs)-1].Items); n != 4 {
		t.Errorf("review lists %d items, want 4", n)
	}
	st, _ = e.Step(st, text("إرسال"), now)
	if st.Status() != StatusComplete {
		t.Errorf("status %s after typed Arabic submit", st.Status())
	}
}

func TestNumberLimits(t *testing.T) {
	e := miniEngine(t)
	now := time.Now()
	st := State{}
	for _, in := range []string{"hi", "1", "no", "2"} {
		st, _ = e.Step(st, text(in), now)
	}
	if st.Current != "age" {
		t.Fatalf("current = %s", st.Current)
	}
	for in, notice := range map[string]string{"121": NoticeOutOfRange, "4.5": NoticeNotInteger, "old": NoticeNotNumber, "-1": NoticeOutOfRange} {
		next, outs := e.Step(st, text(in), now)
		if outs[0].Notice != notice {
			t.Errorf("%q: notice %q, want %q", in, outs[0].Notice, notice)
		}
		if _, ok := next.Answers["age"]; ok {
			t.Errorf("%q was stored", in)
		}
	}
	next, _ := e.Step(st, Event{Kind: EventCommand, Command: CmdSkip}, now)
	if !next.Answers["age"].Skipped || next.Phase != PhaseReview {
		t.Errorf("skip of optional age: %+v %s", next.Answers["age"], next.Phase)
	}
}

// FuzzStep feeds arbitrary text and button data to the engine in every
// phase of the mini survey and checks the state stays consistent.
func FuzzStep(f *testing.F) {
	for _, s := range []string{"1", "yes", "١،٣", "1 3", "3:c:1", "0:l:en", "", "purple", "/back", "done", "إرسال", strings.Repeat("x", 60)} {
		f.Add(s, uint8(0), uint8(3))
	}
	e := miniEngine(f)
	script := []Event{text("hi"), text("1"), text("yes"), text("why not"), text("1,3"), text("purple")}
	f.Fuzz(func(t *testing.T, in string, kind, depth uint8) {
		now := time.Unix(0, 0)
		st := State{}
		for i := 0; i < int(depth)%len(script); i++ {
			st, _ = e.Step(st, script[i], now)
		}
		var ev Event
		switch kind % 3 {
		case 0:
			ev = text(in)
		case 1:
			ev = Event{Kind: EventButton, Data: in}
		default:
			cmd, arg, _ := strings.Cut(in, " ")
			ev = Event{Kind: EventCommand, Command: cmd, Arg: arg}
		}
		seq := st.Seq
		next, outs := e.Step(st, ev, now)
		if len(outs) == 0 {
			t.Fatalf("no reply to %q", in)
		}
		if next.Seq < seq {
			t.Fatalf("seq went back")
		}
		if next.Phase == PhaseQuestion && e.Survey.Question(next.Current) == nil {
			t.Fatalf("current %q is no question", next.Current)
		}
		for id, a := range next.Answers {
			q := e.Survey.Question(id)
			if q == nil || !q.When.Eval(next.Answers) {
				t.Fatalf("answer kept for %q, which does not apply", id)
			}
			if utf8.RuneCountInString(a.Value) > q.Limit() {
				t.Fatalf("answer over the limit stored")
			}
		}
	})
}

// A state saved under an older survey whose current question was renamed
// must not crash the engine: the respondent is shown the next open question
// and keeps every answer that still has a question.
func TestSurveyChangedUnderRespondent(t *testing.T) {
	e := miniEngine(t)
	now := time.Now()
	st := State{}
	for _, in := range []string{"hi", "1", "yes"} {
		st, _ = e.Step(st, text(in), now)
	}
	if st.Current != "why" {
		t.Fatalf("current %q", st.Current)
	}
	renamed, err := Load([]byte(strings.Replace(goodSurvey, "id: why", "id: reason", 1)))
	if err != nil {
		t.Fatal(err)
	}
	e2 := &Engine{Survey: renamed, Vocab: e.Vocab}
	next, outs := e2.Step(st, text("because"), now)
	if next.Current != "reason" || next.Phase != PhaseQuestion {
		t.Fatalf("after the change: phase %s current %q", next.Phase, next.Current)
	}
	if len(outs) != 1 || outs[0].Kind != OutQuestion || outs[0].Question.ID != "reason" {
		t.Errorf("want the new question, got %+v", outs)
	}
	if _, stored := next.Answers["reason"]; stored || next.Answers["likes"].Value != "yes" {
		t.Errorf("answers %+v", next.Answers)
	}
	// A language detour pointing at the removed question is repaired too.
	st.Phase, st.Resume, st.ResumeCurrent = PhaseLanguage, PhaseQuestion, "why"
	next, _ = e2.Step(st, text("English"), now)
	if next.Phase != PhaseReview && next.Current != "reason" {
		t.Errorf("after /language over a removed question: phase %s current %q", next.Phase, next.Current)
	}
}

// /language after submitting changes the language and nothing else.
func TestLanguageAfterSubmitKeepsPosition(t *testing.T) {
	e := miniEngine(t)
	now := time.Now()
	st := State{}
	for _, ev := range []Event{text("hi"), text("1"), text("no"), text("2"), {Kind: EventCommand, Command: CmdSkip}, text("Submit")} {
		st, _ = e.Step(st, ev, now)
	}
	if st.Status() != StatusComplete {
		t.Fatalf("status %s phase %s", st.Status(), st.Phase)
	}
	st, _ = e.Step(st, Event{Kind: EventCommand, Command: CmdLanguage}, now)
	st, _ = e.Step(st, text("العربية"), now)
	if st.Language != "ar" || st.Phase != PhaseComplete || st.Status() != StatusComplete {
		t.Errorf("after /language: language %s phase %s status %s", st.Language, st.Phase, st.Status())
	}
	// Mid-question, /language returns to the same question.
	st = State{}
	for _, in := range []string{"hi", "1", "yes"} {
		st, _ = e.Step(st, text(in), now)
	}
	st, _ = e.Step(st, Event{Kind: EventCommand, Command: CmdBack}, now)
	st, _ = e.Step(st, Event{Kind: EventCommand, Command: CmdLanguage}, now)
	st, _ = e.Step(st, text("2"), now)
	if st.Current != "likes" || st.Phase != PhaseQuestion {
		t.Errorf("after /back and /language: %s %q, want likes", st.Phase, st.Current)
	}
}

func TestSingleChoiceOtherAsksWhich(t *testing.T) {
	src := strings.Replace(goodSurvey, "type: multi\n    min_choices: 1\n    max_choices: 2\n", "type: choice\n", 1)
	src = strings.Replace(src, "contains: red", "equals: red", 1)
	sv, err := Load([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	e := &Engine{Survey: sv, Vocab: miniEngine(t).Vocab}
	now := time.Now()
	st := State{}
	for _, in := range []string{"hi", "1", "no", "Other"} {
		st, _ = e.Step(st, text(in), now)
	}
	if st.Phase != PhaseOther {
		t.Fatalf("phase %s after choosing Other", st.Phase)
	}
	st, _ = e.Step(st, text("green"), now)
	if a := st.Answers["colours"]; a.Value != "other" || a.Other != "green" {
		t.Errorf("colours = %+v", a)
	}
}

func TestRestartBeforeLanguageAsksLanguage(t *testing.T) {
	e := miniEngine(t)
	now := time.Now()
	st, _ := e.Step(State{}, text("hi"), now)
	st, _ = e.Step(st, Event{Kind: EventCommand, Command: CmdRestart}, now)
	st, outs := e.Step(st, text("yes"), now)
	if st.Phase != PhaseLanguage || outs[len(outs)-1].Kind != OutLanguagePrompt {
		t.Errorf("phase %s", st.Phase)
	}
}

func TestInvisibleTextIsEmpty(t *testing.T) {
	e := miniEngine(t)
	st := State{}
	for _, in := range []string{"hi", "1", "yes"} {
		st, _ = e.Step(st, text(in), time.Now())
	}
	for _, in := range []string{"\u200b", " \u200f\u200e ", "\ufeff"} {
		next, outs := e.Step(st, text(in), time.Now())
		if outs[0].Notice != NoticeEmpty || next.Answers["why"].Value != "" {
			t.Errorf("%q: notice %q, stored %q", in, outs[0].Notice, next.Answers["why"].Value)
		}
	}
	next, _ := e.Step(st, text("\u200fok"), time.Now())
	if next.Answers["why"].Value != "\u200fok" {
		t.Errorf("a mark before text must be kept as typed: %q", next.Answers["why"].Value)
	}
}
