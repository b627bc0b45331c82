package whatsapp

import (
	"bytes"
	"context"
	"strconv"
	"strings"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/types"

	"github.com/uclg-mewa/surveybot/bot"
	"github.com/uclg-mewa/surveybot/conversation"
	"github.com/uclg-mewa/surveybot/messages"
)

// WhatsApp's limits for polls.
const (
	maxPollOptions = 12
	maxPollName    = 255 // characters
	maxOptionName  = 100 // characters
)

// pollOptions are the options of m that a poll shows: the choices (and
// yes/no), numbered as in the text. multi: several may be chosen (the
// prompt has a Done option).
func pollOptions(m bot.Message) (opts []pollOption, multi bool) {
	n := 0
	for _, o := range m.Options {
		switch o.Kind {
		case "choice", "yes", "no":
			n++
			// The number makes names unique, as WhatsApp requires, and
			// matches the numbered text above the poll.
			name := messages.Digits(m.Language, strconv.Itoa(n)) + ". " + o.Label
			opts = append(opts, pollOption{Name: cut(name, maxOptionName), Data: o.Data})
		case "done":
			multi = true
		}
	}
	return opts, multi
}

// sendPoll sends the prompt's options as a native poll and remembers
// them by the poll's message id. A prompt asked again (after a refusal,
// a redelivery) keeps its Seq and its first poll, which still counts, so
// the chat does not fill with polls. A poll that fails is only logged:
// the numbered text already went out and can be answered by typing.
func (c *Channel) sendPoll(ctx context.Context, to types.JID, respondent string, m bot.Message) error {
	opts, multi := pollOptions(m)
	if len(opts) < 2 || len(opts) > maxPollOptions || c.store == nil || c.store.hasPoll(ctx, respondent, m.Seq) {
		return nil
	}
	names := make([]string, len(opts))
	for i, o := range opts {
		names[i] = o.Name
	}
	selectable := 1
	if multi {
		selectable = 0 // any number
	}
	name, _, _ := strings.Cut(m.Text, "\n")
	resp, err := c.send(ctx, to, c.cli.BuildPollCreation(cut(name, maxPollName), names, selectable))
	if err != nil {
		c.log.Warn("whatsapp: poll not sent", "respondent", logID(respondent), "err", redact(err.Error()))
		return nil
	}
	p := poll{Respondent: respondent, Seq: m.Seq, Multi: multi, Options: opts}
	if err := c.store.putPoll(ctx, resp.ID, p, c.now()); err != nil {
		c.log.Warn("whatsapp: poll options not kept; its votes will be ignored", "err", redact(err.Error()))
	}
	return nil
}

// voteEvent turns a poll vote into an answer. A single choice is the tap
// of that option's button (its data carries the prompt's Seq, so a vote
// on an earlier question is answered as stale). A multiple choice vote is
// the whole selection, typed as its numbers ("1,3").
func (c *Channel) voteEvent(ctx context.Context, j job) (conversation.Event, bool) {
	if c.store == nil {
		return conversation.Event{}, false
	}
	id := j.evt.Message.GetPollUpdateMessage().GetPollCreationMessageKey().GetID()
	p, ok, err := c.store.getPoll(ctx, id)
	if err != nil || !ok || p.Respondent != j.respondent {
		c.log.Debug("whatsapp: vote on an unknown poll ignored", "respondent", logID(j.respondent))
		return conversation.Event{}, false
	}
	vote, err := c.cli.DecryptPollVote(ctx, j.evt)
	if err != nil {
		c.log.Warn("whatsapp: poll vote not readable", "respondent", logID(j.respondent), "err", redact(err.Error()))
		return conversation.Event{}, false
	}
	chosen := p.chosen(vote.GetSelectedOptions())
	if len(chosen) == 0 {
		return conversation.Event{}, false // the vote was taken back
	}
	tap := conversation.Event{Kind: conversation.EventButton, Data: p.Options[chosen[0]].Data}
	if !p.Multi || c.stale(j.respondent, p.Seq) {
		return tap, true
	}
	nums := make([]string, len(chosen))
	for i, x := range chosen {
		nums[i] = strconv.Itoa(x + 1)
	}
	return conversation.Event{Kind: conversation.EventText, Text: strings.Join(nums, ",")}, true
}

// stale reports whether the respondent has moved past prompt seq: typed
// numbers would then answer another question, so the vote goes to the
// engine as a tap of the old prompt instead, which it refuses as stale.
func (c *Channel) stale(respondent string, seq int) bool {
	st, found, err := c.d.State(respondent)
	return err != nil || !found || st.Seq != seq
}

// chosen maps the vote's option hashes back to option indexes, in order.
func (p poll) chosen(hashes [][]byte) []int {
	names := make([]string, len(p.Options))
	for i, o := range p.Options {
		names[i] = o.Name
	}
	var out []int
	for i, h := range whatsmeow.HashPollOptions(names) {
		for _, sel := range hashes {
			if bytes.Equal(h, sel) {
				out = append(out, i)
				break
			}
		}
	}
	return out
}

// cut shortens s to at most n characters.
func cut(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
