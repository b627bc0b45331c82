package bot

import (
	"strconv"
	"strings"

	"github.com/uclg-mewa/surveybot/conversation"
	"github.com/uclg-mewa/surveybot/messages"
)

// maxText keeps one message under Telegram's 4096-character limit with
// room to spare for the channel's own additions.
const maxText = 3500

// Message is one thing to say, ready for a channel: plain text (never
// parsed as markup, so user text like "_*\(" shows as typed) and options
// that a channel shows as buttons or as numbered lines.
type Message struct {
	Text     string
	Language string
	Options  []conversation.Option
	// Numbered says a text-only channel should list Options as "1. ..."
	// lines (choices, languages); review and confirm options are typed
	// as words or numbers already explained in Text.
	Numbered bool
	// Seq is the prompt number this message carries; a channel remembers
	// which message showed it so that an Ack can edit it later.
	Seq int
	// Refresh asks to redraw prompt Seq in place (a toggled choice).
	Refresh bool
	// Ack, when set, is the answer to prompt Seq: a channel with editable
	// messages shows it under that prompt and removes its buttons; others
	// may print it or say nothing.
	Ack string
	// Prompt marks the question the respondent is asked now.
	Prompt bool
	// Notice is the notice key when the message is a short notice (a
	// refusal, a stale tap): a channel may show it as a toast.
	Notice string
	// Document or Photo, when set, is a file to send (coordinator exports
	// and charts) with Text as its caption.
	Document *File
	Photo    *File
}

// File is an attachment built in memory.
type File struct {
	Name  string
	Bytes []byte
}

// Render turns engine outputs into messages in each output's language,
// for a channel with buttons.
func Render(outs []conversation.Output) []Message { return RenderFor(outs, false) }

// RenderFor renders for a channel with buttons, or for a text-only one
// (terminal, WhatsApp), where sentences that speak of tapping buttons have
// a ".typed" variant that speaks of typing instead.
func RenderFor(outs []conversation.Output, textOnly bool) []Message {
	var msgs []Message
	for _, o := range outs {
		msgs = append(msgs, renderOne(o, textOnly)...)
	}
	return msgs
}

// sentence picks a key's text-only variant when there is one.
func sentence(lang, key string, textOnly bool, args ...string) string {
	if textOnly && messages.Has(key+".typed") {
		key += ".typed"
	}
	return messages.Get(lang, key, args...)
}

func renderOne(o conversation.Output, textOnly bool) []Message {
	lang := o.Language
	get := func(key string, args ...string) string { return sentence(lang, key, textOnly, args...) }
	num := func(n int) string { return messages.Digits(lang, strconv.Itoa(n)) }
	switch o.Kind {
	case conversation.OutWelcome:
		return []Message{{Text: get("welcome.title_intro", "title", o.Title, "intro", o.Intro), Language: lang}}
	case conversation.OutResume:
		return []Message{{Text: get("welcome.resume", "answered", num(o.Answered), "total", num(o.Total)), Language: lang}}
	case conversation.OutLanguagePrompt:
		return []Message{{Text: get("language.prompt"), Language: lang, Options: o.Options, Numbered: true, Seq: o.Seq, Prompt: true}}
	case conversation.OutQuestion:
		return []Message{renderQuestion(o, textOnly)}
	case conversation.OutOtherPrompt:
		return []Message{{Text: get("question.other_prompt"), Language: lang, Seq: o.Seq, Prompt: true}}
	case conversation.OutNote:
		return []Message{{Text: o.Question.Text.In(lang, ""), Language: lang}}
	case conversation.OutAck:
		ack := get("ack.answer", "answer", o.Display)
		if o.Skipped {
			ack = get("ack.skipped")
		}
		return []Message{{Ack: ack, Seq: o.Seq, Language: lang}}
	case conversation.OutNotice:
		return []Message{{Text: get("notice."+o.Notice, noticeArgs(lang, o)...), Language: lang, Notice: o.Notice}}
	case conversation.OutReview:
		return renderReview(o, textOnly)
	case conversation.OutRestartConfirm:
		return []Message{{Text: get("restart.confirm"), Language: lang, Options: o.Options, Numbered: true, Seq: o.Seq, Prompt: true}}
	case conversation.OutThanks:
		return []Message{{Text: get("thanks"), Language: lang}}
	case conversation.OutStatus:
		text := get("status.progress", "answered", num(o.Answered), "total", num(o.Total), "status", get("status."+o.Status))
		if len(o.Items) > 0 {
			text += "\n\n" + reviewLines(lang, o.Items)
		}
		return splitMessages(text, lang)
	case conversation.OutHelp:
		return []Message{{Text: get("help.text"), Language: lang}}
	}
	return nil
}

