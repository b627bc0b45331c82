package whatsapp

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
)

func TestLinkAlreadyLinked(t *testing.T) {
	path := filepath.Join(t.TempDir(), "whatsapp.db")
	linkDevice(t, path, botUser)
	var out bytes.Buffer
	var logs logBuffer
	err := Link(context.Background(), path, "", &out, slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	if !errors.Is(err, ErrAlreadyLinked) {
		t.Fatalf("Link on a linked file: %v, want ErrAlreadyLinked", err)
	}
	if !strings.Contains(out.String(), "+"+botUser) {
		t.Errorf("Link should say which account is linked: %q", out.String())
	}
	noDigitRuns(t, "error", err.Error())
	noDigitRuns(t, "log", logs.String())
}

func TestLinkRefusesBadPhone(t *testing.T) {
	path := filepath.Join(t.TempDir(), "whatsapp.db")
	for _, phone := range []string{"0096170000042", "+96170abc042", "12345", "+1234567890123456"} {
		err := Link(context.Background(), path, phone, &bytes.Buffer{}, nil)
		if !errors.Is(err, ErrBadPhone) {
			t.Errorf("phone %q: %v, want ErrBadPhone", phone, err)
			continue
		}
		noDigitRuns(t, "error", err.Error())
	}
	for phone, want := range map[string]string{"+961 70 000 042": "96170000042", "+1 (555) 010-9999": "15550109999", "": ""} {
		if got, err := phoneDigits(phone); err != nil || got != want {
			t.Errorf("phoneDigits(%q) = %q, %v; want %q", phone, got, err, want)
		}
	}
}

func TestRenderQR(t *testing.T) {
	qr := renderQR("2@abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ,xyz=,abc=,def=")
	lines := strings.Split(strings.TrimRight(qr, "\n"), "\n")
	if len(lines) < 15 || !strings.ContainsAny(qr, "█▀▄") {
		t.Fatalf("not a QR code drawing:\n%s", qr)
	}
	width := len([]rune(lines[0]))
	for i, l := range lines {
		if len([]rune(l)) != width {
			t.Fatalf("line %d is %d wide, want %d", i, len([]rune(l)), width)
		}
	}
}
