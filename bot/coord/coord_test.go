package coord_test

import (
	"archive/zip"
	"bytes"
	"io"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/uclg-mewa/surveybot/bot"
	"github.com/uclg-mewa/surveybot/bot/coord"
	"github.com/uclg-mewa/surveybot/conversation"
	"github.com/uclg-mewa/surveybot/messages"
	"github.com/uclg-mewa/surveybot/storage/export"
)

// everyCommand is each coordinator command with a valid argument.
var everyCommand = []struct{ name, arg string }{
	{"results", ""}, {"export", "csv"}, {"export", "xlsx all"}, {"export", "json complete"},
	{"chart", "q1_new_tech"}, {"respondents", ""}, {"respondents", "2"}, {"remind", ""},
	{"invite", "beirut_2026"},
}

func TestParseCoordinators(t *testing.T) {
	got, err := coord.ParseCoordinators(" telegram:123456789 ,whatsapp:+96170123456,, ")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || !got["telegram:123456789"] || !got["whatsapp:+96170123456"] {
		t.Errorf("got %v", got)
	}
	if got, err := coord.ParseCoordinators(""); err != nil || len(got) != 0 {
		t.Errorf("empty: %v, %v", got, err)
	}
	for _, bad := range []string{
		"123456", "telegram:", "telegram:abc", "telegram:-5", "telegram:0123",
		"whatsapp:96170123456", "whatsapp:+0123456789", "whatsapp:+12", "whatsapp:+1234567890123456",
		"console:ali", "telegram:1;telegram:2", "Telegram:1",
	} {
		if _, err := coord.ParseCoordinators("telegram:1," + bad); err == nil {
			t.Errorf("%q accepted", bad)
		} else if !strings.Contains(err.Error(), "entry 2 ") {
			t.Errorf("%q: error %q does not name the entry's position", bad, err)
		} else if strings.Contains(err.Error(), "9617") {
			t.Errorf("%q: error %q repeats a phone number", bad, err)
		}
	}
}

// A non-coordinator who sends a coordinator command gets the ordinary help
// text and nothing else: no counts, no names, no file, no buttons, and
// nothing is stored.
func TestNonCoordinatorGetsOnlyHelp(t *testing.T) {
	h := newHarness(t)
	h.answer("telegram:1", profile{lang: "English", municipality: "Gaziantep", country: "Türkiye", yes: true})
	h.answer("telegram:2", profile{lang: "Türkçe", municipality: "Izmir", country: "Türkiye", yes: false, stopAfter: 4})
	h.advance(48 * time.Hour) // telegram:2 is idle: /remind would reach them
	before, _ := h.store.Count(h.sv.ID)
	digits := regexp.MustCompile(`[0-9٠-٩]`)
	for _, who := range []struct{ respondent, lang string }{
		{"telegram:1", "en"},        // a respondent who completed
		{"telegram:2", "tr"},        // a partial one, in Turkish
		{"telegram:3", "ar"},        // never wrote before: the default language
		{"whatsapp:+9617000", "ar"}, // another channel
	} {
		for _, c := range everyCommand {
			msgs := h.command(who.respondent, c.name, c.arg)
			m := only(t, msgs)
			want := messages.Get(who.lang, "help.text")
			if m.Text != want {
				t.Errorf("%s /%s %s: %q, want the help text %q", who.respondent, c.name, c.arg, m.Text, want)
			}
			if m.Document != nil || m.Photo != nil || len(m.Options) > 0 || digits.MatchString(m.Text) {
				t.Errorf("%s /%s: more than the help: %+v", who.respondent, c.name, m)
			}
		}
		// Their page buttons are stale, whatever the page.
		m := only(t, h.tap(who.respondent, "co:r:2"))
		if m.Text != messages.Get(who.lang, "notice.stale") {
			t.Errorf("%s co:r:2: %q", who.respondent, m.Text)
		}
	}
	if after, _ := h.store.Count(h.sv.ID); after != before {
		t.Errorf("responses %d → %d: a coordinator command stored something", before, after)
	}
	if got := h.sender.all(); len(got) != 0 {
		t.Errorf("a non-coordinator's /remind sent %d reminders", len(got))
	}
	if st, _ := h.state("telegram:2"); !st.RemindedAt.IsZero() {
		t.Error("a non-coordinator's /remind marked a respondent")
	}
}

