package main

// A fake Telegram Bot API server built for load: the bot under test sees
// Telegram's HTTP protocol (the subset surveybot uses), and the virtual
// respondents see their chats change as the bot writes to them.
//
// Why not telegramtest.Server: it is built for functional tests and keeps
// every call (with its parameters) forever, answers every method under one
// server-wide mutex, and offers only polling (WaitFor sleeps 5 ms between
// looks) to notice a reply. With 1,000 respondents and ~100,000 calls per
// run that means unbounded memory in the load tool, lock contention in the
// measuring process, and latency figures quantised to 5 ms. This server
// keeps a bounded window of messages per chat, locks per chat, wakes the
// respondent waiting on a chat at the moment the bot writes to it, and
// timestamps every message so that latency is measured server-side.
//
// The getUpdates semantics are Telegram's: an update is returned until a
// getUpdates call carries an offset above its id (then it is forgotten),
// so a bot killed in the middle of a batch gets that batch again.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"mime"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

const (
	fakeBotID       int64 = 7000000001
	fakeBotUsername       = "surveyload_bot"
	keptPerChat           = 24  // bot messages remembered per chat
	maxUpdatesBatch       = 100 // getUpdates' limit
)

// button is one inline button.
type button struct {
	Text string `json:"text"`
	Data string `json:"callback_data"`
}

// botMsg is a message the bot wrote in a chat, with edits applied.
type botMsg struct {
	ID       int
	Text     string
	Keyboard [][]button
	Edits    int
	At       time.Time // last write (send or edit)
}

// chat is one respondent's private chat.
type chat struct {
	id int64

	mu      sync.Mutex
	msgs    []*botMsg     // the last keptPerChat messages, oldest first
	changed chan struct{} // closed and replaced at every write by the bot
	// Latency bookkeeping: when the respondent's latest update became
	// available, and the bot's first write to this chat after that.
	inputAt    time.Time
	firstReply time.Time
	cbAnswers  int       // callback queries answered
	cbAt       time.Time // when the last one was answered
	cbText     string    // the text (toast) of the last answer
}

// queued is an update waiting for confirmation.
type queued struct {
	id     int
	json   []byte
	avail  time.Time
	handed bool // returned by a getUpdates at least once
}

// fakeAPI is the server.
type fakeAPI struct {
	token string
	srv   *http.Server
	ln    net.Listener
	url   string

	mu         sync.Mutex
	queue      []queued // unconfirmed, in id order
	nextUpdate int
	offset     int
	wake       chan struct{}
	firstPoll  chan struct{} // closed at the first getUpdates of each bot start
	polled     bool

	chatsMu sync.RWMutex
	chats   map[int64]*chat

	nextMsg atomic.Int64
	nextIn  atomic.Int64 // message ids of respondents' messages

	calls     sync.Map // method → *atomic.Int64
	failures  atomic.Int64
	failDesc  sync.Map     // method + ": " + description → *atomic.Int64
	forgotten atomic.Int64 // edits of messages beyond the kept window
	closed    chan struct{}

	// faults: probability of answering a send/edit with 500 (before doing
	// anything), and of a 429 with retry_after 1.
	fail500, fail429 float64
	rngMu            sync.Mutex
	rng              *rand.Rand

	// Poll statistics (under mu): how long updates waited to be handed
	// out, how many each non-empty poll returned, and how long the bot
	// took from a non-empty answer to its next poll (handling that batch).
	pickups   []time.Duration
	batches   []int
	batchTime []time.Duration
	lastBatch time.Time // when the last non-empty answer went out
}

func newFakeAPI(seed uint64) (*fakeAPI, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	r := rand.New(rand.NewPCG(seed, 0x5eed))
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"
	secret := make([]byte, 35)
	for i := range secret {
		secret[i] = alphabet[r.IntN(len(alphabet))]
	}
	f := &fakeAPI{
		token:      fmt.Sprintf("%d:%s", 100000000+r.IntN(899999999), secret),
		ln:         ln,
		url:        "http://" + ln.Addr().String(),
		nextUpdate: 1,
		wake:       make(chan struct{}),
		firstPoll:  make(chan struct{}),
		chats:      map[int64]*chat{},
		closed:     make(chan struct{}),
		rng:        r,
	}
	f.srv = &http.Server{Handler: http.HandlerFunc(f.serve), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = f.srv.Serve(ln) }()
	return f, nil
}

