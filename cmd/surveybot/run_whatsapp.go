package main

import (
	"context"
	"errors"

	"github.com/uclg-mewa/surveybot/bot/whatsapp"
)

// whatsapp starts the WhatsApp channel. A permanent disconnect (logged
// out, replaced, banned) stops only this channel; the coordinators hear of
// it on Telegram when that channel runs.
func (w *wiring) whatsapp(ctx context.Context) (channel, error) {
	cfg := whatsapp.Config{
		DBPath: envOr(w.env.getenv, "SURVEYBOT_WHATSAPP_DB", "whatsapp.db"),
		Log:    w.log,
		Polls:  w.env.getenv("WHATSAPP_POLLS") == "1",
		OnPermanentDisconnect: func(reason string) {
			w.log.Error("WhatsApp session ended; run `surveybot whatsapp-link` again", "reason", reason)
			w.notifyCoordinators(ctx, reason)
		},
	}
	wa, err := whatsapp.New(ctx, cfg, w.d)
	if errors.Is(err, whatsapp.ErrNotLinked) {
		return nil, &exitError{code: 1, msg: err.Error()}
	}
	if err != nil {
		return nil, &exitError{code: 1, msg: "cannot start WhatsApp: " + err.Error()}
	}
	return wa, nil
}

// notifyCoordinators is filled in with the coordinator wiring.
func (w *wiring) notifyCoordinators(ctx context.Context, reason string) {}
