// Command surveyload puts `surveybot run` under load, and under crashes,
// against a local fake Telegram Bot API, and checks that nothing was lost.
//
// It starts a fake Bot API server on 127.0.0.1, builds surveybot (or runs
// --bot-cmd) with TELEGRAM_BOT_TOKEN and TELEGRAM_API_URL pointing at it
// and SURVEYBOT_TELEGRAM_RATE=0 (no pacing against the fake), and runs N
// virtual respondents. Each answers the whole built-in survey with a
// seeded mix of button taps, typed answers (numbers, Arabic-Indic digits,
// labels in any language), several-choice toggles, /back, /skip, stale
// taps and inputs that are not answers, waiting for the bot's reply before
// its next input. At the end it stops the bot (SIGTERM), exports the
// database with `surveybot export --format json`, and checks that every
// respondent's response is complete and holds exactly what they answered;
// then it opens the database with storage.Open and runs bbolt's check.
//
// It prints answers per second, update-to-reply latency (from an update
// becoming available to getUpdates to the bot's reply in that chat: p50,
// p95, p99), the bot's peak RSS (VmHWM), its CPU time, the database size.
//
//	surveyload                         1,000 respondents, flat out
//	surveyload -n 1000 --rate 300      an offered 300 inputs/s, for latency
//	surveyload --calibrate             bbolt's fsync'd transaction rate on this disk, too
//	surveyload --kill-every 500ms      SIGKILL the bot at random moments, at least 20 times
//
// Everything stays on loopback; the run is bounded by --timeout.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"golang.org/x/time/rate"
)

type config struct {
	n           int
	seed        uint64
	rate        float64
	killEvery   time.Duration
	minKills    int
	calibrate   bool
	calibTime   time.Duration
	botCmd      string
	db          string
	keep        bool
	timeout     time.Duration
	stepTimeout time.Duration
	prefill     int
	noise       float64
	fail500     float64
	fail429     float64
	jsonOut     string
	trace       int64
	progress    io.Writer // nil: quiet
}

func defaultConfig() config {
	return config{n: 1000, seed: 1, minKills: 20, calibTime: 2 * time.Second, timeout: 10 * time.Minute, stepTimeout: 30 * time.Second, noise: 1}
}

func main() {
	cfg := defaultConfig()
	fs := flag.NewFlagSet("surveyload", flag.ExitOnError)
	fs.IntVar(&cfg.n, "n", cfg.n, "virtual respondents, all at once")
	fs.Uint64Var(&cfg.seed, "seed", cfg.seed, "seed of the respondents' choices and of the kill times")
	fs.Float64Var(&cfg.rate, "rate", 0, "offered load in inputs (answers) per second over all respondents; 0: flat out")
	fs.DurationVar(&cfg.killEvery, "kill-every", 0, "SIGKILL and restart the bot at random moments, on average this often (0: never)")
	fs.IntVar(&cfg.minKills, "min-kills", cfg.minKills, "with --kill-every: pace the respondents so that the run sees at least this many kills")
	fs.BoolVar(&cfg.calibrate, "calibrate", false, "first measure bbolt's own fsync'd transaction rate on the database's disk")
	fs.DurationVar(&cfg.calibTime, "calibrate-time", cfg.calibTime, "how long each calibration measurement runs")
	fs.StringVar(&cfg.botCmd, "bot-cmd", "", `how to run surveybot, e.g. "/usr/local/bin/surveybot" (default: go build it); "run --db DB" and "export ..." are appended`)
	fs.StringVar(&cfg.db, "db", "", "database file to create (default: in a temporary directory); must not exist")
	fs.BoolVar(&cfg.keep, "keep", false, "keep the temporary directory (database, bot log)")
	fs.DurationVar(&cfg.timeout, "timeout", cfg.timeout, "bound on the whole run")
	fs.DurationVar(&cfg.stepTimeout, "step-timeout", cfg.stepTimeout, "longest wait for one reply before a respondent calls it an anomaly")
	fs.IntVar(&cfg.prefill, "prefill", 0, "store this many complete responses before the bot starts (startup and memory with a full database)")
	fs.Float64Var(&cfg.noise, "noise", cfg.noise, "scale of the detours (wrong inputs, /back, stale taps, extra toggles); 0: straight answers")
	fs.Float64Var(&cfg.fail500, "fail500", 0, "fraction of sends and edits the fake server answers with 500")
	fs.Float64Var(&cfg.fail429, "fail429", 0, "fraction of sends and edits the fake server answers with 429 (retry_after 1)")
	fs.StringVar(&cfg.jsonOut, "json", "", "also write the report as JSON to this file")
	fs.Int64Var(&cfg.trace, "trace", 0, "print every input and reply of this respondent (ids start at 100000)")
	quiet := fs.Bool("q", false, "no progress lines")
	cpuprofile := fs.String("cpuprofile", "", "write the load tool's own CPU profile to this file")
	_ = fs.Parse(os.Args[1:])
	if fs.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "surveyload: unexpected argument %q\n", fs.Arg(0))
		os.Exit(2)
	}
	if !*quiet {
		cfg.progress = os.Stderr
	}
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err == nil && pprof.StartCPUProfile(f) == nil {
			defer pprof.StopCPUProfile()
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	rep, err := run(ctx, cfg, os.Stdout)
	if err != nil {
		fmt.Fprintln(os.Stderr, "surveyload:", err)
		os.Exit(1)
	}
	if !rep.ok() {
		pprof.StopCPUProfile()
		os.Exit(1)
	}
}