// Close stops the server, ending pending long polls.
func (f *fakeAPI) Close() {
	select {
	case <-f.closed:
	default:
		close(f.closed)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_ = f.srv.Shutdown(ctx)
}

// expectStart re-arms the first-poll signal before a (re)start of the bot
// and returns the channel closed at its first getUpdates.
func (f *fakeAPI) expectStart() <-chan struct{} {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.polled = false
	f.firstPoll = make(chan struct{})
	return f.firstPoll
}

func (f *fakeAPI) count(method string) {
	v, ok := f.calls.Load(method)
	if !ok {
		v, _ = f.calls.LoadOrStore(method, new(atomic.Int64))
	}
	v.(*atomic.Int64).Add(1)
}

// callCounts returns the number of calls per method.
func (f *fakeAPI) callCounts() map[string]int64 {
	out := map[string]int64{}
	f.calls.Range(func(k, v any) bool {
		out[k.(string)] = v.(*atomic.Int64).Load()
		return true
	})
	return out
}

// chat returns the chat with id, creating it.
func (f *fakeAPI) chat(id int64) *chat {
	f.chatsMu.RLock()
	c := f.chats[id]
	f.chatsMu.RUnlock()
	if c != nil {
		return c
	}
	f.chatsMu.Lock()
	defer f.chatsMu.Unlock()
	if c = f.chats[id]; c == nil {
		c = &chat{id: id, changed: make(chan struct{})}
		f.chats[id] = c
	}
	return c
}

// ---- the respondents' side ----

// user is how a respondent appears in updates.
type user struct {
	id   int64
	lang string // language_code, may be empty
}

func (u user) appendJSON(b []byte) []byte {
	b = append(b, `{"id":`...)
	b = strconv.AppendInt(b, u.id, 10)
	b = append(b, `,"is_bot":false,"first_name":"U`...)
	b = strconv.AppendInt(b, u.id, 10)
	b = append(b, '"')
	if u.lang != "" {
		b = append(b, `,"language_code":`...)
		b = appendJSONString(b, u.lang)
	}
	return append(b, '}')
}

func appendChat(b []byte, id int64) []byte {
	b = append(b, `{"id":`...)
	b = strconv.AppendInt(b, id, 10)
	return append(b, `,"type":"private","first_name":"U"}`...)
}

// add queues an update built by body (which appends the part after
// "update_id":N,) and returns its id and when it became available.
func (f *fakeAPI) add(u user, body func(b []byte, id int) []byte) (int, time.Time) {
	c := f.chat(u.id)
	f.mu.Lock()
	id := f.nextUpdate
	f.nextUpdate++
	b := make([]byte, 0, 256)
	b = append(b, `{"update_id":`...)
	b = strconv.AppendInt(b, int64(id), 10)
	b = append(b, ',')
	b = body(b, id)
	b = append(b, '}')
	now := time.Now()
	f.queue = append(f.queue, queued{id: id, json: b, avail: now})
	close(f.wake)
	f.wake = make(chan struct{})
	f.mu.Unlock()

	c.mu.Lock()
	c.inputAt, c.firstReply = now, time.Time{}
	c.mu.Unlock()
	return id, now
}

func (f *fakeAPI) userMessage(b []byte, u user) []byte {
	b = append(b, `"message":{"message_id":`...)
	b = strconv.AppendInt(b, f.nextIn.Add(1), 10)
	b = append(b, `,"from":`...)
	b = u.appendJSON(b)
	b = append(b, `,"chat":`...)
	b = appendChat(b, u.id)
	b = append(b, `,"date":`...)
	return strconv.AppendInt(b, time.Now().Unix(), 10)
}

// SendText queues a text message from u (a leading /command is marked as
// Telegram does).
func (f *fakeAPI) SendText(u user, text string) (int, time.Time) {
	return f.add(u, func(b []byte, _ int) []byte {
		b = f.userMessage(b, u)
		b = append(b, `,"text":`...)
		b = appendJSONString(b, text)
		if strings.HasPrefix(text, "/") {
			n := strings.IndexAny(text, " \n")
			if n < 0 {
				n = len(text)
			}
			b = append(b, `,"entities":[{"type":"bot_command","offset":0,"length":`...)
			b = strconv.AppendInt(b, int64(len([]rune(text[:n]))), 10)
			b = append(b, `}]`...)
		}
		return append(b, '}')
	})
}

// SendSticker queues a sticker from u.
func (f *fakeAPI) SendSticker(u user) (int, time.Time) {
	return f.add(u, func(b []byte, _ int) []byte {
		b = f.userMessage(b, u)
		b = append(b, `,"sticker":{"file_id":"stk1","file_unique_id":"s1","width":512,"height":512,"is_animated":false,"is_video":false,"emoji":"👍"}}`...)
		return b
	})
}

// Tap queues a callback query: u tapped a button with data under the
// bot's message msgID (its current text travels with the query, as with
// Telegram).
func (f *fakeAPI) Tap(u user, msgID int, data string) (int, time.Time) {
	c := f.chat(u.id)
	c.mu.Lock()
	text := ""
	if m := c.find(msgID); m != nil {
		text = m.Text
	}
	c.mu.Unlock()
	return f.add(u, func(b []byte, id int) []byte {
		b = append(b, `"callback_query":{"id":"cq`...)
		b = strconv.AppendInt(b, u.id, 10)
		b = append(b, '_')
		b = strconv.AppendInt(b, int64(id), 10)
		b = append(b, `","from":`...)
		b = u.appendJSON(b)
		b = append(b, `,"message":{"message_id":`...)
		b = strconv.AppendInt(b, int64(msgID), 10)
		b = append(b, `,"from":{"id":`...)
		b = strconv.AppendInt(b, fakeBotID, 10)
		b = append(b, `,"is_bot":true,"first_name":"Survey bot","username":"`+fakeBotUsername+`"},"chat":`...)
		b = appendChat(b, u.id)
		b = append(b, `,"date":`...)
		b = strconv.AppendInt(b, time.Now().Unix(), 10)
		if text != "" {
			b = append(b, `,"text":`...)
			b = appendJSONString(b, text)
		}
		b = append(b, `},"chat_instance":"ci`...)
		b = strconv.AppendInt(b, u.id, 10)
		b = append(b, `","data":`...)
		b = appendJSONString(b, data)
		return append(b, '}')
	})
}

// view is what a respondent looks at: a copy of the chat's kept messages,
// the channel closed at the next change, and the latency marks.
type view struct {
	msgs       []botMsg
	changed    <-chan struct{}
	firstReply time.Time
	cbAnswers  int
	cbAt       time.Time
	cbText     string
}

func (f *fakeAPI) view(id int64) view {
	c := f.chat(id)
	c.mu.Lock()
	defer c.mu.Unlock()
	v := view{msgs: make([]botMsg, len(c.msgs)), changed: c.changed, firstReply: c.firstReply, cbAnswers: c.cbAnswers, cbAt: c.cbAt, cbText: c.cbText}
	for i, m := range c.msgs {
		v.msgs[i] = *m // keyboards are replaced, never changed in place
	}
	return v
}

// ---- the bot's side ----

func (c *chat) find(id int) *botMsg {
	for i := len(c.msgs) - 1; i >= 0; i-- {
		if c.msgs[i].ID == id {
			return c.msgs[i]
		}
	}
	return nil
}

// touched records a write by the bot; the caller holds c.mu.
func (c *chat) touched(now time.Time) {
	if c.firstReply.IsZero() && !c.inputAt.IsZero() {
		c.firstReply = now
	}
	close(c.changed)
	c.changed = make(chan struct{})
}

type apiErr struct {
	code int
	desc string
}

func (f *fakeAPI) serve(w http.ResponseWriter, r *http.Request) {
	rest, ok := strings.CutPrefix(r.URL.Path, "/bot")
	token, method, ok2 := strings.Cut(rest, "/")
	if !ok || !ok2 {
		writeErr(w, apiErr{404, "Not Found"})
		return
	}
	f.count(method)
	if token != f.token {
		writeErr(w, apiErr{401, "Unauthorized"})
		return
	}
	p, err := form(r)
	if err != nil {
		writeErr(w, apiErr{400, "Bad Request: " + err.Error()})
		return
	}
	switch method {
	case "getUpdates":
		f.getUpdates(w, r, p)
		return
	case "sendMessage", "editMessageText", "editMessageReplyMarkup", "sendDocument", "sendPhoto":
		if e, ok := f.fault(); ok {
			f.failures.Add(1)
			writeErr(w, e)
			return
		}
	}
	var b []byte
	var e *apiErr
	switch method {
	case "getMe":
		b = append(okPrefix(), `{"id":`...)
		b = strconv.AppendInt(b, fakeBotID, 10)
		b = append(b, `,"is_bot":true,"first_name":"Survey bot","username":"`+fakeBotUsername+`"}}`...)
	case "setMyCommands", "deleteMyCommands", "deleteWebhook", "answerCallbackQuery", "deleteMessage":
		if method == "answerCallbackQuery" {
			f.callbackAnswered(p.Get("callback_query_id"), p.Get("text"))
		}
		b = append(okPrefix(), "true}"...)
	case "sendMessage", "sendDocument", "sendPhoto":
		b, e = f.send(p, method)
	case "editMessageText", "editMessageReplyMarkup":
		b, e = f.edit(p, method == "editMessageText")
	default:
		e = &apiErr{404, "Not Found: method not found"}
	}
	if e != nil {
		f.failures.Add(1)
		desc, _, _ := strings.Cut(e.desc, ":")
		if rest, ok := strings.CutPrefix(e.desc, "Bad Request: "); ok {
			desc, _, _ = strings.Cut(rest, ":")
		}
		k := method + ": " + desc
		v, ok := f.failDesc.Load(k)
		if !ok {
			v, _ = f.failDesc.LoadOrStore(k, new(atomic.Int64))
		}
		v.(*atomic.Int64).Add(1)
		writeErr(w, *e)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(b)
}

// failureCounts returns the refused calls by method and reason.
func (f *fakeAPI) failureCounts() map[string]int64 {
	out := map[string]int64{}
	f.failDesc.Range(func(k, v any) bool {
		out[k.(string)] = v.(*atomic.Int64).Load()
		return true
	})
	return out
}

// fault draws an injected failure.
func (f *fakeAPI) fault() (apiErr, bool) {
	if f.fail500 == 0 && f.fail429 == 0 {
		return apiErr{}, false
	}
	f.rngMu.Lock()
	x := f.rng.Float64()
	f.rngMu.Unlock()
	switch {
	case x < f.fail500:
		return apiErr{500, "Internal Server Error"}, true
	case x < f.fail500+f.fail429:
		return apiErr{429, "Too Many Requests: retry after 1"}, true
	}
	return apiErr{}, false
}

func form(r *http.Request) (url.Values, error) {
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct == "multipart/form-data" {
		if err := r.ParseMultipartForm(64 << 20); err != nil {
			return nil, err
		}
		return url.Values(r.MultipartForm.Value), nil
	}
	if err := r.ParseForm(); err != nil {
		return nil, err
	}
	return r.Form, nil
}

func okPrefix() []byte { return append(make([]byte, 0, 512), `{"ok":true,"result":`...) }

func writeErr(w http.ResponseWriter, e apiErr) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(e.code)
	b := []byte(`{"ok":false,"error_code":`)
	b = strconv.AppendInt(b, int64(e.code), 10)
	b = append(b, `,"description":`...)
	b = appendJSONString(b, e.desc)
	if e.code == 429 {
		b = append(b, `,"parameters":{"retry_after":1}`...)
	}
	_, _ = w.Write(append(b, '}'))
}

// callbackAnswered counts the answer of a tap as the bot's first reply in
// that chat (it stops the spinner on the respondent's button).
func (f *fakeAPI) callbackAnswered(id, text string) {
	s, ok := strings.CutPrefix(id, "cq")
	if !ok {
		return
	}
	s, _, _ = strings.Cut(s, "_")
	uid, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return
	}
	c := f.chat(uid)
	c.mu.Lock()
	c.cbAnswers++
	c.cbAt, c.cbText = time.Now(), text
	c.touched(c.cbAt)
	c.mu.Unlock()
}

