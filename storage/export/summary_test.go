package export_test

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/uclg-mewa/surveybot/storage/export"
)

func TestSummarize(t *testing.T) {
	sv := builtinSurvey(t)
	now := t0.Add(48 * time.Hour)
	s, err := export.Summarize(sv, storeEach(t, fixture()), now)
	if err != nil {
		t.Fatal(err)
	}
	// Complete: telegram:100 in 30 min, console:ali in 1 h; the median of
	// two is their mean. telegram:200 is partial, idle for 46 h.
	if s.Started != 3 || s.Complete != 2 || s.Partial != 1 || s.IdlePartial != 1 ||
		s.MedianCompletion != 45*time.Minute || s.CompletionRate != 2.0/3 || !s.AsOf.Equal(now) ||
		!s.LastActivity.Equal(t0.Add(26*time.Hour)) {
		t.Fatalf("summary %+v", s)
	}
	if len(s.Questions) != 26 {
		t.Fatalf("%d questions", len(s.Questions))
	}
	q := map[string]export.QuestionSummary{}
	for _, x := range s.Questions {
		q[x.ID] = x
	}
	counts := func(id string) []int {
		var out []int
		for _, c := range q[id].Choices {
			out = append(out, c.Count)
		}
		return out
	}
	if x := q["q5_computer_courses"]; x.Answered != 3 || !slices.Equal(counts(x.ID), []int{2, 1}) {
		t.Errorf("q5_computer_courses %+v", x)
	}
	// Survey order: basic_skills, office_software, internet_email,
	// programming, digital_literacy_seniors, other.
	if x := q["q5_courses"]; x.Answered != 2 || !slices.Equal(counts(x.ID), []int{1, 0, 0, 1, 0, 1}) || x.Choices[5].ID != "other" {
		t.Errorf("q5_courses %+v", x)
	}
	if x := q["municipality"]; x.Answered != 3 || x.Choices != nil {
		t.Errorf("municipality %+v", x)
	}
	if x := q["position"]; x.Answered != 1 || x.Skipped != 1 {
		t.Errorf("position %+v", x)
	}
	if x := q["q9_online_medical_kind"]; x.Answered != 0 { // stored, but its condition is false
		t.Errorf("q9_online_medical_kind %+v", x)
	}
	var buf bytes.Buffer
	if err := export.WriteTable(&buf, sv, s); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"complete                       2   66.7%\n",
		"median time to complete    45m0s\n",
		"q5_computer_courses         yes_no         3        0\n",
		"  yes                                      2            66.7%\n",
	} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, buf.String())
		}
	}
}

func TestSummarizeEmpty(t *testing.T) {
	s, err := export.Summarize(builtinSurvey(t), storeEach(t, nil), t0)
	if err != nil || s.Started != 0 || s.CompletionRate != 0 || s.MedianCompletion != 0 {
		t.Fatalf("%+v %v", s, err)
	}
	var buf bytes.Buffer
	if err := export.WriteTable(&buf, builtinSurvey(t), s); err != nil || !strings.Contains(buf.String(), "median time to complete        -") {
		t.Fatalf("%v\n%s", err, buf.String())
	}
}
