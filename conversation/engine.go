package conversation

import (
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Engine runs one survey. Step is a pure function of its inputs.
type Engine struct {
	Survey *Survey
	Vocab  Vocabulary
}

// step holds one Step's working copy and what it says.
type step struct {
	e    *Engine
	s    *State
	now  time.Time
	outs []Output
}

// Step applies one inbound event to a respondent's state and returns the
// new state and what to say. The input state is not changed. The caller
// sets Respondent and Channel on a new state; everything else is the
// engine's.
func (e *Engine) Step(in State, ev Event, now time.Time) (State, []Output) {
	s := in.Clone()
	r := &step{e: e, s: &s, now: now}
	switch {
	case s.Phase == PhaseNew:
		r.begin(ev)
	case r.reconcile():
		// The survey changed under this respondent: the event was meant
		// for a question that is gone, so show where they are instead.
		r.prompt()
	default:
		switch ev.Kind {
		case EventCommand:
			r.command(ev)
		case EventButton:
			r.button(ev.Data)
		case EventText:
			r.text(ev.Text)
		default:
			r.unsupported()
		}
	}
	s.UpdatedAt = now
	return s, r.outs
}

func (r *step) say(o Output) {
	if o.Language == "" {
		o.Language = r.lang()
	}
	r.outs = append(r.outs, o)
}

func (r *step) notice(key string, args ...string) {
	m := map[string]string{}
	for i := 0; i+1 < len(args); i += 2 {
		m[args[i]] = args[i+1]
	}
	r.say(Output{Kind: OutNotice, Notice: key, Args: m})
}

// lang is the language to speak: the respondent's; before they choose,
// the one their channel reports (when the survey has it), else the
// survey's default.
func (r *step) lang() string {
	if r.s.Language != "" {
		return r.s.Language
	}
	if h := r.hintLanguage(); h != "" {
		return h
	}
	return r.e.Survey.DefaultLanguage
}

// hintLanguage is the channel's language report ("en-GB" → "en") when it
// is one of the survey's languages, else "".
func (r *step) hintLanguage() string {
	hint := strings.ToLower(r.s.Hint)
	if i := strings.IndexAny(hint, "-_"); i > 0 {
		hint = hint[:i]
	}
	if r.e.Survey.HasLanguage(hint) {
		return hint
	}
	return ""
}

// begin greets a new respondent: whatever they sent, the first thing is
// the choice of language.
func (r *step) begin(ev Event) {
	sv := r.e.Survey
	r.s.SurveyID, r.s.SurveyVersion = sv.ID, sv.Version
	r.s.StartedAt = r.now
	r.s.Answers = map[string]Answer{}
	r.s.Hint = ev.LanguageHint
	if ev.Kind == EventCommand && ev.Command == CmdStart {
		r.s.Source = CleanSource(ev.Arg)
	}
	r.s.Phase = PhaseLanguage
	r.prompt()
}

// reconcile repairs a state saved under another version of the survey
// (a question renamed, removed, or no longer asked) and reports whether it
// had to. Answers to questions that still exist are kept.
func (r *step) reconcile() bool {
	sv := r.e.Survey
	valid := func(id string) bool {
		q := sv.Question(id)
		return q != nil && q.Answerable() && q.When.Eval(r.s.Answers)
	}
	broken := false
	switch r.s.Phase {
	case PhaseQuestion, PhaseOther:
		broken = !valid(r.s.Current)
	}
	if r.s.Resume == PhaseQuestion || r.s.Resume == PhaseOther {
		if !valid(r.s.ResumeCurrent) {
			r.s.Resume, r.s.ResumeCurrent = PhaseReview, ""
		}
	}
	if !broken {
		return false
	}
	r.s.SurveyVersion = sv.Version
	r.s.Pending = nil
	r.dropInapplicable()
	if id, ok := r.nextOpen(); ok {
		r.s.Phase, r.s.Current = PhaseQuestion, id
	} else {
		r.s.Phase, r.s.Current = PhaseReview, ""
	}
	return true
}

// CleanSource keeps a deep-link payload within Telegram's own limits
// (64 characters of A-Z, a-z, 0-9, _ and -), dropping anything else.
func CleanSource(s string) string {
	s = strings.Map(func(r rune) rune {
		if r == '_' || r == '-' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' {
			return r
		}
		return -1
	}, s)
	if len(s) > 64 {
		s = s[:64]
	}
	return s
}

