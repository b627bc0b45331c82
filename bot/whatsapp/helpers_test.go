package whatsapp

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/proto/waAdv"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/store/sqlstore"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"
	"google.golang.org/protobuf/proto"

	"github.com/uclg-mewa/surveybot/bot"
	"github.com/uclg-mewa/surveybot/conversation"
	"github.com/uclg-mewa/surveybot/conversation/builtin"
	"github.com/uclg-mewa/surveybot/messages"
	"github.com/uclg-mewa/surveybot/storage"
)

// Phone numbers of the test accounts (not real ones).
const (
	botUser   = "10000000001"
	aliceUser = "961700000042"
	aliceLID  = "123456789012345"
)

var (
	botJID   = types.NewJID(botUser, types.DefaultUserServer)
	aliceJID = types.NewJID(aliceUser, types.DefaultUserServer)
	aliceRes = "whatsapp:+" + aliceUser
)

// linkDevice writes a linked device for user into a new session file, as
// whatsmeow does at the end of pairing (keys, account identity, JID).
func linkDevice(t *testing.T, path, user string) {
	t.Helper()
	ctx := context.Background()
	container, err := sqlstore.New(ctx, "sqlite", dsn(path), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer container.Close()
	dev := container.NewDevice()
	jid := types.NewADJID(user, 0, 7)
	dev.ID = &jid
	dev.Account = &waAdv.ADVSignedDeviceIdentity{
		Details:             []byte{1},
		AccountSignature:    make([]byte, 64),
		AccountSignatureKey: make([]byte, 32),
		DeviceSignature:     make([]byte, 64),
	}
	if err := container.PutDevice(ctx, dev); err != nil {
		t.Fatal(err)
	}
}

// sent is one message the channel sent.
type sent struct {
	to  types.JID
	msg *waE2E.Message
	id  types.MessageID
}

// recorder is the real whatsmeow client (poll building and decryption
// are real) with the network parts replaced: sends are recorded.
type recorder struct {
	*whatsmeow.Client
	mu          sync.Mutex
	sent        []sent
	uploads     int
	failures    int // transient send failures still to give
	connects    int
	disconnects int
	connected   chan struct{}
}

// SendMessage records msg. Like whatsmeow's own SendMessage, it keeps the
// secret of a message that has one (a poll), which a vote needs later.
func (r *recorder) SendMessage(ctx context.Context, to types.JID, msg *waE2E.Message, extra ...whatsmeow.SendRequestExtra) (whatsmeow.SendResponse, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.failures > 0 {
		r.failures--
		return whatsmeow.SendResponse{}, whatsmeow.ErrNotConnected
	}
	id := extra[0].ID
	if secret := msg.GetMessageContextInfo().GetMessageSecret(); secret != nil {
		if err := r.Store.MsgSecrets.PutMessageSecret(ctx, to, r.Store.GetJID(), id, secret); err != nil {
			return whatsmeow.SendResponse{}, err
		}
	}
	r.sent = append(r.sent, sent{to: to, msg: msg, id: id})
	return whatsmeow.SendResponse{ID: id, Timestamp: time.Now()}, nil
}

func (r *recorder) Upload(_ context.Context, data []byte, _ whatsmeow.MediaType) (whatsmeow.UploadResponse, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.uploads++
	return whatsmeow.UploadResponse{URL: "https://mmg.example/x", DirectPath: "/x", MediaKey: []byte{1}, FileLength: uint64(len(data))}, nil
}

func (r *recorder) ConnectContext(context.Context) error {
	r.mu.Lock()
	r.connects++
	r.mu.Unlock()
	if r.connected != nil {
		r.connected <- struct{}{}
	}
	return nil
}

func (r *recorder) Disconnect() {
	r.mu.Lock()
	r.disconnects++
	r.mu.Unlock()
}

// take returns and forgets what was sent so far.
func (r *recorder) take() []sent {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.sent
	r.sent = nil
	return out
}

// texts are the texts sent so far (and forgets them).
func (r *recorder) texts() []string {
	var out []string
	for _, s := range r.take() {
		if t := s.msg.GetConversation(); t != "" {
			out = append(out, t)
		}
	}
	return out
}

// harness is a channel over a linked session file, a real bbolt store
// and the built-in survey, with a recording client.
type harness struct {
	t     *testing.T
	c     *Channel
	rec   *recorder
	d     *bot.Dispatcher
	store *storage.Store
	sv    *conversation.Survey
	dir   string
	seq   int
}

func newHarness(t *testing.T, cfg Config) *harness {
	t.Helper()
	dir := t.TempDir()
	sv, err := builtin.Survey()
	if err != nil {
		t.Fatal(err)
	}
	st, err := storage.Open(filepath.Join(dir, "surveybot.db"), storage.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	d := bot.NewDispatcher(&conversation.Engine{Survey: sv, Vocab: messages.Vocabulary()}, st, nil)
	cfg.DBPath = filepath.Join(dir, "whatsapp.db")
	cfg.Rate = 10000
	linkDevice(t, cfg.DBPath, botUser)
	c, err := New(context.Background(), cfg, d)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	rec := &recorder{Client: c.cli.(*whatsmeow.Client)}
	c.cli = rec
	c.retryBase = time.Millisecond
	return &harness{t: t, c: c, rec: rec, d: d, store: st, sv: sv, dir: dir}
}

// feed gives events to the channel as whatsmeow would, and waits until
// they are handled.
func (h *harness) feed(evts ...any) {
	h.t.Helper()
	for _, e := range evts {
		h.c.handleEvent(e)
	}
	if !h.c.queue.idle(10 * time.Second) {
		h.t.Fatal("messages still being handled after 10 s")
	}
}

// nextID is a fresh message id.
func (h *harness) nextID() types.MessageID {
	h.seq++
	return fmt.Sprintf("3EB0TEST%06d", h.seq)
}

// dm is a direct message from a phone-number sender, unwrapped as
// whatsmeow does before emitting it.
func dm(id types.MessageID, from types.JID, m *waE2E.Message) *events.Message {
	evt := &events.Message{
		Info: types.MessageInfo{
			MessageSource: types.MessageSource{Chat: from, Sender: from, AddressingMode: types.AddressingModePN},
			ID:            id,
			Timestamp:     time.Now(),
			Type:          "text",
		},
		RawMessage: m,
	}
	return evt.UnwrapRaw()
}

func text(s string) *waE2E.Message { return &waE2E.Message{Conversation: proto.String(s)} }

// say sends typed text from alice.
func (h *harness) say(s string) {
	h.t.Helper()
	h.feed(dm(h.nextID(), aliceJID, text(s)))
}

// state is a respondent's stored state.
func (h *harness) state(respondent string) conversation.State {
	h.t.Helper()
	st, ok, err := h.d.State(respondent)
	if err != nil || !ok {
		h.t.Fatalf("no state for respondent (err %v)", err)
	}
	return st
}

// answerUntil answers alice's questions with answer(question) until the
// review, then submits with the word submit.
func (h *harness) answerUntil(answer func(q *conversation.Question, phase conversation.Phase) string, submit string) conversation.State {
	h.t.Helper()
	for range 80 {
		st := h.state(aliceRes)
		switch st.Phase {
		case conversation.PhaseComplete:
			return st
		case conversation.PhaseReview:
			h.say(submit)
		default:
			h.say(answer(h.sv.Question(st.Current), st.Phase))
		}
	}
	h.t.Fatal("survey not complete after 80 messages")
	return conversation.State{}
}

// languageNumber is the typed number of a language in the first prompt.
func (h *harness) languageNumber(lang string) int {
	for i, l := range h.sv.Languages {
		if l == lang {
			return i + 1
		}
	}
	h.t.Fatalf("no language %s", lang)
	return 0
}

func containsText(texts []string, want string) bool {
	for _, t := range texts {
		if strings.Contains(t, want) {
			return true
		}
	}
	return false
}

// noDigitRuns fails when s holds a phone-number-like run of digits.
func noDigitRuns(t *testing.T, what, s string) {
	t.Helper()
	if longDigits.MatchString(s) {
		t.Errorf("%s shows a number: %q", what, s)
	}
}

// logBuffer is a concurrency-safe log sink.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