// A coordinator who only uses commands has no response row; their /help
// adds the coordinator commands; they can still answer the survey.
func TestCoordinatorWithoutResponse(t *testing.T) {
	h := newHarness(t)
	h.answer("telegram:1", profile{lang: "English", municipality: "Gaziantep", country: "Türkiye", yes: true})
	for _, c := range everyCommand {
		h.event(coordTG, conversation.Event{Kind: conversation.EventCommand, Command: c.name, Arg: c.arg, LanguageHint: "fr-FR"})
	}
	help := h.event(coordTG, conversation.Event{Kind: conversation.EventCommand, Command: "help", LanguageHint: "fr"})
	if len(help) != 2 || help[0].Text != messages.Get("fr", "help.text") || help[1].Text != messages.Get("fr", "coord.help") {
		t.Errorf("coordinator /help = %q", joined(help))
	}
	if _, found := h.state(coordTG); found {
		t.Fatal("a coordinator who only used commands has a response row")
	}
	// Replies follow the channel's language until they choose one.
	m := only(t, h.event(coordTG, conversation.Event{Kind: conversation.EventCommand, Command: "invite", Arg: "x", LanguageHint: "fr"}))
	if !strings.HasPrefix(m.Text, "Lien pour x") {
		t.Errorf("French hint: %q", m.Text)
	}
	// Answering the survey makes them a respondent like anyone, and their
	// chosen language wins over the channel's.
	h.answer(coordTG, profile{lang: "Türkçe", municipality: "Mersin", country: "Türkiye", yes: true, stopAfter: 2})
	if _, found := h.state(coordTG); !found {
		t.Fatal("the coordinator's answers were not stored")
	}
	m = only(t, h.event(coordTG, conversation.Event{Kind: conversation.EventCommand, Command: "invite", Arg: "x", LanguageHint: "fr"}))
	if !strings.HasPrefix(m.Text, "x için bağlantı") {
		t.Errorf("Turkish coordinator: %q", m.Text)
	}
	help = h.command(coordTG, "help", "")
	if len(help) != 3 || help[0].Text != messages.Get("tr", "help.text") || help[1].Text != messages.Get("tr", "coord.help") || !help[2].Prompt {
		t.Errorf("coordinator-respondent /help = %q, want the help, the coordinator commands, the question again", joined(help))
	}
}

func TestResults(t *testing.T) {
	h := newHarness(t)
	if m := only(t, h.run(coordTG, "en", "results", "")); m.Text != messages.Get("en", "coord.no_responses") {
		t.Errorf("empty: %q", m.Text)
	}
	h.answer("telegram:1", profile{lang: "English", municipality: "Gaziantep", country: "Türkiye", yes: true})
	h.advance(10 * time.Minute)
	h.answer("telegram:2", profile{lang: "English", municipality: "Sfax", country: "Tunisia", yes: false})
	h.advance(time.Minute)
	h.answer("telegram:3", profile{lang: "English", municipality: "Sidon", country: "Lebanon", yes: true})
	h.answer("telegram:4", profile{lang: "English", municipality: "Tyre", country: "Lebanon", yes: true, stopAfter: 6})
	msgs := h.run(coordTG, "en", "results", "")
	text := joined(msgs)
	for _, want := range []string{
		"Results — ",
		"Started: 4\nComplete: 3 (75%)\nPartial: 1\nMedian time to complete: ",
		// q1: three complete "yes" and the partial one's "yes", one "no".
		"q1_new_tech · 4 answered\n3  " + fig(1) + "75%  Yes\n1  " + fig(1) + "25%  No",
		"q2_wifi_hotspots · 3 answered\n2  " + fig(1) + "67%  Yes\n1  " + fig(1) + "33%  No",
		// q5_courses: asked only after q5 yes (two), "1,3" each.
		"q5_courses · 2 answered\n2  100%  Basic computer skills\n0  " + fig(2) + "0%  Office software\n2  100%  Internet and e-mail",
		"\n\nmunicipality · 4 text answers\ncountry · 4 text answers\nrespondent_name · 4 text answers\n",
		"q6_public_safety_kind · 2 text answers",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("results lack %q:\n%s", want, text)
		}
	}
	for _, m := range msgs {
		if n := len([]rune(m.Text)); n > 4096 {
			t.Errorf("a message of %d characters", n)
		}
	}
	// The same figures in Arabic digits.
	ar := joined(h.run(coordTG, "ar", "results", ""))
	if !strings.Contains(ar, "الاستجابات المبدوءة: ٤") || !strings.Contains(ar, "(٧٥٪)") {
		t.Errorf("Arabic results:\n%s", ar)
	}
}

