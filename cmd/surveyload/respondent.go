package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"golang.org/x/time/rate"

	"github.com/uclg-mewa/surveybot/conversation"
	"github.com/uclg-mewa/surveybot/messages"
)

// noise are the probabilities of the respondents' detours, per question.
type noise struct {
	wrong  float64 // an input that is not an answer (then the answer)
	back   float64 // /back, the previous answer again, then this question
	stale  float64 // a tap on a button of an earlier question
	extra  float64 // several choices: toggle an unwanted option on and off
	typed  float64 // type instead of tapping
	review float64 // /back from the review to the last question
}

func defaultNoise(scale float64) noise {
	return noise{wrong: 0.08 * scale, back: 0.05 * scale, stale: 0.03 * scale, extra: 0.5 * scale, typed: 0.4, review: 0.2 * scale}
}

// shared is what every respondent of a run uses.
type shared struct {
	api     *fakeAPI
	si      *surveyInfo
	limiter *rate.Limiter // nil: flat out
	trace   int64         // a respondent whose every input and reply is printed
	traceW  io.Writer
	noise   noise
	wait    time.Duration // longest wait for one reply
}

// sample is one input and how long its reply took.
type sample struct {
	kind       string
	reply      time.Duration // update available → the reply that completes the turn
	firstReply time.Duration // update available → the bot's first write in the chat (or the tap's answer)
	at         time.Time     // when the input became available
	done       time.Time     // when its reply completed
}

// anomaly is something a respondent saw that a correct bot never does.
type anomaly struct {
	kind string // "lost", "doubled", "unexpected", "no-reply"
	msg  string
}

// respondent is one virtual respondent.
type respondent struct {
	*shared
	u    user
	rng  *rand.Rand
	lang string
	plan map[string]planned

	// The respondent's model of what the bot stored, and where it is.
	answered map[string]conversation.Answer
	current  prompt
	msg      botMsg // the message that shows the current prompt
	oldTaps  []tapRef

	samples   []sample
	anomalies []anomaly
	answers   int // answers the bot acknowledged with the next prompt
	done      bool
	resyncs   int
}

type tapRef struct {
	msgID int
	data  string
}

func newRespondent(sh *shared, seed uint64, id int64) *respondent {
	r := &respondent{shared: sh, rng: rand.New(rand.NewPCG(seed, uint64(id))), answered: map[string]conversation.Answer{}}
	lang, hint, plan := sh.si.makePlan(r.rng, id)
	r.u, r.lang, r.plan = user{id: id, lang: hint}, lang, plan
	return r
}

func (r *respondent) chance(p float64) bool { return p > 0 && r.rng.Float64() < p }

func (r *respondent) note(kind, format string, args ...any) {
	r.anomalies = append(r.anomalies, anomaly{kind: kind, msg: fmt.Sprintf("telegram:%d: ", r.u.id) + fmt.Sprintf(format, args...)})
}

