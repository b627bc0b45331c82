package whatsapp

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"go.mau.fi/whatsmeow/types/events"
)

// startRun runs the channel in the background until it is connected.
func startRun(t *testing.T, h *harness, ctx context.Context) <-chan error {
	t.Helper()
	h.rec.connected = make(chan struct{}, 1)
	done := make(chan error, 1)
	go func() { done <- h.c.Run(ctx) }()
	select {
	case <-h.rec.connected:
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not connect")
	}
	return done
}

func wait(t *testing.T, done <-chan error) error {
	t.Helper()
	select {
	case err := <-done:
		return err
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return within 5 s")
		return nil
	}
}

func TestPermanentDisconnectStopsRun(t *testing.T) {
	cases := map[string]events.PermanentDisconnect{
		"logged out":      &events.LoggedOut{Reason: events.ConnectFailureLoggedOut},
		"stream replaced": &events.StreamReplaced{},
		"client outdated": &events.ClientOutdated{},
		"temporary ban":   &events.TemporaryBan{Code: events.TempBanSentToTooManyPeople, Expire: time.Hour},
	}
	for name, evt := range cases {
		t.Run(name, func(t *testing.T) {
			var calls atomic.Int32
			var reason atomic.Value
			h := newHarness(t, Config{OnPermanentDisconnect: func(r string) {
				calls.Add(1)
				reason.Store(r)
			}})
			done := startRun(t, h, context.Background())
			h.c.handleEvent(evt)
			h.c.handleEvent(evt) // a second one changes nothing
			err := wait(t, done)
			if !errors.Is(err, ErrDisconnected) {
				t.Fatalf("Run returned %v, want ErrDisconnected", err)
			}
			if calls.Load() != 1 {
				t.Fatalf("OnPermanentDisconnect called %d times, want 1", calls.Load())
			}
			if r := reason.Load().(string); !strings.Contains(err.Error(), r) || r == "" {
				t.Errorf("the error %q should carry the reason %q", err, r)
			}
			if h.rec.connects != 1 || h.rec.disconnects != 1 {
				t.Errorf("connects %d, disconnects %d; want 1 and 1 (no reconnect)", h.rec.connects, h.rec.disconnects)
			}
			noDigitRuns(t, "error", err.Error())
		})
	}
}

func TestLoggedOutTellsWhatToDo(t *testing.T) {
	r := describeDisconnect(&events.LoggedOut{Reason: events.ConnectFailureLoggedOut})
	if !strings.Contains(r, "surveybot whatsapp-link") {
		t.Errorf("logged out: %q should say to link again", r)
	}
}

func TestRunStopsWithContext(t *testing.T) {
	h := newHarness(t, Config{OnPermanentDisconnect: func(string) { t.Error("not a permanent disconnect") }})
	ctx, cancel := context.WithCancel(context.Background())
	done := startRun(t, h, ctx)
	// A network loss in between is whatsmeow's to repair: Run goes on.
	h.c.handleEvent(&events.Disconnected{})
	h.c.handleEvent(&events.Connected{})
	h.say("hi")
	if len(h.rec.texts()) == 0 {
		t.Fatal("no reply while running")
	}
	cancel()
	if err := wait(t, done); err != nil {
		t.Fatalf("Run returned %v, want nil", err)
	}
	if h.rec.disconnects != 1 {
		t.Errorf("disconnects = %d, want 1", h.rec.disconnects)
	}
	// Stopped: new messages are not taken any more.
	h.c.handleEvent(dm(h.nextID(), aliceJID, text("late")))
	if len(h.rec.take()) != 0 {
		t.Error("a message was handled after Run returned")
	}
	if err := h.c.Run(context.Background()); err == nil {
		t.Error("a second Run should fail")
	}
}

func TestMessagesInFlightFinishAtShutdown(t *testing.T) {
	h := newHarness(t, Config{})
	ctx, cancel := context.WithCancel(context.Background())
	done := startRun(t, h, ctx)
	h.c.handleEvent(dm(h.nextID(), aliceJID, text("hi")))
	cancel()
	if err := wait(t, done); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := h.d.State(aliceRes); !ok {
		t.Fatal("a message queued before the stop was dropped")
	}
	if len(h.rec.texts()) == 0 {
		t.Fatal("its reply was not sent")
	}
}