func (f *fakeAPI) getUpdates(w http.ResponseWriter, r *http.Request, p url.Values) {
	offset, _ := strconv.Atoi(p.Get("offset"))
	limit, _ := strconv.Atoi(p.Get("limit"))
	if limit <= 0 || limit > maxUpdatesBatch {
		limit = maxUpdatesBatch
	}
	timeout, _ := strconv.Atoi(p.Get("timeout"))
	deadline := time.NewTimer(time.Duration(timeout) * time.Second)
	defer deadline.Stop()
	for {
		f.mu.Lock()
		if !f.polled {
			f.polled = true
			close(f.firstPoll)
		}
		if !f.lastBatch.IsZero() {
			f.batchTime = append(f.batchTime, time.Since(f.lastBatch))
			f.lastBatch = time.Time{}
		}
		if offset > f.offset {
			f.offset = offset
		}
		drop := 0
		for drop < len(f.queue) && f.queue[drop].id < f.offset {
			drop++
		}
		if drop > 0 {
			f.queue = append(f.queue[:0:0], f.queue[drop:]...)
		}
		n := min(limit, len(f.queue))
		var b []byte
		if n > 0 {
			now := time.Now()
			for i := range f.queue[:n] {
				if q := &f.queue[i]; !q.handed {
					q.handed = true
					f.pickups = append(f.pickups, now.Sub(q.avail))
				}
			}
			f.batches = append(f.batches, n)
			f.lastBatch = now
		}
		if n > 0 || timeout <= 0 {
			b = okPrefix()
			b = append(b, '[')
			for i, q := range f.queue[:n] {
				if i > 0 {
					b = append(b, ',')
				}
				b = append(b, q.json...)
			}
			b = append(b, "]}"...)
		}
		wake := f.wake
		f.mu.Unlock()
		if b != nil {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write(b)
			return
		}
		select {
		case <-wake:
		case <-deadline.C:
			timeout = 0
		case <-f.closed:
			timeout = 0
		case <-r.Context().Done():
			return
		}
	}
}

