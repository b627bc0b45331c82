// Package bot joins channels (Telegram, WhatsApp, the terminal), the
// conversation engine and storage. A channel turns its updates into
// Inbound values and shows the Messages that Handle returns.
package bot

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/uclg-mewa/surveybot/conversation"
	"github.com/uclg-mewa/surveybot/storage"
)

// Inbound is one message from a respondent, stripped of channel details.
type Inbound struct {
	Respondent string // "telegram:123", "whatsapp:+961...", "console:ali"
	Channel    string // "telegram", "whatsapp", "console"
	// UpdateKey identifies the update for de-duplication ("telegram:8812");
	// empty for channels that never redeliver.
	UpdateKey string
	Event     conversation.Event
}

// Dispatcher applies inbound events: one storage transaction each, then
// the rendered replies. The answer is on disk before Handle returns, so a
// reply is never sent for an answer that could still be lost.
type Dispatcher struct {
	Engine *conversation.Engine
	Store  *storage.Store
	Now    func() time.Time
	Log    *slog.Logger
}

// NewDispatcher wires an engine and a store with the real clock.
func NewDispatcher(e *conversation.Engine, s *storage.Store, log *slog.Logger) *Dispatcher {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Dispatcher{Engine: e, Store: s, Now: func() time.Time { return time.Now().UTC() }, Log: log}
}

// Handle applies one inbound event and returns what to say. A duplicate
// update changes nothing; if it was the respondent's latest, the pending
// question is repeated (its replies may have been lost in a crash).
func (d *Dispatcher) Handle(ctx context.Context, in Inbound) ([]Message, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	now := d.Now()
	var outs []conversation.Output
	sv := d.Engine.Survey
	st, dup, err := d.Store.Apply(sv.ID, in.Respondent, in.UpdateKey, now, func(st *conversation.State) error {
		if st.Respondent == "" {
			st.Respondent, st.Channel = in.Respondent, in.Channel
		}
		next, o := d.Engine.Step(*st, in.Event, now)
		next.LastUpdate = in.UpdateKey
		*st, outs = next, o
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("storing the answer of %s: %w", in.Channel, err)
	}
	if dup {
		d.Log.Info("duplicate update ignored", "channel", in.Channel, "update", in.UpdateKey)
		if st.LastUpdate != in.UpdateKey {
			return nil, nil
		}
		outs = d.Engine.Repeat(st)
	}
	return Render(outs), nil
}

// State returns a respondent's stored state (for status and coordinators).
func (d *Dispatcher) State(respondent string) (conversation.State, bool, error) {
	return d.Store.Load(d.Engine.Survey.ID, respondent)
}
