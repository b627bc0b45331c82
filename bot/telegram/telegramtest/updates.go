package telegramtest

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// getUpdates has Telegram's semantics: updates below offset are confirmed
// and forgotten; queued ones at or above it are returned (up to limit, of
// the allowed kinds); with none queued it waits up to timeout seconds for
// one, or until the client gives up.
func (s *Server) getUpdates(w http.ResponseWriter, r *http.Request, call Call) {
	p := call.Params
	offset, _ := strconv.Atoi(p.Get("offset"))
	limit, _ := strconv.Atoi(p.Get("limit"))
	if limit <= 0 || limit > maxUpdates {
		limit = maxUpdates
	}
	timeout, _ := strconv.Atoi(p.Get("timeout"))
	var allowed []string
	if a := p.Get("allowed_updates"); a != "" && a != "null" {
		_ = json.Unmarshal([]byte(a), &allowed)
	}
	s.record(&call, http.StatusOK)
	s.mu.Lock()
	s.polling++
	onPoll := s.onPoll
	s.mu.Unlock()
	if onPoll != nil {
		onPoll(offset)
	}
	defer func() {
		s.mu.Lock()
		s.polling--
		s.mu.Unlock()
	}()

	deadline := time.NewTimer(time.Duration(timeout) * time.Second)
	defer deadline.Stop()
	for {
		ups, wake := s.take(offset, limit, allowed)
		if len(ups) > 0 || timeout <= 0 {
			reply(w, http.StatusOK, map[string]any{"ok": true, "result": ups})
			return
		}
		select {
		case <-wake:
		case <-deadline.C:
			timeout = 0
		case <-s.closed:
			timeout = 0
		case <-r.Context().Done():
			return
		}
	}
}

// take confirms updates below offset and returns the deliverable ones.
func (s *Server) take(offset, limit int, allowed []string) ([]tgbotapi.Update, chan struct{}) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if offset > s.offset {
		s.offset = offset
	}
	s.queue = slices.DeleteFunc(s.queue, func(u tgbotapi.Update) bool { return u.UpdateID < s.offset })
	out := []tgbotapi.Update{}
	for _, u := range s.queue {
		if len(out) == limit {
			break
		}
		if len(allowed) == 0 || slices.Contains(allowed, kind(u)) {
			out = append(out, u)
		}
	}
	return out, s.wake
}

func kind(u tgbotapi.Update) string {
	switch {
	case u.Message != nil:
		return "message"
	case u.EditedMessage != nil:
		return "edited_message"
	case u.CallbackQuery != nil:
		return "callback_query"
	case u.ChannelPost != nil:
		return "channel_post"
	}
	return "other"
}

// AddUpdate queues an update for the bot and returns its update_id. A zero
// UpdateID gets the next id; a given one is kept, so a test can deliver the
// same update twice (it is delivered only if the bot has not confirmed it,
// as with Telegram).
func (s *Server) AddUpdate(u tgbotapi.Update) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if u.UpdateID == 0 {
		u.UpdateID = s.nextUpdate
	}
	if u.UpdateID >= s.nextUpdate {
		s.nextUpdate = u.UpdateID + 1
	}
	if u.CallbackQuery != nil && u.CallbackQuery.ID == "" {
		u.CallbackQuery.ID = "cq" + strconv.Itoa(u.UpdateID)
	}
	if u.CallbackQuery != nil {
		s.callbacks[u.UpdateID] = u.CallbackQuery.ID
	}
	i, _ := slices.BinarySearchFunc(s.queue, u.UpdateID, func(a tgbotapi.Update, id int) int { return a.UpdateID - id })
	s.queue = slices.Insert(s.queue, i, u)
	close(s.wake)
	s.wake = make(chan struct{})
	return u.UpdateID
}

// SetLanguage sets the language_code the user's updates carry.
func (s *Server) SetLanguage(userID int64, code string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.langs[userID] = code
}

