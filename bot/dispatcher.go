// Package bot joins channels (Telegram, WhatsApp, the terminal), the
// conversation engine and storage. A channel turns its updates into
// Inbound values and shows the Messages that Handle returns.
package bot

import (
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"github.com/uclg-mewa/surveybot/conversation"
	"github.com/uclg-mewa/surveybot/messages"
	"github.com/uclg-mewa/surveybot/storage"
)

// Inbound is one message from a respondent, stripped of channel details.
type Inbound struct {
	Respondent string // "telegram:123", "whatsapp:+961...", "console:ali"
	Channel    string // "telegram", "whatsapp", "console"
	// UpdateKey identifies the update for de-duplication ("telegram:8812");
	// empty for channels that never redeliver.
	UpdateKey string
	Event     conversation.Event
	// TextOnly marks a channel without buttons (terminal, WhatsApp): the
	// replies then say "type" where others say "tap".
	TextOnly bool
}

// Dispatcher applies inbound events: one storage transaction each, then
// the rendered replies. The answer is on disk before Handle returns, so a
// reply is never sent for an answer that could still be lost.
type Dispatcher struct {
	Engine *conversation.Engine
	Store  *storage.Store
	Now    func() time.Time
	Log    *slog.Logger
	// Coord, when set, serves the coordinators' commands and buttons.
	Coord Coordinator
}

// Coordinator serves the coordinators' commands (package bot/coord). It is
// an interface here because bot/coord builds on package bot.
type Coordinator interface {
	// IsCoordinator reports whether respondent may use the commands;
	// it is asked on every command, never remembered.
	IsCoordinator(respondent string) bool
	// IsCommand reports whether name (lower case, no slash) is a
	// coordinator command.
	IsCommand(name string) bool
	// Handle runs a command for a coordinator, replying in lang.
	Handle(ctx context.Context, respondent, lang, command, arg string) ([]Message, error)
	// Button handles a coordinator's tap on a button whose data starts
	// with CoordData.
	Button(ctx context.Context, respondent, lang, data string) ([]Message, error)
}

// CoordData prefixes the data of coordinators' buttons (pagination). The
// engine's data starts with a prompt number, so the two never collide.
const CoordData = "co:"

// ResumeData is the data of the button on a reminder: a tap resumes the
// survey as /start does.
const ResumeData = "resume"

// NewDispatcher wires an engine and a store with the real clock.
func NewDispatcher(e *conversation.Engine, s *storage.Store, log *slog.Logger) *Dispatcher {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Dispatcher{Engine: e, Store: s, Now: func() time.Time { return time.Now().UTC() }, Log: log}
}

// Handle applies one inbound event and returns what to say. A duplicate
// update changes nothing; if it was the respondent's latest, the pending
// question is repeated (its replies may have been lost in a crash).
func (d *Dispatcher) Handle(ctx context.Context, in Inbound) ([]Message, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if msgs, done, err := d.coordinator(ctx, in); done {
		return msgs, err
	}
	if in.Event.Kind == conversation.EventButton && in.Event.Data == ResumeData {
		in.Event = conversation.Event{Kind: conversation.EventCommand, Command: conversation.CmdStart, LanguageHint: in.Event.LanguageHint}
	}
	return d.apply(in)
}

