package conversation

import (
	"math"
	"net/mail"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// CleanText removes control characters other than line breaks and tabs
// (CONTRACT.md) and the white space around the text; everything else is
// kept exactly as typed.
func CleanText(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	s = strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' {
			return r
		}
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, s)
	return strings.TrimSpace(s)
}

// invisible reports whether a text shows nothing: only spaces and format
// characters such as zero-width spaces and direction marks.
func invisible(s string) bool {
	for _, r := range s {
		if !unicode.IsSpace(r) && !unicode.Is(unicode.Cf, r) {
			return false
		}
	}
	return true
}

// NormalizeDigits turns Arabic-Indic (٠-٩) and Persian (۰-۹) digits into
// ASCII ones, and the Arabic decimal separator into a dot.
func NormalizeDigits(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= '٠' && r <= '٩':
			return '0' + (r - '٠')
		case r >= '۰' && r <= '۹':
			return '0' + (r - '۰')
		case r == '٫':
			return '.'
		case r == '٬':
			return -1
		}
		return r
	}, s)
}

// foldRunes maps letters people type interchangeably to one form.
var foldRunes = map[rune]rune{
	'أ': 'ا', 'إ': 'ا', 'آ': 'ا', 'ٱ': 'ا', // hamza forms of alef
	'ى': 'ي', // alef maqsura
	'ة': 'ه', // ta marbuta
	'ı': 'i', 'İ': 'i', 'ş': 's', 'ğ': 'g', 'ç': 'c', 'ö': 'o', 'ü': 'u',
	'é': 'e', 'è': 'e', 'ê': 'e', 'ë': 'e', 'à': 'a', 'â': 'a', 'î': 'i',
	'ï': 'i', 'ô': 'o', 'û': 'u', 'ù': 'u',
}

// Fold reduces a label or a typed answer to the form used for matching:
// lower case, Arabic written the way people type it (hamza forms of alef,
// alef maqsura and ta marbuta folded, tatweel and diacritics dropped),
// common Latin accents dropped, runs of spaces collapsed, and a trailing
// full stop ignored.
func Fold(s string) string {
	s = strings.ToLower(NormalizeDigits(s))
	var b strings.Builder
	space := false
	for _, r := range s {
		if f, ok := foldRunes[r]; ok {
			r = f
		}
		switch {
		case r == 'ـ' || (r >= '\u064B' && r <= '\u065F') || r == '\u0670' || r == '\u0307':
			continue // tatweel, Arabic diacritics, Turkish dot above
		case unicode.IsSpace(r):
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return strings.TrimRight(b.String(), ".。۔!؟?")
}

// parseIndex reads a typed option number ("2", "٢", "2.") in 1..n.
func parseIndex(s string, n int) (int, bool) {
	s = strings.TrimRight(strings.TrimSpace(NormalizeDigits(s)), ".)")
	v, err := strconv.Atoi(s)
	if err != nil || v < 1 || v > n {
		return 0, false
	}
	return v, true
}

// matchOne finds the option a typed text names: its number, or its label
// in any language, or its id.
func matchOne(text string, opts []labelled) (int, bool) {
	if i, ok := parseIndex(text, len(opts)); ok {
		return i - 1, true
	}
	f := Fold(text)
	if f == "" {
		return 0, false
	}
	for i, o := range opts {
		if Fold(o.id) == f {
			return i, true
		}
		for _, l := range o.label {
			if Fold(l) == f {
				return i, true
			}
		}
	}
	return 0, false
}

// matchMany reads several options: first the whole text as one label, then
// split on , ، ; (and on spaces when the text is only numbers). It returns
// the indexes in option order, without repeats.
func matchMany(text string, opts []labelled) ([]int, bool) {
	if i, ok := matchOne(text, opts); ok {
		return []int{i}, true
	}
	parts := strings.FieldsFunc(text, func(r rune) bool { return r == ',' || r == '،' || r == ';' || r == '؛' })
	if len(parts) == 1 && onlyNumbers(text) {
		parts = strings.Fields(text)
	}
	if len(parts) < 2 {
		return nil, false
	}
	picked := make([]bool, len(opts))
	for _, p := range parts {
		if strings.TrimSpace(p) == "" {
			continue
		}
		i, ok := matchOne(p, opts)
		if !ok {
			return nil, false
		}
		picked[i] = true
	}
	var out []int
	for i, ok := range picked {
		if ok {
			out = append(out, i)
		}
	}
	return out, len(out) > 0
}

func onlyNumbers(s string) bool {
	s = NormalizeDigits(s)
	has := false
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			has = true
		case unicode.IsSpace(r):
		default:
			return false
		}
	}
	return has
}

// labelled is an option as the matcher sees it.
type labelled struct {
	id    string
	label Text
}

// plainNumber is what a person types for a number once digits are
// normalised: an optional sign, digits, an optional fraction. No
// exponents, hex, underscores, NaN or Inf.
var plainNumber = regexp.MustCompile(`^[+-]?[0-9]+(\.[0-9]+)?$`)

// thousands matches digits grouped by commas: 1,000 or 12,500,000.
var thousands = regexp.MustCompile(`^[+-]?[0-9]{1,3}(,[0-9]{3})+$`)

// parseNumber reads a typed number with Western, Arabic-Indic or Persian
// digits. A comma between groups of three digits separates thousands
// (1,000); any other single comma is a decimal mark (3,5), as is the
// Arabic decimal separator.
func parseNumber(s string) (float64, bool) {
	s = strings.TrimSpace(NormalizeDigits(s))
	s = strings.ReplaceAll(s, " ", "")
	switch {
	case thousands.MatchString(s):
		s = strings.ReplaceAll(s, ",", "")
	case strings.Count(s, ",") == 1 && !strings.Contains(s, "."):
		s = strings.Replace(s, ",", ".", 1)
	}
	if !plainNumber.MatchString(s) {
		return 0, false
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(v, 0) {
		return 0, false
	}
	return v + 0, true // + 0 turns -0 into 0
}

// validEmail accepts a bare address with a dot in its domain.
func validEmail(s string) bool {
	if strings.ContainsAny(s, " \t\n<>") {
		return false
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s {
		return false
	}
	at := strings.LastIndexByte(s, '@')
	dom := s[at+1:]
	return at > 0 && strings.Contains(dom, ".") && !strings.HasSuffix(dom, ".") && !strings.HasPrefix(dom, ".")
}
