// Package coord serves the survey coordinators: results, exports, charts,
// the list of respondents, reminders and invitation links, in their
// private chat and in their language (CONTRACT.md, "Coordinators").
//
// Who is a coordinator is decided on every command from the configured
// ids (SURVEYBOT_COORDINATORS); the dispatcher (package bot) answers
// anyone else with the ordinary help text, so nothing here ever runs for
// them. Nothing here writes to a coordinator's own response: a coordinator
// has a response row only if they answer the survey themselves.
package coord

import (
	"context"
	"fmt"
	"log/slog"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/uclg-mewa/surveybot/bot"
	"github.com/uclg-mewa/surveybot/conversation"
	"github.com/uclg-mewa/surveybot/messages"
	"github.com/uclg-mewa/surveybot/storage"
	"github.com/uclg-mewa/surveybot/storage/export"
)

// Commands are the coordinator commands, without the slash, in menu order
// (each has a "cmd.<name>" menu description in package messages).
var Commands = []string{"results", "export", "chart", "respondents", "remind", "invite"}

// maxText keeps one message under Telegram's 4096-character limit, as
// package bot does for its own long texts.
const maxText = 3500

// Sender delivers messages outside a reply (reminders). The Telegram and
// WhatsApp channels implement it; Senders routes to them by respondent.
type Sender interface {
	Send(ctx context.Context, respondent string, msgs []bot.Message) error
}

// Service serves the coordinators. Set the exported fields, then use it;
// it is safe for concurrent use.
type Service struct {
	Survey       *conversation.Survey
	Engine       *conversation.Engine
	Store        *storage.Store
	Coordinators map[string]bool // respondent ids, as ParseCoordinators returns
	// BotUsername is the Telegram bot's username, for /invite links
	// (nil or "" when Telegram is not running).
	BotUsername func() string
	Now         func() time.Time // nil: the real clock
	Sender      Sender           // nil: reminders cannot be sent
	Log         *slog.Logger     // nil: discard
	// Pace is the least time between two reminders on one channel
	// ("telegram", "whatsapp"); missing channels use DefaultPace.
	Pace map[string]time.Duration

	mu        sync.Mutex
	pacers    map[string]*pacer
	inflight  map[string]bool // respondents being reminded right now
	looping   bool            // RunReminders is running
	kick      chan struct{}   // wakes RunReminders for /remind
	streaming map[string]bool // channels whose due reminders are being sent
}

var _ bot.Coordinator = (*Service)(nil)

var (
	telegramID = regexp.MustCompile(`^telegram:[1-9][0-9]{0,19}$`)
	whatsappID = regexp.MustCompile(`^whatsapp:\+[1-9][0-9]{6,14}$`)
)

// ParseCoordinators reads SURVEYBOT_COORDINATORS: comma-separated
// telegram:<user id> and whatsapp:+<E.164 digits> entries. Spaces around
// entries and empty entries are ignored; anything else is an error naming
// the entry by position (never its digits: it may be a phone number), so a
// typo never silently locks a coordinator out.
func ParseCoordinators(s string) (map[string]bool, error) {
	ids := map[string]bool{}
	for i, raw := range strings.Split(s, ",") {
		id := strings.TrimSpace(raw)
		if id == "" {
			continue
		}
		if !telegramID.MatchString(id) && !whatsappID.MatchString(id) {
			return nil, fmt.Errorf("SURVEYBOT_COORDINATORS: entry %d is not telegram:<user id> or whatsapp:+<phone in E.164>", i+1)
		}
		ids[id] = true
	}
	return ids, nil
}

// IsCoordinator reports whether respondent is a configured coordinator.
func (s *Service) IsCoordinator(respondent string) bool { return s.Coordinators[respondent] }

// IsCommand reports whether name is a coordinator command.
func (s *Service) IsCommand(name string) bool {
	for _, c := range Commands {
		if c == name {
			return true
		}
	}
	return false
}