// latency summarises reply times, in milliseconds.
type latency struct {
	P50 float64 `json:"p50_ms"`
	P95 float64 `json:"p95_ms"`
	P99 float64 `json:"p99_ms"`
	Max float64 `json:"max_ms"`
}

func summarize(ds []time.Duration) latency {
	if len(ds) == 0 {
		return latency{}
	}
	slices.Sort(ds)
	at := func(p float64) float64 {
		i := int(math.Ceil(p*float64(len(ds)))) - 1
		return float64(ds[max(i, 0)]) / 1e6
	}
	return latency{P50: at(0.50), P95: at(0.95), P99: at(0.99), Max: float64(ds[len(ds)-1]) / 1e6}
}

// report is what a run found.
type report struct {
	Respondents   int               `json:"respondents"`
	Prefilled     int               `json:"prefilled"`
	OfferedRate   float64           `json:"offered_inputs_per_s"` // 0: flat out
	Completed     int               `json:"completed"`
	Correct       int               `json:"correct_in_export"`
	Inputs        int               `json:"inputs"`
	Answers       int               `json:"answers"`
	Seconds       float64           `json:"seconds"`
	InputsPerSec  float64           `json:"inputs_per_s"`
	AnswersPerSec float64           `json:"answers_per_s"`
	Reply         latency           `json:"reply"`
	FirstReply    latency           `json:"first_reply"`
	PeakRSSMB     float64           `json:"peak_rss_mb"`
	BotCPU        float64           `json:"bot_cpu_s"`
	ToolCPU       float64           `json:"tool_cpu_s"`
	DBBytes       int64             `json:"db_bytes"`
	StartupMS     float64           `json:"startup_ms"`
	StopSeconds   float64           `json:"stop_s"`
	StopExit      int               `json:"stop_exit"`
	Kills         int               `json:"kills"`
	Lost          int               `json:"lost"`
	Doubled       int               `json:"doubled"`
	Unexpected    int               `json:"unexpected"`
	NoReply       int               `json:"no_reply"`
	Stuck         int               `json:"stuck"`
	Anomalies     []string          `json:"anomalies,omitempty"`
	Problems      []string          `json:"export_problems,omitempty"`
	CheckErr      string            `json:"db_check_error,omitempty"`
	TokenLeaked   bool              `json:"token_leaked"`
	Modes         map[string]string `json:"file_modes"`
	Calls         map[string]int64  `json:"api_calls"`
	APIFailures   int64             `json:"api_failures"`
	FailureKinds  map[string]int64  `json:"api_failure_kinds"`
	PeakAnonMB    float64           `json:"peak_rss_anon_mb"` // sampled every 250 ms: heap, stacks
	PeakFileMB    float64           `json:"peak_rss_file_mb"` // sampled: file-backed (the database's mmap)
	Pickup        latency           `json:"pickup"`           // update available → first handed out by getUpdates
	BatchMean     float64           `json:"batch_mean"`       // updates per non-empty getUpdates answer
	BatchTime     latency           `json:"batch_time"`       // non-empty answer → the bot's next getUpdates
	PressureCPU   string            `json:"psi_cpu_before"`   // /proc/pressure/cpu before the run
	PressureIO    string            `json:"psi_io_before"`    // /proc/pressure/io before the run
	Calibration   *calibration      `json:"calibration,omitempty"`
	Dir           string            `json:"dir,omitempty"`
	killsWanted   int
}

