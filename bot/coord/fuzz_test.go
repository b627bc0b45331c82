package coord

import (
	"strings"
	"testing"
)

// FuzzParseCoordinators: every id accepted has one of the two forms, and
// an error never repeats an entry with a phone's worth of digits.
func FuzzParseCoordinators(f *testing.F) {
	for _, s := range []string{"telegram:42", "whatsapp:+971501234567, telegram:7", "", " , ,", "telegram:0", "whatsapp:971501234567", "telegram:42,x", "whatsapp:+٩٧١٥٠١٢٣٤٥٦٧"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ids, err := ParseCoordinators(s)
		if err != nil {
			for _, raw := range strings.Split(s, ",") {
				if e := strings.TrimSpace(raw); digits(e) >= 5 && strings.Contains(err.Error(), e) {
					t.Fatalf("the error %q repeats the entry %q", err, e)
				}
			}
			return
		}
		for id := range ids {
			if !telegramID.MatchString(id) && !whatsappID.MatchString(id) {
				t.Fatalf("%q: accepted %q", s, id)
			}
		}
	})
}

func digits(s string) int {
	n := 0
	for _, r := range s {
		if r >= '0' && r <= '9' {
			n++
		}
	}
	return n
}