// Handle runs one coordinator command. The dispatcher calls it only for
// coordinators. Failures are told to the coordinator (coord.error) and
// logged; the error result is for a cancelled context only.
func (s *Service) Handle(ctx context.Context, respondent, lang, command, arg string) ([]bot.Message, error) {
	arg = strings.TrimSpace(arg)
	var msgs []bot.Message
	var err error
	switch command {
	case "results":
		msgs, err = s.results(lang)
	case "export":
		msgs, err = s.export(lang, arg)
	case "chart":
		msgs, err = s.chart(lang, arg)
	case "respondents":
		page, _ := strconv.Atoi(arg)
		msgs, err = s.respondents(lang, page)
	case "remind":
		msgs, err = s.remindCommand(lang)
	case "invite":
		msgs = s.invite(lang, arg)
	default:
		msgs = []bot.Message{text(lang, "coord.help")}
	}
	return s.failed(ctx, lang, command, msgs, err)
}

// Button handles a tap on a coordinator button: "co:r:<page>" pages
// through /respondents. Anything else is an outdated button.
func (s *Service) Button(ctx context.Context, respondent, lang, data string) ([]bot.Message, error) {
	if p, ok := strings.CutPrefix(data, pageData); ok {
		if page, err := strconv.Atoi(p); err == nil {
			msgs, err := s.respondents(lang, page)
			return s.failed(ctx, lang, "respondents", msgs, err)
		}
	}
	return bot.Render([]conversation.Output{{Kind: conversation.OutNotice, Notice: conversation.NoticeStale, Language: lang}}), nil
}

// failed turns an internal error into a short message for the coordinator.
func (s *Service) failed(ctx context.Context, lang, command string, msgs []bot.Message, err error) ([]bot.Message, error) {
	if err == nil {
		return msgs, nil
	}
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	s.log().Error("coordinator command failed", "command", command, "err", err)
	return []bot.Message{text(lang, "coord.error", "reason", err.Error())}, nil
}

var inviteLabel = regexp.MustCompile(`^[A-Za-z0-9_-]{1,40}$`)

// invite answers a t.me deep link whose /start payload is the label; the
// engine keeps that payload as the response's source.
func (s *Service) invite(lang, label string) []bot.Message {
	if !inviteLabel.MatchString(label) {
		return []bot.Message{text(lang, "coord.invite_usage")}
	}
	user := ""
	if s.BotUsername != nil {
		user = s.BotUsername()
	}
	if user == "" {
		return []bot.Message{text(lang, "coord.invite_no_bot")}
	}
	link := "https://t.me/" + user + "?start=" + label
	return []bot.Message{text(lang, "coord.invite_link", "label", label, "link", link)}
}

// ---- small helpers ----

func (s *Service) survey() *conversation.Survey {
	if s.Survey != nil {
		return s.Survey
	}
	return s.Engine.Survey
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

func (s *Service) log() *slog.Logger {
	if s.Log != nil {
		return s.Log
	}
	return slog.New(slog.DiscardHandler)
}

// each walks the survey's stored responses.
func (s *Service) each() export.Each {
	id := s.survey().ID
	return func(fn func(conversation.State) error) error { return s.Store.Each(id, fn) }
}

// vocab gives the yes/no labels: the engine's, or the bot's own.
func (s *Service) vocab() conversation.Vocabulary {
	if s.Engine != nil && s.Engine.Vocab.Yes != nil {
		return s.Engine.Vocab
	}
	return messages.Vocabulary()
}

// text is one plain message in lang.
func text(lang, key string, args ...string) bot.Message {
	return bot.Message{Text: messages.Get(lang, key, args...), Language: lang}
}

// num writes n in the language's digits.
func num(lang string, n int) string { return messages.Digits(lang, strconv.Itoa(n)) }

// percent is n of total, rounded to a whole percent, in the language's
// digits and percent style ("62%", "٦٢٪", "%62", "62 %").
func percent(lang string, n, total int) string {
	p := 0
	if total > 0 {
		p = (200*n + total) / (2 * total) // round half up, in integers
	}
	return messages.Get(lang, "coord.percent", "value", num(lang, p))
}

// label is the text of answer id of q in lang: yes/no from the bot's
// vocabulary, choices from the survey.
func (s *Service) label(q *conversation.Question, id, lang string) string {
	sv := s.survey()
	if q.Type == conversation.TypeYesNo {
		v := s.vocab()
		if id == "yes" {
			return v.Yes.In(lang, "en")
		}
		if id == "no" {
			return v.No.In(lang, "en")
		}
	}
	if c := q.ChoiceByID(id); c != nil {
		return c.Label.In(lang, sv.DefaultLanguage)
	}
	return id
}

// cut shortens s to n characters with an ellipsis, so that one long
// answer cannot blow up a compact listing.
func cut(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
