package coord

import (
	"strings"
	"unicode"
)

// The chart is drawn glyph by glyph with no text-layout engine, so Arabic
// has to be prepared here: each letter replaced by its contextual form
// (isolated, final, initial, medial) from the Unicode presentation forms
// U+FE70–U+FEFF, lam + alef turned into their ligature, and the line put
// in visual order (right-to-left runs reversed, numbers and Latin text
// kept left-to-right). This covers the Arabic alphabet of the survey's
// languages; Persian and Urdu letters outside it are drawn unjoined.

// joining says how a letter connects to its neighbours.
type joining byte

const (
	joinNone  joining = iota // not a letter that joins (hamza, Latin, digits)
	joinRight                // joins only the letter before it (alef, dal, reh, waw...)
	joinDual                 // joins both sides
	joinCause                // tatweel: joins both sides, has no forms
	joinMark                 // harakat: transparent, skipped when joining
)

// form is a letter's presentation forms: isolated, final, initial, medial
// (0 where the letter has none).
type form [4]rune

// arabicForms maps U+0621–U+064A to their forms. In the U+FE80 block each
// letter's forms follow in that order: two for right-joining letters,
// four for dual-joining ones.
var arabicForms = buildForms()

func buildForms() map[rune]form {
	type letter struct {
		r     rune
		first rune // isolated form
		dual  bool
	}
	letters := []letter{
		{0x0621, 0xFE80, false}, {0x0622, 0xFE81, false}, {0x0623, 0xFE83, false},
		{0x0624, 0xFE85, false}, {0x0625, 0xFE87, false}, {0x0626, 0xFE89, true},
		{0x0627, 0xFE8D, false}, {0x0628, 0xFE8F, true}, {0x0629, 0xFE93, false},
		{0x062A, 0xFE95, true}, {0x062B, 0xFE99, true}, {0x062C, 0xFE9D, true},
		{0x062D, 0xFEA1, true}, {0x062E, 0xFEA5, true}, {0x062F, 0xFEA9, false},
		{0x0630, 0xFEAB, false}, {0x0631, 0xFEAD, false}, {0x0632, 0xFEAF, false},
		{0x0633, 0xFEB1, true}, {0x0634, 0xFEB5, true}, {0x0635, 0xFEB9, true},
		{0x0636, 0xFEBD, true}, {0x0637, 0xFEC1, true}, {0x0638, 0xFEC5, true},
		{0x0639, 0xFEC9, true}, {0x063A, 0xFECD, true}, {0x0641, 0xFED1, true},
		{0x0642, 0xFED5, true}, {0x0643, 0xFED9, true}, {0x0644, 0xFEDD, true},
		{0x0645, 0xFEE1, true}, {0x0646, 0xFEE5, true}, {0x0647, 0xFEE9, true},
		{0x0648, 0xFEED, false}, {0x0649, 0xFEEF, false}, {0x064A, 0xFEF1, true},
	}
	m := make(map[rune]form, len(letters))
	for _, l := range letters {
		switch {
		case l.r == 0x0621: // hamza stands alone
			m[l.r] = form{l.first}
		case l.dual:
			m[l.r] = form{l.first, l.first + 1, l.first + 2, l.first + 3}
		default:
			m[l.r] = form{l.first, l.first + 1}
		}
	}
	return m
}

// lamAlef maps the alef after a lam to the ligature's isolated form; the
// final form is the next code point.
var lamAlef = map[rune]rune{0x0622: 0xFEF5, 0x0623: 0xFEF7, 0x0625: 0xFEF9, 0x0627: 0xFEFB}

const lam = 0x0644

func joiningOf(r rune) joining {
	switch {
	case r == 0x0640:
		return joinCause
	case r >= 0x064B && r <= 0x065F, r == 0x0670:
		return joinMark
	}
	f, ok := arabicForms[r]
	switch {
	case !ok || f[1] == 0:
		return joinNone
	case f[2] == 0:
		return joinRight
	}
	return joinDual
}

// Shape replaces the Arabic letters of s (logical order) by their
// contextual presentation forms, lam-alef by its ligature. Everything else
// is unchanged; the order stays logical.
func Shape(s string) string {
	rs := []rune(s)
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		f, ok := arabicForms[r]
		if !ok {
			b.WriteRune(r)
			continue
		}
		prev := joinsForward(neighbour(rs, i, -1))
		if r == lam {
			if j := next(rs, i); j >= 0 {
				if lig, ok := lamAlef[rs[j]]; ok {
					if prev {
						lig++ // final form
					}
					b.WriteRune(lig)
					writeMarks(&b, rs[i+1:j]) // harakat between lam and alef
					i = j
					continue
				}
			}
		}
		b.WriteRune(pick(f, prev, joinsBack(neighbour(rs, i, +1)) && canJoinForward(r)))
	}
	return b.String()
}

// pick chooses among a letter's forms, falling back to what it has.
func pick(f form, prev, nextJoins bool) rune {
	var want int
	switch {
	case prev && nextJoins:
		want = 3
	case nextJoins:
		want = 2
	case prev:
		want = 1
	}
	if f[want] != 0 {
		return f[want]
	}
	if want == 3 && f[1] != 0 {
		return f[1] // a right-joining letter in the middle is final
	}
	return f[0]
}

func writeMarks(b *strings.Builder, rs []rune) {
	for _, r := range rs {
		b.WriteRune(r)
	}
}

// neighbour is the nearest letter before (dir -1) or after (+1) i,
// skipping harakat; 0 at the ends.
func neighbour(rs []rune, i, dir int) rune {
	for j := i + dir; j >= 0 && j < len(rs); j += dir {
		if joiningOf(rs[j]) != joinMark {
			return rs[j]
		}
	}
	return 0
}