// pollStats returns the pickup delays, batch sizes and batch handling
// times seen so far.
func (f *fakeAPI) pollStats() ([]time.Duration, []int, []time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]time.Duration(nil), f.pickups...), append([]int(nil), f.batches...), append([]time.Duration(nil), f.batchTime...)
}

// pending is the number of unconfirmed updates.
func (f *fakeAPI) pending() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, q := range f.queue {
		if q.id >= f.offset {
			n++
		}
	}
	return n
}

func chatParam(p url.Values) (int64, *apiErr) {
	id, err := strconv.ParseInt(p.Get("chat_id"), 10, 64)
	if err != nil || id == 0 {
		return 0, &apiErr{400, "Bad Request: chat not found"}
	}
	return id, nil
}

func parseKeyboard(raw string) ([][]button, *apiErr) {
	if raw == "" || raw == "null" {
		return nil, nil
	}
	var m struct {
		InlineKeyboard [][]button `json:"inline_keyboard"`
	}
	if err := json.Unmarshal([]byte(raw), &m); err != nil {
		return nil, &apiErr{400, "Bad Request: can't parse reply keyboard markup JSON object"}
	}
	for _, row := range m.InlineKeyboard {
		for _, b := range row {
			if len(b.Data) == 0 || len(b.Data) > 64 {
				return nil, &apiErr{400, "Bad Request: BUTTON_DATA_INVALID"}
			}
		}
	}
	if m.InlineKeyboard == nil {
		m.InlineKeyboard = [][]button{}
	}
	return m.InlineKeyboard, nil
}

