package telegram

import (
	"slices"
	"strings"
	"testing"

	"github.com/uclg-mewa/surveybot/conversation"
	"github.com/uclg-mewa/surveybot/messages"
)

// step is one respondent action: tap a button by label, or type text.
type step struct{ tap, typed string }

func tap(label string) step  { return step{tap: label} }
func typed(text string) step { return step{typed: text} }
func taps(ls ...string) []step {
	var out []step
	for _, l := range ls {
		out = append(out, tap(l))
	}
	return out
}

// drive answers the survey until it is complete, choosing each action from
// plan by the question the stored state says is pending; language and
// review take their own entries ("@language", "@review", "@other").
func (h *harness) drive(user int64, plan map[string][]step) (tapIDs []int) {
	h.t.Helper()
	for range 200 {
		st := h.state(user)
		key := st.Current
		switch st.Phase {
		case conversation.PhaseComplete:
			return tapIDs
		case conversation.PhaseLanguage:
			key = "@language"
		case conversation.PhaseReview:
			key = "@review"
		case conversation.PhaseOther:
			key = "@other"
		}
		steps, ok := plan[key]
		if !ok {
			h.t.Fatalf("no plan for %q (phase %s)", key, st.Phase)
		}
		for _, s := range steps {
			if s.tap != "" {
				id, _ := h.tap(user, s.tap)
				tapIDs = append(tapIDs, id)
			} else {
				h.send(user, s.typed)
			}
		}
		if after := h.state(user); after.Seq == st.Seq && after.Phase == st.Phase && after.Current == st.Current {
			h.t.Fatalf("plan for %q did not move on; last: %v", key, h.sentTexts(user)[len(h.sentTexts(user))-1])
		}
	}
	h.t.Fatal("survey did not end")
	return nil
}

func TestWholeSurveyByButtons(t *testing.T) {
	h := newHarness(t, nil)
	h.start()
	const user = 1001
	h.srv.SetLanguage(user, "en")
	h.send(user, "/start campaign_7")

	// The language prompt: the user's language first, two per row.
	lang, _ := h.srv.LastMessage(user)
	if got := labels(lang); len(got) != 2 || len(got[0]) != 2 || got[0][0] != "English" {
		t.Fatalf("language keyboard = %v", got)
	}
	plan := map[string][]step{
		"@language":              taps("English"),
		"municipality":           {typed("Karsiyaka")},
		"country":                {typed("Türkiye")},
		"respondent_name":        {typed("Ayşe Yılmaz")},
		"position":               taps("Skip"),
		"email":                  {typed("ayse@karsiyaka.bel.tr")},
		"q1_new_tech":            taps("Yes"),
		"q2_wifi_hotspots":       taps("No"),
		"q3_internet_center":     taps("Yes"),
		"q4_isp_deals":           taps("No"),
		"q5_computer_courses":    taps("Yes"),
		"q5_courses":             taps("Basic computer skills", "Internet and e-mail", "Done ✓"),
		"q6_public_safety":       taps("Yes"),
		"q6_public_safety_kind":  {typed("Cameras at crossings")},
		"q7_transport":           taps("No"),
		"q8_health_card":         taps("Yes"),
		"q9_online_medical":      taps("No"),
		"q10_tech_activity":      taps("Yes"),
		"q11_online_interaction": taps("Yes"),
		"q12_evoting_opinion":    {typed("Useful, with safeguards")},
		"q13_need_smart_tech":    taps("Yes"),
		"q14_it_training":        taps("No"),
		"q15_working_group":      taps("Yes"),
		"comments":               taps("Skip"),
		"@review":                taps("Submit ✓"),
	}
	tapIDs := h.drive(user, plan)

	st := h.state(user)
	if st.Status() != conversation.StatusComplete || st.Source != "campaign_7" || st.Language != "en" {
		t.Fatalf("status %s, source %q, language %q", st.Status(), st.Source, st.Language)
	}
	want := map[string]string{
		"municipality": "Karsiyaka", "country": "Türkiye", "email": "ayse@karsiyaka.bel.tr",
		"q1_new_tech": "yes", "q2_wifi_hotspots": "no", "q5_computer_courses": "yes",
		"q6_public_safety_kind": "Cameras at crossings", "q7_transport": "no", "q15_working_group": "yes",
	}
	for id, v := range want {
		if got := st.Answers[id].Value; got != v {
			t.Errorf("answer %s = %q, want %q", id, got, v)
		}
	}
	if got := st.Answers["q5_courses"].Choices; !slices.Equal(got, []string{"basic_skills", "internet_email"}) {
		t.Errorf("q5_courses = %v", got)
	}
	if !st.Answers["position"].Skipped || !st.Answers["comments"].Skipped {
		t.Errorf("position and comments should be skipped: %+v %+v", st.Answers["position"], st.Answers["comments"])
	}
	if _, asked := st.Answers["q7_transport_kind"]; asked {
		t.Error("q7_transport_kind should not be asked after No")
	}
	// Every tap was answered, and without a toast (they were all valid).
	for _, id := range tapIDs {
		if text, ok := h.srv.CallbackAnswer(id); !ok || text != "" {
			t.Errorf("callback of update %d: answered %v, toast %q", id, ok, text)
		}
	}
	// No message was sent with a parse mode.
	for _, c := range h.srv.Calls("") {
		if c.Params.Has("parse_mode") {
			t.Errorf("%s sent with parse_mode %q", c.Method, c.Params.Get("parse_mode"))
		}
	}
	if last, _ := h.srv.LastMessage(user); last.Text != messages.Get("en", "thanks") {
		t.Errorf("last message %q", last.Text)
	}
}

