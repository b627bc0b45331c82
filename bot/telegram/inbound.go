package telegram

import (
	"context"
	"strconv"
	"strings"
	"unicode/utf8"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/uclg-mewa/surveybot/bot"
	"github.com/uclg-mewa/surveybot/conversation"
	"github.com/uclg-mewa/surveybot/messages"
)

// maxToast is Telegram's limit for a callback answer's text.
const maxToast = 200

// handleUpdate handles one update. It returns false when the update was
// cut short by the end of the shutdown grace: it must then not be
// acknowledged.
func (c *Channel) handleUpdate(ctx context.Context, u tgbotapi.Update) bool {
	switch {
	case u.CallbackQuery != nil:
		return c.handleCallback(ctx, u.UpdateID, u.CallbackQuery)
	case u.Message != nil:
		return c.handleMessage(ctx, u.UpdateID, u.Message, false)
	case u.EditedMessage != nil:
		return c.handleMessage(ctx, u.UpdateID, u.EditedMessage, true)
	}
	c.log.Debug("telegram: update of another kind ignored", "update", u.UpdateID)
	return true
}

func (c *Channel) handleMessage(ctx context.Context, id int, m *tgbotapi.Message, edited bool) bool {
	if m.Chat == nil {
		return true
	}
	if m.Chat.Type != "private" {
		c.handleGroup(ctx, id, m, edited)
		return ctx.Err() == nil
	}
	if m.From == nil || m.From.IsBot {
		return true
	}
	ev, ok := messageEvent(m, edited)
	if !ok {
		c.log.Debug("telegram: service message ignored", "update", id)
		return true
	}
	return c.dispatch(ctx, id, m.From, ev, nil)
}

// handleCallback handles a button tap. The respondent is the one who
// tapped (From), never taken from the data or the message, so a forged
// callback can only touch the sender's own session.
func (c *Channel) handleCallback(ctx context.Context, id int, q *tgbotapi.CallbackQuery) bool {
	inPrivate := q.Message == nil || q.Message.Chat == nil || q.Message.Chat.Type == "private"
	if q.From == nil || q.InlineMessageID != "" || !inPrivate {
		// Not a tap in a private chat with the bot: only stop the spinner.
		c.answerCallback(ctx, q.ID, "")
		return true
	}
	return c.dispatch(ctx, id, q.From, conversation.Event{Kind: conversation.EventButton, Data: q.Data}, q)
}

// dispatch hands an event to the dispatcher (which commits it) and shows
// the replies; q is the callback query when the event is a tap.
func (c *Channel) dispatch(ctx context.Context, updateID int, from *tgbotapi.User, ev conversation.Event, q *tgbotapi.CallbackQuery) bool {
	ev.LanguageHint = from.LanguageCode
	respondent := "telegram:" + strconv.FormatInt(from.ID, 10)
	in := bot.Inbound{Respondent: respondent, Channel: "telegram", UpdateKey: "telegram:" + strconv.Itoa(updateID), Event: ev}
	c.log.Debug("telegram: update", "update", updateID, "respondent", respondent, "kind", eventName(ev))
	msgs, handleErr := c.d.Handle(ctx, in)
	if handleErr != nil {
		if ctx.Err() != nil {
			return false
		}
		c.log.Error("telegram: could not handle an update", "update", updateID, "respondent", respondent, "err", c.redact(handleErr.Error()))
		msgs = []bot.Message{{Text: messages.Get(languageOf(from.LanguageCode), "error.internal")}}
	}
	var tap *tapped
	if q != nil {
		msgs = c.answerTap(ctx, q, msgs)
		tap = tapOf(q, from.ID)
	}
	if err := c.deliver(ctx, from.ID, msgs, tap); err != nil {
		c.log.Warn("telegram: reply not fully delivered", "update", updateID, "respondent", respondent, "err", err)
	}
	if tap != nil && handleErr == nil && outdated(tap, msgs) {
		c.retire(ctx, from.ID, tap.msg.MessageID)
	}
	return ctx.Err() == nil
}

// answerTap answers the callback query, always: a lone notice (a stale
// tap) becomes the answer's toast and nothing else is sent; otherwise the
// answer is empty and the replies follow as messages.
func (c *Channel) answerTap(ctx context.Context, q *tgbotapi.CallbackQuery, msgs []bot.Message) []bot.Message {
	text, ok := toast(msgs)
	if ok {
		msgs = nil
	}
	c.answerCallback(ctx, q.ID, text)
	return msgs
}

// answerCallback is paced globally but not per chat: it puts nothing in
// the chat, and a late answer leaves the tapped button spinning.
func (c *Channel) answerCallback(ctx context.Context, id, text string) {
	if _, err := c.call(ctx, 0, "answerCallbackQuery", tgbotapi.NewCallback(id, text)); err != nil {
		c.log.Warn("telegram: could not answer a button tap", "err", err)
	}
}

