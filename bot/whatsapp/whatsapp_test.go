package whatsapp

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/store/sqlstore"
	"go.mau.fi/whatsmeow/types"
	"google.golang.org/protobuf/proto"

	"github.com/uclg-mewa/surveybot/bot"
	"github.com/uclg-mewa/surveybot/conversation"
)

func TestNewWithoutLinkedDevice(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "missing.db")
	if _, err := New(context.Background(), Config{DBPath: missing}, nil); !errors.Is(err, ErrNotLinked) {
		t.Fatalf("missing file: got %v, want ErrNotLinked", err)
	}
	if _, err := os.Stat(missing); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("New created the missing session file")
	}
	// A real session file with whatsmeow's schema but no device.
	empty := filepath.Join(dir, "whatsapp.db")
	container, err := sqlstore.New(context.Background(), "sqlite", dsn(empty), nil)
	if err != nil {
		t.Fatal(err)
	}
	container.Close()
	if _, err := New(context.Background(), Config{DBPath: empty}, nil); !errors.Is(err, ErrNotLinked) {
		t.Fatalf("no device: got %v, want ErrNotLinked", err)
	}
	info, err := os.Stat(empty)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Errorf("session file mode %v, want 0600", info.Mode().Perm())
	}
}

// typedNumbers answers every question as a person typing numbers would.
func typedNumbers(q *conversation.Question, phase conversation.Phase) string {
	if phase == conversation.PhaseOther {
		return "Robotics"
	}
	switch q.Type {
	case conversation.TypeYesNo, conversation.TypeChoice:
		return "1"
	case conversation.TypeMulti:
		return "1,3"
	case conversation.TypeEmail:
		return "it@saida.example"
	case conversation.TypeNumber:
		return "12"
	}
	return "Answer to " + q.ID
}

func TestWholeSurveyByTypedNumbers(t *testing.T) {
	h := newHarness(t, Config{})
	h.say("Hello")
	first := h.rec.texts()
	if len(first) != 1 || !strings.Contains(first[0], "English") || !strings.Contains(first[0], "1. العربية") {
		t.Fatalf("first reply should list the languages, numbered: %q", first)
	}
	h.say(strconv.Itoa(h.languageNumber("en")))
	replies := h.rec.texts()
	if !containsText(replies, "1/") || !containsText(replies, "municipality") {
		t.Fatalf("expected the welcome and question 1, got %q", replies)
	}
	st := h.answerUntil(typedNumbers, "Submit")
	if st.Status() != conversation.StatusComplete || st.Channel != "whatsapp" || st.Respondent != aliceRes {
		t.Fatalf("state %s/%s/%s, want complete whatsapp %s", st.Status(), st.Channel, st.Respondent, aliceRes)
	}
	if got := st.Answers["q1_new_tech"].Value; got != "yes" {
		t.Errorf("q1 = %q, want yes", got)
	}
	if got := st.Answers["q5_courses"].Choices; !reflect.DeepEqual(got, []string{"basic_skills", "internet_email"}) {
		t.Errorf("q5_courses = %v", got)
	}
	if got := st.Answers["email"].Value; got != "it@saida.example" {
		t.Errorf("email = %q", got)
	}
	if n, _ := h.store.Count(h.sv.ID); n != 1 {
		t.Errorf("%d responses stored, want 1", n)
	}
}

func TestWholeSurveyByArabicLabels(t *testing.T) {
	h := newHarness(t, Config{})
	h.say("مرحبا")
	h.say("العربية")
	answers := []string{"نعم", "لا"}
	n := 0
	st := h.answerUntil(func(q *conversation.Question, _ conversation.Phase) string {
		switch q.Type {
		case conversation.TypeYesNo:
			n++
			return answers[n%2]
		case conversation.TypeMulti:
			return "١،٣"
		case conversation.TypeEmail:
			return "it@saida.example"
		}
		return "جواب " + q.ID
	}, "إرسال")
	if st.Status() != conversation.StatusComplete || st.Language != "ar" {
		t.Fatalf("status %s language %s, want complete ar", st.Status(), st.Language)
	}
	if got := st.Answers["q1_new_tech"].Value; got != "no" {
		t.Errorf("q1 (لا) = %q, want no", got)
	}
	if got := st.Answers["q2_wifi_hotspots"].Value; got != "yes" {
		t.Errorf("q2 (نعم) = %q, want yes", got)
	}
	if got := st.Answers["municipality"].Value; got != "جواب municipality" {
		t.Errorf("municipality = %q", got)
	}
}