func checkText(text string, limit int) *apiErr {
	if strings.TrimSpace(text) == "" {
		return &apiErr{400, "Bad Request: message text is empty"}
	}
	n := 0
	for _, r := range text {
		n++
		if r > 0xFFFF {
			n++
		}
	}
	if n > limit {
		return &apiErr{400, "Bad Request: message is too long"}
	}
	return nil
}

func (f *fakeAPI) send(p url.Values, method string) ([]byte, *apiErr) {
	chatID, e := chatParam(p)
	if e != nil {
		return nil, e
	}
	text := p.Get("text")
	if method == "sendMessage" {
		if e := checkText(text, 4096); e != nil {
			return nil, e
		}
	} else {
		text = p.Get("caption")
	}
	raw := p.Get("reply_markup")
	kb, e := parseKeyboard(raw)
	if e != nil {
		return nil, e
	}
	m := &botMsg{ID: int(f.nextMsg.Add(1)), Text: text, Keyboard: kb}
	c := f.chat(chatID)
	c.mu.Lock()
	m.At = time.Now()
	c.msgs = append(c.msgs, m)
	if len(c.msgs) > keptPerChat {
		c.msgs = append(c.msgs[:0:0], c.msgs[len(c.msgs)-keptPerChat:]...)
	}
	c.touched(m.At)
	c.mu.Unlock()
	return messageJSON(chatID, m.ID, text, raw), nil
}

