package coord

import (
	"fmt"
	"testing"
)

// hex shows runes as code points, so that failures are readable whatever
// the terminal does with presentation forms.
func hex(s string) string {
	out := ""
	for _, r := range s {
		out += fmt.Sprintf("%04X ", r)
	}
	return out
}

func TestShape(t *testing.T) {
	cases := []struct{ in, want string }{
		// نعم: noon initial, ain medial, meem final.
		{"نعم", "\uFEE7\uFECC\uFEE2"},
		// لا: the lam-alef ligature, isolated.
		{"لا", "\uFEFB"},
		// السلام: alef isolated, lam initial, seen medial, lam-alef final,
		// meem isolated (nothing joins after an alef).
		{"السلام", "\uFE8D\uFEDF\uFEB4\uFEFC\uFEE1"},
		// أخرى: alef-hamza isolated, khah initial, reh final, alef maksura isolated.
		{"أخرى", "\uFE83\uFEA7\uFEAE\uFEEF"},
		// A one-letter word and a hamza stand alone.
		{"و ء", "\uFEED \uFE80"},
		// Harakat are kept and do not break the joining: بَب.
		{"بَب", "\uFE91\u064E\uFE90"},
		// Everything else is untouched.
		{"Yes 12", "Yes 12"},
	}
	for _, c := range cases {
		if got := Shape(c.in); got != c.want {
			t.Errorf("Shape(%q) = %s, want %s", c.in, hex(got), hex(c.want))
		}
	}
}

func TestVisual(t *testing.T) {
	cases := []struct {
		in   string
		rtl  bool
		want string
	}{
		// Arabic reads right to left: the first letter is drawn last.
		{"نعم", true, "\uFEE2\uFECC\uFEE7"},
		// Numbers keep their order inside Arabic text and go to its left.
		{"نعم ١٢", true, "١٢ \uFEE2\uFECC\uFEE7"},
		{"٣ · ٦٠٪", true, "٪٦٠ · ٣"},
		// Latin inside Arabic keeps its own order.
		{"لا OK", true, "OK \uFEFB"},
		// Brackets are mirrored in right-to-left text.
		{"(نعم)", true, "(\uFEE2\uFECC\uFEE7)"},
		// Left-to-right text is unchanged; an Arabic word inside it is reversed.
		{"Yes 3 · 60%", false, "Yes 3 · 60%"},
		{"say نعم now", false, "say \uFEE2\uFECC\uFEE7 now"},
	}
	for _, c := range cases {
		if got := Display(c.in, c.rtl); got != c.want {
			t.Errorf("Display(%q, rtl=%v) = %q (%s), want %q (%s)", c.in, c.rtl, got, hex(got), c.want, hex(c.want))
		}
	}
}

func TestFontHasArabicForms(t *testing.T) {
	f, err := parsedFont()
	if err != nil {
		t.Fatal(err)
	}
	face, err := newFace(20)
	if err != nil {
		t.Fatal(err)
	}
	defer face.Close()
	_ = f
	for _, r := range "\uFEE7\uFECC\uFEE2\uFEFB\uFEFC٠١٢٣٤٥٦٧٨٩٪…ıİşğçéâ" {
		if _, ok := face.GlyphAdvance(r); !ok {
			t.Errorf("font has no glyph for %U", r)
		}
	}
}
