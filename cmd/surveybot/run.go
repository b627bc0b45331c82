package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"strconv"
	"sync"
	"time"

	"github.com/uclg-mewa/surveybot/bot"
	"github.com/uclg-mewa/surveybot/bot/coord"
	"github.com/uclg-mewa/surveybot/bot/telegram"
	"github.com/uclg-mewa/surveybot/bot/whatsapp"
	"github.com/uclg-mewa/surveybot/storage"
	"github.com/uclg-mewa/surveybot/storage/opsock"
)

// shutdownGrace bounds how long channels may take to finish in-flight
// messages after SIGINT/SIGTERM (the contract allows 5 s in all).
const shutdownGrace = 4 * time.Second

// updateRetention is how long processed-update ids are kept: far longer
// than Telegram or WhatsApp ever redeliver.
const updateRetention = 7 * 24 * time.Hour

const noChannel = `no channel is configured.
  Telegram: create a bot with @BotFather and set TELEGRAM_BOT_TOKEN=<token>
  WhatsApp: run "surveybot whatsapp-link", then set WHATSAPP_ENABLED=1
To answer the survey in this terminal instead, run "surveybot chat".`

// channel is what run starts: Telegram, WhatsApp.
type channel interface {
	Run(ctx context.Context) error
}

func cmdRun(ctx context.Context, env *cliEnv, args []string) error {
	fs, c := env.flags("run")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	token := env.getenv("TELEGRAM_BOT_TOKEN")
	waOn := env.getenv("WHATSAPP_ENABLED") == "1"
	if token == "" && !waOn {
		return &exitError{code: 2, msg: noChannel}
	}
	tuneGC(env.getenv)
	sv, err := loadSurvey(c.survey)
	if err != nil {
		return err
	}
	st, err := openStore(c.db, false)
	if err != nil {
		return err
	}
	defer st.Close()
	log := newLogger(env)
	d := bot.NewDispatcher(newEngine(sv), st, log)

	// export/stats/backup from other processes go through this socket;
	// without it they would only say the database is in use, so a failure
	// is worth a warning, not a refusal to serve respondents.
	if stopSock, err := opsock.Serve(ctx, c.db, newOpsHandler(st, sv), log); err != nil {
		log.Warn("export socket not available; export/stats need the bot stopped", "err", err)
	} else {
		defer stopSock()
	}

	w := &wiring{env: env, log: log, d: d, store: st}
	coords, remindAfter, err := coordinatorSettings(env.getenv)
	if err != nil {
		return err
	}
	chans, err := w.channels(ctx, token, waOn)
	if err != nil {
		return err
	}
	svc := w.coordinators(coords)
	var bg sync.WaitGroup
	bg.Add(2)
	go func() { defer bg.Done(); pruneLoop(ctx, st, log) }()
	// RunReminders also delivers what /remind queues, so it runs even
	// without automatic reminders (remindAfter 0).
	go func() { defer bg.Done(); svc.RunReminders(ctx, time.Minute, remindAfter) }()
	log.Info("surveybot running", "survey", sv.ID, "channels", len(chans), "coordinators", len(coords), "db", c.db)
	runAll(ctx, chans, log)
	bg.Wait() // both return at once when ctx ends; the store closes after them
	log.Info("surveybot stopped")
	return nil
}

// coordinatorSettings reads SURVEYBOT_COORDINATORS and SURVEYBOT_REMIND_AFTER.
func coordinatorSettings(getenv func(string) string) (map[string]bool, time.Duration, error) {
	coords, err := coord.ParseCoordinators(getenv("SURVEYBOT_COORDINATORS"))
	if err != nil {
		return nil, 0, &exitError{code: 2, msg: err.Error()}
	}
	var after time.Duration
	if v := getenv("SURVEYBOT_REMIND_AFTER"); v != "" {
		after, err = time.ParseDuration(v)
		if err != nil || after < time.Hour {
			return nil, 0, &exitError{code: 2, msg: fmt.Sprintf("SURVEYBOT_REMIND_AFTER=%q: want a duration of at least 1h, such as 48h", v)}
		}
	}
	return coords, after, nil
}

