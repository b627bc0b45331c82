package whatsapp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	qrcode "github.com/skip2/go-qrcode"
	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/types/events"
)

var (
	// ErrAlreadyLinked is returned by Link when the session file already
	// holds an account (Link prints which one).
	ErrAlreadyLinked = errors.New("a WhatsApp account is already linked")
	// ErrLinkTimeout is returned by Link when no phone linked in time.
	ErrLinkTimeout = errors.New("no phone linked in time: run `surveybot whatsapp-link` again and scan the code (or type the pairing code) within a minute or two")
	// ErrBadPhone is returned by Link for a phone number it cannot use.
	ErrBadPhone = errors.New("--phone needs the account's number in international form, like +961 3 123 456")

	errLinkCancelled = errors.New("linking cancelled")
)

// connectedWait is how long Link waits, after the phone accepted, for the
// first login that completes the link.
const connectedWait = 60 * time.Second

// Link links a WhatsApp account to the session file dbPath: it shows QR
// codes in the terminal (out) until the phone scans one, or, with phone,
// prints the pairing code to type on that phone. Everything it says is on
// out; log gets whatsmeow's own warnings only.
func Link(ctx context.Context, dbPath string, phone string, out io.Writer, log *slog.Logger) error {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if dbPath == "" {
		dbPath = DefaultDBPath
	}
	digits, err := phoneDigits(phone)
	if err != nil {
		return err
	}
	st, err := openSession(ctx, dbPath, log)
	if err != nil {
		return err
	}
	defer st.close()
	dev, err := st.container.GetFirstDevice(ctx)
	if err != nil {
		return fmt.Errorf("whatsapp: reading %s: %s", dbPath, redact(err.Error()))
	}
	if dev.ID != nil {
		return alreadyLinked(out, dbPath, dev.ID.User)
	}
	l := &linker{cli: whatsmeow.NewClient(dev, newWALogger(log)), out: out, phone: digits, connected: make(chan struct{}, 1)}
	if err := l.run(ctx); err != nil {
		return err
	}
	// Messages sent before this moment are no one's answers to us.
	if err := st.setLinkedAt(ctx, time.Now()); err != nil {
		log.Warn("whatsapp: cannot record the link time", "err", redact(err.Error()))
	}
	account := "(number not reported)"
	if dev.ID != nil {
		account = "+" + dev.ID.User
	}
	fmt.Fprintf(out, "Linked: WhatsApp account %s. Start the bot with WHATSAPP_ENABLED=1 surveybot run.\n", account)
	return nil
}

// alreadyLinked tells the operator (on the terminal, never in a log)
// which account the file holds, and how to link another.
func alreadyLinked(out io.Writer, dbPath, user string) error {
	fmt.Fprintf(out, "This session file (%s) is already linked to the WhatsApp account +%s.\n", dbPath, user)
	fmt.Fprintln(out, "To link another account: remove this device on the phone (Settings → Linked devices), delete the session file, and run this again.")
	return ErrAlreadyLinked
}

// phoneDigits checks a --phone value ("" is fine: QR code) and returns
// its digits. Errors never repeat the number.
func phoneDigits(phone string) (string, error) {
	if phone == "" {
		return "", nil
	}
	p := strings.Map(func(r rune) rune {
		if strings.ContainsRune(" -().", r) {
			return -1
		}
		return r
	}, strings.TrimSpace(phone))
	p = strings.TrimPrefix(p, "+")
	if !allDigits(p) || len(p) < 7 || len(p) > 15 || p[0] == '0' {
		return "", ErrBadPhone
	}
	return p, nil
}

// linker runs one linking session.
type linker struct {
	cli       *whatsmeow.Client
	out       io.Writer
	phone     string
	codeShown bool
	connected chan struct{}
}

func (l *linker) run(ctx context.Context) error {
	qr, err := l.cli.GetQRChannel(ctx) // before Connect, or the first codes are missed
	if err != nil {
		return fmt.Errorf("whatsapp: %w", err)
	}
	l.cli.AddEventHandler(func(evt any) {
		if _, ok := evt.(*events.Connected); ok {
			select {
			case l.connected <- struct{}{}:
			default:
			}
		}
	})
	if err := l.cli.ConnectContext(ctx); err != nil {
		return fmt.Errorf("whatsapp: cannot reach WhatsApp (is this machine online?): %s", redact(err.Error()))
	}
	defer l.cli.Disconnect()
	for item := range qr {
		done, err := l.handle(ctx, item)
		switch {
		case done:
			return nil
		case ctx.Err() != nil:
			// An interrupt also drops the connection, which the QR
			// channel reports as a timeout: say what really happened.
			return errLinkCancelled
		case err != nil:
			return err
		}
	}
	if ctx.Err() != nil {
		return errLinkCancelled
	}
	return ErrLinkTimeout
}

// handle acts on one item of the QR channel; done: linked.
func (l *linker) handle(ctx context.Context, item whatsmeow.QRChannelItem) (done bool, err error) {
	switch item.Event {
	case whatsmeow.QRChannelEventCode:
		return false, l.showCode(ctx, item)
	case whatsmeow.QRChannelSuccess.Event:
		l.awaitLogin(ctx)
		return true, nil
	case whatsmeow.QRChannelTimeout.Event:
		return false, ErrLinkTimeout
	case whatsmeow.QRChannelEventError:
		return false, fmt.Errorf("linking failed: %s", redact(fmt.Sprint(item.Error)))
	case whatsmeow.QRChannelClientOutdated.Event:
		return false, errors.New("linking failed: WhatsApp refuses this client version; update surveybot")
	case whatsmeow.QRChannelScannedWithoutMultidevice.Event:
		fmt.Fprintln(l.out, "The phone needs multi-device enabled (a current WhatsApp version); update it and scan again.")
		return false, nil
	}
	return false, fmt.Errorf("linking failed (%s)", item.Event)
}

// showCode prints a fresh QR code, or the pairing code once.
func (l *linker) showCode(ctx context.Context, item whatsmeow.QRChannelItem) error {
	if l.phone == "" {
		fmt.Fprintln(l.out, "\nScan this code with WhatsApp on the phone: Settings → Linked devices → Link a device.")
		fmt.Fprint(l.out, renderQR(item.Code))
		fmt.Fprintf(l.out, "(a new code follows in %s; Ctrl-C to give up)\n", item.Timeout.Round(time.Second))
		return nil
	}
	if l.codeShown {
		return nil
	}
	code, err := l.cli.PairPhone(ctx, l.phone, true, whatsmeow.PairClientChrome, "Chrome (Linux)")
	if err != nil {
		return fmt.Errorf("whatsapp: no pairing code: %s", redact(err.Error()))
	}
	l.codeShown = true
	fmt.Fprintf(l.out, "\nOn the phone: WhatsApp → Settings → Linked devices → Link a device → Link with phone number instead, then type:\n\n    %s\n\n", code)
	return nil
}

// awaitLogin waits for the login that follows a successful pairing, so
// that the phone shows the link as complete before we disconnect.
func (l *linker) awaitLogin(ctx context.Context) {
	select {
	case <-l.connected:
	case <-time.After(connectedWait):
	case <-ctx.Done():
	}
}

// renderQR draws a QR code with half-block characters, two modules per
// line, for the usual dark terminal: the light parts (and the quiet zone
// around the code) are drawn, the dark modules are the background.
func renderQR(code string) string {
	q, err := qrcode.New(code, qrcode.Low)
	if err != nil {
		return code + "\n"
	}
	return q.ToSmallString(false)
}