// ok says whether the run proved what it should.
func (r *report) ok() bool {
	return r.Correct == r.Respondents && r.Lost == 0 && r.Doubled == 0 && r.Stuck == 0 &&
		r.CheckErr == "" && !r.TokenLeaked && r.Kills >= r.killsWanted && r.StopExit == 0
}

// inputsPerRespondent is about how many inputs a respondent sends with
// the default noise (measured: 33.5 per respondent over 1,000), to pace a
// crash-loop run.
const inputsPerRespondent = 34

// killRoom stretches a crash-loop run beyond minKills × killEvery: kills
// come at random moments, each restart takes a little time, and a faster
// bot must not end the run before the kills wanted (seed 12 once saw 19
// of 20 with 1.3).
const killRoom = 1.6

func run(ctx context.Context, cfg config, out io.Writer) (*report, error) {
	ctx, cancel := context.WithTimeout(ctx, cfg.timeout)
	defer cancel()
	progress := func(format string, args ...any) {
		if cfg.progress != nil {
			fmt.Fprintf(cfg.progress, "surveyload: "+format+"\n", args...)
		}
	}
	rep := &report{Respondents: cfg.n, Prefilled: cfg.prefill, Modes: map[string]string{}}
	rep.PressureCPU, rep.PressureIO = pressure("cpu"), pressure("io")
	if cfg.killEvery > 0 {
		rep.killsWanted = cfg.minKills
	}

	dir, err := os.MkdirTemp("", "surveyload-")
	if err != nil {
		return nil, err
	}
	if cfg.keep {
		rep.Dir = dir
	} else {
		defer os.RemoveAll(dir)
	}
	db := cfg.db
	if db == "" {
		db = filepath.Join(dir, "surveyload.db")
	} else if _, err := os.Stat(db); err == nil {
		return nil, fmt.Errorf("%s exists: surveyload creates its own database", db)
	}
	si, err := loadSurveyInfo()
	if err != nil {
		return nil, err
	}

	if cfg.calibrate {
		progress("calibrating bbolt in %s (%v each)", filepath.Dir(db), cfg.calibTime)
		c, err := calibrate(filepath.Dir(db), cfg.calibTime)
		if err != nil {
			return nil, fmt.Errorf("calibrate: %w", err)
		}
		rep.Calibration = &c
	}
	if cfg.n == 0 {
		printReport(out, rep)
		return rep, nil
	}

	var base []string
	if cfg.botCmd != "" {
		base = strings.Fields(cfg.botCmd)
	} else {
		progress("building surveybot")
		bin, err := buildBot(ctx, dir)
		if err != nil {
			return nil, err
		}
		base = []string{bin}
	}
	if cfg.prefill > 0 {
		progress("storing %d earlier responses", cfg.prefill)
		if err := prefill(db, si, cfg.seed, cfg.prefill); err != nil {
			return nil, fmt.Errorf("prefill: %w", err)
		}
	}

	api, err := newFakeAPI(cfg.seed)
	if err != nil {
		return nil, err
	}
	defer api.Close()
	api.fail500, api.fail429 = cfg.fail500, cfg.fail429
	logPath := filepath.Join(dir, "bot.log")
	logf, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	defer logf.Close()
	argv := append(slices.Clone(base), "run", "--db", db)
	env := botEnv(api)

	// The bot, and its restarts.
	var botMu sync.Mutex
	var bot *botProc
	var peak int64
	var cpu time.Duration
	start := func() (time.Duration, error) {
		polled := api.expectStart()
		b, err := startBot(argv, env, logf)
		if err != nil {
			return 0, err
		}
		select {
		case <-polled:
		case <-b.exited:
			return 0, fmt.Errorf("the bot exited at start (%v); its log:\n%s", b.err, tail(logPath, 20))
		case <-time.After(30 * time.Second):
			b.kill()
			return 0, fmt.Errorf("the bot did not poll within 30 s; its log:\n%s", tail(logPath, 20))
		case <-ctx.Done():
			b.kill()
			return 0, ctx.Err()
		}
		botMu.Lock()
		bot = b
		botMu.Unlock()
		return time.Since(b.started), nil
	}
	retire := func(b *botProc) {
		peak = max(peak, b.peakRSS())
		cpu += b.cpu()
	}
	startup, err := start()
	if err != nil {
		return nil, err
	}
	rep.StartupMS = float64(startup) / 1e6
	progress("bot ready in %v; %d respondents", startup.Round(time.Millisecond), cfg.n)

	// Pacing.
	sh := &shared{api: api, si: si, noise: defaultNoise(cfg.noise), wait: cfg.stepTimeout, trace: cfg.trace, traceW: os.Stderr}
	offered := cfg.rate
	if offered == 0 && cfg.killEvery > 0 {
		// Long enough a run for the kills wanted.
		offered = float64(cfg.n*inputsPerRespondent) / (float64(cfg.minKills) * killRoom * cfg.killEvery.Seconds())
	}
	if offered > 0 {
		sh.limiter = rate.NewLimiter(rate.Limit(offered), 1)
		rep.OfferedRate = offered
	}

	// The respondents.
	rs := make([]*respondent, cfg.n)
	for i := range rs {
		rs[i] = newRespondent(sh, cfg.seed, int64(100_000+i))
	}
	var wg sync.WaitGroup
	var finished atomic.Int64
	errs := make([]error, cfg.n)
	allDone := make(chan struct{})
	began := time.Now()
	for i, r := range rs {
		wg.Go(func() {
			errs[i] = r.run(ctx)
			finished.Add(1)
		})
	}
	go func() { wg.Wait(); close(allDone) }()

	// Kills.
	var kills atomic.Int64
	killerDone := make(chan struct{})
	go func() {
		defer close(killerDone)
		if cfg.killEvery <= 0 {
			return
		}
		kr := rand.New(rand.NewPCG(cfg.seed, 0xdead))
		for {
			d := time.Duration((0.5 + kr.Float64()) * float64(cfg.killEvery))
			select {
			case <-allDone:
				return
			case <-ctx.Done():
				return
			case <-time.After(d):
			}
			botMu.Lock()
			b := bot
			botMu.Unlock()
			retire(b)
			b.kill()
			kills.Add(1)
			if _, err := start(); err != nil {
				progress("restart failed: %v", err)
				cancel()
				return
			}
		}
	}()

	// Memory: the split of the resident set between the heap and the
	// database's mapped pages, sampled (VmHWM has the peak of the sum).
	var peakAnon, peakFile atomic.Int64
	go func() {
		t := time.NewTicker(250 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-allDone:
				return
			case <-t.C:
			}
			botMu.Lock()
			b := bot
			botMu.Unlock()
			a, f := b.rss()
			if a > peakAnon.Load() {
				peakAnon.Store(a)
			}
			if f > peakFile.Load() {
				peakFile.Store(f)
			}
		}
	}()

	// Progress.
	tick := time.NewTicker(2 * time.Second)
	func() {
		defer tick.Stop()
		for {
			select {
			case <-allDone:
				return
			case <-tick.C:
				progress("%d/%d respondents done, %d kills, %.0fs", finished.Load(), cfg.n, kills.Load(), time.Since(began).Seconds())
			}
		}
	}()
	<-killerDone
	ended := time.Now()
	rep.Kills = int(kills.Load())

	// Figures from the respondents.
	var replies, firsts []time.Duration
	var last time.Time
	for i, r := range rs {
		rep.Inputs += len(r.samples)
		rep.Answers += r.answers
		if r.done {
			rep.Completed++
		} else {
			rep.Stuck++
			if errs[i] != nil && len(rep.Anomalies) < 20 {
				rep.Anomalies = append(rep.Anomalies, "stuck: "+errs[i].Error())
			}
		}
		for _, s := range r.samples {
			replies = append(replies, s.reply)
			firsts = append(firsts, s.firstReply)
			if s.done.After(last) {
				last = s.done
			}
		}
		for _, a := range r.anomalies {
			switch a.kind {
			case "lost":
				rep.Lost++
			case "doubled":
				rep.Doubled++
			case "no-reply":
				rep.NoReply++
			case "after-doubled":
			default:
				rep.Unexpected++
			}
			if len(rep.Anomalies) < 20 {
				rep.Anomalies = append(rep.Anomalies, a.kind+": "+a.msg)
			}
		}
	}
	if last.IsZero() {
		last = ended
	}
	rep.Seconds = last.Sub(began).Seconds()
	rep.InputsPerSec = float64(rep.Inputs) / rep.Seconds
	rep.AnswersPerSec = float64(rep.Answers) / rep.Seconds
	rep.Reply, rep.FirstReply = summarize(replies), summarize(firsts)

	// Stop the bot as an operator would.
	botMu.Lock()
	b := bot
	botMu.Unlock()
	retire(b)
	stopTook, code := b.stop(6 * time.Second)
	rep.StopSeconds, rep.StopExit = stopTook.Seconds(), code
	rep.PeakRSSMB = float64(peak) / (1 << 20)
	rep.BotCPU = cpu.Seconds()
	rep.ToolCPU = selfCPU().Seconds()
	rep.Calls = api.callCounts()
	pickups, sizes, btimes := api.pollStats()
	rep.Pickup, rep.BatchTime = summarize(pickups), summarize(btimes)
	if len(sizes) > 0 {
		sum := 0
		for _, n := range sizes {
			sum += n
		}
		rep.BatchMean = float64(sum) / float64(len(sizes))
	}
	rep.APIFailures = api.failures.Load()
	rep.FailureKinds = api.failureCounts()
	rep.PeakAnonMB, rep.PeakFileMB = float64(peakAnon.Load())/(1<<20), float64(peakFile.Load())/(1<<20)
	api.Close()

	// The database: export, check, size, modes.
	progress("exporting and checking %s", db)
	if rows, err := exportJSON(context.WithoutCancel(ctx), base, db); err != nil {
		rep.Problems = append(rep.Problems, err.Error())
	} else {
		rep.Correct, rep.Problems = checkExport(si, rows, rs)
		if want := cfg.n + cfg.prefill; len(rows) != want {
			rep.Problems = append(rep.Problems, fmt.Sprintf("export has %d responses, want %d", len(rows), want))
		}
	}
	if err := checkDB(db); err != nil {
		rep.CheckErr = err.Error()
	}
	if fi, err := os.Stat(db); err == nil {
		rep.DBBytes = fi.Size()
		rep.Modes["db"] = fi.Mode().Perm().String()
	}
	logf.Sync()
	if logs, err := os.ReadFile(logPath); err == nil {
		secret := api.token[strings.IndexByte(api.token, ':')+1:]
		rep.TokenLeaked = strings.Contains(string(logs), secret)
	}
	printReport(out, rep)
	if cfg.jsonOut != "" {
		data, _ := json.MarshalIndent(rep, "", "  ")
		if err := os.WriteFile(cfg.jsonOut, append(data, '\n'), 0o600); err != nil {
			return rep, err
		}
	}
	if ctx.Err() != nil && rep.Stuck > 0 {
		return rep, errors.New("the run hit --timeout")
	}
	return rep, nil
}