// next is the index of the next non-mark rune after i, or -1.
func next(rs []rune, i int) int {
	for j := i + 1; j < len(rs); j++ {
		if joiningOf(rs[j]) != joinMark {
			return j
		}
	}
	return -1
}

// joinsForward: r (the letter before) connects to the letter after it.
func joinsForward(r rune) bool { j := joiningOf(r); return j == joinDual || j == joinCause }

// joinsBack: r (the letter after) connects to the letter before it.
func joinsBack(r rune) bool {
	j := joiningOf(r)
	return j == joinDual || j == joinRight || j == joinCause
}

func canJoinForward(r rune) bool { return joinsForward(r) }

// ---- visual order ----

// class is a character's direction for reordering.
type class byte

const (
	classNeutral class = iota // spaces, punctuation
	classLTR                  // Latin and other left-to-right letters
	classRTL                  // Arabic letters (and their marks)
	classNumber               // digits, with their separators and % sign
)

func classOf(r rune, prev class) class {
	switch {
	case r >= '0' && r <= '9', r >= 0x0660 && r <= 0x0669, r >= 0x06F0 && r <= 0x06F9:
		return classNumber
	case prev == classNumber && strings.ContainsRune(".,%٫٬", r):
		// "62%", "1,5": part of the number. The Arabic percent sign is
		// not (in the bidi algorithm it joins only European digits), so
		// "٦٠٪" shows as "٪٦٠", as Arabic readers see it elsewhere.
		return classNumber
	case r == 0x060C || r == 0x061B: // Arabic comma, semicolon: neutral
		return classNeutral
	case r >= 0x0590 && r <= 0x08FF, r >= 0xFB1D && r <= 0xFDFF, r >= 0xFE70 && r <= 0xFEFF:
		return classRTL
	case unicode.IsLetter(r) || unicode.IsMark(r):
		return classLTR
	}
	return classNeutral
}

// unit is a character with the marks that follow it: reordering never
// separates a letter from its harakat.
type unit struct {
	text  string
	class class
	level int
}

// Visual puts one line of logical-order text in left-to-right drawing
// order: a simplified Unicode bidi algorithm (one paragraph level, no
// explicit embeddings) that is right for labels and titles. rtl is the
// paragraph direction.
func Visual(s string, rtl bool) string {
	us := units(s)
	resolve(us, rtl)
	reorder(us)
	var b strings.Builder
	b.Grow(len(s))
	for _, u := range us {
		if u.level%2 == 1 {
			b.WriteString(mirror(u.text))
		} else {
			b.WriteString(u.text)
		}
	}
	return b.String()
}

// Display prepares s for drawing: shaped, then in visual order.
func Display(s string, rtl bool) string { return Visual(Shape(s), rtl) }

func units(s string) []unit {
	var us []unit
	prev := classNeutral
	for _, r := range s {
		if unicode.Is(unicode.Mn, r) && len(us) > 0 {
			us[len(us)-1].text += string(r)
			continue
		}
		c := classOf(r, prev)
		us = append(us, unit{text: string(r), class: c})
		prev = c
	}
	return us
}

// resolve gives each unit its embedding level: numbers take the direction
// of the strong letter before them, neutrals the direction shared by the
// strong text on both sides (else the paragraph's).
func resolve(us []unit, rtl bool) {
	base := classLTR
	if rtl {
		base = classRTL
	}
	dirs := make([]class, len(us))
	last := base
	for i, u := range us {
		switch u.class {
		case classLTR, classRTL:
			last = u.class
			dirs[i] = u.class
		case classNumber:
			dirs[i] = last // a number among Arabic text counts as Arabic
		}
	}
	for i := 0; i < len(us); {
		if us[i].class != classNeutral {
			i++
			continue
		}
		j := i
		for j < len(us) && us[j].class == classNeutral {
			j++
		}
		before, after := base, base
		if i > 0 {
			before = dirs[i-1]
		}
		if j < len(us) {
			after = dirs[j]
		}
		d := base
		if before == after {
			d = before
		}
		for k := i; k < j; k++ {
			dirs[k] = d
		}
		i = j
	}
	for i := range us {
		us[i].level = level(us[i].class, dirs[i], rtl)
	}
}

// level is the embedding level of a unit of class c resolved to d: the
// paragraph is level 0 (left to right) or 1 (right to left); text against
// the paragraph's direction goes one level up, numbers in right-to-left
// surroundings two (they still read left to right).
func level(c, d class, rtl bool) int {
	switch {
	case c == classNumber && (rtl || d == classRTL):
		return 2
	case c == classNumber:
		return 0
	case d == classRTL:
		return 1
	case rtl:
		return 2
	}
	return 0
}

// reorder reverses, from the highest level down to 1, every run of units
// at that level or above (rule L2 of the bidi algorithm).
func reorder(us []unit) {
	top := 0
	for _, u := range us {
		top = max(top, u.level)
	}
	for lvl := top; lvl >= 1; lvl-- {
		for i := 0; i < len(us); {
			if us[i].level < lvl {
				i++
				continue
			}
			j := i
			for j < len(us) && us[j].level >= lvl {
				j++
			}
			for a, b := i, j-1; a < b; a, b = a+1, b-1 {
				us[a], us[b] = us[b], us[a]
			}
			i = j
		}
	}
}

// mirror swaps paired punctuation drawn right to left.
func mirror(s string) string {
	switch s {
	case "(":
		return ")"
	case ")":
		return "("
	case "[":
		return "]"
	case "]":
		return "["
	case "«":
		return "»"
	case "»":
		return "«"
	case "<":
		return ">"
	case ">":
		return "<"
	}
	return s
}
