package coord_test

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/uclg-mewa/surveybot/bot"
	"github.com/uclg-mewa/surveybot/conversation"
	"github.com/uclg-mewa/surveybot/messages"
)

// partial starts respondent in English and answers n questions.
func (h *harness) partial(respondent string, n int) {
	h.answer(respondent, profile{lang: "English", municipality: "Town", country: "Lebanon", yes: true, stopAfter: n})
}

func respondentsOf(sends []sent) []string {
	var out []string
	for _, s := range sends {
		out = append(out, s.respondent)
	}
	slices.Sort(out)
	return out
}

func TestRemindReachesIdlePartialOnce(t *testing.T) {
	h := newHarness(t)
	h.loop()
	h.partial("telegram:1", 3)
	h.answer("whatsapp:+96170000002", profile{lang: "العربية", municipality: "صور", country: "لبنان", yes: true, stopAfter: 7})
	h.answer("telegram:3", profile{lang: "English", municipality: "Sfax", country: "Tunisia", yes: true}) // complete
	h.partial("telegram:4", 2)
	h.partial("telegram:5", 2)
	h.partial("console:ali", 2) // nobody to send a reminder to
	h.advance(23 * time.Hour)
	h.command("telegram:4", "status", "") // active: not idle for 24 h at the /remind
	h.advance(time.Hour)
	if err := h.store.MarkReminded(h.sv.ID, "telegram:5", h.clock(), nil); err != nil {
		t.Fatal(err)
	}
	h.advance(6 * time.Hour)

	m := only(t, h.event(coordTG, conversation.Event{Kind: conversation.EventCommand, Command: "remind", LanguageHint: "en"}))
	if m.Text != "Reminders sent: 2." {
		t.Errorf("reply %q", m.Text)
	}
	sends := h.waitSends(2)
	if got := respondentsOf(sends); !slices.Equal(got, []string{"telegram:1", "whatsapp:+96170000002"}) {
		t.Fatalf("reminded %v", got)
	}
	for _, s := range sends {
		checkReminder(t, h, s)
		if st, _ := h.state(s.respondent); !st.RemindedAt.Equal(h.clock()) {
			t.Errorf("%s: RemindedAt %v", s.respondent, st.RemindedAt)
		}
	}
	// Once: a second /remind right after reaches nobody.
	h.sender.reset()
	if m := only(t, h.run(coordTG, "ar", "remind", "")); m.Text != "عدد التذكيرات المرسلة: ٠." {
		t.Errorf("second run: %q", m.Text)
	}
	time.Sleep(50 * time.Millisecond)
	if n := len(h.sender.all()); n != 0 {
		t.Errorf("second run sent %d", n)
	}
	// The Continue button resumes where they stopped.
	msgs := h.tapIn("telegram:1", bot.ResumeData, "en")
	if len(msgs) < 2 || msgs[0].Text != messages.Get("en", "welcome.resume", "answered", "3", "total", "21") || !msgs[len(msgs)-1].Prompt {
		t.Errorf("resume: %q", joined(msgs))
	}
}

// checkReminder: remind.text in the respondent's language with a Continue
// button, then the question they stopped at.
func checkReminder(t *testing.T, h *harness, s sent) {
	t.Helper()
	st, _ := h.state(s.respondent)
	answered, total := conversation.Progress(h.sv, &st)
	lang := st.Language
	want := messages.Get(lang, "remind.text", "title", h.sv.Title.In(lang, "ar"),
		"answered", messages.Digits(lang, strconv.Itoa(answered)), "total", messages.Digits(lang, strconv.Itoa(total)))
	if len(s.msgs) < 2 || s.msgs[0].Text != want {
		t.Fatalf("%s: reminder %q, want %q", s.respondent, joined(s.msgs), want)
	}
	if o := s.msgs[0].Options; len(o) != 1 || o[0].Data != bot.ResumeData || o[0].Label != messages.Get(lang, "remind.button") {
		t.Errorf("%s: button %+v", s.respondent, o)
	}
	q := s.msgs[len(s.msgs)-1]
	if !q.Prompt || q.Seq != st.Seq || !strings.Contains(q.Text, h.sv.Question(st.Current).Text.In(lang, "ar")) {
		t.Errorf("%s: pending question not repeated: %+v", s.respondent, q)
	}
}

