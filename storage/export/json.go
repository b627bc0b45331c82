package export

import (
	"bufio"
	"io"
	"math"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/uclg-mewa/surveybot/conversation"
)

// JSON writes the responses as one JSON array of objects
//
//	{respondent, channel, language, status, started_at, updated_at,
//	 completed_at, source, answers: {id: value}}
//
// element by element, so the array is never held in memory. Times are RFC
// 3339 in UTC, null when unset. In answers, keys follow survey order; a
// question not asked, skipped or not answered is absent; several choices
// are an array of ids (or labels); a number question's answer is a JSON
// number; the text typed for an "other" choice is under "QUESTION.other".
func JSON(w io.Writer, sv *conversation.Survey, each Each, opt Options) (int, error) {
	if err := opt.Check(sv); err != nil {
		return 0, err
	}
	l := newLayout(sv, opt)
	bw := bufio.NewWriterSize(w, 32<<10)
	bw.WriteString("[")
	var buf []byte
	n := 0
	err := filtered(each, opt, &n, func(st *conversation.State) error {
		buf = buf[:0]
		if n > 0 {
			buf = append(buf, ',')
		}
		buf = append(buf, "\n  "...)
		buf = l.appendRecord(buf, st)
		_, err := bw.Write(buf)
		return err
	})
	if err != nil {
		return n, err
	}
	if n > 0 {
		bw.WriteString("\n")
	}
	bw.WriteString("]\n")
	return n, bw.Flush()
}

func (l *layout) appendRecord(b []byte, st *conversation.State) []byte {
	b = append(b, `{"respondent":`...)
	b = appendString(b, st.Respondent)
	b = appendField(b, "channel", st.Channel)
	b = appendField(b, "language", st.Language)
	b = appendField(b, "status", st.Status())
	b = appendTime(b, "started_at", st.StartedAt)
	b = appendTime(b, "updated_at", st.UpdatedAt)
	b = appendTime(b, "completed_at", st.CompletedAt)
	b = appendField(b, "source", st.Source)
	b = append(b, `,"answers":{`...)
	first := true
	for _, c := range l.cols {
		if c.kind == colSplit {
			continue
		}
		a, ok := answer(st, c.q)
		if !ok || (c.kind == colOther && a.Other == "") {
			continue
		}
		if !first {
			b = append(b, ',')
		}
		first = false
		b = appendString(b, c.name)
		b = append(b, ':')
		b = l.appendValue(b, c, a)
	}
	return append(b, "}}"...)
}

func (l *layout) appendValue(b []byte, c column, a conversation.Answer) []byte {
	switch {
	case c.kind == colOther:
		return appendString(b, a.Other)
	case c.q.Type == conversation.TypeMulti:
		b = append(b, '[')
		for i, v := range l.multi(c.q, a) {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendString(b, v)
		}
		return append(b, ']')
	case c.q.Type == conversation.TypeNumber && isNumber(a.Value):
		return append(b, a.Value...)
	}
	return appendString(b, l.value(c.q, a))
}

// isNumber reports whether s is a number in the canonical form the engine
// stores (strconv 'f' format), which is also a valid JSON number; anything
// else is written as a string.
func isNumber(s string) bool {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return false
	}
	return s == strconv.FormatFloat(f, 'f', -1, 64)
}

func appendField(b []byte, key, val string) []byte {
	b = append(b, ',', '"')
	b = append(b, key...)
	b = append(b, '"', ':')
	return appendString(b, val)
}

func appendTime(b []byte, key string, t time.Time) []byte {
	if t.IsZero() {
		b = append(b, ',', '"')
		b = append(b, key...)
		return append(b, `":null`...)
	}
	return appendField(b, key, stamp(t))
}

const hexDigits = "0123456789abcdef"

// appendString appends s as a JSON string: quotes, backslashes and control
// characters escaped, invalid UTF-8 replaced by U+FFFD, and U+2028/U+2029
// escaped so the output is also safe inside JavaScript.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c == '\n':
				b = append(b, '\\', 'n')
			case c == '\r':
				b = append(b, '\\', 'r')
			case c == '\t':
				b = append(b, '\\', 't')
			case c < 0x20:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, `\u202`...)
			b = append(b, hexDigits[r&0xf])
		default:
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return append(b, '"')
}
