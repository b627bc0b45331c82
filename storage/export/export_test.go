package export_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/uclg-mewa/surveybot/conversation"
	"github.com/uclg-mewa/surveybot/storage/export"
)

func TestColumnsBuiltinFollowContract(t *testing.T) {
	want := []string{"respondent", "channel", "language", "status", "started_at", "updated_at", "completed_at", "source",
		"municipality", "country", "respondent_name", "position", "email",
		"q1_new_tech", "q2_wifi_hotspots", "q3_internet_center", "q4_isp_deals", "q5_computer_courses", "q5_courses",
		"q6_public_safety", "q6_public_safety_kind", "q7_transport", "q7_transport_kind", "q8_health_card",
		"q9_online_medical", "q9_online_medical_kind", "q10_tech_activity", "q11_online_interaction",
		"q12_evoting_opinion", "q13_need_smart_tech", "q14_it_training", "q14_training_topic", "q15_working_group", "comments"}
	if got := export.Columns(builtinSurvey(t), export.Options{}); !slices.Equal(got, want) {
		t.Fatalf("columns:\n got %q\nwant %q", got, want)
	}
}

// readCSV checks the BOM and the CRLF line ends, then parses the rest
// into records keyed by column name.
func readCSV(t *testing.T, raw []byte) ([]string, []map[string]string) {
	t.Helper()
	if !bytes.HasPrefix(raw, []byte("\xEF\xBB\xBF")) {
		t.Fatalf("no UTF-8 BOM at the start: %q", raw[:min(len(raw), 10)])
	}
	raw = raw[3:]
	if n, crlf := bytes.Count(raw, []byte("\n")), bytes.Count(raw, []byte("\r\n")); n == 0 || n-crlf > countEmbeddedNewlines(t, raw) {
		t.Fatalf("line ends are not CRLF: %d LF, %d CRLF", n, crlf)
	}
	rows, err := csv.NewReader(bytes.NewReader(raw)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var recs []map[string]string
	for _, r := range rows[1:] {
		m := map[string]string{}
		for i, v := range r {
			m[rows[0][i]] = v
		}
		recs = append(recs, m)
	}
	return rows[0], recs
}

// countEmbeddedNewlines counts LFs inside quoted fields (typed line breaks),
// which stay as typed.
func countEmbeddedNewlines(t *testing.T, raw []byte) int {
	n, quoted := 0, false
	for i, c := range raw {
		switch {
		case c == '"':
			quoted = !quoted
		case c == '\n' && quoted && (i == 0 || raw[i-1] != '\r'):
			n++
		}
	}
	return n
}

func byRespondent(recs []map[string]string) map[string]map[string]string {
	m := map[string]map[string]string{}
	for _, r := range recs {
		m[r["respondent"]] = r
	}
	return m
}

func TestCSV(t *testing.T) {
	sv := builtinSurvey(t)
	var buf bytes.Buffer
	n, err := export.CSV(&buf, sv, storeEach(t, fixture()), export.Options{})
	if err != nil || n != 3 {
		t.Fatalf("CSV: n=%d err=%v", n, err)
	}
	head, recs := readCSV(t, buf.Bytes())
	if !slices.Equal(head, export.Columns(sv, export.Options{})) {
		t.Fatalf("header %q", head)
	}
	got := byRespondent(recs)
	ar, en := got["telegram:100"], got["telegram:200"]
	for col, want := range map[string]string{
		"channel":                "telegram",
		"language":               "ar",
		"status":                 "complete",
		"started_at":             "2025-03-01T09:00:00Z",
		"updated_at":             "2025-03-01T09:30:00Z",
		"completed_at":           "2025-03-01T09:30:00Z",
		"source":                 "city-42",
		"municipality":           "غازي عنتاب",
		"respondent_name":        `'=HYPERLINK("x")`,
		"position":               "'+1",
		"q6_public_safety_kind":  "'-2",
		"q7_transport_kind":      "'@a",
		"q12_evoting_opinion":    "'\tx",
		"comments":               "سطر\nسطر آخر",
		"email":                  "a@example.org",
		"q1_new_tech":            "yes",
		"q9_online_medical":      "no",
		"q9_online_medical_kind": "", // condition false: never asked
		"q2_wifi_hotspots":       "", // not answered yet
		"q5_courses":             "basic_skills;programming",
	} {
		if ar[col] != want {
			t.Errorf("telegram:100 %s = %q, want %q", col, ar[col], want)
		}
	}
	for col, want := range map[string]string{"status": "partial", "completed_at": "", "position": "", "q5_courses": "", "source": ""} {
		if en[col] != want {
			t.Errorf("telegram:200 %s = %q, want %q", col, en[col], want)
		}
	}
}

func TestCSVGuardsSource(t *testing.T) {
	st := response("telegram:1", "en", answers{}, 0, false)
	st.Source = "-cmd"
	var buf bytes.Buffer
	if _, err := export.CSV(&buf, builtinSurvey(t), storeEach(t, []conversation.State{st}), export.Options{}); err != nil {
		t.Fatal(err)
	}
	if _, recs := readCSV(t, buf.Bytes()); recs[0]["source"] != "'-cmd" {
		t.Fatalf("source = %q", recs[0]["source"])
	}
}

func TestJSON(t *testing.T) {
	var buf bytes.Buffer
	n, err := export.JSON(&buf, builtinSurvey(t), storeEach(t, fixture()), export.Options{})
	if err != nil || n != 3 {
		t.Fatalf("JSON: n=%d err=%v", n, err)
	}
	var recs []map[string]any
	if err := json.Unmarshal(buf.Bytes(), &recs); err != nil {
		t.Fatalf("%v\n%s", err, buf.String())
	}
	want := []string{"answers", "channel", "completed_at", "language", "respondent", "source", "started_at", "status", "updated_at"}
	for _, r := range recs {
		if keys := mapKeys(r); !slices.Equal(keys, want) {
			t.Fatalf("keys %q, want %q", keys, want)
		}
	}
	byID := map[string]map[string]any{}
	for _, r := range recs {
		byID[r["respondent"].(string)] = r
	}
	ar, en := byID["telegram:100"], byID["telegram:200"]
	a := ar["answers"].(map[string]any)
	if got := a["q5_courses"]; !slices.Equal(toStrings(got), []string{"basic_skills", "programming"}) {
		t.Errorf("q5_courses = %#v", got)
	}
	if a["respondent_name"] != `=HYPERLINK("x")` || a["municipality"] != "غازي عنتاب" || a["q1_new_tech"] != "yes" {
		t.Errorf("answers = %v", a)
	}
	for _, id := range []string{"q9_online_medical_kind", "q2_wifi_hotspots"} {
		if _, ok := a[id]; ok {
			t.Errorf("%s present, want absent", id)
		}
	}
	if ar["completed_at"] != "2025-03-01T09:30:00Z" || en["completed_at"] != nil || en["status"] != "partial" {
		t.Errorf("completed_at %v / %v", ar["completed_at"], en["completed_at"])
	}
	if _, ok := en["answers"].(map[string]any)["position"]; ok {
		t.Error("skipped position present, want absent")
	}
}

func TestJSONEmpty(t *testing.T) {
	var buf bytes.Buffer
	if _, err := export.JSON(&buf, builtinSurvey(t), storeEach(t, nil), export.Options{}); err != nil {
		t.Fatal(err)
	}
	var recs []any
	if err := json.Unmarshal(buf.Bytes(), &recs); err != nil || recs == nil || len(recs) != 0 {
		t.Fatalf("%q: %v", buf.String(), err)
	}
}

func mapKeys(m map[string]any) []string {
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func toStrings(v any) []string {
	list, _ := v.([]any)
	out := make([]string, len(list))
	for i, x := range list {
		out[i], _ = x.(string)
	}
	return out
}

func TestLabelsAndSplitMulti(t *testing.T) {
	sv := builtinSurvey(t)
	opt := export.Options{Labels: "en", SplitMulti: true, Vocab: vocab()}
	cols := export.Columns(sv, opt)
	i := slices.Index(cols, "q5_courses")
	wantSplit := []string{"q5_courses/basic_skills", "q5_courses/office_software", "q5_courses/internet_email",
		"q5_courses/programming", "q5_courses/digital_literacy_seniors", "q5_courses/other"}
	if i < 0 || !slices.Equal(cols[i+1:i+7], wantSplit) || cols[i+7] != "q6_public_safety" {
		t.Fatalf("split columns: %q", cols)
	}
	var buf bytes.Buffer
	if _, err := export.CSV(&buf, sv, storeEach(t, fixture()), opt); err != nil {
		t.Fatal(err)
	}
	_, recs := readCSV(t, buf.Bytes())
	got := byRespondent(recs)
	ar, en := got["telegram:100"], got["telegram:200"]
	if ar["q1_new_tech"] != "Yes" || ar["q9_online_medical"] != "No" || ar["q5_courses"] != "Basic computer skills;Programming" {
		t.Errorf("labels: %q %q %q", ar["q1_new_tech"], ar["q9_online_medical"], ar["q5_courses"])
	}
	if ar["q5_courses/basic_skills"] != "1" || ar["q5_courses/office_software"] != "0" || ar["q5_courses/programming"] != "1" {
		t.Errorf("split values: %v", ar)
	}
	if en["q5_courses/basic_skills"] != "" { // not asked: empty, not 0
		t.Errorf("not asked split = %q", en["q5_courses/basic_skills"])
	}
	if ar["municipality"] != "غازي عنتاب" {
		t.Errorf("text changed by labels: %q", ar["municipality"])
	}
}

func TestLabelsArabicJSON(t *testing.T) {
	var buf bytes.Buffer
	opt := export.Options{Labels: "ar", Vocab: vocab()}
	if _, err := export.JSON(&buf, builtinSurvey(t), storeEach(t, fixture()[:1]), opt); err != nil {
		t.Fatal(err)
	}
	var recs []struct{ Answers map[string]any }
	if err := json.Unmarshal(buf.Bytes(), &recs); err != nil {
		t.Fatal(err)
	}
	a := recs[0].Answers
	if a["q1_new_tech"] != vocab().Yes["ar"] || !slices.Equal(toStrings(a["q5_courses"]), []string{"مهارات الحاسوب الأساسية", "البرمجة"}) {
		t.Fatalf("answers %v", a)
	}
}

func TestFilters(t *testing.T) {
	sv := builtinSurvey(t)
	each := storeEach(t, fixture())
	cases := []struct {
		opt  export.Options
		want []string
	}{
		{export.Options{}, []string{"console:ali", "telegram:100", "telegram:200"}},
		{export.Options{Status: "all"}, []string{"console:ali", "telegram:100", "telegram:200"}},
		{export.Options{Status: "complete"}, []string{"console:ali", "telegram:100"}},
		{export.Options{Status: "partial"}, []string{"telegram:200"}},
		{export.Options{Since: t0.Add(time.Hour)}, []string{"console:ali", "telegram:200"}},
		{export.Options{Until: t0.Add(2 * time.Hour)}, []string{"telegram:100"}}, // exclusive
		{export.Options{Since: t0.Add(time.Hour), Until: t0.Add(3 * time.Hour), Status: "partial"}, []string{"telegram:200"}},
	}
	for _, c := range cases {
		var buf bytes.Buffer
		n, err := export.CSV(&buf, sv, each, c.opt)
		if err != nil {
			t.Fatal(err)
		}
		_, recs := readCSV(t, buf.Bytes())
		var got []string
		for _, r := range recs {
			got = append(got, r["respondent"])
		}
		if !slices.Equal(got, c.want) || n != len(c.want) {
			t.Errorf("%+v: got %q (n=%d), want %q", c.opt, got, n, c.want)
		}
	}
}

func TestBadOptions(t *testing.T) {
	sv := builtinSurvey(t)
	for _, opt := range []export.Options{
		{Status: "done"},
		{Labels: "de"},
		{Since: t0, Until: t0},
	} {
		if _, err := export.CSV(&bytes.Buffer{}, sv, storeEach(t, nil), opt); !errors.Is(err, export.ErrOptions) {
			t.Errorf("%+v: err = %v, want ErrOptions", opt, err)
		}
	}
	if _, err := export.Write(&bytes.Buffer{}, "pdf", sv, storeEach(t, nil), export.Options{}); !errors.Is(err, export.ErrOptions) {
		t.Errorf("format pdf: %v", err)
	}
}

// An "other" choice keeps what was typed, in a column of its own.
func TestOtherText(t *testing.T) {
	sv, err := conversation.Load([]byte(`id: s
version: 1
languages: [en]
default_language: en
title: {en: T}
questions:
  - id: fruit
    type: choice
    text: {en: "Fruit?"}
    choices:
      - {id: apple, label: {en: Apple}}
      - {id: other, label: {en: Other}, other: true}
  - id: age
    type: number
    text: {en: "Age?"}
`))
	if err != nil {
		t.Fatal(err)
	}
	st := conversation.State{Respondent: "console:x", Channel: "console", SurveyID: "s", StartedAt: t0, UpdatedAt: t0,
		Answers: answers{"fruit": {Value: "other", Other: "=quince"}, "age": val("-42.5")}}
	each := func(fn func(conversation.State) error) error { return fn(st) }
	if cols := export.Columns(sv, export.Options{}); !slices.Equal(cols[8:], []string{"fruit", "fruit.other", "age"}) {
		t.Fatalf("columns %q", cols)
	}
	var buf bytes.Buffer
	if _, err := export.CSV(&buf, sv, each, export.Options{}); err != nil {
		t.Fatal(err)
	}
	_, recs := readCSV(t, buf.Bytes())
	if recs[0]["fruit"] != "other" || recs[0]["fruit.other"] != "'=quince" || recs[0]["age"] != "'-42.5" {
		t.Fatalf("row %v", recs[0])
	}
	buf.Reset()
	if _, err := export.JSON(&buf, sv, each, export.Options{}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), `"answers":{"fruit":"other","fruit.other":"=quince","age":-42.5}`) {
		t.Fatalf("json %s", buf.String())
	}
}

// A response produced by the engine itself, stored through Apply, exports
// as the contract says.
func TestEngineResponse(t *testing.T) {
	sv := builtinSurvey(t)
	eng := &conversation.Engine{Survey: sv, Vocab: vocab()}
	st := conversation.State{Respondent: "console:eng", Channel: "console"}
	now := t0
	step := func(ev conversation.Event) {
		now = now.Add(time.Minute)
		st, _ = eng.Step(st, ev, now)
	}
	step(conversation.Event{Kind: conversation.EventCommand, Command: "start", Arg: "deep-1"})
	inputs := []string{"English", "Izmir", "Türkiye", "Ayşe", "/skip", "/skip",
		"yes", "no", "no", "no", "yes", "4, 1", // q5_courses typed out of order
		"no", "no", "no", "no", "no", "no", "=1+1", "no", "no", "no", "/skip", "Submit"}
	for _, in := range inputs {
		if strings.HasPrefix(in, "/") {
			step(conversation.Event{Kind: conversation.EventCommand, Command: in[1:]})
		} else {
			step(conversation.Event{Kind: conversation.EventText, Text: in})
		}
	}
	if st.Status() != conversation.StatusComplete {
		t.Fatalf("engine state not complete: phase %s current %s answers %v", st.Phase, st.Current, st.Answers)
	}
	var buf bytes.Buffer
	if _, err := export.CSV(&buf, sv, storeEach(t, []conversation.State{st}), export.Options{}); err != nil {
		t.Fatal(err)
	}
	_, recs := readCSV(t, buf.Bytes())
	r := recs[0]
	if r["q5_courses"] != "basic_skills;programming" || r["q12_evoting_opinion"] != "'=1+1" || r["source"] != "deep-1" ||
		r["position"] != "" || r["language"] != "en" || r["status"] != "complete" {
		t.Fatalf("row %v", r)
	}
}