// Reminders go out one at a time, at least the configured interval apart
// on each channel.
func TestRemindIsPaced(t *testing.T) {
	h := newHarness(t)
	for _, r := range []string{"telegram:11", "telegram:12", "telegram:13", "telegram:14", "telegram:15",
		"whatsapp:+9617000001", "whatsapp:+9617000002", "whatsapp:+9617000003"} {
		h.partial(r, 1)
	}
	h.advance(25 * time.Hour)
	began := time.Now()
	if n, err := h.svc.QueueReminders(); err != nil || n != 8 {
		t.Fatalf("QueueReminders = %d, %v", n, err)
	}
	if n, err := h.svc.FireDue(context.Background()); err != nil || n != 8 {
		t.Fatalf("FireDue = %d, %v", n, err)
	}
	const slack = 3 * time.Millisecond // the first send's own delay
	for ch, every := range map[string]time.Duration{"telegram": 20 * time.Millisecond, "whatsapp": 40 * time.Millisecond} {
		var at []time.Time
		for _, s := range h.sender.all() {
			if strings.HasPrefix(s.respondent, ch+":") {
				at = append(at, s.at)
			}
		}
		for k := 1; k < len(at); k++ {
			if d := at[k].Sub(at[0]); d < time.Duration(k)*every-slack {
				t.Errorf("%s: send %d after %v, want at least %v", ch, k, d, time.Duration(k)*every)
			}
		}
	}
	// The streams run side by side: WhatsApp's slow pace does not add to
	// Telegram's.
	if d := time.Since(began); d > 2*time.Second {
		t.Errorf("sending took %v", d)
	}
}

// A delivery that fails (a user who blocked the bot) is not counted, and
// not retried at every run either.
func TestRemindFailureIsNotRetried(t *testing.T) {
	h := newHarness(t)
	h.partial("telegram:1", 2)
	h.partial("telegram:2", 2)
	h.advance(25 * time.Hour)
	h.sender.fail = map[string]error{"telegram:2": errors.New("Forbidden: bot was blocked by the user")}
	if n, err := h.svc.QueueReminders(); n != 2 || err != nil {
		t.Fatalf("QueueReminders = %d, %v", n, err)
	}
	if n, err := h.svc.FireDue(context.Background()); n != 1 || err != nil {
		t.Fatalf("FireDue = %d, %v", n, err)
	}
	if st, _ := h.state("telegram:2"); st.RemindedAt.IsZero() {
		t.Error("a failed reminder is retried at the next run")
	}
}

