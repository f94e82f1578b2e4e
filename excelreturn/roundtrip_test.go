package excelreturn_test

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lawcycle/lawcycle/excelreturn"
)

// A return parses to exactly the figures entered, whichever tool entered
// them: excelize (numbers, and the text forms people type), openpyxl (a
// bureau's script), and after LibreOffice Calc has opened and saved the
// file. The office tools are skipped when absent, unless
// LAWCYCLE_REQUIRE_OFFICE_TOOLS is set (CI sets it).

// rdTextForms are figures typed as text the way people do: full-width
// digits, thousands separators, trailing units, percent signs, Chinese
// dates, numbers stored as text.
var rdTextForms = map[string]rdEntry{
	"review_cases":                   {"１２", "12"},
	"litigation_cases":               {"14件", "14"},
	"case_files_reviewed":            {"636", "636"},
	"inspected_employers":            {"1,200", "1200"},
	"wage_recovered_amount":          {"77.59万元", "77.59"},
	"penalty_fines":                  {"23.66465", "23.66465"},
	"random_coverage_rate":           {"100%", "100"},
	"service_items_online_rate":      {"98.25%", "98.25"},
	"major_decisions_catalogue_date": {"2024年3月15日", "2024-03-15"},
	"legal_education_plan_date":      {"2024-02-20", "2024-02-20"},
	"wage_clues":                     {" 350 ", "350"},
}

// rdMixed is rdFull with rdTextForms typed over it.
func rdMixed() map[string]rdEntry {
	m := map[string]rdEntry{}
	for k, e := range rdFull {
		m[k] = e
	}
	for k, e := range rdTextForms {
		m[k] = e
	}
	return m
}

func rdEntriesCells(entries map[string]rdEntry) map[string]any {
	m := map[string]any{}
	for k, v := range rdInfo {
		m[k] = v
	}
	for k, e := range entries {
		m[k] = e.in
	}
	for k, v := range rdProblemCells {
		m[k] = v
	}
	return m
}

// rdOpenpyxlAssignments writes rdFull as openpyxl_fill.py assignments.
func rdOpenpyxlAssignments(t testing.TB) []string {
	t.Helper()
	var out []string
	add := func(sheet, cell string, v any) {
		var s string
		switch v := v.(type) {
		case int:
			s = fmt.Sprintf("int:%d", v)
		case float64:
			s = fmt.Sprintf("float:%v", v)
		case time.Time:
			s = "date:" + v.Format(time.DateOnly)
		case string:
			s = "str:" + v
		default:
			t.Fatalf("%s!%s: cannot write %T with openpyxl", sheet, cell, v)
		}
		out = append(out, sheet+"!"+cell+"="+s)
	}
	for k, e := range rdFull {
		add(excelreturn.SheetIndicators, rdValueCell(t, k), e.in)
	}
	for k, v := range rdInfo {
		s, c, _ := strings.Cut(k, "!")
		add(s, c, v)
	}
	for k, v := range rdProblemCells {
		s, c, _ := strings.Cut(k, "!")
		add(s, c, v)
	}
	slices.Sort(out)
	return out
}

func rdCheckRoundTrip(t *testing.T, data []byte, want map[string]rdEntry) {
	t.Helper()
	in := rdInput(t)
	res := rdParse(t, data, rdExpect(in))
	if !res.OK() || len(res.Warnings) > 0 {
		t.Fatalf("errors:%s\nwarnings:%s", rdIssues(res.Errors), rdIssues(res.Warnings))
	}
	rdWantValues(t, res.Return.Values, want)
	if res.Return.Info.Preparer != "王芳" || res.Return.Info.Phone != "0576-85123456" || res.Return.Info.Leader != "李明" {
		t.Errorf("info = %+v", res.Return.Info)
	}
	if len(res.Return.Problems) != 1 || res.Return.Problems[0].Due != "2025-06-30" || res.Return.Problems[0].Category != "限期整改" {
		t.Errorf("problems = %+v", res.Return.Problems)
	}
	if len(res.Return.Plans) != 1 || res.Return.Plans[0].Due != "2025-12-31" {
		t.Errorf("plans = %+v", res.Return.Plans)
	}
}

func TestRoundTripExcelize(t *testing.T) {
	tpl := rdTemplate(t, rdInput(t))
	t.Run("numbers", func(t *testing.T) {
		rdCheckRoundTrip(t, rdWith(t, tpl, rdSet(rdEntriesCells(rdFull))), rdFull)
	})
	t.Run("text forms", func(t *testing.T) {
		rdCheckRoundTrip(t, rdWith(t, tpl, rdSet(rdEntriesCells(rdMixed()))), rdMixed())
	})
}

func TestRoundTripOpenpyxl(t *testing.T) {
	tpl := rdTemplate(t, rdInput(t))
	filled := openpyxlFill(t, tpl, rdOpenpyxlAssignments(t)...)
	rdCheckRoundTrip(t, filled, rdFull)
	t.Run("then LibreOffice", func(t *testing.T) {
		rdCheckRoundTrip(t, libreofficeRoundTrip(t, filled), rdFull)
	})
}

func TestRoundTripLibreOffice(t *testing.T) {
	tpl := rdTemplate(t, rdInput(t))
	filled := rdWith(t, tpl, rdSet(rdEntriesCells(rdMixed())))
	rdCheckRoundTrip(t, libreofficeRoundTrip(t, filled), rdMixed())
}

// testdata/returns/libreoffice-filled.xlsx is the rdMixed return after a
// LibreOffice Calc round trip, committed so the reader is checked against
// a real office suite's output even where LibreOffice is not installed.
// It is tied to the built-in catalogue's structure: when that changes,
// regenerate it with
// LAWCYCLE_WRITE_RETURN_FIXTURES=1 go test -run TestWriteReturnFixtures ./excelreturn/
const rdLibreOfficeFixture = "testdata/returns/libreoffice-filled.xlsx"

func TestParseCommittedLibreOfficeReturn(t *testing.T) {
	data := rdReadFile(t, rdLibreOfficeFixture)
	res := rdParse(t, data, rdExpect(rdInput(t)))
	for _, code := range []string{"structure_changed", "catalogue_version"} {
		if len(rdFind(res.Errors, code)) > 0 {
			t.Fatalf("%s is older than the built-in catalogue: regenerate it (see rdLibreOfficeFixture)", rdLibreOfficeFixture)
		}
	}
	rdCheckRoundTrip(t, data, rdMixed())
}

func TestWriteReturnFixtures(t *testing.T) {
	if os.Getenv("LAWCYCLE_WRITE_RETURN_FIXTURES") == "" {
		t.Skip("set LAWCYCLE_WRITE_RETURN_FIXTURES=1 to rewrite testdata/returns")
	}
	tpl := rdTemplate(t, rdInput(t))
	saved := libreofficeRoundTrip(t, rdWith(t, tpl, rdSet(rdEntriesCells(rdMixed()))))
	if err := os.WriteFile(rdLibreOfficeFixture, saved, 0o644); err != nil {
		t.Fatal(err)
	}
	xls := libreofficeConvert(t, rdFilled(t), "xlsx", "xls")
	if err := os.WriteFile("testdata/returns/legacy.xls", xls, 0o644); err != nil {
		t.Fatal(err)
	}
}
