// Package console is the terminal channel: one respondent answers the
// survey on standard input, one line per message, and reads the bot's
// messages on standard output. It drives the same dispatcher, engine and
// database as the chat channels.
package console

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/uclg-mewa/surveybot/bot"
	"github.com/uclg-mewa/surveybot/conversation"
	"github.com/uclg-mewa/surveybot/messages"
)

// maxLine bounds one input line; a longer one is still read whole (and
// then refused by the engine as too long), never split into several answers.
const maxLine = 1 << 20

// Run greets the respondent (as /start would), then handles one line of
// in at a time until in ends or ctx is cancelled (Ctrl-C). Everything
// answered is committed before the next prompt is printed.
func Run(ctx context.Context, d *bot.Dispatcher, name string, in io.Reader, out io.Writer) error {
	c := &chat{d: d, out: out, respondent: "console:" + name}
	if err := c.handle(ctx, conversation.Event{Kind: conversation.EventCommand, Command: conversation.CmdStart}); err != nil {
		return err
	}
	lines, errc := readLines(in)
	for {
		fmt.Fprint(c.out, "> ")
		select {
		case <-ctx.Done():
			c.bye()
			return nil
		case line, ok := <-lines:
			if !ok {
				c.bye()
				return <-errc
			}
			if err := c.handle(ctx, ParseLine(line)); err != nil {
				return err
			}
		}
	}
}

// readLines reads in on its own goroutine, so that Ctrl-C does not wait
// for the next Enter. The goroutine ends with the process. A line longer
// than maxLine is cut there (the engine then refuses it as too long)
// rather than ending the session.
func readLines(in io.Reader) (<-chan string, <-chan error) {
	lines, errc := make(chan string), make(chan error, 1)
	go func() {
		defer close(lines)
		r := bufio.NewReaderSize(in, 64*1024)
		for {
			line, err := readLine(r)
			if err != nil {
				if err != io.EOF {
					errc <- err
				} else {
					errc <- nil
				}
				return
			}
			lines <- line
		}
	}()
	return lines, errc
}

// readLine returns one line without its end, keeping at most maxLine bytes
// of it. A last line without a line break counts; io.EOF comes after it.
func readLine(r *bufio.Reader) (string, error) {
	var b []byte
	for {
		chunk, isPrefix, err := r.ReadLine()
		if err != nil {
			if err == io.EOF && len(b) > 0 {
				return string(b), nil
			}
			return "", err
		}
		if room := maxLine - len(b); room > 0 {
			b = append(b, chunk[:min(len(chunk), room)]...)
		}
		if !isPrefix {
			return string(b), nil
		}
	}
}

// bye says that everything is saved and how to come back, or, once the
// response is submitted, thanks.
func (c *chat) bye() {
	lang, key := messages.Default, "console.bye"
	if st, ok, err := c.d.State(c.respondent); err == nil && ok {
		if st.Language != "" {
			lang = st.Language
		}
		if st.Status() == conversation.StatusComplete {
			key = "console.bye_done"
		}
	}
	fmt.Fprintf(c.out, "\n\n%s\n", messages.Get(lang, key))
}

// ParseLine turns a typed line into an event, as the chat channels read a
// message (see bot.TextEvent); the line end of a Windows terminal is not
// part of it.
func ParseLine(line string) conversation.Event {
	return bot.TextEvent(strings.TrimRight(line, "\r"))
}

type chat struct {
	d          *bot.Dispatcher
	out        io.Writer
	respondent string
}

func (c *chat) handle(ctx context.Context, ev conversation.Event) error {
	msgs, err := c.d.Handle(ctx, bot.Inbound{Respondent: c.respondent, Channel: "console", Event: ev, TextOnly: true})
	if err != nil {
		return err
	}
	for _, m := range msgs {
		c.print(m)
	}
	return nil
}

// print shows a message as text, options as numbered lines.
func (c *chat) print(m bot.Message) {
	if m.Ack != "" {
		fmt.Fprintf(c.out, "   %s\n", m.Ack)
		return
	}
	fmt.Fprintln(c.out, "")
	fmt.Fprintln(c.out, TextWithOptions(m))
}

// TextWithOptions renders a message for a channel without buttons: the
// text, then the choices numbered in the language's digits; Done, Skip and
// Submit are named as words to type.
func TextWithOptions(m bot.Message) string {
	var b strings.Builder
	b.WriteString(m.Text)
	n := 0
	var words []string
	for _, o := range m.Options {
		switch o.Kind {
		case "choice", "language", "yes", "no":
			n++
			mark := ""
			if o.Selected {
				mark = "✓ "
			}
			digits := m.Language
			if o.Kind == "language" {
				digits = "" // the language menu is for everyone: Western digits
			}
			fmt.Fprintf(&b, "\n  %s. %s%s", messages.Digits(digits, fmt.Sprint(n)), mark, o.Label)
		case "done":
			words = append(words, messages.Get(m.Language, "word.done"))
		case "submit":
			words = append(words, messages.Get(m.Language, "word.submit"))
		}
	}
	for _, w := range words {
		fmt.Fprintf(&b, "\n  → %s", w)
	}
	return b.String()
}