// toast returns the text of a reply that is one short notice and nothing
// else (a stale or forged tap). Other lone texts, like the thanks after
// Submit, are messages worth keeping in the chat.
func toast(msgs []bot.Message) (string, bool) {
	if len(msgs) != 1 {
		return "", false
	}
	m := msgs[0]
	if m.Text == "" || len(m.Options) > 0 || m.Prompt || m.Ack != "" || m.Refresh || m.Document != nil || m.Photo != nil {
		return "", false
	}
	if m.Notice == "" || utf8.RuneCountInString(m.Text) > maxToast {
		return "", false
	}
	return m.Text, true
}

// tapped is the message a button was tapped on, and the prompt number its
// data carries: an answer to that prompt edits this very message.
type tapped struct {
	msg *tgbotapi.Message
	seq int
}

// outdated tells whether a tap moved the conversation past the tapped
// prompt without saying so on it (Submit, a review number, a language
// choice): nothing in the reply acknowledges, redraws or repeats it.
func outdated(tap *tapped, msgs []bot.Message) bool {
	if len(msgs) == 0 {
		return false
	}
	for _, m := range msgs {
		if m.Seq == tap.seq {
			return false
		}
	}
	return true
}

// retire removes the buttons of a message whose question is over, so they
// cannot be tapped for a "that belongs to an earlier question" notice.
func (c *Channel) retire(ctx context.Context, chat int64, msgID int) {
	none := tgbotapi.InlineKeyboardMarkup{InlineKeyboard: [][]tgbotapi.InlineKeyboardButton{}}
	if _, err := c.call(ctx, chat, "editMessageReplyMarkup", tgbotapi.NewEditMessageReplyMarkup(chat, msgID, none)); err != nil && !isNotModified(err) {
		c.log.Debug("telegram: could not remove old buttons", "chat", chat, "err", err)
	}
}

func tapOf(q *tgbotapi.CallbackQuery, chat int64) *tapped {
	if q.Message == nil || q.Message.Chat == nil || q.Message.Chat.ID != chat {
		return nil
	}
	prefix, _, _ := strings.Cut(q.Data, ":")
	seq, err := strconv.Atoi(prefix)
	if err != nil || seq <= 0 {
		return nil
	}
	return &tapped{msg: q.Message, seq: seq}
}

// handleGroup answers a command meant for the bot in a group with one
// pointer to the private chat; everything else is ignored and nothing is
// stored.
func (c *Channel) handleGroup(ctx context.Context, id int, m *tgbotapi.Message, edited bool) {
	name, at, _, ok := bot.ParseCommand(m.Text)
	if edited || !ok || at != "" && !strings.EqualFold(at, c.Username()) {
		return
	}
	lang := messages.Default
	if m.From != nil {
		lang = languageOf(m.From.LanguageCode)
	}
	reply := tgbotapi.NewMessage(m.Chat.ID, messages.Get(lang, "group.private_only"))
	reply.ReplyToMessageID = m.MessageID
	reply.AllowSendingWithoutReply = true
	c.log.Info("telegram: command in a group, pointed to the private chat", "update", id, "chat", m.Chat.ID, "command", name)
	if _, err := c.call(ctx, m.Chat.ID, "sendMessage", reply); err != nil {
		c.log.Warn("telegram: could not answer in a group", "chat", m.Chat.ID, "err", err)
	}
}

// messageEvent turns a private message into an event; false for service
// messages (a pin, a timer change) that nobody typed.
func messageEvent(m *tgbotapi.Message, edited bool) (conversation.Event, bool) {
	if edited {
		return conversation.Event{Kind: conversation.EventUnsupported, What: "edit"}, true
	}
	if m.Text != "" {
		return bot.TextEvent(m.Text), true
	}
	if m.PinnedMessage != nil || m.MessageAutoDeleteTimerChanged != nil || m.ProximityAlertTriggered != nil || m.ConnectedWebsite != "" {
		return conversation.Event{}, false
	}
	return conversation.Event{Kind: conversation.EventUnsupported, What: contentKind(m)}, true
}

// contentKind names what a non-text message carries, for logs.
func contentKind(m *tgbotapi.Message) string {
	kinds := []struct {
		has  bool
		name string
	}{
		{m.Sticker != nil, "sticker"}, {len(m.Photo) > 0, "photo"}, {m.Voice != nil, "voice"},
		{m.VideoNote != nil, "video_note"}, {m.Video != nil, "video"}, {m.Audio != nil, "audio"},
		// A GIF carries both animation and document: test animation first.
		{m.Animation != nil, "animation"}, {m.Document != nil, "document"},
		{m.Venue != nil, "venue"}, {m.Location != nil, "location"}, {m.Contact != nil, "contact"},
		{m.Poll != nil, "poll"}, {m.Dice != nil, "dice"}, {m.Game != nil, "game"},
	}
	for _, k := range kinds {
		if k.has {
			return k.name
		}
	}
	return "other"
}

func eventName(ev conversation.Event) string {
	switch ev.Kind {
	case conversation.EventText:
		return "text"
	case conversation.EventButton:
		return "button"
	case conversation.EventCommand:
		return "/" + ev.Command
	}
	return ev.What
}
