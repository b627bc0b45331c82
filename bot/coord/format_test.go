package coord

import (
	"testing"
	"time"
)

func TestDurationAndPercent(t *testing.T) {
	cases := []struct {
		lang  string
		d     time.Duration
		count int
		want  string
	}{
		{"en", 0, 0, "—"},
		{"en", 42*time.Second + 400*time.Millisecond, 3, "42 s"},
		{"en", 12*time.Minute + 31*time.Second, 3, "13 min"},
		{"en", 65*time.Minute + 10*time.Second, 3, "1 h 05 min"},
		{"ar", 65 * time.Minute, 3, "١ ساعة ٠٥ دقيقة"},
		{"tr", 3 * time.Minute, 1, "3 dk"},
	}
	for _, c := range cases {
		if got := duration(c.lang, c.d, c.count); got != c.want {
			t.Errorf("duration(%s, %v) = %q, want %q", c.lang, c.d, got, c.want)
		}
	}
	pcts := []struct {
		lang     string
		n, total int
		want     string
	}{
		{"en", 2, 3, "67%"}, {"en", 1, 3, "33%"}, {"en", 1, 8, "13%"}, {"en", 0, 0, "0%"},
		{"ar", 3, 4, "٧٥٪"}, {"tr", 3, 4, "%75"}, {"fr", 3, 4, "75\u202f%"},
	}
	for _, c := range pcts {
		if got := percent(c.lang, c.n, c.total); got != c.want {
			t.Errorf("percent(%s, %d, %d) = %q, want %q", c.lang, c.n, c.total, got, c.want)
		}
	}
}

func TestCut(t *testing.T) {
	if got := cut("  a\n b  ", 10); got != "a b" {
		t.Errorf("cut spaces: %q", got)
	}
	if got := cut("Gaziantep Büyükşehir", 10); got != "Gaziantep…" {
		t.Errorf("cut long: %q", got)
	}
}
