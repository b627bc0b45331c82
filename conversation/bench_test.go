package conversation_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/uclg-mewa/surveybot/conversation"
	"github.com/uclg-mewa/surveybot/conversation/builtin"
	"github.com/uclg-mewa/surveybot/messages"
)

// midSurvey returns an engine and a state at q5_courses (a several-choices
// question, the ninth answered so far), reached through the engine itself.
func midSurvey(b *testing.B) (*conversation.Engine, conversation.State) {
	b.Helper()
	sv, err := builtin.Survey()
	if err != nil {
		b.Fatal(err)
	}
	e := &conversation.Engine{Survey: sv, Vocab: messages.Vocabulary()}
	now := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
	st := conversation.State{Respondent: "telegram:1", Channel: "telegram"}
	for _, ev := range []conversation.Event{
		{Kind: conversation.EventCommand, Command: "start"},
		{Kind: conversation.EventText, Text: "2"}, // English
		{Kind: conversation.EventText, Text: "Konya Metropolitan Municipality"},
		{Kind: conversation.EventText, Text: "Türkiye"},
		{Kind: conversation.EventText, Text: "Ayşe Yılmaz"},
		{Kind: conversation.EventCommand, Command: "skip"},
		{Kind: conversation.EventText, Text: "ayse@konya.bel.tr"},
		{Kind: conversation.EventText, Text: "yes"},
		{Kind: conversation.EventText, Text: "1"},
		{Kind: conversation.EventText, Text: "no"},
		{Kind: conversation.EventText, Text: "2"},
		{Kind: conversation.EventText, Text: "yes"},
	} {
		st, _ = e.Step(st, ev, now)
	}
	if st.Current != "q5_courses" {
		b.Fatalf("setup reached %q, want q5_courses", st.Current)
	}
	return e, st
}

// BenchmarkStep is one engine step, the pure part of handling a message
// (no storage, no rendering): a typed answer to a several-choices question
// that moves on to the next question, a toggle tap that redraws it, and a
// typed answer refused (too long).
func BenchmarkStep(b *testing.B) {
	e, st := midSurvey(b)
	now := time.Date(2026, 12, 3, 9, 5, 0, 0, time.UTC)
	seq := strconv.Itoa(st.Seq)
	for _, c := range []struct {
		name string
		ev   conversation.Event
	}{
		{"typed-answer", conversation.Event{Kind: conversation.EventText, Text: "1,3"}},
		{"toggle-tap", conversation.Event{Kind: conversation.EventButton, Data: seq + ":t:2"}},
		{"refused", conversation.Event{Kind: conversation.EventText, Text: strings.Repeat("x", 1200)}},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, outs := e.Step(st, c.ev, now); len(outs) == 0 {
					b.Fatal("no output")
				}
			}
		})
	}
}
