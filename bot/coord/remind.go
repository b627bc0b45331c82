package coord

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/uclg-mewa/surveybot/bot"
	"github.com/uclg-mewa/surveybot/conversation"
	"github.com/uclg-mewa/surveybot/messages"
	"github.com/uclg-mewa/surveybot/storage"
	"github.com/uclg-mewa/surveybot/storage/export"
)

// IdleAfter is how long a partial response must be untouched before it
// is reminded, and the least time between two reminders to one person.
const IdleAfter = export.IdleAfter

// DefaultPace is the least time between two reminders on a channel:
// Telegram allows about 30 messages a second to different chats, and a
// reminder is two messages; WhatsApp bans accounts that message many
// people quickly, so only a few a minute go out there.
var DefaultPace = map[string]time.Duration{
	"telegram": 100 * time.Millisecond,
	"whatsapp": 20 * time.Second,
}

// Senders routes by the respondent's channel ("telegram:1" → "telegram").
type Senders map[string]Sender

// Send delivers msgs through the respondent's channel.
func (m Senders) Send(ctx context.Context, respondent string, msgs []bot.Message) error {
	s, ok := m[channelOf(respondent)]
	if !ok || s == nil {
		return fmt.Errorf("coord: no channel can reach %s", respondent)
	}
	return s.Send(ctx, respondent, msgs)
}

// Reaches reports whether a channel for respondent is configured.
func (m Senders) Reaches(respondent string) bool { return m[channelOf(respondent)] != nil }

func channelOf(respondent string) string {
	ch, _, _ := strings.Cut(respondent, ":")
	return ch
}

// reaches reports whether a reminder can go to respondent: Telegram and
// WhatsApp only (a console respondent has nobody to send to), through a
// configured channel. Every stored WhatsApp respondent wrote to the bot
// first (a response is created only by an inbound message), as WhatsApp
// requires before a business may write to someone.
func (s *Service) reaches(respondent string) bool {
	if s.Sender == nil {
		return false
	}
	if _, ok := DefaultPace[channelOf(respondent)]; !ok {
		return false
	}
	if r, ok := s.Sender.(interface{ Reaches(string) bool }); ok {
		return r.Reaches(respondent)
	}
	return true
}

// job is one reminder to try: fresh says whether the state (re-read just
// before sending, since paced sends may wait long) still calls for it;
// key is its timer, removed once it is sent or dropped.
type job struct {
	respondent string
	key        []byte
	fresh      func(st *conversation.State, now time.Time) bool
}

// remindable is /remind's rule: partial, idle over IdleAfter, and not
// reminded within IdleAfter.
func remindable(st *conversation.State, now time.Time) bool {
	return st.Status() == conversation.StatusPartial && st.Phase != conversation.PhaseNew &&
		now.Sub(st.UpdatedAt) > IdleAfter &&
		(st.RemindedAt.IsZero() || now.Sub(st.RemindedAt) >= IdleAfter)
}

// remindCommand is /remind. The reminders are queued as timers due now
// and sent by the reminder loop, paced: sending them here would hold the
// channel's updates for as long as the pacing takes (minutes on
// WhatsApp). The count is of the reminders queued; each is checked again
// just before it goes out, so someone who answers meanwhile is skipped.
func (s *Service) remindCommand(lang string) ([]bot.Message, error) {
	n, err := s.QueueReminders()
	if err != nil {
		return nil, err
	}
	if n > 0 {
		s.wake()
	}
	return []bot.Message{text(lang, "coord.remind_done", "count", num(lang, n))}, nil
}

