package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestCrashLoop is a short version of `surveyload --kill-every`: 50
// respondents answer the whole survey (taps, typed answers, toggles, /back,
// wrong inputs) while the real surveybot binary is SIGKILLed at random
// moments and restarted. Every respondent must complete with exactly the
// answers they gave, no acknowledged answer lost, none applied twice, the
// database must pass bbolt's check, and the token must never show in the
// bot's output.
func TestCrashLoop(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the surveybot binary under kills (~20 s)")
	}
	cfg := defaultConfig()
	cfg.n = 50
	cfg.seed = uint64(time.Now().UnixNano()) // a new interleaving every run; printed on failure
	cfg.killEvery = 150 * time.Millisecond
	cfg.minKills = 5
	cfg.stepTimeout = 15 * time.Second
	cfg.timeout = 50 * time.Second
	var out bytes.Buffer
	rep, err := run(context.Background(), cfg, &out)
	if err != nil {
		t.Fatalf("seed %d: %v\n%s", cfg.seed, err, out.String())
	}
	t.Logf("seed %d:\n%s", cfg.seed, out.String())
	if rep.Kills < 3 {
		t.Errorf("only %d kills", rep.Kills)
	}
	if rep.Correct != cfg.n || rep.Completed != cfg.n || rep.Stuck != 0 {
		t.Errorf("seed %d: %d/%d correct in the export, %d completed, %d stuck", cfg.seed, rep.Correct, cfg.n, rep.Completed, rep.Stuck)
	}
	if rep.Lost != 0 || rep.Doubled != 0 {
		t.Errorf("seed %d: %d lost, %d doubled", cfg.seed, rep.Lost, rep.Doubled)
	}
	if rep.CheckErr != "" {
		t.Errorf("database check: %s", rep.CheckErr)
	}
	if rep.TokenLeaked {
		t.Error("the token appeared in the bot's output")
	}
	if rep.Modes["db"] != "-rw-------" {
		t.Errorf("database mode %s", rep.Modes["db"])
	}
	if rep.StopExit != 0 || rep.StopSeconds > 5 {
		t.Errorf("SIGTERM: exit %d after %.1f s", rep.StopExit, rep.StopSeconds)
	}
}

// The fake server redelivers an update until a getUpdates carries an
// offset above it, as Telegram does: the crash loop relies on it.
func TestFakeAPIRedeliversUntilConfirmed(t *testing.T) {
	api, err := newFakeAPI(1)
	if err != nil {
		t.Fatal(err)
	}
	defer api.Close()
	u := user{id: 42, lang: "en"}
	first, _ := api.SendText(u, "/start")
	second, _ := api.SendText(u, "hello")
	poll := func(offset int) string {
		resp, err := http.PostForm(api.url+"/bot"+api.token+"/getUpdates", url.Values{"offset": {itoa(offset)}, "timeout": {"0"}})
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	if got := poll(0); !strings.Contains(got, `"update_id":`+itoa(first)) || !strings.Contains(got, `"update_id":`+itoa(second)) {
		t.Fatalf("first poll: %s", got)
	}
	// Not confirmed: delivered again (a restarted bot sees the batch again).
	if got := poll(0); !strings.Contains(got, `"update_id":`+itoa(first)) {
		t.Fatalf("second poll lost the unconfirmed update: %s", got)
	}
	if got := poll(second); strings.Contains(got, `"update_id":`+itoa(first)) || !strings.Contains(got, `"update_id":`+itoa(second)) {
		t.Fatalf("after confirming %d: %s", first, got)
	}
	if got := poll(second + 1); got != `{"ok":true,"result":[]}` {
		t.Fatalf("after confirming everything: %s", got)
	}
	resp, err := http.PostForm(api.url+"/botWRONG/getMe", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("wrong token: status %d", resp.StatusCode)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
