package coord_test

import (
	"bytes"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/uclg-mewa/surveybot/messages"
)

// TestChart draws q1_new_tech and q5_courses in Arabic and English. With
// SURVEYBOT_CHART_DIR set, the pictures are also written there to be
// looked at.
func TestChart(t *testing.T) {
	h := newHarness(t)
	h.answer("telegram:1", profile{lang: "English", municipality: "Gaziantep", country: "Türkiye", yes: true})
	h.answer("telegram:2", profile{lang: "العربية", municipality: "صيدا", country: "لبنان", yes: true})
	h.answer("telegram:3", profile{lang: "Français", municipality: "Sfax", country: "Tunisie", yes: false})
	h.answer("whatsapp:+96170000004", profile{lang: "English", municipality: "Tyre", country: "Lebanon", yes: true, stopAfter: 7})

	for _, lang := range []string{"ar", "en", "tr", "fr"} {
		for _, id := range []string{"q1_new_tech", "q5_courses"} {
			m := only(t, h.run(coordTG, lang, "chart", id))
			if m.Photo == nil || m.Document != nil {
				t.Fatalf("%s %s: no photo: %+v", lang, id, m)
			}
			img, err := png.Decode(bytes.NewReader(m.Photo.Bytes))
			if err != nil {
				t.Fatalf("%s %s: not a PNG: %v", lang, id, err)
			}
			if b := img.Bounds(); b.Dx() <= 0 || b.Dy() <= 0 {
				t.Fatalf("%s %s: empty picture %v", lang, id, b)
			}
			if !strings.Contains(m.Text, id) {
				t.Errorf("%s %s: caption %q does not name the question", lang, id, m.Text)
			}
			if dir := os.Getenv("SURVEYBOT_CHART_DIR"); dir != "" {
				if err := os.WriteFile(filepath.Join(dir, "chart-"+id+"-"+lang+".png"), m.Photo.Bytes, 0o644); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
}

func TestChartUnknownQuestion(t *testing.T) {
	h := newHarness(t)
	for _, id := range []string{"nope", "municipality", "comments"} {
		m := only(t, h.run(coordTG, "en", "chart", id))
		if m.Photo != nil {
			t.Fatalf("%s: got a picture", id)
		}
		if !strings.HasPrefix(m.Text, "Unknown question id. Valid ids: q1_new_tech, q2_wifi_hotspots") ||
			strings.Contains(m.Text, "municipality") || !strings.Contains(m.Text, "q5_courses") {
			t.Errorf("%s: %q", id, m.Text)
		}
	}
	m := only(t, h.run(coordTG, "fr", "chart", ""))
	if want := messages.Get("fr", "coord.chart_usage", "ids", ""); !strings.HasPrefix(m.Text, want) {
		t.Errorf("no id: %q, want usage %q...", m.Text, want)
	}
}
