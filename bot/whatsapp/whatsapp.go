// Package whatsapp is the WhatsApp channel, on whatsmeow (a linked device,
// like WhatsApp Web). Respondents are "whatsapp:+<E.164>" (or
// "whatsapp:lid:<id>" while no phone number is known for a LID sender).
//
// The device keys live in their own SQLite file (Config.DBPath) through
// whatsmeow's sqlstore; this package adds two small tables there (poll
// options, and the link time). Survey answers stay in bbolt, through the
// dispatcher.
//
// Questions are text with numbered options, because buttons and lists
// sent by a linked device do not show on phones; with Config.Polls a
// choice question is also sent as a native poll.
package whatsapp

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"
	"golang.org/x/time/rate"

	"github.com/uclg-mewa/surveybot/bot"
)

// channelName is the Inbound.Channel and the respondent prefix.
const channelName = "whatsapp"

// DefaultDBPath is where the session keys live when Config.DBPath is empty.
const DefaultDBPath = "whatsapp.db"

// shutdownGrace bounds how long Run waits for messages being handled when
// it stops, so that `surveybot run` stops within its 5 seconds.
const shutdownGrace = 3 * time.Second

// Config configures the channel.
type Config struct {
	DBPath string       // session file, default whatsapp.db
	Log    *slog.Logger // nil: discard
	Polls  bool         // also send choice questions as native polls (WHATSAPP_POLLS=1)
	Rate   float64      // outgoing messages per second, default 1
	// OnPermanentDisconnect is called once, from Run, when WhatsApp ends
	// the session for good (logged out, replaced, banned...).
	OnPermanentDisconnect func(reason string)
}

var (
	// ErrNotLinked is returned by New when the session file holds no device.
	ErrNotLinked = errors.New("no WhatsApp account is linked: run `surveybot whatsapp-link` first")
	// ErrDisconnected is wrapped by the error Run returns when WhatsApp
	// ended the session for good.
	ErrDisconnected = errors.New("WhatsApp ended the session")
)

// client is the part of *whatsmeow.Client the channel uses, so that tests
// can record what is sent without a network.
type client interface {
	SendMessage(ctx context.Context, to types.JID, message *waE2E.Message, extra ...whatsmeow.SendRequestExtra) (whatsmeow.SendResponse, error)
	GenerateMessageID() types.MessageID
	BuildPollCreation(name string, optionNames []string, selectableOptionCount int) *waE2E.Message
	DecryptPollVote(ctx context.Context, vote *events.Message) (*waE2E.PollVoteMessage, error)
	Upload(ctx context.Context, plaintext []byte, appInfo whatsmeow.MediaType) (whatsmeow.UploadResponse, error)
	ConnectContext(ctx context.Context) error
	Disconnect()
}

var _ client = (*whatsmeow.Client)(nil)

// lidMap finds the phone number behind a LID (whatsmeow's store.LIDStore).
type lidMap interface {
	GetPNForLID(ctx context.Context, lid types.JID) (types.JID, error)
}

// Channel serves respondents on one linked WhatsApp account.
type Channel struct {
	cfg     Config
	log     *slog.Logger
	d       *bot.Dispatcher
	cli     client
	lids    lidMap
	store   *sessionStore
	limiter *rate.Limiter
	queue   *queues

	// since: messages sent before this (the link time) are old backlog.
	since time.Time
	now   func() time.Time // the clock, for poll ages and the backlog limit
	// retryBase is the first pause before a send is retried.
	retryBase time.Duration

	// workCtx outlives Run's context by shutdownGrace, so that messages
	// being handled when Run stops finish (answer stored, reply sent).
	workCtx    context.Context
	cancelWork context.CancelFunc

	permanent chan string // the reason, at most one
	permOnce  sync.Once
	running   atomic.Bool
	closeOnce sync.Once
}

// New opens the session file and prepares the channel; it does not
// connect (Run does). A file without a linked device gives ErrNotLinked.
func New(ctx context.Context, cfg Config, d *bot.Dispatcher) (*Channel, error) {
	cfg = withDefaults(cfg)
	if _, err := os.Stat(cfg.DBPath); errors.Is(err, os.ErrNotExist) {
		return nil, ErrNotLinked
	}
	st, err := openSession(ctx, cfg.DBPath, cfg.Log)
	if err != nil {
		return nil, err
	}
	dev, err := st.container.GetFirstDevice(ctx)
	if err != nil {
		st.close()
		return nil, fmt.Errorf("whatsapp: reading the session file: %s", redact(err.Error()))
	}
	if dev.ID == nil {
		st.close()
		return nil, ErrNotLinked
	}
	wa := whatsmeow.NewClient(dev, newWALogger(cfg.Log))
	// whatsmeow reconnects by itself after a network loss, also when the
	// very first connection fails; permanent disconnects stop it.
	wa.EnableAutoReconnect = true
	wa.InitialAutoReconnect = true
	c := newChannel(cfg, d, wa, dev.LIDs, st)
	c.since = st.linkedAt(ctx)
	wa.AddEventHandler(c.handleEvent)
	return c, nil
}