// toQuestion brings alice to the survey's first question, in English.
func (h *harness) toQuestion() {
	h.t.Helper()
	h.say("hi")
	h.say(strconv.Itoa(h.languageNumber("en")))
	h.rec.take()
}

func TestLIDAndPhoneNumberAreOneRespondent(t *testing.T) {
	h := newHarness(t, Config{})
	lid := types.NewJID(aliceLID, types.HiddenUserServer)

	// From the LID, with the phone number alongside.
	m := dm(h.nextID(), lid, text("hi"))
	m.Info.SenderAlt = aliceJID
	m.Info.AddressingMode = types.AddressingModeLID
	h.feed(m)
	h.repliesWentTo(lid)
	// From the phone number.
	h.feed(dm(h.nextID(), aliceJID, text(strconv.Itoa(h.languageNumber("en")))))
	h.repliesWentTo(aliceJID)
	// From the LID alone, once whatsmeow knows the mapping.
	if err := h.rec.Store.LIDs.PutLIDMapping(context.Background(), lid, aliceJID); err != nil {
		t.Fatal(err)
	}
	h.feed(dm(h.nextID(), lid, text("Saida")))
	h.repliesWentTo(lid)

	st := h.state(aliceRes)
	if st.Language != "en" || st.Answers["municipality"].Value != "Saida" {
		t.Fatalf("one respondent should have language en and municipality Saida: %+v", st)
	}
	if n, _ := h.store.Count(h.sv.ID); n != 1 {
		t.Fatalf("%d respondents stored, want 1", n)
	}
}

// repliesWentTo checks that replies went to the chat the message came from.
func (h *harness) repliesWentTo(chat types.JID) {
	h.t.Helper()
	s := h.rec.take()
	if len(s) == 0 {
		h.t.Fatal("no reply")
	}
	for _, m := range s {
		if m.to != chat {
			h.t.Errorf("reply went to a %s chat, want %s", m.to.Server, chat.Server)
		}
	}
}

func TestLIDWithoutPhoneNumber(t *testing.T) {
	h := newHarness(t, Config{})
	other := types.NewJID("987654321098765", types.HiddenUserServer)
	h.feed(dm(h.nextID(), other, text("hi")))
	if _, ok, _ := h.d.State("whatsapp:lid:987654321098765"); !ok {
		t.Fatal("a LID sender without a known number should be whatsapp:lid:<id>")
	}
}

func TestRedeliveredMessageAppliedOnce(t *testing.T) {
	h := newHarness(t, Config{})
	h.toQuestion()
	msg := dm("3EB0REDELIVERED", aliceJID, text("Saida"))
	h.feed(msg)
	before := h.state(aliceRes)
	h.rec.take()
	h.feed(dm("3EB0REDELIVERED", aliceJID, text("Saida")))
	after := h.state(aliceRes)
	if after.Seq != before.Seq || after.Current != before.Current || !after.UpdatedAt.Equal(before.UpdatedAt) {
		t.Fatalf("redelivery changed the state: seq %d→%d, current %s→%s", before.Seq, after.Seq, before.Current, after.Current)
	}
	if after.Current != "country" {
		t.Fatalf("current = %s, want country", after.Current)
	}
	// The pending question is repeated, in case the first replies were lost.
	if texts := h.rec.texts(); len(texts) != 1 || !strings.Contains(texts[0], "country") && !strings.Contains(texts[0], "Country") {
		t.Errorf("redelivery should repeat the question once, got %q", texts)
	}
}