// run answers the whole survey. It returns an error only when the run is
// cancelled or the respondent cannot go on.
func (r *respondent) run(ctx context.Context) error {
	if err := r.start(ctx); err != nil {
		return err
	}
	for !r.done {
		if err := ctx.Err(); err != nil {
			return err
		}
		var err error
		switch r.current.kind {
		case pLanguage:
			err = r.chooseLanguage(ctx)
		case pQuestion:
			err = r.question(ctx)
		case pOther:
			err = r.otherText(ctx)
		case pReview:
			err = r.review(ctx)
		case pThanks:
			r.done = true
		default:
			err = r.resync(ctx, "no prompt")
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// ---- inputs and waiting ----

// input sends one update and waits until until() finds the reply in the
// chat. base is the newest message id before the input.
func (r *respondent) input(ctx context.Context, kind string, send func() time.Time, until func(v *view, base int) (botMsg, bool)) (botMsg, error) {
	if r.limiter != nil {
		if err := r.limiter.Wait(ctx); err != nil {
			return botMsg{}, err
		}
	}
	v := r.api.view(r.u.id)
	base := 0
	if n := len(v.msgs); n > 0 {
		base = v.msgs[n-1].ID
	}
	avail := send()
	if r.u.id == r.trace {
		fmt.Fprintf(r.traceW, "trace %d: %s → (base %d)\n", r.u.id, kind, base)
	}
	timer := time.NewTimer(r.wait)
	defer timer.Stop()
	for {
		if m, ok := until(&v, base); ok {
			if r.u.id == r.trace {
				fmt.Fprintf(r.traceW, "trace %d:   ← #%d %q %v\n", r.u.id, m.ID, m.Text, m.Keyboard)
			}
			s := sample{kind: kind, at: avail, done: m.At, reply: m.At.Sub(avail)}
			if !v.firstReply.IsZero() && !v.firstReply.Before(avail) {
				s.firstReply = v.firstReply.Sub(avail)
			} else {
				s.firstReply = s.reply
			}
			if s.reply < 0 {
				s.reply = 0
			}
			r.samples = append(r.samples, s)
			return m, nil
		}
		select {
		case <-v.changed:
		case <-timer.C:
			if r.u.id == r.trace {
				for _, m := range r.api.view(r.u.id).msgs {
					fmt.Fprintf(r.traceW, "trace %d:   timeout; chat has #%d %q %v\n", r.u.id, m.ID, m.Text, m.Keyboard)
				}
			}
			return botMsg{}, errTimeout
		case <-ctx.Done():
			return botMsg{}, ctx.Err()
		}
		v = r.api.view(r.u.id)
	}
}

// newPrompt waits for a new message asking want.
func (r *respondent) newPrompt(want prompt) func(v *view, base int) (botMsg, bool) {
	return func(v *view, base int) (botMsg, bool) {
		for i := len(v.msgs) - 1; i >= 0 && v.msgs[i].ID > base; i-- {
			if r.si.classify(r.lang, &v.msgs[i]) == want {
				return v.msgs[i], true
			}
		}
		return botMsg{}, false
	}
}

// step sends an input that must be answered by the prompt want; on a
// timeout the respondent looks at what the bot did ask and goes on from
// there, noting the anomaly.
func (r *respondent) step(ctx context.Context, kind string, send func() time.Time, want prompt) error {
	m, err := r.input(ctx, kind, send, r.newPrompt(want))
	if errors.Is(err, errTimeout) {
		why := fmt.Sprintf("after %s, waited for %s", kind, want)
		if kind == "back" && want.kind == pQuestion {
			// Further back than asked: the /back was applied twice.
			if p, ok := r.latestPrompt(); ok && p.kind == pQuestion && r.si.sv.Position(p.q) < r.si.sv.Position(want.q) {
				r.note("doubled", "%s; the bot went back to %s", why, p)
			}
		}
		return r.resync(ctx, why)
	}
	if err != nil {
		return err
	}
	r.current, r.msg = want, m
	return nil
}

func (r *respondent) sendText(text string) func() time.Time {
	return func() time.Time { _, at := r.api.SendText(r.u, text); return at }
}

func (r *respondent) tap(msgID int, data string) func() time.Time {
	return func() time.Time { _, at := r.api.Tap(r.u, msgID, data); return at }
}

// data finds the callback data of the current prompt's button whose
// action (after "SEQ:") is action.
func (r *respondent) data(action string) (string, bool) {
	for _, row := range r.msg.Keyboard {
		for _, b := range row {
			if _, a, _ := strings.Cut(b.Data, ":"); a == action {
				return b.Data, true
			}
		}
	}
	return "", false
}

// resync recovers after the bot did not answer as expected: it looks at
// the newest prompt in the chat and continues from there, its model of the
// stored answers rebuilt from the plan.
func (r *respondent) resync(ctx context.Context, why string) error {
	r.resyncs++
	if r.resyncs > 8 {
		return fmt.Errorf("telegram:%d: gave up after %d unexpected replies (last: %s)", r.u.id, r.resyncs-1, why)
	}
	v := r.api.view(r.u.id)
	for i := len(v.msgs) - 1; i >= 0; i-- {
		p := r.si.classify(r.lang, &v.msgs[i])
		if p.kind == pNone {
			continue
		}
		kind := "unexpected"
		if n := len(r.anomalies); n > 0 && r.anomalies[n-1].kind == "doubled" {
			kind = "after-doubled" // the same incident, noted once as doubled
		} else if p.kind == pQuestion && r.before(p.q) {
			// The bot asks again a question whose answer it acknowledged.
			kind = "lost"
		}
		r.note(kind, "%s; the bot asks %s", why, p)
		r.current, r.msg = p, v.msgs[i]
		r.rebuild(p)
		return nil
	}
	// Nothing to go on: ask the bot where we are, as a person would.
	r.note("no-reply", "%s; nothing asked", why)
	return r.start(ctx)
}

// latestPrompt is what the newest prompt in the chat asks.
func (r *respondent) latestPrompt() (prompt, bool) {
	v := r.api.view(r.u.id)
	for i := len(v.msgs) - 1; i >= 0; i-- {
		if p := r.si.classify(r.lang, &v.msgs[i]); p.kind != pNone {
			return p, true
		}
	}
	return prompt{}, false
}

// before reports whether question q comes before the current question in
// the respondent's model (its answer was acknowledged).
func (r *respondent) before(q string) bool {
	if r.current.kind != pQuestion && r.current.kind != pOther && r.current.kind != pReview {
		return false
	}
	if r.current.kind == pReview {
		_, ok := r.answered[q]
		return ok
	}
	return r.si.sv.Position(q) < r.si.sv.Position(r.current.q)
}

// rebuild resets the model to "everything before p answered as planned".
func (r *respondent) rebuild(p prompt) {
	clear(r.answered)
	if p.kind == pLanguage || p.kind == pNone {
		return
	}
	for _, q := range r.si.sv.Questions {
		if (p.kind == pQuestion || p.kind == pOther) && q.ID == p.q {
			if p.kind == pOther {
				a := r.plan[q.ID].answer(q)
				a.Other = ""
				r.answered[q.ID] = a
			}
			return
		}
		if q.Answerable() && q.When.Eval(r.answered) {
			r.answered[q.ID] = r.plan[q.ID].answer(q)
		}
	}
}

// next is the prompt that follows in the model: the first question that
// applies and has no answer, else the review.
func (r *respondent) next() prompt {
	for _, q := range r.si.sv.Questions {
		if !q.Answerable() || !q.When.Eval(r.answered) {
			continue
		}
		if _, ok := r.answered[q.ID]; !ok {
			return prompt{kind: pQuestion, q: q.ID}
		}
	}
	return prompt{kind: pReview}
}

// prev is the question before q among those that apply, or "".
func (r *respondent) prev(q string) string {
	prev := ""
	for _, x := range conversation.Applicable(r.si.sv, r.answered) {
		if x.ID == q {
			return prev
		}
		prev = x.ID
	}
	return prev
}

// ---- the conversation ----

func (r *respondent) start(ctx context.Context) error {
	m, err := r.input(ctx, "start", r.sendText("/start"), func(v *view, base int) (botMsg, bool) {
		for i := len(v.msgs) - 1; i >= 0 && v.msgs[i].ID > base; i-- {
			if p := r.si.classify(r.lang, &v.msgs[i]); p.kind != pNone {
				return v.msgs[i], true
			}
		}
		return botMsg{}, false
	})
	if err != nil {
		if errors.Is(err, errTimeout) {
			return fmt.Errorf("telegram:%d: no answer to /start within %v", r.u.id, r.wait)
		}
		return err
	}
	r.msg = m
	r.current = r.si.classify(r.lang, &m)
	return nil
}

func (r *respondent) chooseLanguage(ctx context.Context) error {
	first := prompt{kind: pQuestion, q: r.si.sv.Questions[0].ID}
	if len(r.answered) > 0 {
		first = r.next() // /language later: back to where it was
	}
	if !r.chance(r.noise.typed) {
		if d, ok := r.data("l:" + r.lang); ok {
			return r.step(ctx, "language", r.tap(r.msg.ID, d), first)
		}
	}
	// Typed: the language's number in the list as shown, or its name.
	n := 0
	for _, row := range r.msg.Keyboard {
		for _, b := range row {
			n++
			if strings.HasSuffix(b.Data, ":l:"+r.lang) {
				text := strconv.Itoa(n)
				if r.rng.IntN(2) == 0 {
					text = r.si.vocab.LanguageNames[r.lang]
				}
				return r.step(ctx, "language", r.sendText(text), first)
			}
		}
	}
	return r.resync(ctx, "no button for language "+r.lang)
}

// question answers the current question, with the plan's detours.
func (r *respondent) question(ctx context.Context) error {
	qid := r.current.q
	q := r.si.sv.Question(qid)
	here := r.current
	if r.chance(r.noise.stale) && len(r.oldTaps) > 0 {
		t := r.oldTaps[r.rng.IntN(len(r.oldTaps))]
		if err := r.staleTap(ctx, t); err != nil {
			return err
		}
	}
	if r.chance(r.noise.wrong) {
		if err := r.step(ctx, "wrong", r.wrongInput(q), here); err != nil || r.current != here {
			return err
		}
	}
	if p := r.prev(qid); p != "" && r.chance(r.noise.back) {
		if err := r.step(ctx, "back", r.sendText("/back"), prompt{kind: pQuestion, q: p}); err != nil || r.current.q != p {
			return err
		}
		// The same answer again, by whatever means; the model does not change.
		if err := r.answer(ctx, r.si.sv.Question(p)); err != nil || r.current != here {
			return err
		}
	}
	return r.answer(ctx, q)
}

// staleTap taps a button of an earlier question: the bot answers the tap
// with a notice and changes nothing.
func (r *respondent) staleTap(ctx context.Context, t tapRef) error {
	before := r.api.view(r.u.id).cbAnswers
	_, err := r.input(ctx, "stale", r.tap(t.msgID, t.data), func(v *view, base int) (botMsg, bool) {
		return botMsg{At: v.cbAt}, v.cbAnswers > before
	})
	if errors.Is(err, errTimeout) {
		r.note("no-reply", "a stale tap was never answered")
		return nil
	}
	return err
}

// wrongInput is something that is not an answer to q.
func (r *respondent) wrongInput(q *conversation.Question) func() time.Time {
	if r.rng.IntN(4) == 0 {
		return func() time.Time { _, at := r.api.SendSticker(r.u); return at }
	}
	switch q.Type {
	case conversation.TypeYesNo:
		return r.sendText([...]string{"maybe", "7", "٣", "0"}[r.rng.IntN(4)])
	case conversation.TypeMulti:
		return r.sendText([...]string{"9", "0", "1,9", "perhaps"}[r.rng.IntN(4)])
	case conversation.TypeEmail:
		return r.sendText("not-an-email")
	}
	// Text over the question's limit: refused, never cut.
	return r.sendText(strings.Repeat("x", q.Limit()+1+r.rng.IntN(20)))
}

// answer gives the planned answer to q (the current prompt) and waits for
// the next prompt.
func (r *respondent) answer(ctx context.Context, q *conversation.Question) error {
	p := r.plan[q.ID]
	r.rememberTaps()
	if p.skip {
		r.answered[q.ID] = conversation.Answer{Skipped: true}
		want := r.next()
		if d, ok := r.data("k"); ok && !r.chance(r.noise.typed) {
			return r.acked(r.step(ctx, "skip", r.tap(r.msg.ID, d), want))
		}
		return r.acked(r.step(ctx, "skip", r.sendText("/skip"), want))
	}
	switch q.Type {
	case conversation.TypeYesNo:
		return r.yesNo(ctx, q, p)
	case conversation.TypeMulti:
		return r.multi(ctx, q, p)
	}
	r.answered[q.ID] = p.answer(q)
	return r.acked(r.step(ctx, "answer", r.sendText(p.value), r.next()))
}

func (r *respondent) acked(err error) error {
	if err == nil {
		r.answers++
	}
	return err
}

// rememberTaps keeps the current prompt's buttons for stale taps later.
func (r *respondent) rememberTaps() {
	if len(r.msg.Keyboard) > 0 && len(r.msg.Keyboard[0]) > 0 {
		r.oldTaps = append(r.oldTaps, tapRef{msgID: r.msg.ID, data: r.msg.Keyboard[0][0].Data})
		if len(r.oldTaps) > 4 {
			r.oldTaps = r.oldTaps[1:]
		}
	}
}

func (r *respondent) yesNo(ctx context.Context, q *conversation.Question, p planned) error {
	idx := 1
	label := r.si.vocab.Yes
	if p.value == "no" {
		idx, label = 2, r.si.vocab.No
	}
	r.answered[q.ID] = p.answer(q)
	want := r.next()
	if !r.chance(r.noise.typed) {
		if d, ok := r.data("c:" + strconv.Itoa(idx)); ok {
			return r.acked(r.step(ctx, "answer", r.tap(r.msg.ID, d), want))
		}
	}
	var text string
	switch r.rng.IntN(3) {
	case 0:
		text = strconv.Itoa(idx)
	case 1:
		text = messages.Digits("ar", strconv.Itoa(idx))
	default:
		langs := r.si.sv.Languages
		text = label[langs[r.rng.IntN(len(langs))]]
		if r.rng.IntN(2) == 0 {
			text = strings.ToUpper(text)
		}
	}
	return r.acked(r.step(ctx, "answer", r.sendText(text), want))
}

// multi answers a several-choices question by toggling buttons then Done,
// or by typing the numbers.
func (r *respondent) multi(ctx context.Context, q *conversation.Question, p planned) error {
	a := p.answer(q)
	stored := a
	stored.Other = ""
	r.answered[q.ID] = stored
	want := r.next()
	if p.other != "" {
		want = prompt{kind: pOther, q: q.ID}
	}
	if r.chance(r.noise.typed) {
		nums := make([]string, len(p.choices))
		for i, c := range p.choices {
			nums[i] = strconv.Itoa(c)
		}
		text := strings.Join(nums, ",")
		switch r.rng.IntN(3) {
		case 0:
			text = strings.Join(nums, " ")
		case 1:
			text = messages.Digits("ar", strings.Join(nums, "،"))
		}
		err := r.step(ctx, "answer", r.sendText(text), want)
		if p.other == "" {
			return r.acked(err)
		}
		return err
	}
	// Toggles: from what the buttons show now (after /back, the earlier
	// answer is preselected) to the plan, with an unwanted option toggled
	// on and off on the way.
	sel := selection(r.msg.Keyboard)
	var order []int
	if r.chance(r.noise.extra) {
		x := 1 + r.rng.IntN(len(q.Choices))
		order = append(order, x, x)
	}
	for i := 1; i <= len(q.Choices); i++ {
		if sel[i] != contains(p.choices, i) {
			order = append(order, i)
		}
	}
	r.rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
	for _, i := range order {
		d, ok := r.data("t:" + strconv.Itoa(i))
		if !ok {
			return r.resync(ctx, "no toggle button")
		}
		sel[i] = !sel[i]
		wantSel := clone(sel)
		msgID := r.msg.ID
		m, err := r.input(ctx, "toggle", r.tap(msgID, d), func(v *view, base int) (botMsg, bool) {
			for j := len(v.msgs) - 1; j >= 0 && v.msgs[j].ID >= msgID; j-- {
				m := &v.msgs[j]
				if r.si.classify(r.lang, m) == r.current && equalSel(selection(m.Keyboard), wantSel) {
					return *m, true
				}
			}
			return botMsg{}, false
		})
		if errors.Is(err, errTimeout) {
			v := r.api.view(r.u.id)
			if n := len(v.msgs); n > 0 && r.si.classify(r.lang, &v.msgs[n-1]) == r.current {
				r.note("doubled", "toggle %d: buttons show %v, want %v", i, selection(v.msgs[n-1].Keyboard), wantSel)
			}
			return r.resync(ctx, "toggle not shown")
		}
		if err != nil {
			return err
		}
		r.msg = m
	}
	d, ok := r.data("d")
	if !ok {
		return r.resync(ctx, "no Done button")
	}
	err := r.step(ctx, "answer", r.tap(r.msg.ID, d), want)
	if p.other == "" {
		return r.acked(err)
	}
	return err
}

// otherText types the text of an "other" choice.
func (r *respondent) otherText(ctx context.Context) error {
	q := r.si.sv.Question(r.current.q)
	r.answered[q.ID] = r.plan[q.ID].answer(q)
	return r.acked(r.step(ctx, "answer", r.sendText(r.plan[q.ID].other), r.next()))
}

func (r *respondent) review(ctx context.Context) error {
	// Sometimes back to the last question once more.
	if r.chance(r.noise.review) {
		qs := conversation.Applicable(r.si.sv, r.answered)
		last := qs[len(qs)-1].ID
		if err := r.step(ctx, "back", r.sendText("/back"), prompt{kind: pQuestion, q: last}); err != nil || r.current.q != last {
			return err
		}
		return r.answer(ctx, r.si.sv.Question(last))
	}
	thanks := prompt{kind: pThanks}
	if d, ok := r.data("s"); ok && !r.chance(r.noise.typed) {
		// After a crash the bot may have committed the Submit but not
		// said thanks: the redelivered tap is then answered with an
		// "already submitted" toast alone.
		before := r.api.view(r.u.id).cbAnswers
		newThanks := r.newPrompt(thanks)
		m, err := r.input(ctx, "submit", r.tap(r.msg.ID, d), func(v *view, base int) (botMsg, bool) {
			if m, ok := newThanks(v, base); ok {
				return m, true
			}
			if v.cbAnswers > before && v.cbText == r.si.complete[r.lang] {
				return botMsg{Text: v.cbText, At: v.cbAt}, true
			}
			return botMsg{}, false
		})
		if errors.Is(err, errTimeout) {
			return r.resync(ctx, "after submit, waited for thanks")
		}
		if err != nil {
			return err
		}
		r.current, r.msg = thanks, m
		return nil
	}
	return r.step(ctx, "submit", r.sendText(r.si.vocab.Submit.In(r.lang, "en")), thanks)
}

// selection reads which several-choice buttons are checked (by option
// number).
func selection(kb [][]button) map[int]bool {
	sel := map[int]bool{}
	for _, row := range kb {
		for _, b := range row {
			_, action, _ := strings.Cut(b.Data, ":")
			if n, ok := strings.CutPrefix(action, "t:"); ok {
				i, _ := strconv.Atoi(n)
				sel[i] = strings.HasPrefix(b.Text, "☑")
			}
		}
	}
	return sel
}

func equalSel(a, b map[int]bool) bool {
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	for k, v := range b {
		if a[k] != v {
			return false
		}
	}
	return true
}

func clone(m map[int]bool) map[int]bool {
	c := make(map[int]bool, len(m))
	for k, v := range m {
		c[k] = v
	}
	return c
}

func contains(xs []int, x int) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}
