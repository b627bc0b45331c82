package whatsapp

import (
	"context"

	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/uclg-mewa/surveybot/bot"
	"github.com/uclg-mewa/surveybot/conversation"
)

// onMessage filters a message and queues it for its respondent. It runs on
// whatsmeow's event goroutine, so it does no more than a cached look-up.
func (c *Channel) onMessage(e *events.Message) {
	info := &e.Info
	if !c.wanted(info) {
		return
	}
	resp, ok := c.respondentOf(c.workCtx, info)
	if !ok {
		return
	}
	c.queue.push(job{respondent: resp, to: info.Chat.ToNonAD(), evt: e})
}

// wanted keeps direct messages from other people, sent after the account
// was linked: no groups, broadcasts, status updates, channels, bots, or
// our own messages (sent from the phone or echoed back).
func (c *Channel) wanted(info *types.MessageInfo) bool {
	if info.IsFromMe || info.IsGroup || info.Sender.IsBot() {
		return false
	}
	switch info.Chat.Server {
	case types.DefaultUserServer, types.HiddenUserServer:
	default:
		return false
	}
	if !c.since.IsZero() && !info.Timestamp.IsZero() && info.Timestamp.Before(c.since) {
		c.log.Debug("whatsapp: message from before the link ignored")
		return false
	}
	return true
}

// respondentOf names the sender by phone number whenever one is known, so
// that a person writing from a LID and from their number is one
// respondent; otherwise by LID.
func (c *Channel) respondentOf(ctx context.Context, info *types.MessageInfo) (string, bool) {
	sender := info.Sender.ToNonAD()
	switch sender.Server {
	case types.DefaultUserServer:
		return phoneRespondent(sender), true
	case types.HiddenUserServer:
		if alt := info.SenderAlt.ToNonAD(); alt.Server == types.DefaultUserServer {
			return phoneRespondent(alt), true
		}
		if c.lids != nil {
			if pn, err := c.lids.GetPNForLID(ctx, sender); err == nil && pn.Server == types.DefaultUserServer {
				return phoneRespondent(pn.ToNonAD()), true
			}
		}
		return channelName + ":lid:" + sender.User, true
	}
	return "", false
}

func phoneRespondent(pn types.JID) string { return channelName + ":+" + pn.User }

// process handles one message of a respondent's queue: the answer is
// stored (by the dispatcher) before the replies go out.
func (c *Channel) process(j job) {
	ctx := c.workCtx
	if ctx.Err() != nil {
		return // stopped: Run has said so once
	}
	ev, ok := c.eventOf(ctx, j)
	if !ok {
		return
	}
	msgs, err := c.d.Handle(ctx, bot.Inbound{
		Respondent: j.respondent,
		Channel:    channelName,
		UpdateKey:  channelName + ":" + j.evt.Info.ID,
		Event:      ev,
		TextOnly:   true,
	})
	if err != nil {
		c.log.Error("whatsapp: message not handled", "respondent", logID(j.respondent), "err", redact(err.Error()))
		return
	}
	if err := c.deliver(ctx, j.to, j.respondent, msgs); err != nil {
		c.log.Error("whatsapp: reply not sent", "respondent", logID(j.respondent), "err", redact(err.Error()))
	}
}

// eventOf turns a message into an engine event; false: nothing to say.
func (c *Channel) eventOf(ctx context.Context, j job) (conversation.Event, bool) {
	m := j.evt.Message
	if m == nil {
		return conversation.Event{}, false
	}
	if m.GetPollUpdateMessage() != nil {
		return c.voteEvent(ctx, j)
	}
	return classify(m, j.evt.IsEdit)
}

// classify reads a (unwrapped) message: text and commands are answers;
// any other content a person sends is EventUnsupported, so the engine
// explains and asks again; protocol and housekeeping messages are silent.
func classify(m *waE2E.Message, isEdit bool) (conversation.Event, bool) {
	if isEdit || m.GetProtocolMessage().GetType() == waE2E.ProtocolMessage_MESSAGE_EDIT {
		return unsupported("edit"), true
	}
	if pm := m.GetProtocolMessage(); pm != nil {
		if pm.GetType() == waE2E.ProtocolMessage_REVOKE {
			return unsupported("revoke"), true
		}
		return conversation.Event{}, false
	}
	if m.Conversation != nil {
		return bot.TextEvent(m.GetConversation()), true
	}
	if m.ExtendedTextMessage != nil { // a quoted reply or a link preview
		return bot.TextEvent(m.GetExtendedTextMessage().GetText()), true
	}
	if r := m.GetReactionMessage(); r != nil {
		// Taking a reaction back is no message to answer.
		return unsupported("reaction"), r.GetText() != ""
	}
	if what := contentKind(m); what != "" {
		return unsupported(what), true
	}
	return conversation.Event{}, false
}

func unsupported(what string) conversation.Event {
	return conversation.Event{Kind: conversation.EventUnsupported, What: what}
}

// contentKind names the content of a non-text message, or "" when it
// carries nothing a person sent.
func contentKind(m *waE2E.Message) string {
	switch {
	case m.ImageMessage != nil:
		return "image"
	case m.AudioMessage != nil:
		return "audio"
	case m.StickerMessage != nil:
		return "sticker"
	case m.VideoMessage != nil, m.PtvMessage != nil:
		return "video"
	case m.DocumentMessage != nil:
		return "document"
	case m.LocationMessage != nil, m.LiveLocationMessage != nil:
		return "location"
	case m.ContactMessage != nil, m.ContactsArrayMessage != nil:
		return "contact"
	case m.PollCreationMessage != nil, m.PollCreationMessageV2 != nil, m.PollCreationMessageV3 != nil:
		return "poll"
	}
	if hasContent(m) {
		return "other"
	}
	return ""
}

// silentFields carry no content of their own: key distribution, context,
// pins, keep-in-chat, history and sync notices.
var silentFields = map[protoreflect.Name]bool{
	"messageContextInfo":                         true,
	"senderKeyDistributionMessage":               true,
	"fastRatchetKeySenderKeyDistributionMessage": true,
	"keepInChatMessage":                          true,
	"pinInChatMessage":                           true,
	"encReactionMessage":                         true,
	"messageHistoryBundle":                       true,
	"messageHistoryNotice":                       true,
	"placeholderMessage":                         true,
	"stickerSyncRmrMessage":                      true,
	"call":                                       true,
	"callLogMesssage":                            true,
	"deviceSentMessage":                          true,
}

// hasContent reports whether m has a field a person would have sent, so
// that new kinds of content still get an explanation.
func hasContent(m *waE2E.Message) bool {
	found := false
	m.ProtoReflect().Range(func(fd protoreflect.FieldDescriptor, _ protoreflect.Value) bool {
		found = !silentFields[fd.Name()]
		return !found
	})
	return found
}
