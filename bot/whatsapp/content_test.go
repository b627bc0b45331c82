package whatsapp

import (
	"reflect"
	"strings"
	"testing"

	"go.mau.fi/whatsmeow/proto/waCommon"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"
	"google.golang.org/protobuf/proto"

	"github.com/uclg-mewa/surveybot/conversation"
	"github.com/uclg-mewa/surveybot/messages"
)

// earlierKey points at a message alice sent before.
func earlierKey() *waCommon.MessageKey {
	return &waCommon.MessageKey{RemoteJID: proto.String(aliceJID.String()), FromMe: proto.Bool(false), ID: proto.String("3EB0EARLIER")}
}

// nonAnswers are the contents a person may send that are no answer, built
// as whatsmeow hands them over (RawMessage, then UnwrapRaw).
func nonAnswers() map[string]*waE2E.Message {
	return map[string]*waE2E.Message{
		"image":    {ImageMessage: &waE2E.ImageMessage{Mimetype: proto.String("image/jpeg"), Caption: proto.String("Saida")}},
		"audio":    {AudioMessage: &waE2E.AudioMessage{Mimetype: proto.String("audio/ogg; codecs=opus"), PTT: proto.Bool(true)}},
		"sticker":  {StickerMessage: &waE2E.StickerMessage{Mimetype: proto.String("image/webp")}},
		"video":    {VideoMessage: &waE2E.VideoMessage{Mimetype: proto.String("video/mp4")}},
		"document": {DocumentWithCaptionMessage: &waE2E.FutureProofMessage{Message: &waE2E.Message{DocumentMessage: &waE2E.DocumentMessage{FileName: proto.String("cv.pdf")}}}},
		"location": {LocationMessage: &waE2E.LocationMessage{DegreesLatitude: proto.Float64(33.56), DegreesLongitude: proto.Float64(35.37)}},
		"contact":  {ContactMessage: &waE2E.ContactMessage{DisplayName: proto.String("Ali"), Vcard: proto.String("BEGIN:VCARD\nEND:VCARD")}},
		"reaction": {ReactionMessage: &waE2E.ReactionMessage{Key: earlierKey(), Text: proto.String("👍")}},
		"edit": {EditedMessage: &waE2E.FutureProofMessage{Message: &waE2E.Message{ProtocolMessage: &waE2E.ProtocolMessage{
			Type: waE2E.ProtocolMessage_MESSAGE_EDIT.Enum(), Key: earlierKey(), EditedMessage: text("Tyre"),
		}}}},
		"revoke": {ProtocolMessage: &waE2E.ProtocolMessage{Type: waE2E.ProtocolMessage_REVOKE.Enum(), Key: earlierKey()}},
		"other":  {EventMessage: &waE2E.EventMessage{Name: proto.String("Meeting")}},
	}
}

func TestNonAnswersAreExplainedAndNothingStored(t *testing.T) {
	explanation := messages.Get("en", "notice.unsupported.typed")
	for what, msg := range nonAnswers() {
		t.Run(what, func(t *testing.T) {
			h := newHarness(t, Config{})
			h.toQuestion()
			before := h.state(aliceRes)
			evt := dm(h.nextID(), aliceJID, msg)
			if what == "edit" {
				evt.Info.Edit = types.EditAttributeMessageEdit
			}
			if what == "revoke" {
				evt.Info.Edit = types.EditAttributeSenderRevoke
			}
			if ev, ok := classify(evt.Message, evt.IsEdit); !ok || ev.What != what {
				t.Fatalf("classified as %+v (%v), want unsupported %q", ev, ok, what)
			}
			h.feed(evt)
			texts := h.rec.texts()
			if len(texts) != 2 || texts[0] != explanation || !strings.Contains(texts[1], "1/") {
				t.Fatalf("want the explanation and the question again, got %q", texts)
			}
			after := h.state(aliceRes)
			if !reflect.DeepEqual(after.Answers, before.Answers) || after.Current != before.Current || after.Seq != before.Seq {
				t.Fatalf("something was stored: %+v", after.Answers)
			}
		})
	}
}

func TestSilentMessages(t *testing.T) {
	silent := map[string]*waE2E.Message{
		"reaction taken back": {ReactionMessage: &waE2E.ReactionMessage{Key: earlierKey(), Text: proto.String("")}},
		"disappearing timer":  {ProtocolMessage: &waE2E.ProtocolMessage{Type: waE2E.ProtocolMessage_EPHEMERAL_SETTING.Enum()}},
		"key distribution":    {SenderKeyDistributionMessage: &waE2E.SenderKeyDistributionMessage{GroupID: proto.String("x")}},
		"pin":                 {PinInChatMessage: &waE2E.PinInChatMessage{Key: earlierKey()}},
		"empty":               {},
	}
	for name, m := range silent {
		if ev, ok := classify(m, false); ok {
			t.Errorf("%s: classified as %+v, want silence", name, ev)
		}
	}
	if ev, ok := classify(text(""), false); !ok || ev.Kind != conversation.EventText {
		t.Errorf("empty text is still text (the engine explains): %+v", ev)
	}
}
