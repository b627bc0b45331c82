package export_test

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/uclg-mewa/surveybot/conversation"
	"github.com/uclg-mewa/surveybot/conversation/builtin"
	"github.com/uclg-mewa/surveybot/messages"
	"github.com/uclg-mewa/surveybot/storage"
	"github.com/uclg-mewa/surveybot/storage/export"
)

var t0 = time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)

func builtinSurvey(t testing.TB) *conversation.Survey {
	t.Helper()
	sv, err := builtin.Survey()
	if err != nil {
		t.Fatal(err)
	}
	return sv
}

type answers = map[string]conversation.Answer

func val(s string) conversation.Answer        { return conversation.Answer{Value: s} }
func multi(ids ...string) conversation.Answer { return conversation.Answer{Choices: ids} }

var skipped = conversation.Answer{Skipped: true}

// response builds a stored state by hand, as the engine would leave it.
func response(respondent, lang string, a answers, updated time.Duration, complete bool) conversation.State {
	st := conversation.State{
		Respondent:    respondent,
		Channel:       respondent[:strings.IndexByte(respondent, ':')],
		SurveyID:      "smart-cities",
		SurveyVersion: 1,
		Language:      lang,
		Phase:         conversation.PhaseQuestion,
		Answers:       a,
		StartedAt:     t0,
		UpdatedAt:     t0.Add(updated),
	}
	if complete {
		st.Phase, st.CompletedAt = conversation.PhaseComplete, st.UpdatedAt
	}
	return st
}

// fixture is three responses covering the cases the contract names.
func fixture() []conversation.State {
	ar := response("telegram:100", "ar", answers{
		"municipality":           val("غازي عنتاب"),
		"country":                val("تركيا"),
		"respondent_name":        val(`=HYPERLINK("x")`),
		"position":               val("+1"),
		"email":                  val("a@example.org"),
		"q1_new_tech":            val("yes"),
		"q5_computer_courses":    val("yes"),
		"q5_courses":             multi("programming", "basic_skills"), // not in survey order
		"q6_public_safety":       val("yes"),
		"q6_public_safety_kind":  val("-2"),
		"q7_transport":           val("yes"),
		"q7_transport_kind":      val("@a"),
		"q9_online_medical":      val("no"),
		"q9_online_medical_kind": val("left over"), // its condition is false
		"q12_evoting_opinion":    val("\tx"),
		"comments":               val("سطر\nسطر آخر"),
	}, 30*time.Minute, true)
	ar.Source = "city-42"
	en := response("telegram:200", "en", answers{
		"municipality":        val("Konya"),
		"position":            skipped,
		"q1_new_tech":         val("no"),
		"q5_computer_courses": val("no"),
	}, 2*time.Hour, false)
	fr := response("console:ali", "fr", answers{
		"municipality":        val("Tunis"),
		"q5_computer_courses": val("yes"),
		"q5_courses":          multi("other"),
	}, 26*time.Hour, true)
	fr.StartedAt = t0.Add(25 * time.Hour) // completed in one hour
	return []conversation.State{ar, en, fr}
}

// storeEach writes the states into a real bbolt file and returns Each
// over it, as the CLI binds Store.Each.
func storeEach(t testing.TB, states []conversation.State) export.Each {
	t.Helper()
	st, err := storage.Open(filepath.Join(t.TempDir(), "test.db"), storage.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	for _, s := range states {
		if err := st.Put(s); err != nil {
			t.Fatal(err)
		}
	}
	return func(fn func(conversation.State) error) error { return st.Each("smart-cities", fn) }
}

func vocab() conversation.Vocabulary { return messages.Vocabulary() }