// TestAnsweredQuestionIsEdited: after a tap, the question shows "✓ Yes"
// and loses its buttons; a typed answer edits the remembered prompt too.
func TestAnsweredQuestionIsEdited(t *testing.T) {
	h := newHarness(t, nil)
	h.start()
	const user = 1002
	h.send(user, "/start")
	h.tap(user, "English")
	// A typed answer edits the text-only question.
	q, _ := h.srv.LastMessage(user)
	h.send(user, "Karsiyaka")
	if got, _ := h.srv.Message(user, q.ID); got.Text != q.Text+"\n\n✓ Karsiyaka" {
		t.Errorf("typed answer: question now %q", got.Text)
	}
	for _, s := range []string{"Türkiye", "Ayşe", "/skip", "/skip"} {
		h.send(user, s)
	}
	// q1 is a yes/no question: two buttons side by side.
	yesNo, _ := h.srv.LastMessage(user)
	if got := labels(yesNo); len(got) != 1 || !slices.Equal(got[0], []string{"Yes", "No"}) {
		t.Fatalf("yes/no keyboard %v", got)
	}
	_, msgID := h.tap(user, "Yes")
	got, _ := h.srv.Message(user, msgID)
	if got.Text != yesNo.Text+"\n\n✓ Yes" || len(got.Keyboard) != 0 {
		t.Errorf("after tap: %q with keyboard %v", got.Text, labels(got))
	}
	// An answer typed to a question with buttons removes them as well.
	q2, _ := h.srv.LastMessage(user)
	h.send(user, "no")
	if got, _ := h.srv.Message(user, q2.ID); got.Text != q2.Text+"\n\n✓ No" || len(got.Keyboard) != 0 {
		t.Errorf("typed no: %q with keyboard %v", got.Text, labels(got))
	}
}

