package telegramtest

import (
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// Telegram's limits, checked like the real server does.
const (
	maxText         = 4096 // characters (UTF-16 code units) of a message text
	maxCaption      = 1024
	maxCallbackData = 64 // bytes
	maxUpdates      = 100
)

// serve routes /bot<token>/<method>.
func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	rest, ok := strings.CutPrefix(r.URL.Path, "/bot")
	token, method, ok2 := strings.Cut(rest, "/")
	if !ok || !ok2 {
		reply(w, http.StatusNotFound, envelopeError(404, "Not Found", 0))
		return
	}
	call, err := readCall(r, method)
	if err != nil {
		s.finish(w, call, nil, badRequest(err.Error()))
		return
	}
	if f, fail := s.precheck(token, method); fail {
		s.record(&call, f.code)
		reply(w, f.code, envelopeError(f.code, describe(f.code, f.retryAfter), f.retryAfter))
		return
	}
	if method == "getUpdates" {
		s.getUpdates(w, r, call)
		return
	}
	result, apiErr := s.dispatch(call)
	s.finish(w, call, result, apiErr)
}

// readCall parses a form-encoded or multipart request.
func readCall(r *http.Request, method string) (Call, error) {
	call := Call{Method: method, Params: url.Values{}, At: time.Now()}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct == "multipart/form-data" {
		if err := r.ParseMultipartForm(64 << 20); err != nil {
			return call, err
		}
		call.Files = map[string]File{}
		for k, v := range r.MultipartForm.Value {
			call.Params[k] = v
		}
		for field, hs := range r.MultipartForm.File {
			f, err := hs[0].Open()
			if err != nil {
				return call, err
			}
			data, err := io.ReadAll(f)
			f.Close()
			if err != nil {
				return call, err
			}
			call.Files[field] = File{Name: hs[0].Filename, Bytes: data}
		}
		return call, nil
	}
	if err := r.ParseForm(); err != nil {
		return call, err
	}
	call.Params = r.Form
	return call, nil
}

// precheck applies the token check and injected failures.
func (s *Server) precheck(token, method string) (failure, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.tokenOK || token != s.token {
		return failure{code: 401}, true
	}
	if q := s.failures[method]; len(q) > 0 {
		s.failures[method] = q[1:]
		return q[0], true
	}
	return failure{}, false
}

func (s *Server) record(c *Call, status int) {
	c.Status = status
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = append(s.calls, *c)
}

func (s *Server) finish(w http.ResponseWriter, call Call, result any, err *apiError) {
	if err != nil {
		s.record(&call, err.code)
		reply(w, err.code, envelopeError(err.code, err.desc, 0))
		return
	}
	s.record(&call, http.StatusOK)
	reply(w, http.StatusOK, map[string]any{"ok": true, "result": result})
}

// dispatch runs one bot method under the lock.
func (s *Server) dispatch(c Call) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch c.Method {
	case "getMe":
		return tgbotapi.User{ID: BotID, IsBot: true, FirstName: "Survey bot", UserName: s.username}, nil
	case "sendMessage":
		return s.sendMessage(c.Params)
	case "sendDocument", "sendPhoto":
		return s.sendFile(c)
	case "editMessageText":
		return s.editText(c.Params)
	case "editMessageReplyMarkup":
		return s.editMarkup(c.Params)
	case "answerCallbackQuery":
		return s.answerCallback(c.Params)
	case "setMyCommands", "deleteMyCommands", "deleteMessage", "deleteWebhook":
		return true, nil
	}
	return nil, &apiError{404, "Not Found: method not found"}
}

func chatID(p url.Values) (int64, *apiError) {
	id, err := strconv.ParseInt(p.Get("chat_id"), 10, 64)
	if err != nil || id == 0 {
		return 0, badRequest("chat not found")
	}
	return id, nil
}

// checkText refuses what Telegram refuses: empty or over-long text.
func checkText(text string, limit int) *apiError {
	if strings.TrimSpace(text) == "" {
		return badRequest("message text is empty")
	}
	if len(utf16.Encode([]rune(text))) > limit {
		return badRequest("message is too long")
	}
	return nil
}

// keyboard decodes reply_markup and checks every callback_data.
func keyboard(raw string) ([][]tgbotapi.InlineKeyboardButton, *apiError) {
	if raw == "" || raw == "null" {
		return nil, nil
	}
	var m tgbotapi.InlineKeyboardMarkup
	if err := json.Unmarshal([]byte(raw), &m); err != nil {
		return nil, badRequest("can't parse reply keyboard markup JSON object")
	}
	for _, row := range m.InlineKeyboard {
		for _, b := range row {
			if b.CallbackData != nil && (len(*b.CallbackData) == 0 || len(*b.CallbackData) > maxCallbackData) {
				return nil, badRequest("BUTTON_DATA_INVALID")
			}
			if b.Text == "" {
				return nil, badRequest("text buttons are unallowed in the inline keyboard")
			}
		}
	}
	if m.InlineKeyboard == nil {
		m.InlineKeyboard = [][]tgbotapi.InlineKeyboardButton{}
	}
	return m.InlineKeyboard, nil
}

// target checks the chat of a send.
func (s *Server) target(p url.Values) (int64, *apiError) {
	chat, err := chatID(p)
	if err != nil {
		return 0, err
	}
	if s.blocked[chat] {
		return 0, &apiError{403, "Forbidden: bot was blocked by the user"}
	}
	return chat, nil
}