func withDefaults(cfg Config) Config {
	if cfg.DBPath == "" {
		cfg.DBPath = DefaultDBPath
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.Rate <= 0 {
		cfg.Rate = 1
	}
	return cfg
}

func newChannel(cfg Config, d *bot.Dispatcher, cli client, lids lidMap, st *sessionStore) *Channel {
	cfg = withDefaults(cfg)
	c := &Channel{
		cfg:       cfg,
		log:       cfg.Log.With("channel", channelName),
		d:         d,
		cli:       cli,
		lids:      lids,
		store:     st,
		limiter:   rate.NewLimiter(rate.Limit(cfg.Rate), 1),
		now:       time.Now,
		retryBase: 500 * time.Millisecond,
		permanent: make(chan string, 1),
	}
	c.workCtx, c.cancelWork = context.WithCancel(context.Background())
	c.queue = newQueues(maxQueued, c.process, c.log)
	return c
}

// Run connects and serves until ctx is done (returns nil) or WhatsApp ends
// the session for good (returns an error wrapping ErrDisconnected, after
// calling Config.OnPermanentDisconnect). It never reconnects after a
// permanent disconnect. Run closes the session file when it returns.
func (c *Channel) Run(ctx context.Context) error {
	if !c.running.CompareAndSwap(false, true) {
		return errors.New("whatsapp: Run called twice")
	}
	defer c.Close()
	c.markConnectTime(ctx)
	// The connection lives until we disconnect it, not until ctx ends, so
	// that replies being sent at shutdown still go out.
	if err := c.cli.ConnectContext(context.WithoutCancel(ctx)); err != nil {
		c.cancelWork()
		return fmt.Errorf("whatsapp: connecting: %s", redact(err.Error()))
	}
	c.log.Info("whatsapp channel started")
	var reason string
	select {
	case <-ctx.Done():
	case reason = <-c.permanent:
	}
	c.stop()
	if reason == "" {
		c.log.Info("whatsapp channel stopped")
		return nil
	}
	if c.cfg.OnPermanentDisconnect != nil {
		c.cfg.OnPermanentDisconnect(reason)
	}
	return fmt.Errorf("%w: %s", ErrDisconnected, reason)
}

// stop refuses new messages, lets those in hand finish for a moment, then
// disconnects.
func (c *Channel) stop() {
	if !c.queue.close(shutdownGrace) {
		c.log.Warn("whatsapp: stopped before every message was handled")
	}
	c.cancelWork()
	c.cli.Disconnect()
}

// markConnectTime keeps the first connection time as the backlog limit
// for a session linked without `surveybot whatsapp-link` recording it.
func (c *Channel) markConnectTime(ctx context.Context) {
	if !c.since.IsZero() || c.store == nil {
		return
	}
	c.since = c.now()
	if err := c.store.setLinkedAt(ctx, c.since); err != nil {
		c.log.Warn("whatsapp: cannot record the connection time", "err", redact(err.Error()))
	}
}

// Close releases the session file. Run calls it; call it yourself only
// when Run was never called.
func (c *Channel) Close() error {
	var err error
	c.closeOnce.Do(func() {
		c.cancelWork()
		if c.store != nil {
			err = c.store.close()
		}
	})
	return err
}

// handleEvent receives every whatsmeow event, on whatsmeow's single event
// goroutine: it only filters and queues.
func (c *Channel) handleEvent(evt any) {
	switch e := evt.(type) {
	case *events.Message:
		c.onMessage(e)
	case events.PermanentDisconnect:
		c.onPermanent(e)
	case *events.Connected:
		c.log.Info("whatsapp connected")
	case *events.Disconnected:
		c.log.Warn("whatsapp connection lost; reconnecting")
	case *events.UndecryptableMessage:
		c.log.Warn("whatsapp: a message could not be decrypted; WhatsApp will resend it")
	}
}

// onPermanent records the first permanent disconnect; Run acts on it.
func (c *Channel) onPermanent(e events.PermanentDisconnect) {
	c.permOnce.Do(func() {
		reason := describeDisconnect(e)
		c.log.Error("whatsapp disconnected for good; not reconnecting", "reason", reason)
		c.permanent <- reason
	})
}

// describeDisconnect says what happened and what to do, without numbers.
func describeDisconnect(e events.PermanentDisconnect) string {
	desc := redact(e.PermanentDisconnectDescription())
	switch e.(type) {
	case *events.LoggedOut:
		return "logged out (" + desc + "): the device was unlinked; run `surveybot whatsapp-link` again"
	case *events.StreamReplaced:
		return "stream replaced: another program uses the same WhatsApp session; stop it and restart"
	case *events.ClientOutdated:
		return "client outdated: WhatsApp refuses this version; update surveybot"
	case *events.TemporaryBan:
		return desc + "; wait for the ban to end before starting again"
	}
	return desc
}