// ---- prompting ----

// promptKey identifies what is being asked; the prompt number (Seq) moves
// on only when it changes, so buttons of a repeated prompt keep working.
func (r *step) promptKey() string { return string(r.s.Phase) + ":" + r.s.Current }

func (r *step) bump() int {
	if k := r.promptKey(); k != r.s.PromptKey {
		r.s.PromptKey = k
		r.s.Seq++
		if r.s.Phase == PhaseQuestion {
			r.s.Pending = append([]string(nil), r.s.Answers[r.s.Current].Choices...)
		}
	}
	return r.s.Seq
}

// prompt says what the respondent is asked now.
func (r *step) prompt() {
	switch r.s.Phase {
	case PhaseLanguage:
		seq := r.bump()
		r.say(Output{Kind: OutLanguagePrompt, Seq: seq, Options: r.languageOptions(seq)})
	case PhaseQuestion:
		r.askCurrent(false)
	case PhaseOther:
		seq := r.bump()
		r.say(Output{Kind: OutOtherPrompt, Seq: seq, Question: r.e.Survey.Question(r.s.Current)})
	case PhaseReview:
		r.review()
	case PhaseRestart:
		seq := r.bump()
		r.say(Output{Kind: OutRestartConfirm, Seq: seq, Options: r.yesNoOptions(seq, "y", "n")})
	case PhaseComplete:
		r.notice(NoticeAlreadyComplete)
	}
}

// askCurrent sends the current question; refresh re-draws the prompt in
// place (a toggled choice).
func (r *step) askCurrent(refresh bool) {
	q := r.e.Survey.Question(r.s.Current)
	seq := r.bump()
	num, total := r.position(q.ID)
	o := Output{Kind: OutQuestion, Seq: seq, Question: q, Number: num, Total: total, Refresh: refresh}
	o.Options = r.questionOptions(q, seq)
	if a, ok := r.s.Answers[q.ID]; ok && a.HasValue() && !refresh {
		o.Previous = r.display(q, a)
	}
	r.say(o)
}

func (r *step) data(seq int, action string) string { return strconv.Itoa(seq) + ":" + action }

func (r *step) languageOptions(seq int) []Option {
	var out []Option
	for _, l := range r.languageOrder() {
		out = append(out, Option{Label: r.e.Vocab.LanguageNames.In(l, "en"), Data: r.data(seq, "l:"+l), Kind: "language"})
	}
	return out
}

// languageOrder lists the survey's languages, the channel's hint first.
func (r *step) languageOrder() []string {
	langs := r.e.Survey.Languages
	hint := r.hintLanguage()
	out := []string{}
	if hint != "" {
		out = append(out, hint)
	}
	for _, l := range langs {
		if l != hint {
			out = append(out, l)
		}
	}
	return out
}

func (r *step) yesNoOptions(seq int, yes, no string) []Option {
	lang := r.lang()
	return []Option{
		{Label: r.e.Vocab.Yes.In(lang, "en"), Data: r.data(seq, yes), Kind: "yes"},
		{Label: r.e.Vocab.No.In(lang, "en"), Data: r.data(seq, no), Kind: "no"},
	}
}

// choices lists a question's options, with yes/no taken from the vocabulary.
func (r *step) choices(q *Question) []labelled {
	if q.Type == TypeYesNo {
		return []labelled{{"yes", r.e.Vocab.Yes}, {"no", r.e.Vocab.No}}
	}
	out := make([]labelled, len(q.Choices))
	for i, c := range q.Choices {
		out[i] = labelled{c.ID, c.Label}
	}
	return out
}

func (r *step) questionOptions(q *Question, seq int) []Option {
	var out []Option
	lang, def := r.lang(), r.e.Survey.DefaultLanguage
	for i, c := range r.choices(q) {
		idx := strconv.Itoa(i + 1)
		switch q.Type {
		case TypeMulti:
			out = append(out, Option{Label: c.label.In(lang, def), Data: r.data(seq, "t:"+idx), Kind: "choice", Selected: contains(r.s.Pending, c.id)})
		case TypeYesNo:
			out = append(out, Option{Label: c.label.In(lang, def), Data: r.data(seq, "c:"+idx), Kind: c.id})
		case TypeChoice:
			out = append(out, Option{Label: c.label.In(lang, def), Data: r.data(seq, "c:"+idx), Kind: "choice"})
		}
	}
	if q.Type == TypeMulti {
		out = append(out, Option{Label: r.e.Vocab.Done.In(lang, "en"), Data: r.data(seq, "d"), Kind: "done"})
	}
	if !q.Required {
		out = append(out, Option{Label: r.e.Vocab.Skip.In(lang, "en"), Data: r.data(seq, "k"), Kind: "skip"})
	}
	return out
}

