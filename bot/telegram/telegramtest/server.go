// Package telegramtest is a fake Telegram Bot API server for tests and
// load tools. It speaks the HTTP protocol of the real one closely enough
// for github.com/go-telegram-bot-api/telegram-bot-api/v5 (form-encoded and
// multipart requests, {"ok":...} envelopes, error codes and retry_after),
// keeps getUpdates' long-poll and confirmation semantics (an update is
// redelivered until a later getUpdates passes an offset above it), records
// every call, and keeps what the bot said in each chat with edits applied.
//
// Users are simulated with SendText, Tap, SendSticker and friends; the bot
// under test sees them as updates. Nothing here reaches the internet.
package telegramtest

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// DefaultUsername is the bot's username that getMe reports.
const DefaultUsername = "smartcities_test_bot"

// BotID is the bot's user id that getMe reports.
const BotID int64 = 7000000001

// Call is one request the bot made.
type Call struct {
	Method string
	Params url.Values      // form fields (multipart text fields included)
	Files  map[string]File // multipart uploads by field name ("document", "photo")
	Status int             // HTTP status the server answered
	At     time.Time
}

// File is an uploaded file.
type File struct {
	Name  string
	Bytes []byte
}

// Message is something the bot said in a chat, as it looks now (edits
// applied).
type Message struct {
	ID       int
	ChatID   int64
	Text     string // the text, or the caption of a document or photo
	Keyboard [][]tgbotapi.InlineKeyboardButton
	Document *File
	Photo    *File
	ReplyTo  int // reply_to_message_id
	Edits    int // how many times it was edited
}

// Server is a fake Bot API server. Its methods are safe for concurrent use.
type Server struct {
	srv      *httptest.Server
	token    string
	username string
	closed   chan struct{}
	once     sync.Once

	mu         sync.Mutex
	wake       chan struct{}     // closed and replaced whenever an update is queued
	queue      []tgbotapi.Update // not yet confirmed, in update_id order
	nextUpdate int
	offset     int // highest offset a getUpdates passed: everything below is confirmed
	nextMsg    int
	chats      map[int64][]*Message
	calls      []Call
	failures   map[string][]failure
	tokenOK    bool
	blocked    map[int64]bool
	langs      map[int64]string
	callbacks  map[int]string // update id → callback query id
	answers    map[string]url.Values
	polling    int // getUpdates requests in flight
	onPoll     func(offset int)
}

type failure struct{ code, retryAfter int }

// New starts a server on a local port with a fresh, valid-looking token.
func New() *Server {
	s := &Server{
		token:      fmt.Sprintf("%d:AA%s", 100000000+rand.IntN(899999999), randomString(33)),
		username:   DefaultUsername,
		closed:     make(chan struct{}),
		wake:       make(chan struct{}),
		nextUpdate: 100,
		nextMsg:    1,
		chats:      map[int64][]*Message{},
		failures:   map[string][]failure{},
		tokenOK:    true,
		blocked:    map[int64]bool{},
		langs:      map[int64]string{},
		callbacks:  map[int]string{},
		answers:    map[string]url.Values{},
	}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

func randomString(n int) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[rand.IntN(len(alphabet))]
	}
	return string(b)
}

// URL is the base URL to give the bot (TELEGRAM_API_URL): requests go to
// URL()+"/bot"+token+"/"+method.
func (s *Server) URL() string { return s.srv.URL }

// Token is the only token the server accepts.
func (s *Server) Token() string { return s.token }

// Username is the bot's username (without @).
func (s *Server) Username() string { return s.username }

// Close ends pending long polls and stops the server.
func (s *Server) Close() {
	s.once.Do(func() { close(s.closed) })
	s.srv.Close()
}

// SetTokenValid(false) makes every request fail with 401 Unauthorized, as
// Telegram does for a revoked token; true restores service.
func (s *Server) SetTokenValid(ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tokenOK = ok
}

// FailNext makes the next call of method fail with code (429, 401, 500,
// 403...). A retryAfter above zero is sent as parameters.retry_after.
// Several failures queue up.
func (s *Server) FailNext(method string, code, retryAfter int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failures[method] = append(s.failures[method], failure{code, retryAfter})
}

// OnPoll makes f run at the start of every getUpdates request, with the
// offset it carries, before anything below that offset is confirmed: a
// test can check there what the bot must have finished by then. f runs on
// the server's goroutine; nil removes it.
func (s *Server) OnPoll(f func(offset int)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.onPoll = f
}

