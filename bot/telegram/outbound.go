package telegram

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/uclg-mewa/surveybot/bot"
)

// Telegram's limits.
const (
	maxMessage      = 4096 // characters of a message; SplitText counts bytes, which is stricter
	maxCaption      = 1024 // characters of a document or photo caption
	maxCallbackData = 64   // bytes
)

// deliver shows msgs in chat, in order. tap, when the reply answers a
// button, is the message that was tapped. A failed message does not stop
// the others (the next question matters more than a lost edit); the
// errors are returned together.
func (c *Channel) deliver(ctx context.Context, chat int64, msgs []bot.Message, tap *tapped) error {
	var errs []error
	for _, m := range msgs {
		if ctx.Err() != nil {
			errs = append(errs, ctx.Err())
			break
		}
		var err error
		switch {
		case m.Ack != "":
			err = c.ack(ctx, chat, m, tap)
		case m.Refresh:
			err = c.refresh(ctx, chat, m, tap)
		case m.Document != nil || m.Photo != nil:
			err = c.sendFile(ctx, chat, m)
		default:
			err = c.sendText(ctx, chat, m)
		}
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// sendText sends a text, split when too long, with the buttons on the
// last part, and remembers it when it is the current prompt.
func (c *Channel) sendText(ctx context.Context, chat int64, m bot.Message) error {
	if m.Text == "" {
		return nil
	}
	parts := bot.SplitText(m.Text, maxMessage)
	kb := c.keyboard(m)
	for i, part := range parts {
		cfg := tgbotapi.NewMessage(chat, part)
		cfg.DisableWebPagePreview = true // answers may hold links; a preview would bury the question
		last := i == len(parts)-1
		if last && kb != nil {
			cfg.ReplyMarkup = *kb
		}
		sent, err := c.send(ctx, chat, "sendMessage", cfg)
		if err != nil && m.Prompt && ctx.Err() == nil && worthAnotherTry(err) {
			// Without the question the respondent is stuck (their answer
			// is stored, nothing shows what comes next): one more try a
			// little later, at the risk of showing it twice.
			c.log.Warn("telegram: question not delivered, trying once more", "chat", chat, "in", promptRetryDelay, "err", err)
			if sleep(ctx, promptRetryDelay) == nil {
				sent, err = c.send(ctx, chat, "sendMessage", cfg)
			}
		}
		if err != nil {
			return err
		}
		if last && m.Prompt && m.Seq > 0 {
			c.retireOldPrompt(ctx, chat)
			c.prompts.put(promptRec{chat: chat, seq: m.Seq, msgID: sent.MessageID, text: part, buttons: kb != nil})
		}
	}
	return nil
}

// promptRetryDelay is how long a question whose sending failed waits for
// its one more try; only its respondent waits.
const promptRetryDelay = 2 * time.Second

// worthAnotherTry tells whether a send that failed (after the retries of
// call) may succeed later: rate limits, Telegram's server errors, the
// network; not a refusal (blocked bot, bad request).
func worthAnotherTry(err error) bool {
	var tgErr *tgbotapi.Error
	if errors.As(err, &tgErr) {
		return tgErr.RetryAfter > 0 || tgErr.Code >= 500
	}
	return true
}

// retireOldPrompt removes the buttons of the chat's previous prompt when a
// new one is sent without the old being answered (a refusal repeats the
// question, /back or /language moves elsewhere): only the newest copy of
// a question should be tappable, or toggles on one copy would not show on
// the other. A failure only leaves buttons that answer "earlier question".
func (c *Channel) retireOldPrompt(ctx context.Context, chat int64) {
	rec, ok := c.prompts.get(chat)
	if !ok || !rec.buttons {
		return // a text question has no buttons to remove (Telegram would answer "not modified")
	}
	none := tgbotapi.InlineKeyboardMarkup{InlineKeyboard: [][]tgbotapi.InlineKeyboardButton{}}
	edit := tgbotapi.NewEditMessageReplyMarkup(chat, rec.msgID, none)
	if _, err := c.call(ctx, chat, "editMessageReplyMarkup", edit); err != nil && !isNotModified(err) {
		c.log.Debug("telegram: old prompt keeps its buttons", "chat", chat, "err", err)
	}
}

// send makes a call that returns a Message.
func (c *Channel) send(ctx context.Context, chat int64, method string, req tgbotapi.Chattable) (tgbotapi.Message, error) {
	resp, err := c.call(ctx, chat, method, req)
	if err != nil {
		return tgbotapi.Message{}, err
	}
	var sent tgbotapi.Message
	if err := json.Unmarshal(resp.Result, &sent); err != nil {
		return sent, fmt.Errorf("telegram %s: unexpected answer: %w", method, err)
	}
	return sent, nil
}

// ack shows the answer under its question and removes the buttons: on
// the tapped message when the answer came by a tap, and on the remembered
// prompt message (a typed answer, or another copy of the same question).
// An unknown prompt (after a restart) is left as it is.
func (c *Channel) ack(ctx context.Context, chat int64, m bot.Message, tap *tapped) error {
	var errs []error
	edited := 0
	if tap != nil && tap.seq == m.Seq {
		edited = tap.msg.MessageID
		errs = append(errs, c.editAck(ctx, chat, edited, tap.msg.Text, m.Ack))
	}
	if rec, ok := c.prompts.get(chat); ok && rec.seq == m.Seq {
		c.prompts.drop(chat, rec.msgID)
		if rec.msgID != edited {
			errs = append(errs, c.editAck(ctx, chat, rec.msgID, rec.text, m.Ack))
		}
	}
	return errors.Join(errs...)
}

func (c *Channel) editAck(ctx context.Context, chat int64, msgID int, text, ack string) error {
	// A non-nil empty keyboard removes the buttons; a nil one would send
	// "null", which changes nothing.
	none := tgbotapi.InlineKeyboardMarkup{InlineKeyboard: [][]tgbotapi.InlineKeyboardButton{}}
	edit := tgbotapi.NewEditMessageTextAndMarkup(chat, msgID, withAck(text, ack), none)
	_, err := c.call(ctx, chat, "editMessageText", edit)
	if isNotModified(err) {
		return nil
	}
	return err
}

// withAck puts the answer under the question, shortening the question
// (never the answer) when both exceed Telegram's limit.
func withAck(text, ack string) string {
	if text == "" {
		return ack
	}
	const sep = "\n\n"
	if room := maxMessage - utf16Len(ack) - utf16Len(sep) - 1; utf16Len(text) > room {
		r := []rune(text)
		for len(r) > 0 && utf16Len(string(r)) > room {
			r = r[:len(r)-min(len(r), 1+(utf16Len(string(r))-room)/2)]
		}
		text = string(r) + "…"
	}
	return text + sep + ack
}

// utf16Len counts as Telegram does: in UTF-16 code units.
func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

// refresh redraws the buttons of the current prompt in place (a toggled
// choice); when that message is unknown the prompt is sent anew.
func (c *Channel) refresh(ctx context.Context, chat int64, m bot.Message, tap *tapped) error {
	msgID := 0
	if tap != nil && tap.seq == m.Seq {
		msgID = tap.msg.MessageID
	} else if rec, ok := c.prompts.get(chat); ok && rec.seq == m.Seq {
		msgID = rec.msgID
	}
	kb := c.keyboard(m)
	if msgID == 0 || kb == nil {
		return c.sendText(ctx, chat, m)
	}
	_, err := c.call(ctx, chat, "editMessageReplyMarkup", tgbotapi.NewEditMessageReplyMarkup(chat, msgID, *kb))
	if isNotModified(err) {
		return nil
	}
	return err
}

// sendFile sends a document or a photo with the text as its caption (or
// after it, when too long for a caption).
func (c *Channel) sendFile(ctx context.Context, chat int64, m bot.Message) error {
	caption, rest := m.Text, ""
	if utf8.RuneCountInString(caption) > maxCaption {
		caption, rest = "", m.Text
	}
	var req tgbotapi.Chattable
	method := "sendDocument"
	if m.Document != nil {
		doc := tgbotapi.NewDocument(chat, tgbotapi.FileBytes{Name: m.Document.Name, Bytes: m.Document.Bytes})
		doc.Caption = caption
		req = doc
	} else {
		photo := tgbotapi.NewPhoto(chat, tgbotapi.FileBytes{Name: m.Photo.Name, Bytes: m.Photo.Bytes})
		photo.Caption = caption
		req, method = photo, "sendPhoto"
	}
	if _, err := c.send(ctx, chat, method, req); err != nil {
		return err
	}
	m.Text, m.Document, m.Photo = rest, nil, nil
	return c.sendText(ctx, chat, m)
}

// keyboard lays out a message's options as inline buttons, or nil.
func (c *Channel) keyboard(m bot.Message) *tgbotapi.InlineKeyboardMarkup {
	valid := m.Options[:0:0]
	for _, o := range m.Options {
		if len(o.Data) == 0 || len(o.Data) > maxCallbackData {
			// The engine keeps data short; one bad button would make
			// Telegram refuse the whole message, so it is left out.
			c.log.Error("telegram: button with empty or over-64-byte data left out", "label", o.Label, "data_len", len(o.Data))
			continue
		}
		valid = append(valid, o)
	}
	m.Options = valid
	rows := layout(m)
	if len(rows) == 0 {
		return nil
	}
	return &tgbotapi.InlineKeyboardMarkup{InlineKeyboard: rows}
}