// ---- where we are ----

// applicable lists the answerable questions that will be asked given the
// answers so far, in survey order.
func (r *step) applicable() []*Question {
	return Applicable(r.e.Survey, r.s.Answers)
}

// Applicable lists the answerable questions whose condition holds for the
// given answers, in survey order.
func Applicable(sv *Survey, answers map[string]Answer) []*Question {
	var out []*Question
	for _, q := range sv.Questions {
		if q.Answerable() && q.When.Eval(answers) {
			out = append(out, q)
		}
	}
	return out
}

// Progress returns how many questions a state has answered (or skipped)
// and how many will be asked given its answers.
func Progress(sv *Survey, st *State) (answered, total int) {
	for _, q := range Applicable(sv, st.Answers) {
		total++
		if _, ok := st.Answers[q.ID]; ok {
			answered++
		}
	}
	return answered, total
}

// position is the question's number among those asked, and their count.
func (r *step) position(id string) (int, int) {
	qs := r.applicable()
	for i, q := range qs {
		if q.ID == id {
			return i + 1, len(qs)
		}
	}
	return len(qs), len(qs)
}

// advance drops answers that no longer apply and moves to the first
// question still unanswered, showing notes on the way, or to the review.
func (r *step) advance() {
	r.dropInapplicable()
	for _, q := range r.e.Survey.Questions {
		if !q.Answerable() && q.When.Eval(r.s.Answers) {
			if _, seen := r.s.Answers[q.ID]; !seen {
				r.say(Output{Kind: OutNote, Question: q})
				r.s.Answers[q.ID] = Answer{Skipped: true}
			}
		}
		if id, ok := r.nextOpen(); ok && id == q.ID {
			r.s.Phase, r.s.Current = PhaseQuestion, q.ID
			r.prompt()
			return
		}
	}
	r.s.Phase, r.s.Current = PhaseReview, ""
	r.prompt()
}

// nextOpen is the first question asked given the answers so far that has
// no answer (nor a skip) yet.
func (r *step) nextOpen() (string, bool) {
	for _, q := range r.applicable() {
		if _, done := r.s.Answers[q.ID]; !done {
			return q.ID, true
		}
	}
	return "", false
}

// dropInapplicable removes answers of questions whose condition became
// false (a changed answer closed a follow-up). Conditions name only earlier
// questions, so one pass in survey order settles every chain.
func (r *step) dropInapplicable() {
	for _, q := range r.e.Survey.Questions {
		if _, ok := r.s.Answers[q.ID]; ok && !q.When.Eval(r.s.Answers) {
			delete(r.s.Answers, q.ID)
		}
	}
}

// ---- commands ----

func (r *step) command(ev Event) {
	switch ev.Command {
	case CmdStart:
		if r.s.Source == "" && !strings.ContainsAny(ev.Arg, " \t") {
			r.s.Source = CleanSource(ev.Arg) // a deep link's payload is one word
		}
		r.resume()
	case CmdBack:
		r.back()
	case CmdSkip:
		r.skip()
	case CmdRestart:
		if r.s.Phase != PhaseRestart {
			r.s.Resume, r.s.ResumeCurrent = r.s.Phase, r.s.Current
		}
		r.s.Phase, r.s.Current = PhaseRestart, ""
		r.prompt()
	case CmdLanguage:
		if r.s.Phase != PhaseLanguage {
			r.s.Resume, r.s.ResumeCurrent = r.s.Phase, r.s.Current
		}
		r.s.Phase, r.s.Current = PhaseLanguage, ""
		r.prompt()
	case CmdStatus:
		answered, total := Progress(r.e.Survey, r.s)
		o := Output{Kind: OutStatus, Answered: answered, Total: total, Status: r.s.Status()}
		if r.s.Phase == PhaseComplete {
			o.Items = r.reviewItems() // "review them with /status"
		}
		r.say(o)
		r.promptAgain()
	case CmdHelp:
		r.say(Output{Kind: OutHelp})
		r.promptAgain()
	default:
		r.notice(NoticeUnknownCommand, "command", ev.Command)
		r.say(Output{Kind: OutHelp})
		r.promptAgain()
	}
}