// Automatic reminders: timers in bbolt survive restarts, fire once, and
// are dropped when the respondent moved on.
func TestAutomaticReminders(t *testing.T) {
	const after = 48 * time.Hour
	h := newHarness(t)
	h.partial("telegram:1", 3)
	h.partial("telegram:2", 3)
	h.answer("telegram:3", profile{lang: "English", municipality: "Sfax", country: "Tunisia", yes: true})
	ctx := context.Background()

	if n, err := h.svc.ScheduleIdle(after); n != 2 || err != nil {
		t.Fatalf("ScheduleIdle = %d, %v; want 2 timers", n, err)
	}
	if n, _ := h.svc.ScheduleIdle(after); n != 0 {
		t.Errorf("scheduling again added %d timers", n)
	}
	h.advance(10 * time.Hour)
	h.say("telegram:2", "Answer") // moves on after the timer was set
	h.restart()

	h.advance(39 * time.Hour) // 49 h: telegram:1's timer is due, and telegram:2's old one
	if n, err := h.svc.FireDue(ctx); n != 1 || err != nil {
		t.Fatalf("FireDue after restart = %d, %v; want 1", n, err)
	}
	if got := respondentsOf(h.sender.all()); !slices.Equal(got, []string{"telegram:1"}) {
		t.Fatalf("reminded %v", got)
	}
	if pending, _ := h.store.Reminders(); len(pending) != 0 {
		t.Errorf("timers left after firing: %+v", pending)
	}
	h.restart()
	if n, _ := h.svc.FireDue(ctx); n != 0 {
		t.Errorf("a restart repeated %d reminders", n)
	}
	// telegram:2's new idle period started at 10 h: its timer is due at 58 h.
	if n, _ := h.svc.ScheduleIdle(after); n != 1 {
		t.Errorf("rescheduling added %d timers, want 1 (telegram:2)", n)
	}
	if n, _ := h.svc.FireDue(ctx); n != 0 {
		t.Errorf("fired %d before the due time", n)
	}
	h.advance(10 * time.Hour)
	if n, _ := h.svc.FireDue(ctx); n != 1 {
		t.Errorf("telegram:2 not reminded at 59 h")
	}
	// Once per idle period, however long it lasts.
	h.sender.reset()
	h.advance(200 * time.Hour)
	if n, _ := h.svc.ScheduleIdle(after); n != 0 {
		t.Errorf("a second timer in the same idle period (%d)", n)
	}
	// A new idle period gets its reminder.
	h.say("telegram:1", "Answer")
	h.advance(after + time.Minute)
	if n, _ := h.svc.ScheduleIdle(after); n != 1 {
		t.Errorf("new idle period: %d timers", n)
	}
	if n, _ := h.svc.FireDue(ctx); n != 1 {
		t.Errorf("new idle period: %d reminders", n)
	}
	for _, s := range h.sender.all() {
		checkReminder(t, h, s)
	}
}

// RunReminders schedules and fires by itself and stops with its context.
func TestRunReminders(t *testing.T) {
	h := newHarness(t)
	h.partial("telegram:1", 3)
	h.advance(50 * time.Hour)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- h.svc.RunReminders(ctx, 10*time.Millisecond, 48*time.Hour) }()
	deadline := time.Now().Add(5 * time.Second)
	for len(h.sender.all()) == 0 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	time.Sleep(50 * time.Millisecond) // a few more rounds: nothing more goes out
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("RunReminders: %v", err)
	}
	if got := respondentsOf(h.sender.all()); !slices.Equal(got, []string{"telegram:1"}) {
		t.Errorf("reminded %v, want telegram:1 once", got)
	}
}

// /remind's queue is on disk: a restart before the sends loses nothing,
// and someone who answers before their turn is skipped.
func TestQueuedRemindersSurviveRestart(t *testing.T) {
	h := newHarness(t)
	h.partial("telegram:1", 2)
	h.partial("telegram:2", 2)
	h.advance(25 * time.Hour)
	if n, err := h.svc.QueueReminders(); n != 2 || err != nil {
		t.Fatalf("QueueReminders = %d, %v", n, err)
	}
	h.restart()
	h.say("telegram:2", "Answer") // back before the reminder went out
	if n, err := h.svc.FireDue(context.Background()); n != 1 || err != nil {
		t.Fatalf("FireDue after restart = %d, %v", n, err)
	}
	if got := respondentsOf(h.sender.all()); !slices.Equal(got, []string{"telegram:1"}) {
		t.Errorf("reminded %v", got)
	}
	if pending, _ := h.store.Reminders(); len(pending) != 0 {
		t.Errorf("timers left: %+v", pending)
	}
	if st, _ := h.state("telegram:2"); !st.RemindedAt.IsZero() {
		t.Error("the respondent who moved on was marked reminded")
	}
}
