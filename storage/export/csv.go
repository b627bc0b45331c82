package export

import (
	"encoding/csv"
	"io"
	"strings"

	"github.com/uclg-mewa/surveybot/conversation"
)

// bom makes Excel read the file as UTF-8, so Arabic shows correctly.
const bom = "\ufeff"

// CSV writes the responses as RFC 4180 CSV (CRLF line ends) in UTF-8 with
// a byte-order mark, and returns how many responses it wrote.
func CSV(w io.Writer, sv *conversation.Survey, each Each, opt Options) (int, error) {
	if err := opt.Check(sv); err != nil {
		return 0, err
	}
	l := newLayout(sv, opt)
	if _, err := io.WriteString(w, bom); err != nil {
		return 0, err
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	if err := cw.Write(l.header()); err != nil {
		return 0, err
	}
	row := make([]string, l.width())
	n := 0
	err := filtered(each, opt, &n, func(st *conversation.State) error {
		l.fill(st, row)
		for i, v := range row {
			row[i] = guard(v)
		}
		return cw.Write(row)
	})
	cw.Flush()
	if err == nil {
		err = cw.Error()
	}
	return n, err
}

// guard defuses formula injection: a spreadsheet runs a cell that begins
// with one of these characters as a formula (=HYPERLINK(...) exfiltrates
// data, for instance), so such a cell gets a leading quote, which makes it
// text. It applies to every cell: respondents type answers and the /start
// payload, and numbers are typed too ("-2" becomes "'-2").
func guard(s string) string {
	if s != "" && strings.IndexByte("=+-@\t\r", s[0]) >= 0 {
		return "'" + s
	}
	return s
}
