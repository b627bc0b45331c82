package main

import (
	"bytes"
	"context"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"go.mau.fi/whatsmeow/proto/waAdv"
	"go.mau.fi/whatsmeow/store/sqlstore"
	"go.mau.fi/whatsmeow/types"
)

// linkedSession writes a session file with a device linked to user.
func linkedSession(t *testing.T, user string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "wa.db")
	ctx := context.Background()
	container, err := sqlstore.New(ctx, "sqlite", "file:"+path+"?_pragma=foreign_keys(1)", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer container.Close()
	dev := container.NewDevice()
	jid := types.NewADJID(user, 0, 3)
	dev.ID = &jid
	dev.Account = &waAdv.ADVSignedDeviceIdentity{Details: []byte{1}, AccountSignature: make([]byte, 64),
		AccountSignatureKey: make([]byte, 32), DeviceSignature: make([]byte, 64)}
	if err := container.PutDevice(ctx, dev); err != nil {
		t.Fatal(err)
	}
	return path
}

// runEnv calls dispatch as main does, with the given environment.
func runEnv(t *testing.T, vars map[string]string, args ...string) result {
	t.Helper()
	var out, errOut bytes.Buffer
	env := &cliEnv{stdin: strings.NewReader(""), stdout: &out, stderr: &errOut, getenv: func(k string) string { return vars[k] }}
	code := exitCode(env, dispatch(context.Background(), env, args))
	return result{code, out.String(), errOut.String()}
}

var digitRun = regexp.MustCompile(`[0-9]{6,}`)

func TestWhatsAppLinkAlreadyLinked(t *testing.T) {
	path := linkedSession(t, "10000000001")
	r := runEnv(t, map[string]string{"SURVEYBOT_WHATSAPP_DB": path}, "whatsapp-link")
	if r.code != 1 {
		t.Fatalf("exit %d, want 1; stderr %q", r.code, r.stderr)
	}
	if !strings.Contains(r.stdout, "already linked") || !strings.Contains(r.stdout, "+10000000001") {
		t.Errorf("stdout should name the linked account: %q", r.stdout)
	}
	if digitRun.MatchString(r.stderr) {
		t.Errorf("a number in the error output: %q", r.stderr)
	}
	// --whatsapp-db wins over the environment.
	r = runEnv(t, map[string]string{"SURVEYBOT_WHATSAPP_DB": filepath.Join(t.TempDir(), "none.db")}, "whatsapp-link", "--whatsapp-db", path)
	if !strings.Contains(r.stdout, "already linked") {
		t.Errorf("--whatsapp-db ignored: %q", r.stdout)
	}
}

func TestWhatsAppLinkUsageErrors(t *testing.T) {
	dir := t.TempDir()
	vars := map[string]string{"SURVEYBOT_WHATSAPP_DB": filepath.Join(dir, "wa.db")}
	r := runEnv(t, vars, "whatsapp-link", "--phone", "0096170000042")
	if r.code != 1 || !strings.Contains(r.stderr, "--phone") || digitRun.MatchString(r.stderr) {
		t.Errorf("bad phone: exit %d, stderr %q", r.code, r.stderr)
	}
	r = runEnv(t, vars, "whatsapp-link", "+96170000042")
	if r.code != 2 || strings.Contains(r.stderr, "96170000042") {
		t.Errorf("stray argument: exit %d, stderr %q", r.code, r.stderr)
	}
}
