package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/uclg-mewa/surveybot/bot"
	"github.com/uclg-mewa/surveybot/bot/console"
	"github.com/uclg-mewa/surveybot/conversation"
)

func cmdChat(ctx context.Context, env *cliEnv, args []string) error {
	fs, c := env.flags("chat")
	as := fs.String("as", osUser(), "respondent name (respondent id console:NAME)")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if strings.TrimSpace(*as) == "" {
		return &exitError{code: 2, msg: "--as needs a name: the respondent is console:NAME"}
	}
	sv, err := loadSurvey(c.survey)
	if err != nil {
		return err
	}
	st, err := openStore(c.db, false)
	if err != nil {
		return err
	}
	defer st.Close()
	d := bot.NewDispatcher(newEngine(sv), st, nil)
	if err := console.Run(ctx, d, *as, env.stdin, env.stdout); err != nil {
		return err
	}
	fmt.Fprintln(env.stdout)
	return nil
}

func cmdValidate(_ context.Context, env *cliEnv, args []string) error {
	fs, c := env.flags("validate")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	path := c.survey
	if len(pos) > 0 {
		path = pos[0]
	}
	sv, err := loadSurvey(path)
	if err != nil {
		if ee, ok := err.(*exitError); ok {
			fmt.Fprintln(env.stdout, trimHeader(ee.msg))
			return &exitError{code: 1}
		}
		return err
	}
	name := path
	if name == "" {
		name = "built-in survey"
	}
	n := 0
	for _, q := range sv.Questions {
		if q.Answerable() {
			n++
		}
	}
	fmt.Fprintf(env.stdout, "%s: ok — survey %q version %d, %d questions, languages %v (default %s)\n",
		name, sv.ID, sv.Version, n, sv.Languages, sv.DefaultLanguage)
	_ = conversation.TypeNote
	return nil
}

// trimHeader drops the "survey file X has problems:" line, leaving the
// FILE:LINE:COL lines.
func trimHeader(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] == '\n' {
			return s[i+1:]
		}
	}
	return s
}