// promptAgain repeats the pending prompt after an aside (/help, /status),
// so that the respondent is not left without a question, on a text-only
// channel above all. A submitted response has nothing pending.
func (r *step) promptAgain() {
	if r.s.Phase != PhaseComplete {
		r.prompt()
	}
}

// resume greets a returning respondent and repeats the pending prompt.
func (r *step) resume() {
	if r.s.Phase == PhaseQuestion || r.s.Phase == PhaseOther || r.s.Phase == PhaseReview {
		answered, total := Progress(r.e.Survey, r.s)
		r.say(Output{Kind: OutResume, Answered: answered, Total: total})
	}
	r.s.PromptKey = "" // a fresh prompt: the old message may be far up the chat
	r.prompt()
}

func (r *step) back() {
	switch r.s.Phase {
	case PhaseOther:
		r.s.Phase = PhaseQuestion
		r.prompt()
		return
	case PhaseRestart, PhaseLanguage:
		r.cancelDetour()
		return
	case PhaseComplete:
		r.notice(NoticeAlreadyComplete)
		return
	}
	qs := r.applicable()
	target := -1
	for i, q := range qs {
		if r.s.Phase == PhaseQuestion && q.ID == r.s.Current {
			break
		}
		target = i
	}
	if target < 0 {
		r.notice(NoticeFirstQuestion)
		r.prompt()
		return
	}
	r.s.Phase, r.s.Current = PhaseQuestion, qs[target].ID
	r.prompt()
}

// cancelDetour leaves /restart or /language without a change.
func (r *step) cancelDetour() {
	if r.s.Resume == "" || r.s.Resume == PhaseLanguage || r.s.Resume == PhaseRestart {
		r.s.Phase = PhaseLanguage
		if r.s.Language != "" {
			r.s.Phase = PhaseQuestion
			r.advance()
			return
		}
		r.prompt()
		return
	}
	r.s.Phase, r.s.Current = r.s.Resume, r.s.ResumeCurrent
	r.s.Resume, r.s.ResumeCurrent = "", ""
	r.prompt()
}

func (r *step) skip() {
	if r.s.Phase != PhaseQuestion {
		r.prompt()
		return
	}
	q := r.e.Survey.Question(r.s.Current)
	if a, ok := r.s.Answers[q.ID]; ok && a.HasValue() {
		// Back on an answered question: /skip keeps the answer as it is.
		r.say(Output{Kind: OutAck, Seq: r.s.Seq, Question: q, Display: r.display(q, a)})
		r.advance()
		return
	}
	if q.Required {
		r.notice(NoticeRequired)
		r.prompt()
		return
	}
	r.s.Answers[q.ID] = Answer{Skipped: true}
	r.say(Output{Kind: OutAck, Seq: r.s.Seq, Question: q, Skipped: true})
	r.advance()
}

// ---- buttons ----

// button handles a tap. Data is "SEQ:ACTION[:ARG]"; a tap on an older
// prompt, or data that does not parse, changes nothing.
func (r *step) button(data string) {
	seqStr, rest, _ := strings.Cut(data, ":")
	seq, err := strconv.Atoi(seqStr)
	if err != nil || seq != r.s.Seq || len(data) > 64 {
		r.notice(NoticeStale)
		return
	}
	action, arg, _ := strings.Cut(rest, ":")
	ok := false
	switch r.s.Phase {
	case PhaseLanguage:
		ok = action == "l" && r.setLanguage(arg)
	case PhaseQuestion:
		ok = r.questionButton(action, arg)
	case PhaseReview:
		ok = r.reviewButton(action, arg)
	case PhaseRestart:
		ok = r.confirmRestart(action == "y", action == "y" || action == "n")
	}
	if !ok {
		r.notice(NoticeStale)
	}
}

