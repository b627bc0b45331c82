package telegram

import (
	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/uclg-mewa/surveybot/bot"
	"github.com/uclg-mewa/surveybot/conversation"
)

// Check marks of several-choice buttons: chosen and not chosen.
const (
	markOn  = "☑ "
	markOff = "☐ "
)

// layout arranges options as rows of buttons, in the options' order: Yes
// and No, languages, and Previous/Next pages two per row (short labels,
// read side by side);
// other choices one per row (long labels stay readable); review numbers
// six per row; Done, Submit and Skip together on a last row of their own.
func layout(m bot.Message) [][]tgbotapi.InlineKeyboardButton {
	multi := hasKind(m.Options, "done")
	var rows [][]tgbotapi.InlineKeyboardButton
	var run, last []tgbotapi.InlineKeyboardButton
	runWidth := 0
	flush := func() {
		if len(run) > 0 {
			rows, run = append(rows, run), nil
		}
	}
	for _, o := range m.Options {
		b := tgbotapi.NewInlineKeyboardButtonData(label(o, multi), o.Data)
		w := width(o.Kind)
		if w == 0 {
			last = append(last, b)
			continue
		}
		if w != runWidth {
			flush()
			runWidth = w
		}
		if run = append(run, b); len(run) == w {
			flush()
		}
	}
	flush()
	if len(last) > 0 {
		rows = append(rows, last)
	}
	return rows
}

// width is how many buttons of a kind share a row; 0 means the last row.
func width(kind string) int {
	switch kind {
	case "yes", "no", "language", "page":
		return 2
	case "choice":
		return 1
	case "change":
		return 6
	case "done", "submit", "skip":
		return 0
	}
	return 1
}

// label marks several-choice options as chosen or not; only a question
// with a Done button is a several-choice one.
func label(o conversation.Option, multi bool) string {
	if !multi || o.Kind != "choice" {
		return o.Label
	}
	if o.Selected {
		return markOn + o.Label
	}
	return markOff + o.Label
}

func hasKind(opts []conversation.Option, kind string) bool {
	for _, o := range opts {
		if o.Kind == kind {
			return true
		}
	}
	return false
}
