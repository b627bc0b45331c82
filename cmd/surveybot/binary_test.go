package main

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"github.com/uclg-mewa/surveybot/messages"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// binPath is the surveybot binary built once for the tests that run it
// as a user would.
var binPath string

func TestMain(m *testing.M) {
	checkDamage = false // in-process commands here run inside the test binary
	dir, err := os.MkdirTemp("", "surveybot-bin")
	if err != nil {
		panic(err)
	}
	binPath = filepath.Join(dir, "surveybot")
	build := exec.Command("go", "build", "-o", binPath, ".")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		panic("building surveybot: " + err.Error())
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// runBin runs the binary with a clean environment (no channel settings).
func runBin(t *testing.T, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(binPath, args...)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), "USER=tester"}
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code = 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return out.String(), errb.String(), code
}

// A whole survey typed into `surveybot chat`, in Arabic with Arabic-Indic
// digits, then `export --format csv` shows one complete row.
func TestChatWholeSurveyThenExport(t *testing.T) {
	db := filepath.Join(t.TempDir(), "s.db")
	answers := []string{
		"١",          // العربية
		"بلدية صيدا", // municipality
		"لبنان",      // country
		"أحمد",       // name
		"/skip",      // position
		"ahmad@saida.gov.lb",
		"نعم", "لا", "١", "٢", // q1-q4
		"نعم",                       // q5
		"١،٣",                       // q5_courses
		"نعم", "=cmd|' /C calc'!A0", // q6 + kind (a formula, guarded in CSV)
		"لا",       // q7
		"لا", "لا", // q8, q9
		"نعم", "نعم", // q10, q11
		"فكرة جيدة",                     // q12
		"نعم", "نعم", "الأمن السيبراني", // q13, q14 + topic
		"نعم",   // q15
		"/skip", // comments
		"إرسال", // submit
	}
	out, errOut, code := runBin(t, strings.Join(answers, "\n")+"\n", "chat", "--db", db, "--as", "saida")
	if code != 0 {
		t.Fatalf("chat exited %d: %s", code, errOut)
	}
	if !strings.Contains(tail(out, 300), "شكر") { // "thank you", after the review
		t.Errorf("no thanks at the end:\n%s", tail(out, 600))
	}
	// Leaving after Submit is not "continue where you stopped".
	if !strings.Contains(tail(out, 200), messages.Get("ar", "console.bye_done")) || strings.Contains(out, messages.Get("ar", "console.bye")) {
		t.Errorf("goodbye after submitting:\n%s", tail(out, 300))
	}
	csvOut, errOut, code := runBin(t, "", "export", "--format", "csv", "--db", db)
	if code != 0 {
		t.Fatalf("export exited %d: %s", code, errOut)
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(csvOut, "\ufeff"))).ReadAll()
	if err != nil || len(rows) != 2 {
		t.Fatalf("want header + 1 row, got %d rows (%v):\n%s", len(rows), err, csvOut)
	}
	row := map[string]string{}
	for i, col := range rows[0] {
		row[col] = rows[1][i]
	}
	want := map[string]string{
		"respondent": "console:saida", "channel": "console", "language": "ar", "status": "complete",
		"municipality": "بلدية صيدا", "position": "", "email": "ahmad@saida.gov.lb",
		"q1_new_tech": "yes", "q2_wifi_hotspots": "no", "q3_internet_center": "yes", "q4_isp_deals": "no",
		"q5_courses": "basic_skills;internet_email", "q6_public_safety_kind": "'=cmd|' /C calc'!A0",
		"q7_transport_kind": "", "q9_online_medical_kind": "", "q14_training_topic": "الأمن السيبراني",
		"comments": "",
	}
	for k, v := range want {
		if row[k] != v {
			t.Errorf("%s = %q, want %q", k, row[k], v)
		}
	}
	if _, err := time.Parse(time.RFC3339, row["completed_at"]); err != nil {
		t.Errorf("completed_at %q: %v", row["completed_at"], err)
	}
}

// Stopping half-way (end of input) keeps what was answered, and the next
// session resumes at the pending question.
func TestChatResumes(t *testing.T) {
	db := filepath.Join(t.TempDir(), "s.db")
	if _, e, code := runBin(t, "2\nIzmir\n", "chat", "--db", db, "--as", "x"); code != 0 {
		t.Fatalf("exit %d: %s", code, e)
	}
	out, _, _ := runBin(t, "", "chat", "--db", db, "--as", "x")
	if !strings.Contains(out, "Welcome back") || !strings.Contains(out, "In which country") {
		t.Errorf("no resume at the country question:\n%s", out)
	}
}

