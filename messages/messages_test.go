package messages

import (
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/uclg-mewa/surveybot/conversation"
)

var placeholderRE = regexp.MustCompile(`\{[a-z_]+\}`)

func placeholders(s string) []string {
	set := map[string]bool{}
	for _, p := range placeholderRE.FindAllString(s, -1) {
		set[p] = true
	}
	out := make([]string, 0, len(set))
	for p := range set {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

func TestTablesComplete(t *testing.T) {
	if len(tables) != len(Languages) {
		t.Fatalf("tables has %d languages, Languages has %d", len(tables), len(Languages))
	}
	for _, lang := range Languages {
		table, ok := tables[lang]
		if !ok {
			t.Fatalf("no table for %q", lang)
		}
		for key := range en {
			if strings.TrimSpace(table[key]) == "" {
				t.Errorf("%s: key %q missing or empty", lang, key)
			}
		}
		for key := range table {
			if _, ok := en[key]; !ok {
				t.Errorf("%s: key %q not in the English table", lang, key)
			}
		}
	}
}

func TestPlaceholdersMatchEnglish(t *testing.T) {
	for key, s := range en {
		want := placeholders(s)
		for _, lang := range Languages {
			got := placeholders(tables[lang][key])
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s %q: placeholders %v, English has %v", lang, key, got, want)
			}
		}
	}
}

func TestBracesAreOnlyPlaceholders(t *testing.T) {
	for _, lang := range Languages {
		for key, s := range tables[lang] {
			rest := placeholderRE.ReplaceAllString(s, "")
			if strings.ContainsAny(rest, "{}") {
				t.Errorf("%s %q: stray brace in %q", lang, key, s)
			}
		}
	}
}

func TestEveryNoticeHasASentence(t *testing.T) {
	notices := []string{
		conversation.NoticeChooseOption, conversation.NoticeChooseSeveral,
		conversation.NoticeTooFewChoices, conversation.NoticeTooManyChoices,
		conversation.NoticeEmpty, conversation.NoticeTooLong,
		conversation.NoticeNotNumber, conversation.NoticeNotInteger,
		conversation.NoticeOutOfRange, conversation.NoticeNotEmail,
		conversation.NoticeUnsupported, conversation.NoticeStale,
		conversation.NoticeRequired, conversation.NoticeFirstQuestion,
		conversation.NoticeNothingToGoBack, conversation.NoticeUnknownCommand,
		conversation.NoticeAlreadyComplete, conversation.NoticeRestartCancelled,
		conversation.NoticeRestarted, conversation.NoticeLanguageSet,
		conversation.NoticeReviewHint, conversation.NoticePreviousAnswer,
		conversation.NoticeChooseLanguage, conversation.NoticeSkipped,
		conversation.NoticeYesOrNo,
	}
	for _, n := range notices {
		if !Has("notice." + n) {
			t.Errorf("no key notice.%s", n)
		}
	}
	for _, k := range []string{"notice.out_of_range_min", "notice.out_of_range_max"} {
		if !Has(k) {
			t.Errorf("no key %s", k)
		}
	}
}

func TestEveryCommandHasAMenuEntry(t *testing.T) {
	cmds := append([]string{}, conversation.RespondentCommands...)
	cmds = append(cmds, "results", "export", "chart", "respondents", "remind", "invite")
	for _, c := range cmds {
		key := "cmd." + c
		if !Has(key) {
			t.Errorf("no key %s", key)
			continue
		}
		for _, lang := range Languages {
			// Telegram's BotCommand description: 1 to 256 characters, one line.
			s := Get(lang, key)
			if n := utf8.RuneCountInString(s); n < 1 || n > 256 || strings.Contains(s, "\n") {
				t.Errorf("%s %s: %q is not a valid menu description", lang, key, s)
			}
		}
	}
}

func TestRequiredKeys(t *testing.T) {
	keys := []string{
		"welcome.title_intro", "welcome.resume",
		"question.progress", "question.optional", "question.choose_one_hint",
		"question.choose_many_hint", "question.text_hint", "question.number_hint",
		"question.email_hint", "question.other_prompt", "question.previous",
		"ack.answer", "ack.skipped", "language.prompt",
		"review.title", "review.item", "review.skipped", "review.hint",
		"review.change", "review.submit",
		"restart.confirm", "thanks",
		"status.progress", "status.partial", "status.complete",
		"help.text", "group.private_only",
		"button.yes", "button.no", "button.done", "button.skip", "button.back",
		"coord.results_header", "coord.results_counts", "coord.text_answers",
		"coord.no_responses", "coord.export_usage", "coord.export_caption",
		"coord.chart_usage", "coord.chart_unknown", "coord.respondents_header",
		"coord.respondents_line", "coord.respondents_none", "coord.next",
		"coord.prev", "coord.remind_done", "coord.invite_usage",
		"coord.invite_link", "coord.error", "coord.help", "coord.whatsapp_later",
		"remind.text", "remind.button", "error.internal",
	}
	for _, k := range keys {
		if !Has(k) {
			t.Errorf("no key %s", k)
		}
	}
	if n := strings.Count(Get("en", "help.text"), "\n"); n != 2 {
		t.Errorf("help.text has %d lines, want 3", n+1)
	}
}

func TestLanguagePromptIsTheSameEverywhere(t *testing.T) {
	want := Get("en", "language.prompt")
	for _, lang := range Languages {
		if got := Get(lang, "language.prompt"); got != want {
			t.Errorf("%s: language.prompt %q, want %q", lang, got, want)
		}
	}
}

func TestGet(t *testing.T) {
	if got, want := Get("en", "notice.choose_option", "count", "3"),
		"Please choose one of the buttons, or type a number from 1 to 3."; got != want {
		t.Errorf("Get en = %q, want %q", got, want)
	}
	if got, want := Get("en", "notice.too_long", "max", "1000", "got", "1200"),
		"That is 1200 characters; the limit is 1000. Please shorten your answer."; got != want {
		t.Errorf("Get two args = %q, want %q", got, want)
	}
	// Values are inserted once, never expanded again.
	if got, want := Get("en", "ack.answer", "answer", "{answer}"), "✓ {answer}"; got != want {
		t.Errorf("Get with a brace in the value = %q, want %q", got, want)
	}
	// Missing args leave the placeholder; an unpaired trailing arg is ignored.
	if got, want := Get("en", "question.progress", "number", "3", "total"), "3/{total}"; got != want {
		t.Errorf("Get odd args = %q, want %q", got, want)
	}
	if got, want := Get("ar", "question.progress", "number", Digits("ar", "6"), "total", Digits("ar", "26")), "٦/٢٦"; got != want {
		t.Errorf("Get ar = %q, want %q", got, want)
	}
	if got, want := Get("tr", "button.yes"), "Evet"; got != want {
		t.Errorf("Get tr = %q, want %q", got, want)
	}
	// Unknown language: English.
	for _, lang := range []string{"de", "", "EN"} {
		if got, want := Get(lang, "button.no"), "No"; got != want {
			t.Errorf("Get(%q) = %q, want %q", lang, got, want)
		}
	}
	// Unknown key: the key itself.
	if got := Get("fr", "no.such.key", "a", "b"); got != "no.such.key" {
		t.Errorf("Get unknown key = %q", got)
	}
	if got := Get("fr", ""); got != "" {
		t.Errorf("Get empty key = %q", got)
	}
}

func TestHasAndKeys(t *testing.T) {
	keys := Keys()
	if len(keys) != len(en) {
		t.Fatalf("Keys has %d, table %d", len(keys), len(en))
	}
	if !sort.StringsAreSorted(keys) {
		t.Error("Keys not sorted")
	}
	for _, k := range keys {
		if !Has(k) {
			t.Errorf("Has(%q) = false", k)
		}
	}
	if Has("no.such.key") || Has("") {
		t.Error("Has reports an unknown key")
	}
	keys[0] = "changed"
	if Keys()[0] == "changed" {
		t.Error("Keys shares its slice")
	}
}

func TestDigits(t *testing.T) {
	cases := []struct{ lang, in, want string }{
		{"ar", "12/26", "١٢/٢٦"},
		{"ar", "0123456789", "٠١٢٣٤٥٦٧٨٩"},
		{"ar", "", ""},
		{"ar", "no digits", "no digits"},
		{"ar", "٣ and 3", "٣ and ٣"},
		{"en", "12/26", "12/26"},
		{"tr", "12/26", "12/26"},
		{"fr", "12/26", "12/26"},
		{"xx", "7", "7"},
	}
	for _, c := range cases {
		if got := Digits(c.lang, c.in); got != c.want {
			t.Errorf("Digits(%q, %q) = %q, want %q", c.lang, c.in, got, c.want)
		}
	}
}

func TestVocabulary(t *testing.T) {
	v := Vocabulary()
	fields := map[string]conversation.Text{
		"Yes": v.Yes, "No": v.No, "Done": v.Done, "Submit": v.Submit,
		"Skip": v.Skip, "LanguageNames": v.LanguageNames,
	}
	for name, text := range fields {
		if len(text) != len(Languages) {
			t.Errorf("%s has %d languages, want %d", name, len(text), len(Languages))
		}
		for _, lang := range Languages {
			if strings.TrimSpace(text[lang]) == "" {
				t.Errorf("%s[%s] empty", name, lang)
			}
			if strings.ContainsAny(text[lang], "✓✔✅☑") {
				t.Errorf("%s[%s] = %q has a check mark", name, lang, text[lang])
			}
		}
	}
	want := map[string]conversation.Text{
		"Yes":           {"ar": "نعم", "en": "Yes", "tr": "Evet", "fr": "Oui"},
		"No":            {"ar": "لا", "en": "No", "tr": "Hayır", "fr": "Non"},
		"Done":          {"ar": "تم", "en": "Done", "tr": "Tamam", "fr": "Terminé"},
		"Submit":        {"ar": "إرسال", "en": "Submit", "tr": "Gönder", "fr": "Envoyer"},
		"LanguageNames": {"ar": "العربية", "en": "English", "tr": "Türkçe", "fr": "Français"},
	}
	for name, w := range want {
		if !reflect.DeepEqual(fields[name], w) {
			t.Errorf("%s = %v, want %v", name, fields[name], w)
		}
	}
	// Each call returns fresh maps.
	v.Yes["en"] = "changed"
	if Vocabulary().Yes["en"] != "Yes" {
		t.Error("Vocabulary shares its maps")
	}
}

func TestDefault(t *testing.T) {
	if Default != "ar" || Languages[0] != Default {
		t.Errorf("Default %q, Languages %v", Default, Languages)
	}
}

// A notice or review line that speaks of tapping has a ".typed" variant,
// which text-only channels (terminal, WhatsApp) show instead: they have
// nothing to tap.
func TestTappingSentencesHaveTypedVariants(t *testing.T) {
	for _, key := range Keys() {
		if strings.HasSuffix(key, ".typed") || !(strings.HasPrefix(key, "notice.") || strings.HasPrefix(key, "review.")) {
			continue
		}
		if strings.Contains(strings.ToLower(Get("en", key)), "tap") && !Has(key+".typed") {
			t.Errorf("%s speaks of tapping and has no .typed variant", key)
		}
	}
}
