package conversation

// EventKind says what a respondent sent.
type EventKind int

const (
	EventText        EventKind = iota // typed text
	EventButton                       // a tap on a button the bot sent (Data)
	EventCommand                      // /command [arg]
	EventUnsupported                  // sticker, photo, voice, location, edit...
)

// Event is one inbound message, already stripped of channel details.
type Event struct {
	Kind    EventKind
	Text    string // EventText
	Data    string // EventButton: the button's data, as built by ButtonData
	Command string // EventCommand: without the slash, lower case ("start", "back")
	Arg     string // EventCommand: the rest of the line (deep-link payload for start)
	// LanguageHint is the language the channel reports for the user
	// (Telegram's language_code), listed first when asking for a language.
	LanguageHint string
	// What names the unsupported content ("sticker", "photo"), for logs.
	What string
}

// Commands the engine understands, without the slash.
const (
	CmdStart    = "start"
	CmdBack     = "back"
	CmdSkip     = "skip"
	CmdRestart  = "restart"
	CmdLanguage = "language"
	CmdStatus   = "status"
	CmdHelp     = "help"
)

// RespondentCommands lists the respondent commands in menu order.
var RespondentCommands = []string{CmdStart, CmdBack, CmdSkip, CmdRestart, CmdLanguage, CmdStatus, CmdHelp}

// OutputKind says what the bot should say. Renderers (in package bot) turn
// each kind into text in the respondent's language.
type OutputKind int

const (
	OutWelcome        OutputKind = iota // first contact: title + intro (Answered/Total set when resuming)
	OutResume                           // "welcome back, you answered N of M"
	OutLanguagePrompt                   // choose a language: Options are the languages
	OutQuestion                         // a question: Question, Number, Total, Options, Previous
	OutOtherPrompt                      // "please say what" for an "other" choice of Question
	OutNote                             // a note question's text
	OutAck                              // the answer to prompt Seq was Display: edit that prompt in place
	OutNotice                           // a short notice: Notice key and Args
	OutReview                           // review list: Items, Options (Change / Submit)
	OutRestartConfirm                   // "start over?" with yes/no Options
	OutThanks                           // submitted
	OutStatus                           // progress: Answered, Total, Status
	OutHelp                             // command help
)

// Notice keys: why an input was refused, or what just happened. Each has a
// sentence in every language in package messages.
const (
	NoticeChooseOption     = "choose_option"     // not one of the options; Args: count
	NoticeChooseSeveral    = "choose_several"    // multi: not option numbers; Args: count
	NoticeTooFewChoices    = "too_few_choices"   // Args: min
	NoticeTooManyChoices   = "too_many_choices"  // Args: max
	NoticeEmpty            = "empty"             // empty text
	NoticeTooLong          = "too_long"          // Args: max, got
	NoticeNotNumber        = "not_number"        // Args: example
	NoticeNotInteger       = "not_integer"       //
	NoticeOutOfRange       = "out_of_range"      // Args: min, max (either may be "")
	NoticeNotEmail         = "not_email"         //
	NoticeUnsupported      = "unsupported"       // sticker, photo... Args: what
	NoticeStale            = "stale"             // button of an earlier prompt
	NoticeRequired         = "required"          // /skip on a required question
	NoticeFirstQuestion    = "first_question"    // /back on the first question
	NoticeNothingToGoBack  = "nothing_back"      // /back where there is nothing to go back to
	NoticeUnknownCommand   = "unknown_command"   // Args: command
	NoticeAlreadyComplete  = "already_complete"  // text after submitting
	NoticeRestartCancelled = "restart_cancelled" //
	NoticeRestarted        = "restarted"         //
	NoticeLanguageSet      = "language_set"      //
	NoticeReviewHint       = "review_hint"       // text in review that is neither a number nor submit; Args: count
	NoticePreviousAnswer   = "previous_answer"   // after /back: Args: answer
	NoticeChooseLanguage   = "choose_language"   // typed text while choosing a language; Args: count
	NoticeSkipped          = "skipped"           //
	NoticeYesOrNo          = "yes_or_no"         // restart confirm: type yes or no
)

// Option is one button, or one numbered line where buttons do not exist.
type Option struct {
	Label    string // already in the respondent's language
	Data     string // what a tap sends back (EventButton.Data)
	Selected bool   // multi toggles: currently chosen
	// Kind helps renderers lay buttons out: "choice", "done", "submit",
	// "change", "language", "yes", "no" (yes/no questions and the restart
	// confirmation), "skip".
	Kind string
}

// ReviewItem is one numbered answer in the review.
type ReviewItem struct {
	Number     int
	QuestionID string
	Question   string // question text in the respondent's language
	Display    string // the answer as shown (labels, text as typed), or "" when skipped
}

// Output is one thing the bot says. Fields beyond Kind are set as the kind needs.
type Output struct {
	Kind     OutputKind
	Language string // language to render in

	Seq      int       // prompt number (buttons carry it)
	Question *Question // OutQuestion, OutOtherPrompt, OutNote
	Number   int       // position of the question among those asked
	Total    int       // questions that will be asked given answers so far
	Options  []Option
	Previous string // OutQuestion after /back: the current answer, displayed

	Display string // OutAck: the answer as shown
	Skipped bool   // OutAck: the question was skipped
	Refresh bool   // OutQuestion: re-draw prompt Seq in place (a toggled choice)

	Notice string            // OutNotice key
	Args   map[string]string // OutNotice arguments

	Items []ReviewItem // OutReview

	Answered int    // OutStatus, OutResume
	Status   string // OutStatus

	Title, Intro string // OutWelcome, in the respondent's language
}