// Block makes every send to chatID fail with 403, as when a user blocked
// the bot.
func (s *Server) Block(chatID int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.blocked[chatID] = true
}

// Calls returns the recorded calls of method, oldest first; "" returns all.
func (s *Server) Calls(method string) []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Call
	for _, c := range s.calls {
		if method == "" || c.Method == method {
			out = append(out, c)
		}
	}
	return out
}

// Messages returns copies of what the bot said in chatID, oldest first.
func (s *Server) Messages(chatID int64) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Message, 0, len(s.chats[chatID]))
	for _, m := range s.chats[chatID] {
		out = append(out, m.clone())
	}
	return out
}

// LastMessage returns the bot's latest message in chatID.
func (s *Server) LastMessage(chatID int64) (Message, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ms := s.chats[chatID]
	if len(ms) == 0 {
		return Message{}, false
	}
	return ms[len(ms)-1].clone(), true
}

// Message returns the bot's message id in chatID as it looks now.
func (s *Server) Message(chatID int64, id int) (Message, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if m := s.find(chatID, id); m != nil {
		return m.clone(), true
	}
	return Message{}, false
}

func (m *Message) clone() Message {
	c := *m
	c.Keyboard = nil
	for _, row := range m.Keyboard {
		c.Keyboard = append(c.Keyboard, slices.Clone(row))
	}
	return c
}

// Button finds, in the bot's latest message of chatID that has a keyboard,
// the button whose label is label (ignoring a leading "☐ " or "☑ "), and
// returns that message's id and the button's callback data.
func (s *Server) Button(chatID int64, label string) (msgID int, data string, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ms := s.chats[chatID]
	for i := len(ms) - 1; i >= 0; i-- {
		if len(ms[i].Keyboard) == 0 {
			continue
		}
		for _, row := range ms[i].Keyboard {
			for _, b := range row {
				text := strings.TrimPrefix(strings.TrimPrefix(b.Text, "☐ "), "☑ ")
				if (text == label || b.Text == label) && b.CallbackData != nil {
					return ms[i].ID, *b.CallbackData, true
				}
			}
		}
		return ms[i].ID, "", false
	}
	return 0, "", false
}

// WaitFor polls cond until it is true or d has passed, and reports whether
// it became true.
func (s *Server) WaitFor(cond func() bool, d time.Duration) bool {
	deadline := time.Now().Add(d)
	for {
		if cond() {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// Confirmed reports whether the bot acknowledged the update: a later
// getUpdates passed an offset above it. The channel does that only after
// the update was stored and its replies were attempted, so this is the
// moment to look at the results.
func (s *Server) Confirmed(updateID int) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.offset > updateID
}

// WaitConfirmed waits up to d for Confirmed(updateID).
func (s *Server) WaitConfirmed(updateID int, d time.Duration) bool {
	return s.WaitFor(func() bool { return s.Confirmed(updateID) }, d)
}

// Pending is how many updates wait for confirmation.
func (s *Server) Pending() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.queue)
}

// Polling is how many getUpdates requests are in flight.
func (s *Server) Polling() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.polling
}

// CallbackAnswer returns the answerCallbackQuery parameters the bot sent
// for the callback query of update updateID (see Tap).
func (s *Server) CallbackAnswer(updateID int) (text string, answered bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.answers[s.callbacks[updateID]]
	if !ok {
		return "", false
	}
	return p.Get("text"), true
}

// find returns the bot's message id in chatID; the caller holds mu.
func (s *Server) find(chatID int64, id int) *Message {
	for _, m := range s.chats[chatID] {
		if m.ID == id {
			return m
		}
	}
	return nil
}

// reply writes an API envelope.
func reply(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}

type apiError struct {
	code int
	desc string
}

func (e *apiError) Error() string { return e.desc }

func badRequest(desc string) *apiError { return &apiError{400, "Bad Request: " + desc} }

// envelopeError is how Telegram reports a failure.
func envelopeError(code int, desc string, retryAfter int) map[string]any {
	body := map[string]any{"ok": false, "error_code": code, "description": desc}
	if retryAfter > 0 {
		body["parameters"] = map[string]any{"retry_after": retryAfter}
	}
	return body
}

func describe(code, retryAfter int) string {
	switch code {
	case 429:
		return fmt.Sprintf("Too Many Requests: retry after %d", retryAfter)
	case 401:
		return "Unauthorized"
	case 403:
		return "Forbidden: bot was blocked by the user"
	case 400:
		return "Bad Request: injected failure"
	case 409:
		return "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"
	}
	return "Internal Server Error"
}
