package main

import (
	"context"
	"errors"

	"github.com/uclg-mewa/surveybot/bot/whatsapp"
)

// whatsAppDB is where the WhatsApp session keys live.
func whatsAppDB(env *cliEnv) string {
	return envOr(env.getenv, "SURVEYBOT_WHATSAPP_DB", whatsapp.DefaultDBPath)
}

// cmdWhatsAppLink links a WhatsApp account: a QR code in the terminal, or
// with --phone a pairing code to type on that phone.
func cmdWhatsAppLink(ctx context.Context, env *cliEnv, args []string) error {
	fs, _ := env.flags("whatsapp-link")
	phone := fs.String("phone", "", "link with a pairing code typed on this phone (international number, e.g. +961 3 123 456) instead of a QR code")
	dbPath := fs.String("whatsapp-db", whatsAppDB(env), "WhatsApp session file (env SURVEYBOT_WHATSAPP_DB)")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		// The stray argument may be a phone number: not repeated (rule 6).
		return &exitError{code: 2, msg: "whatsapp-link takes no arguments; give a number with --phone +NUMBER"}
	}
	err = whatsapp.Link(ctx, *dbPath, *phone, env.stdout, newLogger(env))
	switch {
	case err == nil:
		return nil
	case errors.Is(err, whatsapp.ErrAlreadyLinked):
		// Link said which account, on stdout.
		return &exitError{code: 1, msg: err.Error()}
	case ctx.Err() != nil:
		return &exitError{code: 130, msg: "linking cancelled"}
	}
	return &exitError{code: 1, msg: err.Error()}
}