// pressure is the "some" line of /proc/pressure/KIND (Linux PSI): the
// share of time tasks waited for that resource, here mostly because of
// other processes sharing the machine.
func pressure(kind string) string {
	data, err := os.ReadFile("/proc/pressure/" + kind)
	if err != nil {
		return "n/a"
	}
	line, _, _ := strings.Cut(string(data), "\n")
	line = strings.TrimPrefix(line, "some ")
	f := strings.Fields(line)
	if len(f) >= 2 {
		return f[0] + " " + f[1]
	}
	return line
}

func selfCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// tail returns the last n lines of a file.
func tail(path string, n int) string {
	data, _ := os.ReadFile(path)
	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

func printReport(w io.Writer, r *report) {
	p := func(k, format string, args ...any) {
		fmt.Fprintf(w, "%-22s "+format+"\n", append([]any{k + ":"}, args...)...)
	}
	if c := r.Calibration; c != nil {
		p("bbolt fsync limit", "%.0f tx/s sequential Update, %.0f tx/s Batch (64 writers, 2 ms delay)", c.SeqPerSec, c.BatchPerSec)
	}
	if r.Respondents == 0 {
		return
	}
	load := "flat out"
	if r.OfferedRate > 0 {
		load = fmt.Sprintf("offered %.0f inputs/s", r.OfferedRate)
	}
	p("respondents", "%d concurrent (%s), %d stored before", r.Respondents, load, r.Prefilled)
	p("completed", "%d; correct in export %d; stuck %d", r.Completed, r.Correct, r.Stuck)
	p("inputs", "%d in %.1fs = %.0f inputs/s (every input is one stored transaction)", r.Inputs, r.Seconds, r.InputsPerSec)
	p("answers", "%d = %.0f answers/s (acknowledged by the next question)", r.Answers, r.AnswersPerSec)
	if c := r.Calibration; c != nil && c.SeqPerSec > 0 {
		p("ratio to fsync limit", "%.2f× sequential, %.2f× batch", r.InputsPerSec/c.SeqPerSec, r.InputsPerSec/c.BatchPerSec)
	}
	p("latency (reply)", "p50 %.1f ms  p95 %.1f ms  p99 %.1f ms  max %.1f ms", r.Reply.P50, r.Reply.P95, r.Reply.P99, r.Reply.Max)
	p("latency (first write)", "p50 %.1f ms  p95 %.1f ms  p99 %.1f ms  max %.1f ms", r.FirstReply.P50, r.FirstReply.P95, r.FirstReply.P99, r.FirstReply.Max)
	p("pickup delay", "p50 %.1f ms  p99 %.1f ms (available → handed out by getUpdates)", r.Pickup.P50, r.Pickup.P99)
	p("batches", "%.1f updates per poll; handling a batch p50 %.1f ms p99 %.1f ms", r.BatchMean, r.BatchTime.P50, r.BatchTime.P99)
	p("bot peak RSS", "%.1f MB (VmHWM); sampled peaks: %.1f MB anonymous (heap), %.1f MB file-backed (database mmap)", r.PeakRSSMB, r.PeakAnonMB, r.PeakFileMB)
	p("bot CPU", "%.1f s (%.0f µs per input); load tool %.1f s", r.BotCPU, r.BotCPU/float64(max(r.Inputs, 1))*1e6, r.ToolCPU)
	p("database", "%.1f MB, mode %s; bbolt check: %s", float64(r.DBBytes)/(1<<20), r.Modes["db"], orOK(r.CheckErr))
	p("startup", "%.0f ms to the first getUpdates", r.StartupMS)
	p("stop (SIGTERM)", "%.2f s, exit %d", r.StopSeconds, r.StopExit)
	p("kills", "%d (wanted at least %d)", r.Kills, r.killsWanted)
	p("lost / doubled", "%d / %d; unexpected replies %d, unanswered inputs %d", r.Lost, r.Doubled, r.Unexpected, r.NoReply)
	p("token in bot output", "%v", r.TokenLeaked)
	p("host pressure before", "cpu %s; io %s", r.PressureCPU, r.PressureIO)
	var calls []string
	for m, n := range r.Calls {
		calls = append(calls, fmt.Sprintf("%s %d", m, n))
	}
	slices.Sort(calls)
	p("Bot API calls", "%s", strings.Join(calls, ", "))
	var fails []string
	for k, n := range r.FailureKinds {
		fails = append(fails, fmt.Sprintf("%s ×%d", k, n))
	}
	slices.Sort(fails)
	if len(fails) == 0 {
		p("Bot API refusals", "0")
	} else {
		p("Bot API refusals", "%d: %s", r.APIFailures, strings.Join(fails, "; "))
	}
	for _, a := range r.Anomalies {
		fmt.Fprintln(w, "  anomaly:", a)
	}
	for _, pr := range r.Problems {
		fmt.Fprintln(w, "  export:", pr)
	}
	if r.Dir != "" {
		fmt.Fprintln(w, "kept:", r.Dir)
	}
	verdict := "PASS"
	if !r.ok() {
		verdict = "FAIL"
	}
	fmt.Fprintln(w, verdict)
}

func orOK(s string) string {
	if s == "" {
		return "ok"
	}
	return s
}
