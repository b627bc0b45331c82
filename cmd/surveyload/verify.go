package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"reflect"
	"slices"
	"strconv"
	"time"

	"github.com/uclg-mewa/surveybot/conversation"
	"github.com/uclg-mewa/surveybot/storage"
)

// exported is one element of `surveybot export --format json`.
type exported struct {
	Respondent string                     `json:"respondent"`
	Channel    string                     `json:"channel"`
	Language   string                     `json:"language"`
	Status     string                     `json:"status"`
	Answers    map[string]json.RawMessage `json:"answers"`
}

// exportJSON runs the bot's own export command on the stopped bot's
// database.
func exportJSON(ctx context.Context, base []string, db string) ([]exported, error) {
	argv := append(slices.Clone(base), "export", "--format", "json", "--db", db)
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("export: %v: %s", err, errb.String())
	}
	var rows []exported
	if err := json.Unmarshal(out.Bytes(), &rows); err != nil {
		return nil, fmt.Errorf("export: not a JSON array of responses: %v", err)
	}
	return rows, nil
}

// wantJSON is the export's answers object for the expected answers.
func wantJSON(sv *conversation.Survey, answers map[string]conversation.Answer) map[string]any {
	out := map[string]any{}
	for id, a := range answers {
		q := sv.Question(id)
		if q.Type == conversation.TypeMulti {
			ids := make([]any, len(a.Choices))
			for i, c := range a.Choices {
				ids[i] = c
			}
			out[id] = ids
			if a.Other != "" {
				out[id+".other"] = a.Other
			}
			continue
		}
		out[id] = a.Value
	}
	return out
}

// checkExport compares the export with what every respondent meant to
// answer; it returns how many respondents are complete and correct, and
// a description of the first problems.
func checkExport(si *surveyInfo, rows []exported, rs []*respondent) (int, []string) {
	byID := map[string]*exported{}
	for i := range rows {
		byID[rows[i].Respondent] = &rows[i]
	}
	ok := 0
	var problems []string
	for _, r := range rs {
		id := "telegram:" + strconv.FormatInt(r.u.id, 10)
		row := byID[id]
		var why string
		switch {
		case row == nil:
			why = "missing from the export"
		case row.Status != conversation.StatusComplete:
			why = "status " + row.Status
		case row.Language != r.lang:
			why = fmt.Sprintf("language %q, want %q", row.Language, r.lang)
		case row.Channel != "telegram":
			why = "channel " + row.Channel
		default:
			got := map[string]any{}
			for k, raw := range row.Answers {
				var v any
				_ = json.Unmarshal(raw, &v)
				got[k] = v
			}
			want := wantJSON(si.sv, si.expectedAnswers(r.plan))
			if !reflect.DeepEqual(got, want) {
				why = fmt.Sprintf("answers differ: %s", diff(want, got))
			}
		}
		if why == "" {
			ok++
		} else if len(problems) < 20 {
			problems = append(problems, id+": "+why)
		}
	}
	return ok, problems
}

func diff(want, got map[string]any) string {
	var b bytes.Buffer
	for k, w := range want {
		if g, ok := got[k]; !ok {
			fmt.Fprintf(&b, "%s missing (want %v); ", k, w)
		} else if !reflect.DeepEqual(g, w) {
			fmt.Fprintf(&b, "%s = %v, want %v; ", k, g, w)
		}
	}
	for k, g := range got {
		if _, ok := want[k]; !ok {
			fmt.Fprintf(&b, "%s = %v unexpected; ", k, g)
		}
	}
	return b.String()
}

// checkDB opens the database as the bot does and runs bbolt's check.
func checkDB(path string) error {
	st, err := storage.Open(path, storage.Options{LockTimeout: 3 * time.Second})
	if err != nil {
		return err
	}
	defer st.Close()
	return st.Check()
}

// prefill stores n complete responses (ids from 1,000,000,000 on), as if
// earlier respondents had answered, without fsync.
func prefill(path string, si *surveyInfo, seed uint64, n int) error {
	st, err := storage.Open(path, storage.Options{NoSync: true})
	if err != nil {
		return err
	}
	defer st.Close()
	t0 := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	for i := range n {
		id := int64(1_000_000_000 + i)
		r := newRespondent(&shared{si: si}, seed^0xfeed, id)
		answers := map[string]conversation.Answer{}
		for _, q := range si.sv.Questions {
			if q.Answerable() && q.When.Eval(answers) {
				answers[q.ID] = r.plan[q.ID].answer(q)
			}
		}
		at := t0.Add(time.Duration(i) * time.Second)
		s := conversation.State{
			Respondent: "telegram:" + strconv.FormatInt(id, 10), Channel: "telegram",
			SurveyID: si.sv.ID, SurveyVersion: si.sv.Version, Language: r.lang,
			Phase: conversation.PhaseComplete, Answers: answers, Seq: 40,
			StartedAt: at, UpdatedAt: at.Add(4 * time.Minute), CompletedAt: at.Add(4 * time.Minute),
			LastUpdate: "telegram:" + strconv.Itoa(i),
		}
		if err := st.Put(s); err != nil {
			return err
		}
	}
	return nil
}
