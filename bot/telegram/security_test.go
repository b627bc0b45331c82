package telegram

// Security checks of the Telegram channel (the issue "Prove it under load
// and faults", item 4): the bot token never shows in an error or a log line,
// whatever the failure; forged callback data of every shape is refused;
// over-long text is refused, never cut. Coordinator commands are checked
// through the real binary in cmd/surveybot/security_test.go, YAML bombs in
// conversation's TestLoadRefusesBombs.

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/uclg-mewa/surveybot/messages"
)

// faultAPI is a Bot API that answers well ("ok") or fails in one way:
// Telegram's own 401/404/500 envelopes, a proxy's 502 page that echoes the
// request path (token included), or no answer at all ("hang").
type faultAPI struct {
	srv  *httptest.Server
	mode atomic.Value
	quit chan struct{} // ends hanging requests at cleanup
}

// testToken looks like a real token, so that the pattern-based redaction
// is exercised as well as the exact one.
const testToken = "987654321:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsawX"

func newFaultAPI(t *testing.T) *faultAPI {
	f := &faultAPI{quit: make(chan struct{})}
	f.mode.Store("ok")
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		method := path.Base(r.URL.Path)
		envelope := func(code int, desc string) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(code)
			fmt.Fprintf(w, `{"ok":false,"error_code":%d,"description":%q}`, code, desc)
		}
		switch f.mode.Load().(string) {
		case "401":
			envelope(401, "Unauthorized")
		case "404":
			envelope(404, "Not Found")
		case "500":
			envelope(500, "Internal Server Error")
		case "502echo":
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(502)
			fmt.Fprintf(w, "<html><body>Bad gateway: POST %s</body></html>", r.URL.Path)
		case "hang":
			// The body is read first, or the server never notices the
			// client giving up.
			_, _ = io.Copy(io.Discard, r.Body)
			select {
			case <-r.Context().Done():
			case <-f.quit:
			}
		default:
			w.Header().Set("Content-Type", "application/json")
			switch method {
			case "getMe":
				fmt.Fprint(w, `{"ok":true,"result":{"id":1,"is_bot":true,"first_name":"Bot","username":"sec_bot"}}`)
			case "getUpdates":
				time.Sleep(20 * time.Millisecond)
				fmt.Fprint(w, `{"ok":true,"result":[]}`)
			case "sendMessage":
				fmt.Fprint(w, `{"ok":true,"result":{"message_id":1,"date":0,"chat":{"id":1,"type":"private"},"text":"x"}}`)
			default:
				fmt.Fprint(w, `{"ok":true,"result":true}`)
			}
		}
	}))
	t.Cleanup(func() {
		close(f.quit)
		f.srv.Close()
	})
	return f
}

// TestTokenNeverInErrorsOrLogs provokes every kind of failure at each
// place the channel talks to Telegram (start-up, a send, the poll loop)
// and looks for the token, whole or its secret half, in the returned
// errors and in every log line (debug level included).
func TestTokenNeverInErrorsOrLogs(t *testing.T) {
	for _, mode := range []string{"401", "404", "500", "502echo", "refused", "timeout"} {
		for _, phase := range []string{"start", "send", "poll"} {
			t.Run(mode+"/"+phase, func(t *testing.T) {
				t.Parallel()
				f := newFaultAPI(t)
				logs := &logBuffer{}
				cfg := Config{Token: testToken, APIURL: f.srv.URL, PollTimeout: 1,
					Log: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))}
				if mode == "timeout" {
					// Every request times out; the client's error names the URL.
					cfg.HTTPClient = &http.Client{Timeout: 200 * time.Millisecond}
				}
				fail := func() {
					switch mode {
					case "refused":
						f.srv.Close()
					case "timeout":
						f.mode.Store("hang")
					default:
						f.mode.Store(mode)
					}
				}
				var texts []string
				if phase == "start" {
					fail()
					ctx, cancel := context.WithTimeout(context.Background(), 1500*time.Millisecond)
					defer cancel()
					_, err := New(ctx, cfg, nil)
					if err == nil {
						t.Fatal("New succeeded against a failing API")
					}
					texts = append(texts, err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err))
				} else {
					ch, err := New(context.Background(), cfg, nil)
					if err != nil {
						t.Fatalf("New: %v", err)
					}
					ch.minBackoff, ch.maxBackoff = 20*time.Millisecond, 100*time.Millisecond
					fail()
					if phase == "send" {
						ctx, cancel := context.WithTimeout(context.Background(), 1500*time.Millisecond)
						defer cancel()
						err := ch.Send(ctx, "telegram:42", []botMessage{{Text: "hello"}})
						if err == nil {
							t.Fatal("Send succeeded against a failing API")
						}
						texts = append(texts, err.Error(), fmt.Sprintf("%+v", err))
					} else {
						ctx, cancel := context.WithCancel(context.Background())
						done := make(chan error, 1)
						go func() { done <- ch.Run(ctx) }()
						time.Sleep(700 * time.Millisecond)
						cancel()
						if err := <-done; err != nil {
							texts = append(texts, err.Error())
						}
						if !strings.Contains(logs.String(), "getUpdates") && !strings.Contains(logs.String(), "token refused") {
							t.Errorf("no poll failure logged:\n%s", logs.String())
						}
					}
				}
				texts = append(texts, logs.String())
				checkNoToken(t, testToken, texts...)
				for _, s := range texts {
					if strings.Contains(s, "bot987654321") {
						t.Errorf("the token's id part with the /bot prefix leaked: %s", s)
					}
				}
			})
		}
	}
}