// fig is n figure spaces (alignment padding).
func fig(n int) string { return strings.Repeat("\u2007", n) }

// The documents are the export package's output for the same data: the
// bytes the CLI export writes.
func TestExportMatchesCLI(t *testing.T) {
	h := newHarness(t)
	h.answer("telegram:1", profile{lang: "العربية", municipality: "=صيدا", country: "لبنان", yes: true})
	h.answer("telegram:2", profile{lang: "English", municipality: "Sfax", country: "Tunisia", yes: false, stopAfter: 5})
	h.advance(26 * time.Hour)
	each := func(fn func(conversation.State) error) error { return h.store.Each(h.sv.ID, fn) }
	for _, format := range []string{"csv", "xlsx", "json"} {
		for _, status := range []string{"", "all", "complete", "partial"} {
			m := only(t, h.run(coordTG, "en", "export", strings.ToUpper(format)+" "+status))
			if m.Document == nil {
				t.Fatalf("/export %s %s: no document: %q", format, status, m.Text)
			}
			if want := "smart-cities-2026-12-04." + format; m.Document.Name != want {
				t.Errorf("file name %q, want %q", m.Document.Name, want)
			}
			st := status
			if st == "" {
				st = "all"
			}
			var cli bytes.Buffer
			n, err := export.Write(&cli, format, h.sv, each, coord.ExportOptions(st))
			if err != nil {
				t.Fatal(err)
			}
			if !sameExport(t, format, m.Document.Bytes, cli.Bytes()) {
				t.Errorf("/export %s %s: %d bytes differ from the CLI export's %d", format, status, len(m.Document.Bytes), cli.Len())
			}
			if !strings.HasPrefix(m.Text, messages.Get("en", "coord.export_caption", "count", string(rune('0'+n)), "format", strings.ToUpper(format))) {
				t.Errorf("caption %q (count %d)", m.Text, n)
			}
		}
	}
	for _, bad := range []string{"", "pdf", "csv everything", "csv all more"} {
		if m := only(t, h.run(coordTG, "en", "export", bad)); m.Document != nil || m.Text != messages.Get("en", "coord.export_usage") {
			t.Errorf("/export %q: %+v", bad, m)
		}
	}
}

// sameExport compares two exports: byte for byte, except that an XLSX
// archive may list the same entries in another order (excelize writes
// them from a map), so there each entry's name and bytes are compared.
func sameExport(t *testing.T, format string, a, b []byte) bool {
	t.Helper()
	if format != "xlsx" || bytes.Equal(a, b) {
		return bytes.Equal(a, b)
	}
	ea, eb := zipEntries(t, a), zipEntries(t, b)
	if len(ea) != len(eb) {
		return false
	}
	for name, data := range ea {
		if other, ok := eb[name]; !ok || !bytes.Equal(data, other) {
			t.Logf("xlsx entry %s differs", name)
			return false
		}
	}
	return true
}

func zipEntries(t *testing.T, b []byte) map[string][]byte {
	t.Helper()
	z, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("not a zip archive: %v", err)
	}
	out := map[string][]byte{}
	for _, f := range z.File {
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(r)
		r.Close()
		if err != nil {
			t.Fatal(err)
		}
		out[f.Name] = data
	}
	return out
}