func (r *step) questionButton(action, arg string) bool {
	q := r.e.Survey.Question(r.s.Current)
	opts := r.choices(q)
	switch action {
	case "c":
		i, ok := parseIndex(arg, len(opts))
		if !ok || q.Type == TypeMulti || !q.IsChoice() {
			return false
		}
		r.answerOne(q, opts[i-1].id)
	case "t":
		i, ok := parseIndex(arg, len(opts))
		if !ok || q.Type != TypeMulti {
			return false
		}
		r.toggle(opts[i-1].id)
		r.askCurrent(true)
	case "d":
		if q.Type != TypeMulti {
			return false
		}
		r.finishMulti(q)
	case "k":
		if q.Required {
			return false
		}
		r.skip()
	default:
		return false
	}
	return true
}

func (r *step) toggle(id string) {
	for i, p := range r.s.Pending {
		if p == id {
			r.s.Pending = append(r.s.Pending[:i], r.s.Pending[i+1:]...)
			return
		}
	}
	r.s.Pending = append(r.s.Pending, id)
}

// finishMulti takes the toggled choices as the answer.
func (r *step) finishMulti(q *Question) {
	var ids []string
	for _, c := range q.Choices {
		if contains(r.s.Pending, c.ID) {
			ids = append(ids, c.ID)
		}
	}
	if len(ids) == 0 && !q.Required && q.MinChoices == 0 {
		r.skip()
		return
	}
	r.answerMulti(q, ids)
}

func (r *step) reviewButton(action, arg string) bool {
	switch action {
	case "s":
		r.submit()
	case "e":
		n, err := strconv.Atoi(arg)
		if err != nil || !r.edit(n) {
			return false
		}
	default:
		return false
	}
	return true
}

// ---- typed text ----

func (r *step) text(raw string) {
	t := CleanText(raw)
	switch r.s.Phase {
	case PhaseLanguage:
		r.typedLanguage(t)
	case PhaseQuestion:
		r.typedAnswer(t)
	case PhaseOther:
		r.typedOther(t)
	case PhaseReview:
		r.typedReview(t)
	case PhaseRestart:
		i, ok := matchOne(t, []labelled{{"yes", r.e.Vocab.Yes}, {"no", r.e.Vocab.No}})
		if !ok {
			r.notice(NoticeYesOrNo)
			r.prompt()
			return
		}
		r.confirmRestart(i == 0, true)
	case PhaseComplete:
		r.notice(NoticeAlreadyComplete)
	}
}

func (r *step) typedLanguage(t string) {
	order := r.languageOrder()
	opts := make([]labelled, len(order))
	for i, l := range order {
		opts[i] = labelled{l, Text{"": r.e.Vocab.LanguageNames[l]}}
	}
	if i, ok := matchOne(t, opts); ok && r.setLanguage(order[i]) {
		return
	}
	r.notice(NoticeChooseLanguage, "count", strconv.Itoa(len(order)))
	r.prompt()
}

func (r *step) setLanguage(lang string) bool {
	if !r.e.Survey.HasLanguage(lang) {
		return false
	}
	first := r.s.Language == ""
	r.s.Language = lang
	r.say(Output{Kind: OutAck, Seq: r.s.Seq, Display: r.e.Vocab.LanguageNames.In(lang, "en")})
	if first {
		sv := r.e.Survey
		r.say(Output{Kind: OutWelcome, Title: sv.Title.In(lang, sv.DefaultLanguage), Intro: sv.Intro.In(lang, sv.DefaultLanguage)})
		r.s.Resume, r.s.ResumeCurrent = "", ""
	} else {
		r.notice(NoticeLanguageSet)
	}
	r.cancelDetour() // back where /language was sent, or to the first question
	return true
}

func (r *step) typedAnswer(t string) {
	q := r.e.Survey.Question(r.s.Current)
	if invisible(t) {
		r.refuse(NoticeEmpty)
		return
	}
	if n := utf8.RuneCountInString(t); n > q.Limit() {
		r.refuse(NoticeTooLong, "max", strconv.Itoa(q.Limit()), "got", strconv.Itoa(n))
		return
	}
	switch q.Type {
	case TypeYesNo, TypeChoice:
		opts := r.choices(q)
		i, ok := matchOne(t, opts)
		if !ok {
			r.refuse(NoticeChooseOption, "count", strconv.Itoa(len(opts)))
			return
		}
		r.answerOne(q, opts[i].id)
	case TypeMulti:
		r.typedMulti(q, t)
	case TypeNumber:
		r.typedNumber(q, t)
	case TypeEmail:
		if !validEmail(t) {
			r.refuse(NoticeNotEmail)
			return
		}
		r.answer(q, Answer{Value: t})
	default:
		r.answer(q, Answer{Value: t})
	}
}