func (s *Server) sendMessage(p url.Values) (any, *apiError) {
	chat, err := s.target(p)
	if err != nil {
		return nil, err
	}
	text := p.Get("text")
	if err := checkText(text, maxText); err != nil {
		return nil, err
	}
	kb, err := keyboard(p.Get("reply_markup"))
	if err != nil {
		return nil, err
	}
	replyTo, _ := strconv.Atoi(p.Get("reply_to_message_id"))
	m := s.add(chat, &Message{Text: text, Keyboard: kb, ReplyTo: replyTo})
	return s.wire(m), nil
}

func (s *Server) sendFile(c Call) (any, *apiError) {
	chat, err := s.target(c.Params)
	if err != nil {
		return nil, err
	}
	field := "document"
	if c.Method == "sendPhoto" {
		field = "photo"
	}
	f, ok := c.Files[field]
	if !ok || len(f.Bytes) == 0 {
		return nil, badRequest("there is no " + field + " in the request")
	}
	caption := c.Params.Get("caption")
	if len(utf16.Encode([]rune(caption))) > maxCaption {
		return nil, badRequest("message caption is too long")
	}
	kb, err := keyboard(c.Params.Get("reply_markup"))
	if err != nil {
		return nil, err
	}
	m := &Message{Text: caption, Keyboard: kb}
	if field == "photo" {
		m.Photo = &f
	} else {
		m.Document = &f
	}
	return s.wire(s.add(chat, m)), nil
}

// add stores a new bot message; the caller holds mu.
func (s *Server) add(chat int64, m *Message) *Message {
	m.ID, m.ChatID = s.nextMsg, chat
	s.nextMsg++
	s.chats[chat] = append(s.chats[chat], m)
	return m
}

// editTarget finds the message an edit names.
func (s *Server) editTarget(p url.Values) (*Message, *apiError) {
	chat, err := chatID(p)
	if err != nil {
		return nil, err
	}
	id, _ := strconv.Atoi(p.Get("message_id"))
	m := s.find(chat, id)
	if m == nil {
		return nil, badRequest("message to edit not found")
	}
	return m, nil
}

// editText replaces text and keyboard; like Telegram, an edit without
// reply_markup removes the inline keyboard.
func (s *Server) editText(p url.Values) (any, *apiError) {
	m, err := s.editTarget(p)
	if err != nil {
		return nil, err
	}
	text := p.Get("text")
	if err := checkText(text, maxText); err != nil {
		return nil, err
	}
	kb, err := keyboard(p.Get("reply_markup"))
	if err != nil {
		return nil, err
	}
	if text == m.Text && sameKeyboard(kb, m.Keyboard) {
		return nil, notModified()
	}
	m.Text, m.Keyboard = text, kb
	m.Edits++
	return s.wire(m), nil
}

func (s *Server) editMarkup(p url.Values) (any, *apiError) {
	m, err := s.editTarget(p)
	if err != nil {
		return nil, err
	}
	kb, err := keyboard(p.Get("reply_markup"))
	if err != nil {
		return nil, err
	}
	if sameKeyboard(kb, m.Keyboard) {
		return nil, notModified()
	}
	m.Keyboard = kb
	m.Edits++
	return s.wire(m), nil
}

func notModified() *apiError {
	return badRequest("message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message")
}

func sameKeyboard(a, b [][]tgbotapi.InlineKeyboardButton) bool {
	if len(a) == 0 || len(b) == 0 {
		return len(a) == len(b)
	}
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return string(ja) == string(jb)
}

// answerCallback accepts one answer per query, as Telegram does.
func (s *Server) answerCallback(p url.Values) (any, *apiError) {
	id := p.Get("callback_query_id")
	if _, done := s.answers[id]; done || id == "" {
		return nil, badRequest("query is too old and response timeout expired or query ID is invalid")
	}
	if len([]rune(p.Get("text"))) > 200 {
		return nil, badRequest("MESSAGE_TOO_LONG")
	}
	s.answers[id] = p
	return true, nil
}

// wire renders a bot message as the API returns it.
func (s *Server) wire(m *Message) tgbotapi.Message {
	out := tgbotapi.Message{
		MessageID: m.ID,
		From:      &tgbotapi.User{ID: BotID, IsBot: true, FirstName: "Survey bot", UserName: s.username},
		Date:      int(time.Now().Unix()),
		Chat:      chatOf(m.ChatID),
	}
	if m.Document != nil {
		out.Document = &tgbotapi.Document{FileID: "doc" + strconv.Itoa(m.ID), FileName: m.Document.Name, FileSize: len(m.Document.Bytes)}
		out.Caption = m.Text
	} else if m.Photo != nil {
		out.Photo = []tgbotapi.PhotoSize{{FileID: "photo" + strconv.Itoa(m.ID), Width: 800, Height: 600, FileSize: len(m.Photo.Bytes)}}
		out.Caption = m.Text
	} else {
		out.Text = m.Text
	}
	if len(m.Keyboard) > 0 {
		c := m.clone()
		out.ReplyMarkup = &tgbotapi.InlineKeyboardMarkup{InlineKeyboard: c.Keyboard}
	}
	return out
}

// chatOf makes private chats of positive ids and supergroups of negative ones.
func chatOf(id int64) *tgbotapi.Chat {
	if id < 0 {
		return &tgbotapi.Chat{ID: id, Type: "supergroup", Title: "Test group"}
	}
	return &tgbotapi.Chat{ID: id, Type: "private", FirstName: "User"}
}
