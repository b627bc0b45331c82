package main

import (
	"context"
	"errors"
	"strings"

	"github.com/uclg-mewa/surveybot/bot"
	"github.com/uclg-mewa/surveybot/messages"

	"github.com/uclg-mewa/surveybot/bot/whatsapp"
)

// whatsapp starts the WhatsApp channel. A permanent disconnect (logged
// out, replaced, banned) stops only this channel; the coordinators hear of
// it on Telegram when that channel runs.
func (w *wiring) whatsapp(ctx context.Context) (*whatsapp.Channel, error) {
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

// notifyCoordinators tells the Telegram coordinators that WhatsApp
// stopped, each in their own language.
func (w *wiring) notifyCoordinators(ctx context.Context, reason string) {
	if w.tg == nil {
		return
	}
	for id := range w.coordIDs {
		if !strings.HasPrefix(id, "telegram:") {
			continue
		}
		lang := messages.Default
		if st, ok, err := w.d.State(id); err == nil && ok && st.Language != "" {
			lang = st.Language
		}
		msg := bot.Message{Text: messages.Get(lang, "coord.whatsapp_down", "reason", reason), Language: lang}
		if err := w.tg.Send(ctx, id, []bot.Message{msg}); err != nil {
			w.log.Warn("telling a coordinator that WhatsApp stopped", "coordinator", id, "err", err)
		}
	}
}