func (r *step) typedMulti(q *Question, t string) {
	if f := Fold(t); f != "" && (f == Fold(r.e.Vocab.Done.In(r.lang(), "en")) || matchesAny(f, r.e.Vocab.Done)) {
		r.finishMulti(q)
		return
	}
	opts := r.choices(q)
	idx, ok := matchMany(t, opts)
	if !ok {
		r.refuse(NoticeChooseSeveral, "count", strconv.Itoa(len(opts)))
		return
	}
	ids := make([]string, len(idx))
	for i, x := range idx {
		ids[i] = opts[x].id
	}
	r.answerMulti(q, ids)
}

func matchesAny(folded string, t Text) bool {
	for _, v := range t {
		if Fold(v) == folded {
			return true
		}
	}
	return false
}

func (r *step) typedNumber(q *Question, t string) {
	v, ok := parseNumber(t)
	if !ok {
		r.refuse(NoticeNotNumber)
		return
	}
	if q.Integer && v != math.Trunc(v) {
		r.refuse(NoticeNotInteger)
		return
	}
	if q.Min != nil && v < *q.Min || q.Max != nil && v > *q.Max {
		r.refuse(NoticeOutOfRange, "min", fmtNum(q.Min), "max", fmtNum(q.Max))
		return
	}
	r.answer(q, Answer{Value: strconv.FormatFloat(v, 'f', -1, 64)})
}

func fmtNum(p *float64) string {
	if p == nil {
		return ""
	}
	return strconv.FormatFloat(*p, 'f', -1, 64)
}

func (r *step) typedOther(t string) {
	q := r.e.Survey.Question(r.s.Current)
	switch n := utf8.RuneCountInString(t); {
	case invisible(t):
		r.refuse(NoticeEmpty)
	case n > q.Limit():
		r.refuse(NoticeTooLong, "max", strconv.Itoa(q.Limit()), "got", strconv.Itoa(n))
	default:
		a := r.s.Answers[q.ID]
		a.Other = t
		r.s.Answers[q.ID] = a
		r.say(Output{Kind: OutAck, Seq: r.s.Seq, Question: q, Display: r.display(q, a)})
		r.advance()
	}
}

func (r *step) typedReview(t string) {
	if n, ok := parseIndex(t, len(r.applicable())); ok {
		r.edit(n)
		return
	}
	if f := Fold(t); f != "" && matchesAny(f, r.e.Vocab.Submit) {
		r.submit()
		return
	}
	r.notice(NoticeReviewHint, "count", strconv.Itoa(len(r.applicable())))
}

// refuse explains why the input is not an answer and asks again.
func (r *step) refuse(key string, args ...string) {
	r.notice(key, args...)
	r.prompt()
}

func (r *step) unsupported() {
	if r.s.Phase == PhaseComplete {
		r.notice(NoticeAlreadyComplete)
		return
	}
	r.refuse(NoticeUnsupported)
}

// ---- recording ----

// answer stores a single-valued answer, shows it under the prompt and moves on.
func (r *step) answer(q *Question, a Answer) {
	r.s.Answers[q.ID] = a
	r.say(Output{Kind: OutAck, Seq: r.s.Seq, Question: q, Display: r.display(q, a)})
	r.advance()
}

// answerOne stores a single choice; an "other" choice first asks which.
func (r *step) answerOne(q *Question, id string) {
	if c := q.ChoiceByID(id); c != nil && c.Other {
		r.s.Answers[q.ID] = Answer{Value: id, Other: r.s.Answers[q.ID].Other}
		r.s.Phase = PhaseOther
		r.prompt()
		return
	}
	r.answer(q, Answer{Value: id})
}

func (r *step) answerMulti(q *Question, ids []string) {
	switch {
	case len(ids) < max(q.MinChoices, 1):
		r.refuse(NoticeTooFewChoices, "min", strconv.Itoa(max(q.MinChoices, 1)))
		return
	case q.MaxChoices > 0 && len(ids) > q.MaxChoices:
		r.refuse(NoticeTooManyChoices, "max", strconv.Itoa(q.MaxChoices))
		return
	}
	a := Answer{Choices: ids, Other: r.s.Answers[q.ID].Other}
	r.s.Pending = append([]string(nil), ids...)
	for _, id := range ids {
		if c := q.ChoiceByID(id); c != nil && c.Other {
			r.s.Answers[q.ID] = a
			r.s.Phase = PhaseOther
			r.prompt()
			return
		}
	}
	a.Other = ""
	r.answer(q, a)
}

