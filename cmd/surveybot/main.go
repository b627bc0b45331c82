// Command surveybot runs a chat survey on Telegram, WhatsApp and the
// terminal, and exports its answers. See README.md.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// exitError carries an exit code for errors already explained to the user.
type exitError struct {
	code int
	msg  string
}

func (e *exitError) Error() string { return e.msg }

type command struct {
	name, usage string
	run         func(ctx context.Context, env *cliEnv, args []string) error
}

var commands = []command{
	{"run", "run every configured channel until interrupted", cmdRun},
	{"chat", "answer the survey in this terminal [--as NAME]", cmdChat},
	{"export", "write responses: --format csv|xlsx|json [--out FILE] [--status all|complete|partial]\n                 [--labels LANG] [--split-multi] [--since T] [--until T]", cmdExport},
	{"stats", "completion figures and per-question counts", cmdStats},
	{"validate", "check a survey file: validate [FILE]", cmdValidate},
	{"backup", "write a consistent copy of the database: --out FILE", cmdBackup},
	{"whatsapp-link", "link a WhatsApp account [--phone +NUMBER]", cmdWhatsAppLink},
}

// cliEnv is what every command gets: where to talk and the environment.
type cliEnv struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	env := &cliEnv{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv}
	err := dispatch(ctx, env, os.Args[1:])
	stop()
	os.Exit(exitCode(env, err))
}

func exitCode(env *cliEnv, err error) int {
	if err == nil {
		return 0
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.msg != "" {
			fmt.Fprintln(env.stderr, "surveybot: "+ee.msg)
		}
		return ee.code
	}
	if errors.Is(err, flag.ErrHelp) {
		return 2
	}
	fmt.Fprintln(env.stderr, "surveybot: "+err.Error())
	return 1
}

func dispatch(ctx context.Context, env *cliEnv, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(env.stderr)
		if len(args) == 0 {
			return &exitError{code: 2}
		}
		return nil
	}
	for _, c := range commands {
		if c.name == args[0] {
			return c.run(ctx, env, args[1:])
		}
	}
	if args[0] == checkDBCommand { // hidden: used by openStore
		return cmdCheckDB(ctx, env, args[1:])
	}
	usage(env.stderr)
	return &exitError{code: 2, msg: fmt.Sprintf("unknown command %q", args[0])}
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: surveybot COMMAND [--db PATH] [--survey FILE] [options]")
	fmt.Fprintln(w, "\ncommands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-14s %s\n", c.name, c.usage)
	}
	fmt.Fprintln(w, "\nenvironment: SURVEYBOT_DB, SURVEYBOT_SURVEY, TELEGRAM_BOT_TOKEN, TELEGRAM_API_URL,")
	fmt.Fprintln(w, "  SURVEYBOT_TELEGRAM_RATE, SURVEYBOT_TELEGRAM_CHAT_RATE, WHATSAPP_ENABLED, WHATSAPP_POLLS,")
	fmt.Fprintln(w, "  SURVEYBOT_WHATSAPP_DB, SURVEYBOT_COORDINATORS, SURVEYBOT_REMIND_AFTER (see README.md)")
}

// common holds the flags every command takes.
type common struct {
	db, survey string
}

// flags makes a flag set with --db and --survey, defaulting from the
// environment.
func (env *cliEnv) flags(name string) (*flag.FlagSet, *common) {
	fs := flag.NewFlagSet("surveybot "+name, flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	c := &common{}
	fs.StringVar(&c.db, "db", envOr(env.getenv, "SURVEYBOT_DB", "surveybot.db"), "database file (env SURVEYBOT_DB)")
	fs.StringVar(&c.survey, "survey", env.getenv("SURVEYBOT_SURVEY"), "survey file (env SURVEYBOT_SURVEY; default: the built-in smart-cities survey)")
	return fs, c
}

func envOr(getenv func(string) string, key, def string) string {
	if v := getenv(key); v != "" {
		return v
	}
	return def
}

// parse parses flags, allowing them before and after positional arguments.
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}
