package bot

import (
	"strings"
	"unicode"

	"github.com/uclg-mewa/surveybot/conversation"
)

// ParseCommand splits "/Name@bot arg..." into "name", "bot" and "arg...".
// The name runs up to the first space of any kind and comes back lower
// case; "/" alone, or "/ back", is no command. Every channel reads typed
// commands through it, so that they mean the same everywhere.
func ParseCommand(text string) (name, at, arg string, ok bool) {
	head, found := strings.CutPrefix(strings.TrimSpace(text), "/")
	if !found {
		return "", "", "", false
	}
	rest := ""
	if i := strings.IndexFunc(head, unicode.IsSpace); i >= 0 {
		head, rest = head[:i], head[i:]
	}
	name, at, _ = strings.Cut(head, "@")
	if name == "" {
		return "", "", "", false
	}
	return strings.ToLower(name), at, strings.TrimSpace(rest), true
}

// TextEvent makes typed text a command when ParseCommand finds one
// ("/Back now" is back with the argument "now"), else an answer: the text
// as typed.
func TextEvent(text string) conversation.Event {
	if name, _, arg, ok := ParseCommand(text); ok {
		return conversation.Event{Kind: conversation.EventCommand, Command: name, Arg: arg}
	}
	return conversation.Event{Kind: conversation.EventText, Text: text}
}