// QueueReminders sets a timer, due now, for each partial respondent idle
// for over IdleAfter who was not reminded within IdleAfter and can be
// reached, and returns how many. FireDue (or the RunReminders loop)
// sends them. Timers are on disk: a restart does not lose them.
func (s *Service) QueueReminders() (int, error) {
	sv := s.survey()
	now := s.now()
	var queue []storage.Reminder
	err := s.Store.Each(sv.ID, func(st conversation.State) error {
		if remindable(&st, now) && s.reaches(st.Respondent) {
			queue = append(queue, storage.Reminder{Respondent: st.Respondent, Survey: sv.ID, ScheduledFor: st.UpdatedAt, Manual: true})
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	for _, r := range queue {
		if _, err := s.Store.Schedule(now, r); err != nil {
			return 0, err
		}
	}
	return len(queue), nil
}

// run sends the jobs, one paced stream per channel (a slow WhatsApp
// stream does not hold Telegram's back), and counts the reminders sent.
func (s *Service) run(ctx context.Context, jobs []job) (int, error) {
	byChannel := map[string][]job{}
	for _, j := range jobs {
		byChannel[channelOf(j.respondent)] = append(byChannel[channelOf(j.respondent)], j)
	}
	var sent atomic.Int64
	var wg sync.WaitGroup
	for ch, list := range byChannel {
		wg.Go(func() {
			p := s.pacer(ch)
			for _, j := range list {
				ok, err := s.one(ctx, p, j)
				if err != nil {
					return // cancelled: the rest stay due
				}
				if ok {
					sent.Add(1)
				}
			}
		})
	}
	wg.Wait()
	return int(sent.Load()), ctx.Err()
}

// one reminds one respondent if their state still calls for it, checked
// before waiting for a slot (a dropped timer costs no time) and again
// after (a paced wait can be long). A reminder that fails for any reason
// but cancellation is recorded as sent all the same, so that a
// respondent who blocked the bot is not retried at every run.
func (s *Service) one(ctx context.Context, p *pacer, j job) (bool, error) {
	if !s.claim(j.respondent) {
		return false, nil // another run is reminding them right now
	}
	defer s.release(j.respondent)
	if _, want, err := s.current(j); err != nil || !want {
		return false, err
	}
	if err := p.wait(ctx); err != nil {
		return false, err
	}
	st, want, err := s.current(j)
	if err != nil || !want {
		return false, err
	}
	sendErr := s.Sender.Send(ctx, j.respondent, s.reminder(st))
	if sendErr != nil && ctx.Err() != nil {
		return false, ctx.Err()
	}
	if sendErr != nil {
		s.log().Warn("reminder not delivered", "respondent", j.respondent, "err", sendErr)
	}
	if err := s.Store.MarkReminded(s.survey().ID, j.respondent, s.now(), j.key); err != nil {
		s.log().Error("reminder: cannot record it", "respondent", j.respondent, "err", err)
	}
	return sendErr == nil, nil
}

// current reads the respondent's state and says whether the reminder is
// still wanted; an unwanted one's timer is removed. A read error is only
// logged (the timer stays for the next run); err is for cancellation.
func (s *Service) current(j job) (conversation.State, bool, error) {
	st, found, err := s.Store.Load(s.survey().ID, j.respondent)
	if err != nil {
		s.log().Error("reminder: cannot read the response", "respondent", j.respondent, "err", err)
		return st, false, nil
	}
	if !found || !j.fresh(&st, s.now()) || !s.reaches(j.respondent) {
		s.drop(j)
		return st, false, nil
	}
	return st, true, nil
}

// drop removes the timer of a reminder that is no longer wanted.
func (s *Service) drop(j job) {
	if j.key == nil {
		return
	}
	if err := s.Store.Done(j.key); err != nil {
		s.log().Error("reminder: cannot remove a timer", "respondent", j.respondent, "err", err)
	}
}

// reminder is what a respondent gets: remind.text with a Continue button
// (a tap resumes, as /start does), then the pending question itself, so
// that they can answer right there.
func (s *Service) reminder(st conversation.State) []bot.Message {
	sv := s.survey()
	lang := st.Language
	if lang == "" {
		lang = sv.DefaultLanguage
	}
	answered, total := conversation.Progress(sv, &st)
	msg := bot.Message{
		Text: messages.Get(lang, "remind.text",
			"title", sv.Title.In(lang, sv.DefaultLanguage),
			"answered", num(lang, answered), "total", num(lang, total)),
		Language: lang,
		Options:  []conversation.Option{{Label: messages.Get(lang, "remind.button"), Data: bot.ResumeData, Kind: "resume"}},
	}
	return append([]bot.Message{msg}, bot.Render(s.engine().Repeat(st))...)
}

func (s *Service) engine() *conversation.Engine {
	if s.Engine != nil {
		return s.Engine
	}
	return &conversation.Engine{Survey: s.survey(), Vocab: s.vocab()}
}

// claim marks respondent as being reminded; false if already.
func (s *Service) claim(respondent string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.inflight == nil {
		s.inflight = map[string]bool{}
	}
	if s.inflight[respondent] {
		return false
	}
	s.inflight[respondent] = true
	return true
}

func (s *Service) release(respondent string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.inflight, respondent)
}

// ---- automatic reminders ----

// ScheduleIdle sets a timer for each partial respondent not reminded
// since their last activity, due after their last activity (and never
// within IdleAfter of an earlier reminder): one reminder per idle period.
// Timers already set are left alone; it returns how many it added.
func (s *Service) ScheduleIdle(after time.Duration) (int, error) {
	sv := s.survey()
	pending, err := s.Store.Reminders()
	if err != nil {
		return 0, err
	}
	have := map[string]bool{}
	for _, r := range pending {
		have[string(r.Key)] = true
	}
	type timer struct {
		due time.Time
		r   storage.Reminder
	}
	var add []timer
	err = s.Store.Each(sv.ID, func(st conversation.State) error {
		if !idleCandidate(&st) || !s.reaches(st.Respondent) {
			return nil
		}
		due := st.UpdatedAt.Add(after)
		if !st.RemindedAt.IsZero() && st.RemindedAt.Add(IdleAfter).After(due) {
			due = st.RemindedAt.Add(IdleAfter)
		}
		if key, err := storage.ReminderKey(due, sv.ID, st.Respondent); err == nil && !have[string(key)] {
			add = append(add, timer{due, storage.Reminder{Respondent: st.Respondent, Survey: sv.ID, ScheduledFor: st.UpdatedAt}})
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	for _, t := range add {
		if _, err := s.Store.Schedule(t.due, t.r); err != nil {
			return 0, err
		}
	}
	return len(add), nil
}

// idleCandidate: partial, and not reminded since the last activity.
func idleCandidate(st *conversation.State) bool {
	return st.Status() == conversation.StatusPartial && st.Phase != conversation.PhaseNew &&
		(st.RemindedAt.IsZero() || st.RemindedAt.Before(st.UpdatedAt))
}

// FireDue sends the reminders whose timers are due, paced, and returns
// how many went out. A timer whose respondent has moved on since it was
// set (answered, submitted, or was reminded meanwhile) is dropped.
func (s *Service) FireDue(ctx context.Context) (int, error) {
	jobs, err := s.dueJobs("")
	if err != nil {
		return 0, err
	}
	return s.run(ctx, jobs)
}

// dueJobs are the due timers of this survey on channel ("" for all).
func (s *Service) dueJobs(channel string) ([]job, error) {
	due, err := s.Store.Due(s.now())
	if err != nil {
		return nil, err
	}
	var jobs []job
	for _, r := range due {
		if r.Survey != s.survey().ID || channel != "" && channelOf(r.Respondent) != channel {
			continue // another survey's timer is for the bot that runs it
		}
		jobs = append(jobs, job{respondent: r.Respondent, key: r.Key, fresh: timerFresh(r)})
	}
	return jobs, nil
}

// timerFresh: the respondent has not acted since the timer was set, is
// still partial, and the reminder's own rule still holds: /remind's, or
// for an automatic one, not reminded during this idle period nor within
// IdleAfter.
func timerFresh(r storage.Reminder) func(*conversation.State, time.Time) bool {
	return func(st *conversation.State, now time.Time) bool {
		if !st.UpdatedAt.Equal(r.ScheduledFor) {
			return false
		}
		if r.Manual {
			return remindable(st, now)
		}
		return idleCandidate(st) && (st.RemindedAt.IsZero() || now.Sub(st.RemindedAt) >= IdleAfter)
	}
}

// ---- pacing ----

// pacer spaces sends on one channel at least every apart, shared by all
// runs (a /remind during an automatic run does not double the rate). The
// first send goes at once; there is never a burst.
type pacer struct {
	every time.Duration
	mu    sync.Mutex
	next  time.Time
}

func (s *Service) pacer(channel string) *pacer {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.pacers == nil {
		s.pacers = map[string]*pacer{}
	}
	p, ok := s.pacers[channel]
	if !ok {
		every, set := s.Pace[channel]
		if !set {
			every = DefaultPace[channel]
		}
		p = &pacer{every: every}
		s.pacers[channel] = p
	}
	return p
}

// wait blocks until the next slot (real time: pacing is about the
// channel's limits, not the survey clock).
func (p *pacer) wait(ctx context.Context) error {
	p.mu.Lock()
	now := time.Now()
	at := p.next
	if at.Before(now) {
		at = now
	}
	p.next = at.Add(p.every)
	p.mu.Unlock()
	t := time.NewTimer(time.Until(at))
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
