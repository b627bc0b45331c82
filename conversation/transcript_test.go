package conversation_test

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/uclg-mewa/surveybot/conversation"
	"github.com/uclg-mewa/surveybot/conversation/builtin"
	"github.com/uclg-mewa/surveybot/messages"
)

var update = flag.Bool("update", false, "rewrite the transcript fixtures with the engine's current output")

// A transcript fixture is a conversation: lines starting with "> " are what
// the respondent sends; every other line is what the engine answered,
// written by -update and reviewed in the diff. Input forms:
//
//	> some text          typed text
//	> /cmd arg           a command
//	> [Label]            a tap on the button labelled so in the last prompt
//	> {raw data}         a tap with this exact callback data (forged/stale)
//	> !sticker           unsupported content
//	> @hint en           (directive) the channel's language hint for what follows
//
// The file ends with the final answers and status.
func TestTranscripts(t *testing.T) {
	files, err := filepath.Glob("testdata/transcripts/*.txt")
	if err != nil || len(files) == 0 {
		t.Fatalf("no transcripts: %v", err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			raw, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			got := runTranscript(t, string(raw))
			if *update {
				if err := os.WriteFile(f, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if got != string(raw) {
				t.Errorf("transcript differs (run go test ./conversation -run TestTranscripts -update and review the diff):\n%s", diff(string(raw), got))
			}
		})
	}
}

func newEngine(t testing.TB) *conversation.Engine {
	t.Helper()
	sv, err := builtin.Survey()
	if err != nil {
		t.Fatal(err)
	}
	return &conversation.Engine{Survey: sv, Vocab: messages.Vocabulary()}
}

func runTranscript(t *testing.T, src string) string {
	e := newEngine(t)
	st := conversation.State{Respondent: "test:1", Channel: "test"}
	now := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
	var out strings.Builder
	var last []conversation.Option
	hint := ""
	for _, line := range strings.Split(src, "\n") {
		in, ok := strings.CutPrefix(line, "> ")
		if !ok {
			if strings.HasPrefix(line, "#") {
				out.WriteString(line + "\n")
			}
			continue
		}
		out.WriteString(line + "\n")
		if h, ok := strings.CutPrefix(in, "@hint "); ok {
			hint = h
			continue
		}
		ev := parseInput(t, in, last)
		ev.LanguageHint = hint
		now = now.Add(time.Minute)
		var outs []conversation.Output
		st, outs = e.Step(st, ev, now)
		for _, o := range outs {
			out.WriteString(render(o))
			if len(o.Options) > 0 {
				last = o.Options
			}
		}
	}
	out.WriteString(finalAnswers(e.Survey, st))
	return out.String()
}

func parseInput(t *testing.T, in string, last []conversation.Option) conversation.Event {
	switch {
	case strings.HasPrefix(in, "/"):
		cmd, arg, _ := strings.Cut(in[1:], " ")
		return conversation.Event{Kind: conversation.EventCommand, Command: cmd, Arg: arg}
	case strings.HasPrefix(in, "[") && strings.HasSuffix(in, "]"):
		label := in[1 : len(in)-1]
		for _, o := range last {
			if o.Label == label {
				return conversation.Event{Kind: conversation.EventButton, Data: o.Data}
			}
		}
		t.Fatalf("no button %q in the last prompt", label)
	case strings.HasPrefix(in, "{") && strings.HasSuffix(in, "}"):
		return conversation.Event{Kind: conversation.EventButton, Data: in[1 : len(in)-1]}
	case strings.HasPrefix(in, "!"):
		return conversation.Event{Kind: conversation.EventUnsupported, What: in[1:]}
	}
	return conversation.Event{Kind: conversation.EventText, Text: strings.ReplaceAll(in, `\n`, "\n")}
}

// render writes an output in a compact, language-neutral form.
func render(o conversation.Output) string {
	var b strings.Builder
	switch o.Kind {
	case conversation.OutWelcome:
		fmt.Fprintf(&b, "  WELCOME %s | %s\n", o.Title, o.Intro)
	case conversation.OutResume:
		fmt.Fprintf(&b, "  RESUME %d/%d\n", o.Answered, o.Total)
	case conversation.OutLanguagePrompt:
		fmt.Fprintf(&b, "  LANGUAGE #%d%s\n", o.Seq, options(o.Options))
	case conversation.OutQuestion:
		verb := "ASK"
		if o.Refresh {
			verb = "REDRAW"
		}
		fmt.Fprintf(&b, "  %s #%d %d/%d %s (%s): %s%s", verb, o.Seq, o.Number, o.Total, o.Question.ID, o.Language, o.Question.Text[o.Language], options(o.Options))
		if o.Previous != "" {
			fmt.Fprintf(&b, " (current: %s)", o.Previous)
		}
		b.WriteString("\n")
	case conversation.OutOtherPrompt:
		fmt.Fprintf(&b, "  OTHER #%d %s\n", o.Seq, o.Question.ID)
	case conversation.OutNote:
		fmt.Fprintf(&b, "  NOTE %s\n", o.Question.ID)
	case conversation.OutAck:
		if o.Question == nil {
			fmt.Fprintf(&b, "  ACK #%d = %s\n", o.Seq, o.Display)
		} else if o.Skipped {
			fmt.Fprintf(&b, "  ACK #%d %s skipped\n", o.Seq, o.Question.ID)
		} else {
			fmt.Fprintf(&b, "  ACK #%d %s = %s\n", o.Seq, o.Question.ID, o.Display)
		}
	case conversation.OutNotice:
		fmt.Fprintf(&b, "  NOTICE %s%s (%s)\n", o.Notice, args(o.Args), o.Language)
	case conversation.OutReview:
		fmt.Fprintf(&b, "  REVIEW #%d\n", o.Seq)
		for _, it := range o.Items {
			fmt.Fprintf(&b, "    %d. %s = %s\n", it.Number, it.QuestionID, it.Display)
		}
		fmt.Fprintf(&b, "   %s\n", options(o.Options[len(o.Options)-1:]))
	case conversation.OutRestartConfirm:
		fmt.Fprintf(&b, "  CONFIRM-RESTART #%d%s\n", o.Seq, options(o.Options))
	case conversation.OutThanks:
		b.WriteString("  THANKS\n")
	case conversation.OutStatus:
		fmt.Fprintf(&b, "  STATUS %d/%d %s (%d answers listed)\n", o.Answered, o.Total, o.Status, len(o.Items))
	case conversation.OutHelp:
		b.WriteString("  HELP\n")
	default:
		fmt.Fprintf(&b, "  ?%d\n", o.Kind)
	}
	return b.String()
}

func options(opts []conversation.Option) string {
	if len(opts) == 0 {
		return ""
	}
	parts := make([]string, len(opts))
	for i, o := range opts {
		mark := ""
		if o.Selected {
			mark = "☑"
		}
		parts[i] = mark + o.Label + "=" + o.Data
	}
	return " [" + strings.Join(parts, " | ") + "]"
}

func args(m map[string]string) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, " %s=%s", k, m[k])
	}
	return b.String()
}

func finalAnswers(sv *conversation.Survey, st conversation.State) string {
	var b strings.Builder
	fmt.Fprintf(&b, "= status %s, language %s, phase %s, source %q\n", st.Status(), st.Language, st.Phase, st.Source)
	for _, q := range sv.Questions {
		a, ok := st.Answers[q.ID]
		switch {
		case !ok:
		case a.Skipped:
			fmt.Fprintf(&b, "= %s (skipped)\n", q.ID)
		case len(a.Choices) > 0:
			fmt.Fprintf(&b, "= %s %s\n", q.ID, strings.Join(a.Choices, ";"))
		default:
			fmt.Fprintf(&b, "= %s %q\n", q.ID, a.Value)
		}
	}
	return b.String()
}

// diff shows the first differing lines.
func diff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var a, b string
		if i < len(w) {
			a = w[i]
		}
		if i < len(g) {
			b = g[i]
		}
		if a != b {
			return fmt.Sprintf("line %d:\n want: %s\n  got: %s", i+1, a, b)
		}
	}
	return ""
}
