package whatsapp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"
	"google.golang.org/protobuf/proto"

	"github.com/uclg-mewa/surveybot/bot"
	"github.com/uclg-mewa/surveybot/bot/console"
)

// maxAttempts is how often a send is tried when errors are transient.
const maxAttempts = 4

// maxText keeps a message well under WhatsApp's 65,536 characters.
const maxText = 4000

// Send says msgs to a respondent ("whatsapp:+<digits>" or
// "whatsapp:lid:<id>"), for messages not prompted by the respondent
// (reminders). Replies to incoming messages go out by themselves.
func (c *Channel) Send(ctx context.Context, respondent string, msgs []bot.Message) error {
	to, err := jidOf(respondent)
	if err != nil {
		return err
	}
	return c.deliver(ctx, to, respondent, msgs)
}

// jidOf is the chat of a respondent id.
func jidOf(respondent string) (types.JID, error) {
	id, ok := strings.CutPrefix(respondent, channelName+":")
	if !ok {
		return types.EmptyJID, errors.New("whatsapp: not a WhatsApp respondent id")
	}
	if lid, ok := strings.CutPrefix(id, "lid:"); ok && allDigits(lid) {
		return types.NewJID(lid, types.HiddenUserServer), nil
	}
	if num, ok := strings.CutPrefix(id, "+"); ok && allDigits(num) {
		return types.NewJID(num, types.DefaultUserServer), nil
	}
	return types.EmptyJID, errors.New("whatsapp: malformed WhatsApp respondent id")
}

func allDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// deliver sends each message in order and stops at the first failure (a
// later message would make no sense without it).
func (c *Channel) deliver(ctx context.Context, to types.JID, respondent string, msgs []bot.Message) error {
	for _, m := range msgs {
		if err := c.deliverOne(ctx, to, respondent, m); err != nil {
			return err
		}
	}
	return nil
}

func (c *Channel) deliverOne(ctx context.Context, to types.JID, respondent string, m bot.Message) error {
	switch {
	case m.Document != nil:
		return c.sendFile(ctx, to, m.Document, m.Text, false)
	case m.Photo != nil:
		return c.sendFile(ctx, to, m.Photo, m.Text, true)
	case m.Ack != "" || m.Text == "" && len(m.Options) == 0:
		// WhatsApp cannot edit the prompt in the respondent's view, and a
		// separate "✓ Yes" after every answer would only be noise.
		return nil
	}
	for _, part := range bot.SplitText(console.TextWithOptions(m), maxText) {
		if _, err := c.send(ctx, to, &waE2E.Message{Conversation: proto.String(part)}); err != nil {
			return err
		}
	}
	if c.cfg.Polls && m.Prompt && !m.Refresh {
		// A redrawn prompt keeps its Seq, so its first poll still counts.
		return c.sendPoll(ctx, to, respondent, m)
	}
	return nil
}

// sendFile uploads an export or a chart and sends it with its caption.
func (c *Channel) sendFile(ctx context.Context, to types.JID, f *bot.File, caption string, photo bool) error {
	kind, mimeType := whatsmeow.MediaDocument, fileMime(f)
	if photo {
		kind = whatsmeow.MediaImage
	}
	var up whatsmeow.UploadResponse
	err := c.retry(ctx, func() error {
		var err error
		up, err = c.cli.Upload(ctx, f.Bytes, kind)
		return err
	})
	if err != nil {
		return fmt.Errorf("uploading %s: %w", f.Name, err)
	}
	msg := &waE2E.Message{}
	if photo {
		msg.ImageMessage = &waE2E.ImageMessage{
			Caption: proto.String(caption), Mimetype: proto.String(mimeType),
			URL: proto.String(up.URL), DirectPath: proto.String(up.DirectPath), MediaKey: up.MediaKey,
			FileEncSHA256: up.FileEncSHA256, FileSHA256: up.FileSHA256, FileLength: proto.Uint64(up.FileLength),
		}
	} else {
		msg.DocumentMessage = &waE2E.DocumentMessage{
			Caption: proto.String(caption), Mimetype: proto.String(mimeType), FileName: proto.String(f.Name),
			URL: proto.String(up.URL), DirectPath: proto.String(up.DirectPath), MediaKey: up.MediaKey,
			FileEncSHA256: up.FileEncSHA256, FileSHA256: up.FileSHA256, FileLength: proto.Uint64(up.FileLength),
		}
	}
	_, err = c.send(ctx, to, msg)
	return err
}

// fileMime picks the type from the name (csv, xlsx, json), else sniffs.
func fileMime(f *bot.File) string {
	switch strings.ToLower(filepath.Ext(f.Name)) {
	case ".csv":
		return "text/csv"
	case ".xlsx":
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	case ".json":
		return "application/json"
	}
	if t := mime.TypeByExtension(filepath.Ext(f.Name)); t != "" {
		return t
	}
	return http.DetectContentType(f.Bytes)
}

// send paces and retries one message. The message id is fixed before the
// first try, so a retry after a lost acknowledgement is the same message
// for WhatsApp, not a second copy.
func (c *Channel) send(ctx context.Context, to types.JID, msg *waE2E.Message) (whatsmeow.SendResponse, error) {
	extra := whatsmeow.SendRequestExtra{ID: c.cli.GenerateMessageID()}
	var resp whatsmeow.SendResponse
	err := c.retry(ctx, func() error {
		if err := c.limiter.Wait(ctx); err != nil {
			return err
		}
		var err error
		resp, err = c.cli.SendMessage(ctx, to, msg, extra)
		return err
	})
	return resp, err
}

// retry runs op until it succeeds, fails for good, or maxAttempts tries
// of transient failures, doubling the pause between tries.
func (c *Channel) retry(ctx context.Context, op func() error) error {
	pause := c.retryBase
	for attempt := 1; ; attempt++ {
		err := op()
		if err == nil || attempt == maxAttempts || !transient(ctx, err) {
			return err
		}
		c.log.Warn("whatsapp: send failed, retrying", "attempt", attempt, "err", redact(err.Error()))
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(pause):
		}
		pause *= 2
	}
}

// transient errors are worth another try: the connection is down (and
// whatsmeow is reconnecting) or an answer did not come in time.
func transient(ctx context.Context, err error) bool {
	if ctx.Err() != nil {
		return false
	}
	var disc *whatsmeow.DisconnectedError
	var netErr net.Error
	return errors.Is(err, whatsmeow.ErrNotConnected) ||
		errors.Is(err, whatsmeow.ErrIQTimedOut) ||
		errors.Is(err, whatsmeow.ErrMessageTimedOut) ||
		errors.Is(err, context.DeadlineExceeded) ||
		errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.As(err, &disc) ||
		errors.As(err, &netErr)
}
