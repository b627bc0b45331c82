// Package messages holds every sentence the bot says, in each of its
// languages (ar, en, tr, fr). No other package hard-codes user-facing text:
// they ask Get for a key and pass the values of its {placeholders}.
//
// The tables live in ar.go, en.go, tr.go and fr.go, one map per language
// with the same keys; messages_test.go checks that every key exists in every
// language and that each translation uses exactly the placeholders of the
// English one.
//
// Get does not change digits in the values it inserts: for Arabic, pass
// numbers through Digits first (Digits("ar", "12") is "١٢"), and insert
// answers as typed.
package messages

import (
	"sort"
	"strings"

	"github.com/uclg-mewa/surveybot/conversation"
)

// Languages lists the languages of the bot, in the order they are offered.
var Languages = []string{"ar", "en", "tr", "fr"}

// Default is the language used before the respondent has chosen one.
const Default = "ar"

// fallback is the language used for an unknown language code.
const fallback = "en"

var tables = map[string]map[string]string{
	"ar": ar,
	"en": en,
	"tr": tr,
	"fr": fr,
}

// Get returns the sentence for key in lang, with {name} placeholders
// replaced from args, given as pairs ("count", "3", "max", "5"). An unknown
// lang falls back to English; an unknown key returns the key itself.
// Placeholders without a value are left as they are; a trailing unpaired
// arg is ignored. Get never panics.
func Get(lang, key string, args ...string) string {
	s, ok := tables[lang][key]
	if !ok || s == "" {
		s, ok = tables[fallback][key]
		if !ok || s == "" {
			return key
		}
	}
	if len(args) < 2 || !strings.Contains(s, "{") {
		return s
	}
	pairs := make([]string, 0, len(args)&^1)
	for i := 0; i+1 < len(args); i += 2 {
		pairs = append(pairs, "{"+args[i]+"}", args[i+1])
	}
	return strings.NewReplacer(pairs...).Replace(s)
}

// Has reports whether key exists.
func Has(key string) bool {
	_, ok := tables[fallback][key]
	return ok
}

// Keys returns all keys, sorted.
func Keys() []string {
	keys := make([]string, 0, len(en))
	for k := range en {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// languageNames are each language's own name.
var languageNames = map[string]string{
	"ar": "العربية",
	"en": "English",
	"tr": "Türkçe",
	"fr": "Français",
}

// Vocabulary returns the words the conversation engine shows or recognises
// in typed answers, in every language: Yes and No are the button.yes and
// button.no labels, Skip the button.skip label, and Done and Submit the plain
// words word.done and word.submit (the buttons button.done and review.submit
// carry a ✓ that a typed answer would not).
func Vocabulary() conversation.Vocabulary {
	v := conversation.Vocabulary{
		Yes:           conversation.Text{},
		No:            conversation.Text{},
		Done:          conversation.Text{},
		Submit:        conversation.Text{},
		Skip:          conversation.Text{},
		LanguageNames: conversation.Text{},
	}
	for _, lang := range Languages {
		v.Yes[lang] = Get(lang, "button.yes")
		v.No[lang] = Get(lang, "button.no")
		v.Done[lang] = Get(lang, "word.done")
		v.Submit[lang] = Get(lang, "word.submit")
		v.Skip[lang] = Get(lang, "button.skip")
		v.LanguageNames[lang] = languageNames[lang]
	}
	return v
}

// Digits renders the ASCII digits of s in the language's digits:
// Arabic-Indic (٠١٢٣٤٥٦٧٨٩) for "ar", unchanged for the other languages.
func Digits(lang, s string) string {
	if lang != "ar" || !strings.ContainsAny(s, "0123456789") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) * 2)
	for _, r := range s {
		if r >= '0' && r <= '9' {
			r = '٠' + (r - '0')
		}
		b.WriteRune(r)
	}
	return b.String()
}