func (s *Server) user(id int64) *tgbotapi.User {
	s.mu.Lock()
	defer s.mu.Unlock()
	return &tgbotapi.User{ID: id, FirstName: "User" + strconv.FormatInt(id, 10), LanguageCode: s.langs[id]}
}

// userMessage builds a message from userID in chat (their private chat
// when chat is 0), with a fresh message id.
func (s *Server) userMessage(chat, userID int64) *tgbotapi.Message {
	if chat == 0 {
		chat = userID
	}
	from := s.user(userID)
	s.mu.Lock()
	id := s.nextMsg
	s.nextMsg++
	s.mu.Unlock()
	return &tgbotapi.Message{MessageID: id, From: from, Date: int(time.Now().Unix()), Chat: chatOf(chat)}
}

// withText sets the text, marking a leading /command as Telegram does.
func withText(m *tgbotapi.Message, text string) *tgbotapi.Message {
	m.Text = text
	if strings.HasPrefix(text, "/") {
		n := len(text)
		if i := strings.IndexAny(text, " \n"); i > 0 {
			n = i
		}
		m.Entities = []tgbotapi.MessageEntity{{Type: "bot_command", Offset: 0, Length: len([]rune(text[:n]))}}
	}
	return m
}

// SendText delivers a text message from userID in their private chat.
func (s *Server) SendText(userID int64, text string) int {
	return s.AddUpdate(tgbotapi.Update{Message: withText(s.userMessage(0, userID), text)})
}

// SendGroupText delivers a text message from userID in group chatID
// (a negative id).
func (s *Server) SendGroupText(chatID, userID int64, text string) int {
	return s.AddUpdate(tgbotapi.Update{Message: withText(s.userMessage(chatID, userID), text)})
}

// EditText delivers an edited_message: the user changed their message.
func (s *Server) EditText(userID int64, messageID int, text string) int {
	m := withText(s.userMessage(0, userID), text)
	m.MessageID, m.EditDate = messageID, int(time.Now().Unix())
	return s.AddUpdate(tgbotapi.Update{EditedMessage: m})
}

// SendSticker delivers a sticker from userID.
func (s *Server) SendSticker(userID int64) int {
	m := s.userMessage(0, userID)
	m.Sticker = &tgbotapi.Sticker{FileID: "sticker1", FileUniqueID: "s1", Width: 512, Height: 512, Emoji: "👍"}
	return s.AddUpdate(tgbotapi.Update{Message: m})
}

// SendPhoto delivers a photo with a caption from userID.
func (s *Server) SendPhoto(userID int64, caption string) int {
	m := s.userMessage(0, userID)
	m.Photo = []tgbotapi.PhotoSize{{FileID: "photo1", FileUniqueID: "p1", Width: 90, Height: 90}}
	m.Caption = caption
	return s.AddUpdate(tgbotapi.Update{Message: m})
}

// SendLocation delivers a location from userID.
func (s *Server) SendLocation(userID int64) int {
	m := s.userMessage(0, userID)
	m.Location = &tgbotapi.Location{Latitude: 36.8, Longitude: 10.18}
	return s.AddUpdate(tgbotapi.Update{Message: m})
}

// Tap delivers a callback query: userID tapped a button with data under
// the bot's message messageID in their private chat. The data is sent as
// given, so tests can forge it. CallbackAnswer(updateID) tells how the bot
// answered.
func (s *Server) Tap(userID int64, messageID int, data string) int {
	from := s.user(userID)
	s.mu.Lock()
	msg := &tgbotapi.Message{MessageID: messageID, Chat: chatOf(userID), Date: int(time.Now().Unix())}
	if m := s.find(userID, messageID); m != nil {
		w := s.wire(m)
		msg = &w
	}
	s.mu.Unlock()
	return s.AddUpdate(tgbotapi.Update{CallbackQuery: &tgbotapi.CallbackQuery{
		From: from, Message: msg, ChatInstance: "ci" + strconv.FormatInt(userID, 10), Data: data,
	}})
}