func (f *fakeAPI) edit(p url.Values, withText bool) ([]byte, *apiErr) {
	chatID, e := chatParam(p)
	if e != nil {
		return nil, e
	}
	id, _ := strconv.Atoi(p.Get("message_id"))
	raw := p.Get("reply_markup")
	kb, e := parseKeyboard(raw)
	if e != nil {
		return nil, e
	}
	text := p.Get("text")
	if withText {
		if e := checkText(text, 4096); e != nil {
			return nil, e
		}
	}
	c := f.chat(chatID)
	c.mu.Lock()
	defer c.mu.Unlock()
	m := c.find(id)
	if m == nil {
		if int64(id) <= f.nextMsg.Load() {
			f.forgotten.Add(1)
		}
		return nil, &apiErr{400, "Bad Request: message to edit not found"}
	}
	if !withText {
		text = m.Text
	}
	if text == m.Text && sameKeyboard(kb, m.Keyboard) {
		return nil, &apiErr{400, "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message"}
	}
	// Replace, never change in place: views hold copies of the slices.
	n := *m
	n.Text, n.Keyboard = text, kb
	n.Edits++
	n.At = time.Now()
	*m = n
	c.touched(n.At)
	return messageJSON(chatID, id, text, raw), nil
}

func sameKeyboard(a, b [][]button) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if len(a[i]) != len(b[i]) {
			return false
		}
		for j := range a[i] {
			if a[i][j] != b[i][j] {
				return false
			}
		}
	}
	return true
}

// messageJSON is the result of a send or an edit, as Telegram returns it.
func messageJSON(chatID int64, id int, text, markup string) []byte {
	b := okPrefix()
	b = append(b, `{"message_id":`...)
	b = strconv.AppendInt(b, int64(id), 10)
	b = append(b, `,"from":{"id":`...)
	b = strconv.AppendInt(b, fakeBotID, 10)
	b = append(b, `,"is_bot":true,"first_name":"Survey bot","username":"`+fakeBotUsername+`"},"chat":`...)
	b = appendChat(b, chatID)
	b = append(b, `,"date":`...)
	b = strconv.AppendInt(b, time.Now().Unix(), 10)
	b = append(b, `,"text":`...)
	b = appendJSONString(b, text)
	if markup != "" && markup != "null" && json.Valid([]byte(markup)) {
		b = append(b, `,"reply_markup":`...)
		b = append(b, markup...)
	}
	return append(b, "}}"...)
}

const hexDigits = "0123456789abcdef"

// appendJSONString appends s as a JSON string.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c == '\n':
			b = append(b, '\\', 'n')
		case c == '\r':
			b = append(b, '\\', 'r')
		case c == '\t':
			b = append(b, '\\', 't')
		case c < 0x20:
			b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
		default:
			b = append(b, c)
		}
	}
	return append(b, '"')
}

var errTimeout = errors.New("timed out")