func TestValidate(t *testing.T) {
	out, _, code := runBin(t, "", "validate")
	if code != 0 || !strings.Contains(out, "26 questions") {
		t.Errorf("built-in: exit %d, %s", code, out)
	}
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	os.WriteFile(bad, []byte("id: x\nlanguages: [en]\ntitle: {en: T}\nquestions:\n  - id: a\n    type: maybe\n    text: {en: A}\n  - id: a\n    type: text\n    text: {en: B}\n"), 0o644)
	out, _, code = runBin(t, "", "validate", bad)
	if code != 1 {
		t.Errorf("bad survey: exit %d, want 1", code)
	}
	for _, want := range []string{bad + `:6:11: unknown type "maybe"`, bad + `:8:5: question id "a" is used twice`} {
		if !strings.Contains(out, want) {
			t.Errorf("validate output lacks %q:\n%s", want, out)
		}
	}
	missing := filepath.Join(t.TempDir(), "nope.yaml")
	out, errOut, code := runBin(t, "", "validate", missing)
	if code != 1 || out != "" || !strings.HasPrefix(errOut, "surveybot: cannot read survey file: open "+missing) {
		t.Errorf("missing file: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}

func TestBrokenSurveyFileIsAClearError(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	os.WriteFile(bad, []byte("id: [oops"), 0o644)
	_, errOut, code := runBin(t, "", "chat", "--survey", bad, "--db", filepath.Join(t.TempDir(), "d.db"))
	if code == 0 || !strings.Contains(errOut, bad+":") {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

// backup or export onto the database file itself would replace the live
// database: refused, and the database is unchanged.
func TestOutCannotBeTheDatabase(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "s.db")
	if _, e, code := runBin(t, "2\nIzmir\n", "chat", "--db", db, "--as", "x"); code != 0 {
		t.Fatalf("chat: %s", e)
	}
	before, _ := os.Stat(db)
	for _, args := range [][]string{
		{"backup", "--db", db, "--out", db},
		{"backup", "--db", db, "--out", filepath.Join(dir, ".", "s.db")},
		{"export", "--db", db, "--format", "json", "--out", db},
	} {
		_, errOut, code := runBin(t, "", args...)
		if code == 0 || !strings.Contains(errOut, "is the database itself") {
			t.Errorf("%v: exit %d, %q", args, code, errOut)
		}
	}
	after, _ := os.Stat(db)
	if !os.SameFile(before, after) || !after.ModTime().Equal(before.ModTime()) {
		t.Error("the database file was replaced")
	}
}

// A damaged database gets a clear message from every command, never a
// crash or a hang: the check runs in a child process.
func TestDamagedDatabase(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "s.db")
	answers := "2\nIzmir\nTurkey\nAyse\n"
	for i := 0; i < 30; i++ {
		if _, e, code := runBin(t, answers, "chat", "--db", db, "--as", fmt.Sprintf("r%d", i)); code != 0 {
			t.Fatalf("chat: %s", e)
		}
	}
	orig, _ := os.ReadFile(db)
	rng := rand.New(rand.NewSource(3))
	for trial := 0; trial < 12; trial++ {
		data := append([]byte(nil), orig...)
		off := (2+rng.Intn(len(data)/4096-2))*4096 + rng.Intn(64)
		for j := 0; j < 16; j++ {
			data[off+j] = byte(rng.Intn(256))
		}
		bad := filepath.Join(dir, fmt.Sprintf("bad%d.db", trial))
		os.WriteFile(bad, data, 0o600)
		for _, args := range [][]string{{"export", "--format", "csv"}, {"chat", "--as", "r1"}} {
			out, errOut, code := runBin(t, "/status\n", append(args, "--db", bad)...)
			if strings.Contains(errOut, "goroutine ") || strings.Contains(errOut, "panic:") || code == 2 {
				t.Fatalf("trial %d %v: crashed (exit %d):\n%s", trial, args, code, tail(errOut, 800))
			}
			if code != 0 && !strings.Contains(errOut, "damaged") {
				t.Errorf("trial %d %v: exit %d without saying the file is damaged: %q %q", trial, args, code, tail(errOut, 300), tail(out, 200))
			}
		}
	}
}