// apply runs the event through the engine in one storage transaction.
func (d *Dispatcher) apply(in Inbound) ([]Message, error) {
	now := d.Now()
	var outs []conversation.Output
	sv := d.Engine.Survey
	st, dup, err := d.Store.Apply(sv.ID, in.Respondent, in.UpdateKey, now, func(st *conversation.State) (err error) {
		// A bug in the engine must cost one message, not the process: a
		// crash here would repeat at every restart, as the update is
		// redelivered until it is handled.
		defer func() {
			if p := recover(); p != nil {
				d.Log.Error("engine panic; message not applied", "channel", in.Channel, "update", in.UpdateKey, "panic", p, "stack", string(debug.Stack()))
				err = fmt.Errorf("the conversation engine failed on this message: %v", p)
			}
		}()
		if st.Respondent == "" {
			st.Respondent, st.Channel = in.Respondent, in.Channel
		}
		next, o := d.Engine.Step(*st, in.Event, now)
		next.LastUpdate = in.UpdateKey
		*st, outs = next, o
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("storing the answer of %s: %w", in.Channel, err)
	}
	if dup {
		d.Log.Info("duplicate update ignored", "channel", in.Channel, "update", in.UpdateKey)
		if st.LastUpdate != in.UpdateKey {
			return nil, nil
		}
		outs = d.Engine.Repeat(st)
	}
	return RenderFor(outs, in.TextOnly), nil
}

// State returns a respondent's stored state (for status and coordinators).
func (d *Dispatcher) State(respondent string) (conversation.State, bool, error) {
	return d.Store.Load(d.Engine.Survey.ID, respondent)
}

// coordinator handles what is not the engine's: coordinator commands
// (served for coordinators, answered with the ordinary help for everyone
// else, so nobody else learns anything about other respondents) and the
// coordinators' buttons. None of it touches the sender's own response, so
// a coordinator who only uses commands has no response row. done reports
// whether the event was handled here.
func (d *Dispatcher) coordinator(ctx context.Context, in Inbound) (msgs []Message, done bool, err error) {
	ev := in.Event
	if d.isCoordinatorHelp(in) {
		msgs, err := d.coordinatorHelp(in)
		return msgs, true, err
	}
	isCommand := ev.Kind == conversation.EventCommand && d.Coord != nil && d.Coord.IsCommand(ev.Command)
	isButton := ev.Kind == conversation.EventButton && strings.HasPrefix(ev.Data, CoordData)
	if !isCommand && !isButton {
		return nil, false, nil
	}
	lang := d.language(in)
	allowed := d.Coord != nil && d.Coord.IsCoordinator(in.Respondent)
	switch {
	case isCommand && allowed:
		msgs, err = d.Coord.Handle(ctx, in.Respondent, lang, ev.Command, ev.Arg)
	case isCommand:
		msgs = Render([]conversation.Output{{Kind: conversation.OutHelp, Language: lang}})
	case allowed:
		msgs, err = d.Coord.Button(ctx, in.Respondent, lang, ev.Data)
	default:
		// A former coordinator's old button, or forged data.
		msgs = Render([]conversation.Output{{Kind: conversation.OutNotice, Notice: conversation.NoticeStale, Language: lang}})
	}
	return msgs, true, err
}

// isCoordinatorHelp reports a coordinator's /help, which also lists the
// coordinator commands.
func (d *Dispatcher) isCoordinatorHelp(in Inbound) bool {
	return in.Event.Kind == conversation.EventCommand && in.Event.Command == conversation.CmdHelp &&
		d.Coord != nil && d.Coord.IsCoordinator(in.Respondent)
}

// coordinatorHelp is the ordinary /help (through the engine when the
// coordinator answers the survey too) followed by the coordinator commands.
func (d *Dispatcher) coordinatorHelp(in Inbound) ([]Message, error) {
	lang := d.language(in)
	extra := Message{Text: messages.Get(lang, "coord.help"), Language: lang}
	if _, ok, err := d.State(in.Respondent); err == nil && !ok {
		// No response yet: the engine would open one with the language
		// question, and a coordinator has a row only if they answer.
		return append(Render([]conversation.Output{{Kind: conversation.OutHelp, Language: lang}}), extra), nil
	}
	msgs, err := d.apply(in)
	if err != nil {
		return nil, err
	}
	// The coordinator commands go with the help, before the question the
	// engine asks again.
	at := len(msgs)
	for i, m := range msgs {
		if m.Prompt {
			at = i
			break
		}
	}
	return slices.Insert(msgs, at, extra), nil
}

// language is the sender's language for replies outside the engine: the
// one chosen in the survey, else the one the channel reports, else the
// default.
func (d *Dispatcher) language(in Inbound) string {
	if st, ok, err := d.State(in.Respondent); err == nil && ok && st.Language != "" {
		return st.Language
	}
	return HintLanguage(in.Event.LanguageHint)
}

// HintLanguage maps a channel's language report ("en-US", "fr") to one of
// the bot's languages, or messages.Default.
func HintLanguage(hint string) string {
	code, _, _ := strings.Cut(strings.ToLower(hint), "-")
	code, _, _ = strings.Cut(code, "_")
	for _, l := range messages.Languages {
		if l == code {
			return l
		}
	}
	return messages.Default
}
