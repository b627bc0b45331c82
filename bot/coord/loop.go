package coord

import (
	"context"
	"slices"
	"sync"
	"time"
)

// RunReminders sends reminders until ctx ends, then waits for the sends
// in flight and returns nil. Every interval (and at once when /remind
// queues some) it sends the due timers, one paced stream per channel;
// with after > 0 (SURVEYBOT_REMIND_AFTER) it first schedules a timer for
// each partial respondent idle for after. Run it whenever a Sender is
// set, even with after = 0: it is what sends /remind's reminders, and
// those an interrupted run left due.
func (s *Service) RunReminders(ctx context.Context, every, after time.Duration) error {
	if every <= 0 {
		every = time.Minute
	}
	kick := s.startLoop()
	defer s.stopLoop()
	var streams sync.WaitGroup
	defer streams.Wait() // the store must outlive every send
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if after > 0 {
			if _, err := s.ScheduleIdle(after); err != nil {
				s.log().Error("reminders: cannot schedule", "err", err)
			}
		}
		s.startStreams(ctx, &streams)
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		case <-kick:
		}
	}
}

func (s *Service) startLoop() <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.looping = true
	if s.kick == nil {
		s.kick = make(chan struct{}, 1)
	}
	return s.kick
}

func (s *Service) stopLoop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.looping = false
}

// wake gets queued reminders going: through the loop when it runs, else
// (cmd did not start it) in the background, so they are not left waiting
// for a loop that never comes.
func (s *Service) wake() {
	s.mu.Lock()
	looping, kick := s.looping, s.kick
	s.mu.Unlock()
	if looping {
		select {
		case kick <- struct{}{}:
		default: // a wake-up is already pending
		}
		return
	}
	s.log().Warn("reminders: RunReminders is not running; sending /remind's reminders in the background")
	go func() {
		if _, err := s.FireDue(context.Background()); err != nil {
			s.log().Error("reminders: cannot fire", "err", err)
		}
	}()
}

// startStreams starts sending the due reminders of each channel that is
// not already busy with a stream: a long WhatsApp stream (a few a minute)
// never holds back Telegram's, and a channel never has two at once.
func (s *Service) startStreams(ctx context.Context, wg *sync.WaitGroup) {
	for _, ch := range s.channels() {
		if !s.beginStream(ch) {
			continue
		}
		wg.Go(func() {
			defer s.endStream(ch)
			jobs, err := s.dueJobs(ch)
			if err == nil {
				_, err = s.run(ctx, jobs)
			}
			if err != nil && ctx.Err() == nil {
				s.log().Error("reminders: cannot fire", "channel", ch, "err", err)
			}
		})
	}
}

// channels are those reminders can go through, in a fixed order.
func (s *Service) channels() []string {
	var out []string
	for ch := range DefaultPace {
		out = append(out, ch)
	}
	slices.Sort(out)
	return out
}

func (s *Service) beginStream(ch string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.streaming == nil {
		s.streaming = map[string]bool{}
	}
	if s.streaming[ch] {
		return false
	}
	s.streaming[ch] = true
	return true
}

func (s *Service) endStream(ch string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.streaming, ch)
}
