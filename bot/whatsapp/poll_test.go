package whatsapp

import (
	"context"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/store/sqlstore"
	"go.mau.fi/whatsmeow/types"

	"github.com/uclg-mewa/surveybot/bot"
	"github.com/uclg-mewa/surveybot/conversation"
	"github.com/uclg-mewa/surveybot/messages"
)

// voter is alice's phone: a second whatsmeow client on its own session
// file, which receives the bot's polls and votes on them, offline.
type voter struct {
	t   *testing.T
	cli *whatsmeow.Client
}

func newVoter(t *testing.T, dir string) *voter {
	t.Helper()
	path := filepath.Join(dir, "alice.db")
	linkDevice(t, path, aliceUser)
	container, err := sqlstore.New(context.Background(), "sqlite", dsn(path), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { container.Close() })
	dev, err := container.GetFirstDevice(context.Background())
	if err != nil || dev.ID == nil {
		t.Fatalf("voter device: %v", err)
	}
	return &voter{t: t, cli: whatsmeow.NewClient(dev, nil)}
}

// receive keeps the poll's secret as whatsmeow does for an incoming
// message, and returns the poll's info as alice's client sees it.
func (v *voter) receive(s sent) types.MessageInfo {
	v.t.Helper()
	info := types.MessageInfo{MessageSource: types.MessageSource{Chat: botJID, Sender: botJID}, ID: s.id}
	secret := s.msg.GetMessageContextInfo().GetMessageSecret()
	if err := v.cli.Store.MsgSecrets.PutMessageSecret(context.Background(), info.Chat, info.Sender, info.ID, secret); err != nil {
		v.t.Fatal(err)
	}
	return info
}

// vote builds alice's (encrypted) vote for the named options.
func (v *voter) vote(poll types.MessageInfo, names ...string) *waE2E.Message {
	v.t.Helper()
	m, err := v.cli.BuildPollVote(context.Background(), &poll, names)
	if err != nil {
		v.t.Fatal(err)
	}
	return m
}

// lastPoll returns the poll among what was sent, and forgets the rest.
func lastPoll(t *testing.T, rec *recorder) sent {
	t.Helper()
	var poll *sent
	for _, s := range rec.take() {
		if s.msg.GetPollCreationMessage() != nil {
			poll = &s
		}
	}
	if poll == nil {
		t.Fatal("no poll was sent")
	}
	return *poll
}

func optionNames(p sent) []string {
	var names []string
	for _, o := range p.msg.GetPollCreationMessage().GetOptions() {
		names = append(names, o.GetOptionName())
	}
	return names
}

// answerTextsUntil types answers until the question id is asked.
func (h *harness) answerTextsUntil(id string) {
	h.t.Helper()
	for range 30 {
		st := h.state(aliceRes)
		if st.Current == id {
			return
		}
		q := h.sv.Question(st.Current)
		switch q.Type {
		case conversation.TypeYesNo:
			h.say("yes")
		case conversation.TypeEmail:
			h.say("it@saida.example")
		default:
			h.say("Answer")
		}
	}
	h.t.Fatalf("question %s never asked", id)
}

