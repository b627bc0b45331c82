package export_test

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/uclg-mewa/surveybot/storage/export"
)

func TestXLSX(t *testing.T) {
	sv := builtinSurvey(t)
	var buf bytes.Buffer
	n, err := export.XLSX(&buf, sv, storeEach(t, fixture()), export.Options{Vocab: vocab()})
	if err != nil || n != 3 {
		t.Fatalf("XLSX: n=%d err=%v", n, err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.GetSheetList(); !slices.Equal(got, []string{"responses", "questions"}) {
		t.Fatalf("sheets %q", got)
	}
	rows, err := f.GetRows("responses")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 4 || !slices.Equal(rows[0], export.Columns(sv, export.Options{})) {
		t.Fatalf("rows %d, header %q", len(rows), rows[0])
	}
	col := func(name string) string {
		i := slices.Index(rows[0], name)
		c, _ := excelize.CoordinatesToCellName(i+1, 3) // telegram:100 sorts second
		return c
	}
	for name, want := range map[string]string{
		"respondent":      "telegram:100",
		"municipality":    "غازي عنتاب",
		"respondent_name": `=HYPERLINK("x")`,
		"q5_courses":      "basic_skills;programming",
		"completed_at":    "2025-03-01T09:30:00Z",
	} {
		got, _ := f.GetCellValue("responses", col(name))
		if got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	// Written as a literal value: no formula can run.
	if formula, _ := f.GetCellFormula("responses", col("respondent_name")); formula != "" {
		t.Errorf("respondent_name has formula %q", formula)
	}
	if typ, _ := f.GetCellType("responses", col("respondent_name")); typ != excelize.CellTypeInlineString {
		t.Errorf("respondent_name cell type %v, want inline string", typ)
	}
	for _, sheet := range []string{"responses", "questions"} {
		view, err := f.GetSheetView(sheet, 0)
		if err != nil || view.RightToLeft == nil || !*view.RightToLeft {
			t.Errorf("%s: right-to-left not set: %+v %v", sheet, view, err)
		}
	}
	panes, err := f.GetPanes("responses")
	if err != nil || !panes.Freeze || panes.YSplit != 1 || panes.TopLeftCell != "A2" {
		t.Errorf("panes %+v %v", panes, err)
	}
	names := f.GetDefinedName()
	if !slices.ContainsFunc(names, func(d excelize.DefinedName) bool {
		return d.Name == "_xlnm._FilterDatabase" && strings.HasSuffix(d.RefersTo, "!$A$1:$AH$4")
	}) {
		t.Errorf("no autofilter over the table: %+v", names)
	}
	checkQuestionsSheet(t, f)
}

func checkQuestionsSheet(t *testing.T, f *excelize.File) {
	t.Helper()
	rows, err := f.GetRows("questions")
	if err != nil {
		t.Fatal(err)
	}
	wantHead := []string{"id", "type", "required", "condition", "text_ar", "text_en", "text_tr", "text_fr",
		"choices_ar", "choices_en", "choices_tr", "choices_fr"}
	if !slices.Equal(rows[0], wantHead) || len(rows) != 1+26 {
		t.Fatalf("questions: %d rows, header %q", len(rows), rows[0])
	}
	row := func(id string) []string {
		for _, r := range rows {
			if r[0] == id {
				return r
			}
		}
		t.Fatalf("no row for %s", id)
		return nil
	}
	q5 := row("q5_courses")
	if q5[1] != "multi" || q5[2] != "yes" || q5[3] != "q5_computer_courses = yes" || q5[5] != "Which courses does your city offer?" {
		t.Errorf("q5_courses row %q", q5[:6])
	}
	if !strings.HasPrefix(q5[9], "basic_skills: Basic computer skills\noffice_software: Office software\n") {
		t.Errorf("q5_courses choices_en %q", q5[9])
	}
	if pos := row("position"); pos[2] != "no" || pos[3] != "" {
		t.Errorf("position row %q", pos[:4])
	}
	if q1 := row("q1_new_tech"); q1[9] != "yes: Yes\nno: No" {
		t.Errorf("q1 choices_en %q", q1[9])
	}
}

func TestXLSXLeftToRightAndNoDefaultSheet(t *testing.T) {
	sv := builtinSurvey(t)
	sv.DefaultLanguage = "en"
	var buf bytes.Buffer
	if _, err := export.XLSX(&buf, sv, storeEach(t, nil), export.Options{}); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if idx, _ := f.GetSheetIndex("Sheet1"); idx != -1 {
		t.Error("Sheet1 remains")
	}
	view, _ := f.GetSheetView("responses", 0)
	if view.RightToLeft != nil && *view.RightToLeft {
		t.Error("right-to-left set for an English survey")
	}
	rows, _ := f.GetRows("responses")
	if len(rows) != 1 {
		t.Errorf("empty export has %d rows, want the header only", len(rows))
	}
}

// The same data gives the same XLSX bytes (excelize alone writes its
// streamed sheets in map order), so /export and the CLI agree.
func TestXLSXIsDeterministic(t *testing.T) {
	sv := builtinSurvey(t)
	each := storeEach(t, fixture())
	xlsx := func() []byte {
		var buf bytes.Buffer
		if _, err := export.XLSX(&buf, sv, each, export.Options{Vocab: vocab()}); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	first := xlsx()
	for i := 0; i < 8; i++ {
		if !bytes.Equal(first, xlsx()) {
			t.Fatalf("run %d gave other bytes", i+2)
		}
	}
}