// coordinators joins the coordinator service to the dispatcher and the
// running channels.
func (w *wiring) coordinators(ids map[string]bool) *coord.Service {
	senders := coord.Senders{}
	username := func() string { return "" }
	if w.tg != nil {
		senders["telegram"] = w.tg
		username = w.tg.Username
	}
	if w.wa != nil {
		senders["whatsapp"] = w.wa
	}
	svc := &coord.Service{Survey: w.d.Engine.Survey, Engine: w.d.Engine, Store: w.store, Coordinators: ids,
		BotUsername: username, Sender: senders, Log: w.log}
	w.d.Coord = svc
	w.coordIDs = ids
	return svc
}

// wiring builds the channels and what joins them.
type wiring struct {
	env   *cliEnv
	log   *slog.Logger
	d     *bot.Dispatcher
	store *storage.Store
	tg    *telegram.Channel
	wa    *whatsapp.Channel

	coordIDs map[string]bool
}

func (w *wiring) channels(ctx context.Context, token string, waOn bool) ([]channel, error) {
	var chans []channel
	if token != "" {
		cfg, err := telegramConfig(w.env.getenv)
		if err != nil {
			return nil, err
		}
		cfg.Token, cfg.Log = token, w.log
		tg, err := telegram.New(ctx, cfg, w.d)
		if errors.Is(err, telegram.ErrUnauthorized) {
			return nil, &exitError{code: 1, msg: err.Error()}
		}
		if err != nil {
			return nil, &exitError{code: 1, msg: "cannot start Telegram: " + err.Error()}
		}
		w.tg = tg
		chans = append(chans, tg)
		w.log.Info("telegram ready", "bot", tg.Username())
	}
	if waOn {
		wa, err := w.whatsapp(ctx)
		if err != nil {
			return nil, err
		}
		w.wa = wa
		chans = append(chans, wa)
	}
	return chans, nil
}

// runAll runs every channel until ctx ends; a channel that stops on its
// own (a permanent WhatsApp disconnect) leaves the others running.
func runAll(ctx context.Context, chans []channel, log *slog.Logger) {
	var wg sync.WaitGroup
	for _, ch := range chans {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := ch.Run(ctx); err != nil && ctx.Err() == nil {
				log.Error("channel stopped", "err", err)
			}
		}()
	}
	<-ctx.Done()
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(shutdownGrace):
		log.Warn("channels did not stop in time; closing the database anyway")
	}
}

// pruneLoop forgets processed-update ids after updateRetention, so the
// de-duplication bucket does not grow forever.
func pruneLoop(ctx context.Context, st *storage.Store, log *slog.Logger) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		if n, err := st.PruneUpdates(time.Now().Add(-updateRetention)); err != nil {
			log.Warn("pruning processed updates", "err", err)
		} else if n > 0 {
			log.Info("pruned processed updates", "count", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// telegramConfig reads the Telegram settings. The pacing rates default to
// Telegram's own limits; they are settings so that a load test against a
// local fake server can lift them (SURVEYBOT_TELEGRAM_RATE=0 lifts both).
func telegramConfig(getenv func(string) string) (telegram.Config, error) {
	cfg := telegram.Config{APIURL: getenv("TELEGRAM_API_URL")}
	for _, s := range []struct {
		key string
		dst *float64
	}{{"SURVEYBOT_TELEGRAM_RATE", &cfg.GlobalRate}, {"SURVEYBOT_TELEGRAM_CHAT_RATE", &cfg.ChatRate}} {
		v := getenv(s.key)
		if v == "" {
			continue
		}
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || f < 0 {
			return cfg, &exitError{code: 2, msg: fmt.Sprintf("%s=%q: want a number of messages per second (0: unlimited)", s.key, v)}
		}
		if f == 0 {
			// math.MaxFloat64 is rate.Inf exactly: golang.org/x/time/rate
			// special-cases it, whereas +Inf turns the bucket's token count
			// into NaN (it still allows everything, but an idle chat's
			// bucket then never reads as full and is never swept).
			f = math.MaxFloat64
		}
		*s.dst = f
	}
	// SURVEYBOT_TELEGRAM_RATE=0 lifts the per-chat pacing too, unless
	// SURVEYBOT_TELEGRAM_CHAT_RATE says otherwise. (This tested GlobalRate,
	// which the loop above had just set, so the chat pacing stayed at 1/s.)
	if cfg.ChatRate == 0 && getenv("SURVEYBOT_TELEGRAM_RATE") == "0" {
		cfg.ChatRate = math.MaxFloat64
	}
	return cfg, nil
}