func TestQuotedReplyCountsAsText(t *testing.T) {
	h := newHarness(t, Config{})
	h.toQuestion()
	reply := &waE2E.Message{ExtendedTextMessage: &waE2E.ExtendedTextMessage{
		Text: proto.String("Saida"),
		ContextInfo: &waE2E.ContextInfo{
			StanzaID:      proto.String("3EB0QUOTED"),
			Participant:   proto.String(botJID.String()),
			QuotedMessage: text("1/26 · Name of your municipality?"),
		},
	}}
	h.feed(dm(h.nextID(), aliceJID, reply))
	if got := h.state(aliceRes).Answers["municipality"].Value; got != "Saida" {
		t.Fatalf("municipality = %q, want Saida", got)
	}
}

func TestCommands(t *testing.T) {
	h := newHarness(t, Config{})
	h.toQuestion()
	h.say("Saida")
	h.say("/BACK")
	if st := h.state(aliceRes); st.Current != "municipality" {
		t.Fatalf("/BACK: current = %s, want municipality", st.Current)
	}
	h.rec.take()
	h.say("/help")
	if texts := h.rec.texts(); !containsText(texts, "/back") {
		t.Errorf("/help should explain the commands, got %q", texts)
	}
}

func TestIgnoredMessages(t *testing.T) {
	h := newHarness(t, Config{})
	group := dm(h.nextID(), types.NewJID("120363000000000001", types.GroupServer), text("hi"))
	group.Info.Sender, group.Info.IsGroup = aliceJID, true
	status := dm(h.nextID(), types.StatusBroadcastJID, text("my status"))
	status.Info.Sender, status.Info.IsGroup = aliceJID, true
	list := dm(h.nextID(), types.NewJID("1700000000", types.BroadcastServer), text("to my list"))
	list.Info.Sender = aliceJID
	own := dm(h.nextID(), aliceJID, text("sent from the bot's phone"))
	own.Info.Sender, own.Info.IsFromMe = botJID, true
	newsletter := dm(h.nextID(), types.NewJID("120363000000000002", types.NewsletterServer), text("news"))
	old := dm(h.nextID(), aliceJID, text("before the link"))
	h.c.since = time.Now().Add(-time.Hour)
	old.Info.Timestamp = h.c.since.Add(-time.Minute)
	silent := dm(h.nextID(), aliceJID, &waE2E.Message{ProtocolMessage: &waE2E.ProtocolMessage{
		Type: waE2E.ProtocolMessage_EPHEMERAL_SETTING.Enum(), EphemeralExpiration: proto.Uint32(86400),
	}})

	h.feed(group, status, list, own, newsletter, old, silent)
	if s := h.rec.take(); len(s) != 0 {
		t.Fatalf("ignored messages got %d replies", len(s))
	}
	if n, _ := h.store.Count(h.sv.ID); n != 0 {
		t.Fatalf("ignored messages stored %d responses", n)
	}
	// Offline backlog sent after the link still counts.
	late := dm(h.nextID(), aliceJID, text("hi"))
	late.Info.Timestamp = h.c.since.Add(time.Minute)
	h.feed(late)
	if n, _ := h.store.Count(h.sv.ID); n != 1 {
		t.Fatalf("a message sent after the link was not handled")
	}
}