// Taps whose data is well-formed but belongs elsewhere: another phase's
// actions with the current prompt number, the respondent's own old prompt,
// 64 bytes of noise (the most Telegram allows) and more. None changes the
// state or sends a message; each is answered with the "earlier question"
// notice. (Data whose option number is written otherwise, "c:٢" or "c:2.",
// is read like a typed number: the same as the real button, so harmless.)
// (TestForgedCallbackIsRefused covers garbage, other prompt
// numbers, a missing option, 65 bytes and another user's replay.)
func TestForgedActionsOfOtherPhasesAreRefused(t *testing.T) {
	h := newHarness(t, nil)
	h.start()
	const user = 3401
	h.atSecondQuestion(user) // at "country": a text question, no buttons
	h.send(user, "Türkiye")
	h.send(user, "Ayşe")
	h.send(user, "/skip")
	h.send(user, "/skip") // at q1_new_tech: yes/no, required
	q, _ := h.srv.LastMessage(user)
	seq, _, _ := strings.Cut(*q.Keyboard[0][0].CallbackData, ":")
	before, sent := h.state(user), len(h.srv.Calls("sendMessage"))
	if before.Current != "q1_new_tech" {
		t.Fatalf("at %q", before.Current)
	}
	forged := []string{
		seq + ":s",       // Submit, in the middle of the survey
		seq + ":e:1",     // "change answer 1" of the review
		seq + ":l:fr",    // a language
		seq + ":t:1",     // a several-choice toggle, on a yes/no question
		seq + ":d",       // Done
		seq + ":k",       // Skip, on a required question
		seq + ":y",       // yes to /restart, never asked
		seq + ":c:1:x",   // an extra field
		seq + ":c:-1",    // a negative option
		seq + ":c:1e0",   // not a plain number
		"0" + seq + ":c", // a prompt number with a leading zero and no option
		"co:page:2",      // a coordinator's button, from a respondent
		strings.Repeat("9", 64),
		seq + ":" + strings.Repeat("c", 64-len(seq)-1), // exactly 64 bytes
	}
	for _, data := range forged {
		id := h.srv.Tap(user, q.ID, data)
		h.settle(id)
		if text, ok := h.srv.CallbackAnswer(id); !ok || text == "" {
			t.Errorf("data %q: tap answered %v with %q", data, ok, text)
		}
	}
	if n := len(h.srv.Calls("sendMessage")) - sent; n != 0 {
		t.Errorf("%d messages sent for forged taps: %q", n, h.sentTexts(user)[len(h.sentTexts(user))-n:])
	}
	if after := h.state(user); !sameProgress(before, after) || after.Status() != "partial" {
		t.Errorf("state changed:\n%+v\n%+v", before, after)
	}
}

// Text over a question's limit is refused with the limit named, and
// nothing of it is stored; text at the limit is stored whole. The limit
// counts code points: 200 Arabic letters are 400 bytes and still fit.
func TestOverlongTextIsRefusedNotCut(t *testing.T) {
	h := newHarness(t, nil)
	h.start()
	const user = 3501
	h.send(user, "/start")
	h.tap(user, "English") // at "municipality": max_length 200
	for _, n := range []int{201, 1001, 4096} {
		h.send(user, strings.Repeat("x", n))
		st := h.state(user)
		if _, ok := st.Answers["municipality"]; ok || st.Current != "municipality" {
			t.Fatalf("%d characters: stored %q, now at %q", n, st.Answers["municipality"].Value, st.Current)
		}
		texts := h.sentTexts(user)
		notice := texts[len(texts)-2]
		if want := messages.Get("en", "notice.too_long", "max", "200", "got", strconv.Itoa(n)); notice != want {
			t.Errorf("%d characters: notice %q, want %q", n, notice, want)
		}
	}
	exact := strings.Repeat("ب", 199) + "x"
	h.send(user, exact)
	if got := h.state(user).Answers["municipality"].Value; got != exact {
		t.Errorf("stored %d code points, want the 200 typed", utf8.RuneCountInString(got))
	}
}