// TestMultiChoiceToggles: toggles redraw the same message's buttons with
// check marks; Done is on its own last row.
func TestMultiChoiceToggles(t *testing.T) {
	h := newHarness(t, nil)
	h.start()
	const user = 1003
	h.send(user, "/start")
	h.tap(user, "English")
	for _, s := range []string{"M", "C", "N", "/skip", "/skip", "yes", "yes", "yes", "yes", "yes"} {
		h.send(user, s)
	}
	if h.state(user).Current != "q5_courses" {
		t.Fatalf("at %s", h.state(user).Current)
	}
	before := len(h.srv.Messages(user))
	_, msgID := h.tap(user, "Office software")
	m, _ := h.srv.Message(user, msgID)
	rows := labels(m)
	if len(h.srv.Messages(user)) != before {
		t.Error("a toggle sent a new message instead of editing")
	}
	if rows[1][0] != "☑ Office software" || rows[0][0] != "☐ Basic computer skills" || !slices.Equal(rows[len(rows)-1], []string{"Done ✓"}) {
		t.Fatalf("keyboard after toggle: %v", rows)
	}
	h.tap(user, "Done ✓")
	if got := h.state(user).Answers["q5_courses"].Choices; !slices.Equal(got, []string{"office_software"}) {
		t.Errorf("choices %v", got)
	}
	if m, _ := h.srv.Message(user, msgID); !strings.HasSuffix(m.Text, "✓ Office software") || len(m.Keyboard) != 0 {
		t.Errorf("multi question after Done: %q %v", m.Text, labels(m))
	}
}

// TestWholeSurveyByTyping answers in Arabic by typing only: numbers in
// Arabic-Indic digits, labels in several languages, the Arabic comma, a
// command; the review shows text exactly as typed.
func TestWholeSurveyByTyping(t *testing.T) {
	h := newHarness(t, nil)
	h.start()
	const user = 2001
	h.srv.SetLanguage(user, "ar")
	h.send(user, "/start")
	const odd = `a_b*c\(d [x](y) <b>`
	plan := map[string][]step{
		"@language":              {typed("١")},
		"municipality":           {typed("بلدية صفاقس")},
		"country":                {typed("تونس")},
		"respondent_name":        {typed("أحمد")},
		"position":               {typed("/skip")},
		"email":                  {typed("ahmed@sfax.tn")},
		"q1_new_tech":            {typed("نعم")},
		"q2_wifi_hotspots":       {typed("٢")},
		"q3_internet_center":     {typed("evet")},
		"q4_isp_deals":           {typed("لا")},
		"q5_computer_courses":    {typed("1")},
		"q5_courses":             {typed("١،٦")},
		"q6_public_safety":       {typed("non")},
		"q7_transport":           {typed("۱")},
		"q7_transport_kind":      {typed("حافلات ذكية")},
		"q8_health_card":         {typed("oui")},
		"q9_online_medical":      {typed("No")},
		"q10_tech_activity":      {typed("نعم")},
		"q11_online_interaction": {typed("نعم")},
		"q12_evoting_opinion":    {typed(odd)},
		"q13_need_smart_tech":    {typed("نعم")},
		"q14_it_training":        {typed("لا")},
		"q15_working_group":      {typed("نعم")},
		"comments":               {typed("لا تعليق")},
		"@review":                {typed("إرسال")},
	}
	h.drive(user, plan)

	st := h.state(user)
	if st.Status() != conversation.StatusComplete || st.Language != "ar" {
		t.Fatalf("status %s language %s", st.Status(), st.Language)
	}
	want := map[string]string{
		"municipality": "بلدية صفاقس", "q2_wifi_hotspots": "no", "q3_internet_center": "yes",
		"q6_public_safety": "no", "q7_transport": "yes", "q7_transport_kind": "حافلات ذكية",
		"q8_health_card": "yes", "q9_online_medical": "no", "q12_evoting_opinion": odd, "comments": "لا تعليق",
	}
	for id, v := range want {
		if got := st.Answers[id].Value; got != v {
			t.Errorf("answer %s = %q, want %q", id, got, v)
		}
	}
	if a := st.Answers["q5_courses"]; !slices.Equal(a.Choices, []string{"basic_skills", "other"}) {
		t.Errorf("q5_courses = %+v", a)
	}
	// The review showed the odd text exactly, with no parse mode.
	var review string
	for _, text := range h.sentTexts(user) {
		if strings.HasPrefix(text, messages.Get("ar", "review.title")) {
			review = text
		}
	}
	if !strings.Contains(review, "\n    "+odd+"\n") {
		t.Errorf("review does not show %q as typed:\n%s", odd, review)
	}
	// The typed answers were acknowledged by editing the questions.
	edits := h.srv.Calls("editMessageText")
	if len(edits) < 20 {
		t.Errorf("only %d questions edited", len(edits))
	}
}