func TestRespondentsPages(t *testing.T) {
	h := newHarness(t)
	if m := only(t, h.run(coordTG, "en", "respondents", "")); m.Text != messages.Get("en", "coord.respondents_none") {
		t.Errorf("none: %q", m.Text)
	}
	for i := 10; i < 55; i++ {
		id := "telegram:" + string(rune('0'+i/10)) + string(rune('0'+i%10))
		h.answer(id, profile{lang: "English", municipality: "Town " + id[9:], country: "Lebanon", yes: true, stopAfter: 3})
	}
	h.answer("telegram:55", profile{lang: "English", municipality: "Tyre", country: "Lebanon", yes: true})
	h.advance(time.Hour)

	m := only(t, h.run(coordTG, "en", "respondents", ""))
	lines := strings.Split(m.Text, "\n")
	if lines[0] != "Respondents 1–20 of 46" || len(lines) != 22 {
		t.Fatalf("page 1: %q", m.Text)
	}
	if want := "Answer to respondent_name (telegram:10) · Town 10 · Lebanon · in progress · 3/21 · 2026-12-03 09:00"; lines[2] != want {
		t.Errorf("line: %q\nwant  %q", lines[2], want)
	}
	if len(m.Options) != 1 || m.Options[0].Data != "co:r:2" || m.Options[0].Label != "Next ›" {
		t.Errorf("page 1 buttons: %+v", m.Options)
	}
	// Taps go through the dispatcher, from the coordinator only.
	m = only(t, h.tapIn(coordTG, m.Options[0].Data, "en"))
	if !strings.HasPrefix(m.Text, "Respondents 21–40 of 46") || len(m.Options) != 2 ||
		m.Options[0].Data != "co:r:1" || m.Options[1].Data != "co:r:3" {
		t.Errorf("page 2: %q %+v", m.Text, m.Options)
	}
	m = only(t, h.tapIn(coordTG, "co:r:3", "en-GB"))
	if !strings.HasPrefix(m.Text, "Respondents 41–46 of 46") || len(m.Options) != 1 || m.Options[0].Data != "co:r:2" ||
		!strings.Contains(m.Text, "(telegram:55) · Tyre · Lebanon · submitted · 26/26") {
		t.Errorf("page 3: %q %+v", m.Text, m.Options)
	}
	for _, o := range m.Options {
		if len(o.Data) > 64 {
			t.Errorf("callback data %q over 64 bytes", o.Data)
		}
	}
	// Out of range pages clamp; /respondents N works where there are no buttons.
	if m := only(t, h.run(coordWA, "en", "respondents", "99")); !strings.HasPrefix(m.Text, "Respondents 41–46") {
		t.Errorf("page 99: %q", m.Text)
	}
	if m := only(t, h.tapIn(coordTG, "co:zz", "en")); m.Text != messages.Get("en", "notice.stale") {
		t.Errorf("unknown button: %q", m.Text)
	}
	// Arabic: Arabic-Indic digits.
	if m := only(t, h.run(coordTG, "ar", "respondents", "3")); !strings.Contains(m.Text, "٢٦/٢٦") {
		t.Errorf("Arabic page: %q", m.Text)
	}
}

func TestInvite(t *testing.T) {
	h := newHarness(t)
	m := only(t, h.run(coordTG, "en", "invite", "beirut-2026_A"))
	if m.Text != "Link for beirut-2026_A:\nhttps://t.me/smartcities_bot?start=beirut-2026_A" {
		t.Errorf("invite: %q", m.Text)
	}
	for _, bad := range []string{"", "two words", "é", strings.Repeat("a", 41), "a/b"} {
		if m := only(t, h.run(coordTG, "en", "invite", bad)); m.Text != messages.Get("en", "coord.invite_usage") {
			t.Errorf("invite %q: %q", bad, m.Text)
		}
	}
	// The payload is kept as the response's source.
	h.event("telegram:77", conversation.Event{Kind: conversation.EventCommand, Command: "start", Arg: "beirut-2026_A"})
	if st, _ := h.state("telegram:77"); st.Source != "beirut-2026_A" {
		t.Errorf("source %q", st.Source)
	}
	h.svc.BotUsername = func() string { return "" }
	if m := only(t, h.run(coordTG, "en", "invite", "x")); m.Text != messages.Get("en", "coord.invite_no_bot") {
		t.Errorf("no bot: %q", m.Text)
	}
}

// The coordinators' buttons never touch the engine; the engine's own data
// never starts with the coordinators' prefix.
func TestButtonDataDoesNotCollide(t *testing.T) {
	h := newHarness(t)
	msgs := h.command("telegram:5", "start", "")
	for _, m := range msgs {
		for _, o := range m.Options {
			if strings.HasPrefix(o.Data, bot.CoordData) || o.Data == bot.ResumeData {
				t.Errorf("engine data %q uses a reserved prefix", o.Data)
			}
		}
	}
}