func TestPollVoteRoundTrip(t *testing.T) {
	h := newHarness(t, Config{Polls: true})
	alice := newVoter(t, h.dir)
	h.toQuestion()
	h.answerTextsUntil("q1_new_tech")
	q1 := lastPoll(t, h.rec)
	h.say("/status")
	h.say("maybe") // refused: q1 again, with the same poll as before
	for _, s := range h.rec.take() {
		if s.msg.GetPollCreationMessage() != nil {
			t.Fatal("a second poll was sent for the same prompt")
		}
	}
	pc := q1.msg.GetPollCreationMessage()
	if names := optionNames(q1); !reflect.DeepEqual(names, []string{"1. Yes", "2. No"}) || pc.GetSelectableOptionsCount() != 1 {
		t.Fatalf("q1 poll: options %q selectable %d", names, pc.GetSelectableOptionsCount())
	}
	if !strings.Contains(pc.GetName(), "Does your city use new technologies") {
		t.Errorf("poll name %q should be the question", pc.GetName())
	}
	poll := alice.receive(q1)

	// A vote on the current question answers it.
	h.feed(dm(h.nextID(), aliceJID, alice.vote(poll, "2. No")))
	st := h.state(aliceRes)
	if st.Answers["q1_new_tech"].Value != "no" || st.Current != "q2_wifi_hotspots" {
		t.Fatalf("after voting No: q1=%q current=%s", st.Answers["q1_new_tech"].Value, st.Current)
	}
	h.rec.take()

	// A changed vote on that poll is now stale: a notice, nothing changed.
	h.feed(dm(h.nextID(), aliceJID, alice.vote(poll, "1. Yes")))
	if texts := h.rec.texts(); !containsText(texts, messages.Get("en", "notice.stale")) {
		t.Errorf("a vote on an earlier question should be answered as stale, got %q", texts)
	}
	if after := h.state(aliceRes); after.Answers["q1_new_tech"].Value != "no" || after.Seq != st.Seq {
		t.Fatalf("a stale vote changed the answer to %q", after.Answers["q1_new_tech"].Value)
	}

	// A vote taken back (empty selection) says nothing.
	h.feed(dm(h.nextID(), aliceJID, alice.vote(poll)))
	if s := h.rec.take(); len(s) != 0 {
		t.Errorf("a withdrawn vote got %d replies", len(s))
	}
}

func TestPollVoteMultipleChoice(t *testing.T) {
	h := newHarness(t, Config{Polls: true})
	alice := newVoter(t, h.dir)
	h.toQuestion()
	h.answerTextsUntil("q5_courses")
	h.say("/back")
	h.rec.take()
	h.say("yes") // q5 again, then q5_courses with its poll
	courses := lastPoll(t, h.rec)
	names := optionNames(courses)
	if len(names) != 6 || names[0] != "1. Basic computer skills" || courses.msg.GetPollCreationMessage().GetSelectableOptionsCount() != 0 {
		t.Fatalf("courses poll: %q", names)
	}
	poll := alice.receive(courses)
	h.feed(dm(h.nextID(), aliceJID, alice.vote(poll, names[0], names[2])))
	st := h.state(aliceRes)
	if got := st.Answers["q5_courses"].Choices; !reflect.DeepEqual(got, []string{"basic_skills", "internet_email"}) {
		t.Fatalf("q5_courses = %v, want basic_skills and internet_email", got)
	}
	if st.Current == "q5_courses" {
		t.Fatal("the vote should answer the question")
	}
	h.rec.take()
	// Changing the vote once the question is answered: stale, no change.
	h.feed(dm(h.nextID(), aliceJID, alice.vote(poll, names[1])))
	if texts := h.rec.texts(); !containsText(texts, messages.Get("en", "notice.stale")) {
		t.Errorf("want the stale notice, got %q", texts)
	}
	if got := h.state(aliceRes).Answers["q5_courses"].Choices; len(got) != 2 {
		t.Fatalf("a stale vote changed q5_courses to %v", got)
	}
}

func TestVoteFromSomeoneElseIgnored(t *testing.T) {
	h := newHarness(t, Config{Polls: true})
	alice := newVoter(t, h.dir)
	h.toQuestion()
	h.answerTextsUntil("q1_new_tech")
	poll := alice.receive(lastPoll(t, h.rec))
	bob := types.NewJID("447700900123", types.DefaultUserServer)
	h.feed(dm(h.nextID(), bob, alice.vote(poll, "1. Yes")))
	if _, ok, _ := h.d.State("whatsapp:+447700900123"); ok {
		t.Fatal("a vote on someone else's poll started a response")
	}
}

func TestPollOptionsArabic(t *testing.T) {
	m := bot.Message{Language: "ar", Options: []conversation.Option{
		{Label: "نعم", Data: "7:c:1", Kind: "choice"}, {Label: "لا", Data: "7:c:2", Kind: "choice"}, {Label: "تخطي", Data: "7:k", Kind: "skip"},
	}}
	opts, multi := pollOptions(m)
	if multi || len(opts) != 2 || opts[0].Name != "١. نعم" || opts[1].Data != "7:c:2" {
		t.Fatalf("pollOptions = %+v, %v", opts, multi)
	}
	long := strings.Repeat("ب", 300)
	if got := []rune(cut(long, maxOptionName)); len(got) != maxOptionName {
		t.Errorf("cut to %d characters, want %d", len(got), maxOptionName)
	}
}