func TestSendFilesAndAcks(t *testing.T) {
	h := newHarness(t, Config{})
	err := h.c.Send(context.Background(), aliceRes, []bot.Message{
		{Ack: "✓ Yes", Seq: 3},
		{Text: "Responses", Document: &bot.File{Name: "smart-cities-2026-12-03.csv", Bytes: []byte("a,b\r\n")}},
		{Text: "Chart", Photo: &bot.File{Name: "q1.png", Bytes: []byte("\x89PNG\r\n\x1a\n....")}},
	})
	if err != nil {
		t.Fatal(err)
	}
	s := h.rec.take()
	if len(s) != 2 || h.rec.uploads != 2 {
		t.Fatalf("sent %d messages with %d uploads, want 2 and 2 (nothing for the Ack)", len(s), h.rec.uploads)
	}
	doc := s[0].msg.GetDocumentMessage()
	if doc.GetFileName() != "smart-cities-2026-12-03.csv" || doc.GetMimetype() != "text/csv" || doc.GetCaption() != "Responses" {
		t.Errorf("document: %v", doc)
	}
	if img := s[1].msg.GetImageMessage(); img.GetMimetype() != "image/png" || img.GetCaption() != "Chart" {
		t.Errorf("image: %v", img)
	}
	if s[0].to != aliceJID {
		t.Errorf("sent to the wrong chat")
	}
	for _, bad := range []string{"telegram:42", "whatsapp:+96170abc", "whatsapp:"} {
		err := h.c.Send(context.Background(), bad, []bot.Message{{Text: "x"}})
		if err == nil {
			t.Errorf("Send to %q: no error", bad)
		} else {
			noDigitRuns(t, "error", err.Error())
		}
	}
}

func TestSendRetriesTransientErrors(t *testing.T) {
	h := newHarness(t, Config{})
	h.rec.failures = 2
	if err := h.c.Send(context.Background(), aliceRes, []bot.Message{{Text: "hello"}}); err != nil {
		t.Fatalf("two transient failures should be retried: %v", err)
	}
	if got := h.rec.texts(); len(got) != 1 {
		t.Fatalf("sent %q, want one message", got)
	}
	h.rec.failures = maxAttempts
	if err := h.c.Send(context.Background(), aliceRes, []bot.Message{{Text: "hello"}}); err == nil {
		t.Fatal("a send failing every time should fail")
	}
}

func TestRefreshIsSentAgain(t *testing.T) {
	h := newHarness(t, Config{Polls: true})
	m := bot.Message{Text: "11/26 · Which courses?", Language: "en", Numbered: true, Prompt: true, Refresh: true, Seq: 9,
		Options: []conversation.Option{{Label: "Basic", Data: "9:t:1", Kind: "choice", Selected: true}, {Label: "Office", Data: "9:t:2", Kind: "choice"}, {Label: "Done", Data: "9:d", Kind: "done"}}}
	if err := h.c.Send(context.Background(), aliceRes, []bot.Message{m}); err != nil {
		t.Fatal(err)
	}
	s := h.rec.take()
	if len(s) != 1 || !strings.Contains(s[0].msg.GetConversation(), "✓ Basic") {
		t.Fatalf("a refresh is the redrawn prompt as a new text (and no second poll): %v", s)
	}
}

func TestNoPhoneNumberInLogs(t *testing.T) {
	var logs logBuffer
	h := newHarness(t, Config{})
	h.c.log = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	h.c.queue.log = h.c.log
	h.rec.failures = maxAttempts
	h.say("hi") // the reply fails: logged
	newWALogger(h.c.log).Warnf("Failed to send to %s", aliceJID)
	if !strings.Contains(logs.String(), "reply not sent") {
		t.Fatalf("the failed reply was not logged: %s", logs.String())
	}
	if strings.Contains(logs.String(), aliceUser) || strings.Contains(logs.String(), aliceUser[2:]) {
		t.Fatalf("a phone number reached the log: %s", logs.String())
	}
}

func TestRedact(t *testing.T) {
	got := redact("to 961700000042@s.whatsapp.net (lid 123456789012345) at 12:30, id 3EB0AB")
	if want := "to …42@s.whatsapp.net (lid …45) at 12:30, id 3EB0AB"; got != want {
		t.Fatalf("redact = %q, want %q", got, want)
	}
	if id := logID(aliceRes); id == logID("whatsapp:+961700000043") || len(id) != 11 {
		t.Errorf("logID should be a short hash, distinct per respondent: %s", id)
	}
}