// Display renders an answer for the respondent: labels in their language,
// text as typed.
func (e *Engine) Display(q *Question, a Answer, lang string) string {
	if !a.HasValue() {
		return ""
	}
	def := e.Survey.DefaultLanguage
	switch q.Type {
	case TypeYesNo:
		if a.Value == "yes" {
			return e.Vocab.Yes.In(lang, "en")
		}
		return e.Vocab.No.In(lang, "en")
	case TypeChoice:
		if c := q.ChoiceByID(a.Value); c != nil {
			if c.Other && a.Other != "" {
				return c.Label.In(lang, def) + ": " + a.Other
			}
			return c.Label.In(lang, def)
		}
	case TypeMulti:
		labels := make([]string, 0, len(a.Choices))
		for _, id := range a.Choices {
			if c := q.ChoiceByID(id); c != nil {
				l := c.Label.In(lang, def)
				if c.Other && a.Other != "" {
					l += ": " + a.Other
				}
				labels = append(labels, l)
			}
		}
		sep := ", "
		if lang == "ar" {
			sep = "، "
		}
		return strings.Join(labels, sep)
	}
	return a.Value
}

func (r *step) display(q *Question, a Answer) string { return r.e.Display(q, a, r.lang()) }

// ---- review, submit, restart ----

func (r *step) review() {
	seq := r.bump()
	items := r.reviewItems()
	var opts []Option
	for _, it := range items {
		if len(items) > MaxChoices {
			break // too many buttons for a keyboard: the hint says to type the number
		}
		n := strconv.Itoa(it.Number)
		opts = append(opts, Option{Label: n, Data: r.data(seq, "e:"+n), Kind: "change"})
	}
	opts = append(opts, Option{Label: r.e.Vocab.Submit.In(r.lang(), "en"), Data: r.data(seq, "s"), Kind: "submit"})
	r.say(Output{Kind: OutReview, Seq: seq, Items: items, Options: opts})
}

// reviewItems lists every question asked, numbered, with its answer.
func (r *step) reviewItems() []ReviewItem {
	var items []ReviewItem
	for i, q := range r.applicable() {
		items = append(items, ReviewItem{Number: i + 1, QuestionID: q.ID, Question: q.Text.In(r.lang(), r.e.Survey.DefaultLanguage), Display: r.display(q, r.s.Answers[q.ID])})
	}
	return items
}

// edit reopens answer number n of the review.
func (r *step) edit(n int) bool {
	qs := r.applicable()
	if n < 1 || n > len(qs) {
		return false
	}
	r.s.Phase, r.s.Current = PhaseQuestion, qs[n-1].ID
	r.prompt()
	return true
}

func (r *step) submit() {
	r.s.Phase, r.s.Current = PhaseComplete, ""
	r.s.CompletedAt = r.now
	r.s.Pending = nil
	r.bump()
	r.say(Output{Kind: OutThanks})
}

// confirmRestart answers the "start over?" question; valid says whether
// the input was a yes or a no at all.
func (r *step) confirmRestart(yes, valid bool) bool {
	if !valid {
		return false
	}
	if !yes {
		r.notice(NoticeRestartCancelled)
		r.cancelDetour()
		return true
	}
	r.s.Answers = map[string]Answer{}
	r.s.Pending = nil
	r.s.CompletedAt = time.Time{}
	r.s.StartedAt = r.now
	r.s.Resume, r.s.ResumeCurrent = "", ""
	r.notice(NoticeRestarted)
	if r.s.Language == "" {
		r.s.Phase = PhaseLanguage // the language is always chosen once
		r.prompt()
		return true
	}
	r.s.Phase = PhaseQuestion
	r.advance()
	return true
}

// Repeat returns what the respondent is being asked now, without changing
// anything: used when an update arrives twice and its replies may not have
// gone out the first time.
func (e *Engine) Repeat(in State) []Output {
	if in.Phase == PhaseNew {
		return nil
	}
	s := in.Clone()
	r := &step{e: e, s: &s}
	r.prompt()
	return r.outs
}
