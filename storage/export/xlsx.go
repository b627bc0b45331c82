package export

import (
	"bufio"
	"io"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/uclg-mewa/surveybot/conversation"
)

// Sheet names of the XLSX export.
const (
	SheetResponses = "responses"
	SheetQuestions = "questions"
)

// XLSX writes the responses as a workbook with a "responses" sheet (the
// CSV columns, header frozen, with an autofilter) and a "questions" sheet
// (id, type, required, condition, then the text and the choices in each
// language). Both read right to left when the survey's default language is
// Arabic. Every value is written as a literal cell value, never as a
// formula; number answers are numbers, so they can be summed.
//
// Rows go through excelize's StreamWriter, which spills to a temporary
// file past 16 MiB, and the archive is zipped straight into w, so memory
// stays flat however many rows there are.
func XLSX(w io.Writer, sv *conversation.Survey, each Each, opt Options) (int, error) {
	if err := opt.Check(sv); err != nil {
		return 0, err
	}
	f := excelize.NewFile()
	defer f.Close() // removes excelize's temporary files
	bw := bufio.NewWriterSize(w, 64<<10)
	// excelize builds the whole archive in a bytes.Buffer and then copies
	// it to w; handing it a zip writer over w instead streams the archive,
	// and the buffer it passes stays empty. The writer also fixes the
	// order of the entries, so the same data gives the same bytes.
	f.SetZipWriter(func(io.Writer) excelize.ZipWriter { return newOrderedZip(bw) })
	bold, err := setupBook(f, sv)
	if err != nil {
		return 0, err
	}
	n, err := writeResponses(f, newLayout(sv, opt), each, bold)
	if err != nil {
		return n, err
	}
	if err := writeQuestions(f, sv, opt.Vocab, bold); err != nil {
		return n, err
	}
	if err := f.Write(io.Discard); err != nil {
		return n, err
	}
	return n, bw.Flush()
}

// setupBook names the sheets (no default "Sheet1" remains), sets their
// reading direction and returns the header style.
func setupBook(f *excelize.File, sv *conversation.Survey) (int, error) {
	if err := f.SetSheetName(f.GetSheetName(0), SheetResponses); err != nil {
		return 0, err
	}
	if _, err := f.NewSheet(SheetQuestions); err != nil {
		return 0, err
	}
	rtl := sv.DefaultLanguage == "ar"
	for _, name := range []string{SheetResponses, SheetQuestions} {
		if err := f.SetSheetView(name, 0, &excelize.ViewOptions{RightToLeft: &rtl}); err != nil {
			return 0, err
		}
	}
	return f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
}

// headerRow turns names into bold cells.
func headerRow(names []string, style int) []any {
	row := make([]any, len(names))
	for i, s := range names {
		row[i] = excelize.Cell{StyleID: style, Value: s}
	}
	return row
}

func writeResponses(f *excelize.File, l *layout, each Each, bold int) (int, error) {
	sw, err := f.NewStreamWriter(SheetResponses)
	if err != nil {
		return 0, err
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return 0, err
	}
	if err := sw.SetColWidth(1, l.width(), 18); err != nil {
		return 0, err
	}
	if err := sw.SetRow("A1", headerRow(l.header(), bold)); err != nil {
		return 0, err
	}
	text := make([]string, l.width())
	cells := make([]any, l.width())
	n := 0
	err = filtered(each, l.opt, &n, func(st *conversation.State) error {
		l.fill(st, text)
		l.typed(text, cells)
		return sw.SetRow("A"+strconv.Itoa(n+2), cells)
	})
	if err != nil {
		return n, err
	}
	last, err := excelize.CoordinatesToCellName(l.width(), n+1)
	if err != nil {
		return n, err
	}
	if err := f.AutoFilter(SheetResponses, "A1:"+last, nil); err != nil {
		return n, err
	}
	return n, sw.Flush()
}

// typed converts a row to cell values: nil for empty (no cell at all),
// numbers for number answers and 0/1 columns, strings for everything else.
func (l *layout) typed(text []string, cells []any) {
	for i, s := range text {
		cells[i] = s
		if s == "" {
			cells[i] = nil
			continue
		}
		if i < len(fixedColumns) {
			continue
		}
		c := l.cols[i-len(fixedColumns)]
		if c.kind == colSplit || (c.kind == colAnswer && c.q.Type == conversation.TypeNumber && isNumber(s)) {
			if v, err := strconv.ParseFloat(s, 64); err == nil {
				cells[i] = v
			}
		}
	}
}

func writeQuestions(f *excelize.File, sv *conversation.Survey, vocab conversation.Vocabulary, bold int) error {
	sw, err := f.NewStreamWriter(SheetQuestions)
	if err != nil {
		return err
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	if err := sw.SetColWidth(1, 4, 20); err != nil {
		return err
	}
	if err := sw.SetColWidth(5, 4+2*len(sv.Languages), 50); err != nil {
		return err
	}
	head := []string{"id", "type", "required", "condition"}
	for _, prefix := range []string{"text_", "choices_"} {
		for _, lang := range sv.Languages {
			head = append(head, prefix+lang)
		}
	}
	if err := sw.SetRow("A1", headerRow(head, bold)); err != nil {
		return err
	}
	for i, q := range sv.Questions {
		if err := sw.SetRow("A"+strconv.Itoa(i+2), questionRow(sv, q, vocab)); err != nil {
			return err
		}
	}
	return sw.Flush()
}

func questionRow(sv *conversation.Survey, q *conversation.Question, vocab conversation.Vocabulary) []any {
	required := "no"
	if q.Required {
		required = "yes"
	}
	if !q.Answerable() {
		required = ""
	}
	row := []any{q.ID, q.Type, required, Condition(q.When)}
	for _, lang := range sv.Languages {
		row = append(row, q.Text[lang])
	}
	for _, lang := range sv.Languages {
		row = append(row, choiceLines(q, lang, vocab))
	}
	return row
}

// choiceLines lists a choice question's options as "id: label" lines in
// lang ("" for other questions).
func choiceLines(q *conversation.Question, lang string, vocab conversation.Vocabulary) string {
	var lines []string
	switch {
	case q.Type == conversation.TypeYesNo:
		lines = []string{idLabel("yes", vocab.Yes[lang]), idLabel("no", vocab.No[lang])}
	case q.IsChoice():
		for _, c := range q.Choices {
			lines = append(lines, idLabel(c.ID, c.Label[lang]))
		}
	}
	return strings.Join(lines, "\n")
}

func idLabel(id, label string) string {
	if label == "" {
		return id
	}
	return id + ": " + label
}