// noticeArgs passes the notice's arguments, numbers in the language's digits.
func noticeArgs(lang string, o conversation.Output) []string {
	var args []string
	for k, v := range o.Args {
		if k != "command" && k != "answer" {
			v = messages.Digits(lang, v)
		}
		args = append(args, k, v)
	}
	return args
}

// buttonLabels gives Done, Skip and Submit their button wording (with a
// check mark); the engine's labels are the plain words people type.
func buttonLabels(lang string, opts []conversation.Option) []conversation.Option {
	out := make([]conversation.Option, len(opts))
	copy(out, opts)
	for i := range out {
		switch out[i].Kind {
		case "done":
			out[i].Label = messages.Get(lang, "button.done")
		case "submit":
			out[i].Label = messages.Get(lang, "review.submit")
		case "skip":
			out[i].Label = messages.Get(lang, "button.skip")
		case "change":
			out[i].Label = messages.Digits(lang, out[i].Label)
		}
	}
	return out
}

func renderQuestion(o conversation.Output, textOnly bool) Message {
	lang := o.Language
	q := o.Question
	progress := messages.Get(lang, "question.progress",
		"number", messages.Digits(lang, strconv.Itoa(o.Number)),
		"total", messages.Digits(lang, strconv.Itoa(o.Total)))
	var b strings.Builder
	b.WriteString(progress + " · " + q.Text.In(lang, ""))
	if hint := questionHint(lang, q, textOnly); hint != "" {
		b.WriteString("\n" + hint)
	}
	if !q.Required {
		b.WriteString("\n" + messages.Get(lang, "question.optional"))
	}
	if o.Previous != "" {
		b.WriteString("\n" + messages.Get(lang, "question.previous", "answer", o.Previous))
	}
	return Message{Text: b.String(), Language: lang, Options: buttonLabels(lang, o.Options), Numbered: true, Seq: o.Seq, Refresh: o.Refresh, Prompt: true}
}

func questionHint(lang string, q *conversation.Question, textOnly bool) string {
	switch q.Type {
	case conversation.TypeMulti:
		return sentence(lang, "question.choose_many_hint", textOnly)
	case conversation.TypeNumber:
		return messages.Get(lang, "question.number_hint")
	case conversation.TypeEmail:
		return messages.Get(lang, "question.email_hint")
	}
	return ""
}

// renderReview lists every answer, split over several messages when long;
// the last one carries the buttons.
func renderReview(o conversation.Output, textOnly bool) []Message {
	lang := o.Language
	text := messages.Get(lang, "review.title") + "\n" + reviewLines(lang, o.Items) +
		"\n\n" + sentence(lang, "review.hint", textOnly)
	msgs := splitMessages(text, lang)
	last := &msgs[len(msgs)-1]
	last.Options, last.Seq, last.Prompt = buttonLabels(lang, o.Options), o.Seq, true
	return msgs
}

// reviewLines shows each answer numbered, as typed.
func reviewLines(lang string, items []conversation.ReviewItem) string {
	lines := make([]string, len(items))
	for i, it := range items {
		ans := it.Display
		if ans == "" {
			ans = messages.Get(lang, "review.skipped")
		}
		lines[i] = messages.Get(lang, "review.item", "number", messages.Digits(lang, strconv.Itoa(it.Number)), "question", it.Question, "answer", ans)
	}
	return strings.Join(lines, "\n")
}

// splitMessages cuts a long text into messages under the size limit.
func splitMessages(text, lang string) []Message {
	var msgs []Message
	for _, part := range SplitText(text, maxText) {
		msgs = append(msgs, Message{Text: part, Language: lang})
	}
	return msgs
}

// SplitText cuts a long text at line breaks into pieces of at most max
// bytes, for channels with a message size limit.
func SplitText(s string, max int) []string {
	if len(s) <= max {
		return []string{s}
	}
	var out []string
	for len(s) > max {
		cut := strings.LastIndex(s[:max], "\n")
		if cut <= 0 {
			cut = max
			for cut > 0 && !isRuneStart(s[cut]) {
				cut--
			}
		}
		out = append(out, s[:cut])
		s = strings.TrimPrefix(s[cut:], "\n")
	}
	if s != "" {
		out = append(out, s)
	}
	return out
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }
