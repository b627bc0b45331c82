package messages

// en is the English table. It defines the set of keys and, for each key,
// the set of {placeholders} every other language must use.
var en = map[string]string{
	// Refusals and notices (conversation.Notice*): one line, saying what is expected.
	"notice.choose_option":          "Please choose one of the buttons, or type a number from 1 to {count}.",
	"notice.choose_option.typed":    "Please type the number of one of the options, from 1 to {count}, or its name.",
	"notice.choose_several":         "Tap the options you want, then Done — or type their numbers from 1 to {count}, like 1,3.",
	"notice.choose_several.typed":   "Please type the numbers of the options you want, from 1 to {count}, separated by commas, like 1,3.",
	"notice.too_few_choices":        "Please choose at least {min} of the options, then Done.",
	"notice.too_many_choices":       "Please choose at most {max} of the options; tap a chosen one to remove it.",
	"notice.too_many_choices.typed": "Please choose at most {max} of the options: type the numbers again, like 1,3.",
	"notice.empty":                  "The message was empty. Please type your answer.",
	"notice.too_long":               "That is {got} characters; the limit is {max}. Please shorten your answer.",
	"notice.not_number":             "Please type a number, e.g. 12.",
	"notice.not_integer":            "Please type a whole number, e.g. 12.",
	"notice.out_of_range":           "Please type a number from {min} to {max}.",
	"notice.out_of_range_min":       "Please type a number of at least {min}.",
	"notice.out_of_range_max":       "Please type a number of at most {max}.",
	"notice.not_email":              "That does not look like an e-mail address. Please type one like name@city.gov.",
	"notice.unsupported":            "I can only read text and button taps here. Please answer with text or the buttons.",
	"notice.unsupported.typed":      "I can only read text here. Please type your answer.",
	"notice.stale":                  "That button belongs to an earlier question — nothing was changed.",
	"notice.required":               "This question needs an answer; it cannot be skipped.",
	"notice.first_question":         "This is the first question — there is no earlier one.",
	"notice.nothing_back":           "There is no earlier question to go back to.",
	"notice.unknown_command":        "I do not know the command /{command}. Send /help to see the commands.",
	"notice.already_complete":       "Your answers are already submitted — thank you. Send /status to see your progress.",
	"notice.restart_cancelled":      "Nothing was deleted. Let us continue.",
	"notice.restarted":              "Your answers were deleted. Starting again from the first question.",
	"notice.language_set":           "Language set to English.",
	"notice.review_hint":            "Type a number from 1 to {count} to change that answer, or tap Submit.",
	"notice.review_hint.typed":      "Type a number from 1 to {count} to change that answer, or type Submit to send your answers.",
	"notice.previous_answer":        "Your current answer: {answer}. Send a new one to change it.",
	"notice.choose_language":        "Please tap a language, or type its number from 1 to {count}.",
	"notice.choose_language.typed":  "Please type the number of a language, from 1 to {count}, or its name.",
	"notice.skipped":                "Question skipped.",
	"notice.yes_or_no":              "Please tap Yes or No, or type yes or no.",
	"notice.yes_or_no.typed":        "Please type yes or no, or the number 1 or 2.",

	// Welcome.
	"welcome.title_intro": "{title}\n\n{intro}",
	"welcome.resume":      "Welcome back — you answered {answered} of {total}. Here is where you stopped:",

	// Questions.
	"question.progress":               "{number}/{total}",
	"question.optional":               "(optional — /skip to pass)",
	"question.choose_one_hint":        "Tap a button or type its number.",
	"question.choose_many_hint":       "Choose all that apply, then Done.",
	"question.choose_many_hint.typed": "Type the numbers of all that apply, like 1,3.",
	"question.text_hint":              "Type your answer.",
	"question.number_hint":            "Type a number.",
	"question.email_hint":             "Type an e-mail address, e.g. name@city.gov.",
	"question.other_prompt":           "Please say which one — type it below.",
	"question.previous":               "Current answer: {answer} — send a new one to change it, or /skip to keep it.",

	// The answered question, edited in place.
	"ack.answer":  "✓ {answer}",
	"ack.skipped": "— skipped",

	// Language choice: the same line in every language.
	"language.prompt": "Choose your language · اختر لغتك · Dilinizi seçin · Choisissez votre langue",

	// Review before submitting.
	"review.title":      "Please check your answers:",
	"review.item":       "{number}. {question}\n    {answer}",
	"review.skipped":    "(skipped)",
	"review.hint":       "Type the number of an answer to change it, or tap Submit.",
	"review.hint.typed": "Type the number of an answer to change it, or type Submit to send your answers.",
	"review.change":     "Change {number}",
	"review.submit":     "Submit ✓",

	"restart.confirm": "Start over? All your answers will be deleted.",
	"thanks":          "Thank you! Your answers are submitted. You can review them with /status.",

	// Progress (/status).
	"status.progress": "{answered} of {total} questions done (answered or skipped). Status: {status}.",
	"status.partial":  "in progress",
	"status.complete": "submitted",

	// Help: three lines.
	"help.text": "/back goes to the previous question, /skip skips an optional one.\n" +
		"/restart starts over, /language changes the language.\n" +
		"/status shows your progress, /help shows this help.",

	// Command menu (setMyCommands), respondents.
	"cmd.start":    "Start or continue the survey",
	"cmd.back":     "Go back to the previous question",
	"cmd.skip":     "Skip an optional question",
	"cmd.restart":  "Start over",
	"cmd.language": "Change the language",
	"cmd.status":   "Show your progress",
	"cmd.help":     "How to use this bot",

	// Command menu, coordinators.
	"cmd.results":     "Survey results",
	"cmd.export":      "Export the responses as a file",
	"cmd.chart":       "Chart of one question",
	"cmd.respondents": "List the respondents",
	"cmd.remind":      "Remind unfinished respondents",
	"cmd.invite":      "Create an invitation link",

	"console.bye":        "Your answers so far are saved. Run the same command again to continue where you stopped.",
	"console.bye_done":   "Your response is submitted. Thank you!",
	"group.private_only": "I only run surveys in a private chat: open a private chat with me and send /start.",

	// Buttons.
	"button.yes":  "Yes",
	"button.no":   "No",
	"button.done": "Done ✓",
	"button.skip": "Skip",
	"button.back": "Back",

	// Plain words the engine recognises when typed (Vocabulary).
	"word.done":   "Done",
	"word.submit": "Submit",

	// Coordinators.
	"coord.results_header":     "Results — {survey}",
	"coord.results_counts":     "Started: {started}\nComplete: {complete} ({rate})\nPartial: {partial}\nMedian time to complete: {median}",
	"coord.text_answers":       "{count} text answers",
	"coord.no_responses":       "No responses yet.",
	"coord.export_usage":       "Usage: /export csv|xlsx|json [all|complete|partial]",
	"coord.export_caption":     "{count} responses · {format}",
	"coord.chart_usage":        "Usage: /chart QUESTION_ID. Valid ids: {ids}",
	"coord.chart_unknown":      "Unknown question id. Valid ids: {ids}",
	"coord.respondents_header": "Respondents {from}–{to} of {total}",
	"coord.respondents_line":   "{respondent} · {municipality} · {country} · {status} · {answered}/{total} · {last}",
	"coord.respondents_none":   "No respondents yet.",
	"coord.next":               "Next ›",
	"coord.prev":               "‹ Previous",
	"coord.remind_done":        "Reminders sent: {count}.",
	"coord.invite_usage":       "Usage: /invite LABEL (letters, digits, _ and -, up to 40)",
	"coord.invite_link":        "Link for {label}:\n{link}",
	"coord.error":              "Sorry, that failed: {reason}",
	"coord.chart_answers":      "{count} answered",
	"coord.results_question":   "{id} · {answers}",
	"coord.results_choice":     "{count}  {percent}  {label}",
	"coord.percent":            "{value}%",
	"coord.duration_hours":     "{hours} h {minutes} min",
	"coord.duration_minutes":   "{minutes} min",
	"coord.duration_seconds":   "{seconds} s",
	"coord.median_none":        "—",
	"coord.invite_no_bot":      "Invitation links need the Telegram bot, which is not running.",
	"coord.help": "Coordinator commands:\n" +
		"/results — started, complete, partial, counts per question\n" +
		"/export csv|xlsx|json — the responses as a file\n" +
		"/chart QUESTION_ID — a bar chart of one question\n" +
		"/respondents — each respondent and their progress\n" +
		"/remind — remind respondents idle for over 24 h\n" +
		"/invite LABEL — an invitation link tagged LABEL",
	"coord.whatsapp_down":  "WhatsApp has stopped: {reason}. Respondents on WhatsApp get no answers until an operator runs `surveybot whatsapp-link` again and restarts the bot. Telegram keeps running.",
	"coord.whatsapp_later": "Coordinator commands are available on Telegram.",

	// Reminder sent to a partial respondent.
	"remind.text":   "Hello! Your survey \"{title}\" is not finished yet — {answered} of {total} questions done. Tap below to continue where you stopped.",
	"remind.button": "Continue",

	"error.internal": "Sorry, something went wrong on our side. Your answers so far are saved; please try again in a minute.",
}
