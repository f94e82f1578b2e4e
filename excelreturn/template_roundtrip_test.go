package excelreturn_test

import (
	"encoding/json"
	"html"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/lawcycle/lawcycle/catalogue"
	"github.com/lawcycle/lawcycle/excelreturn"
)

// What a template must keep after a bureau's tool has opened and saved it:
// the sheets in order, the hidden and protected metadata sheet with every
// key and indicator row, protection on every sheet, every validation with
// its criteria and texts, and the locked/unlocked cells.

var tplSheetProtectedRE = regexp.MustCompile(`\bsheet="(1|true)"`)

// tplRoundTripInput adds a choice list that must be referenced from the
// metadata sheet, so its survival is checked too.
func tplRoundTripInput(t *testing.T) excelreturn.TemplateInput {
	general, hrss := tplParts()
	general.Sections[2].Indicators = append(general.Sections[2].Indicators,
		catalogue.Indicator{Key: "decision_form", Name: "决策形式", Type: catalogue.Choice, Choices: []string{"会议审议", "书面审议,会签"}})
	c, err := catalogue.Compose(general, hrss)
	if err != nil {
		t.Fatal(err)
	}
	in := tplInput(t)
	in.Catalogue = c
	return in
}

// tplKeeps says what a tool is known to keep beyond the essentials.
type tplKeeps struct {
	// veryHidden: the metadata sheet stays very hidden. LibreOffice saves
	// it as merely hidden (still protected by its password).
	veryHidden bool
	// panes: frozen panes survive. LibreOffice run headless has no view and
	// saves every sheet unfrozen; the GUI keeps them.
	panes bool
	// lockStructure: the workbook's structure lock survives. LibreOffice
	// writes an empty <workbookProtection/>.
	lockStructure bool
}

// tplSurvives checks a saved copy against the original template.
func tplSurvives(t *testing.T, orig, saved []byte, keeps tplKeeps) {
	t.Helper()
	of, sf := tplOpen(t, orig), tplOpen(t, saved)

	if got := sf.GetSheetList(); strings.Join(got, ",") != strings.Join(tplSheetOrder, ",") {
		t.Fatalf("sheets = %v, want %v", got, tplSheetOrder)
	}
	for _, s := range tplWorkbookSheets(t, saved) {
		switch {
		case s.Name != excelreturn.SheetMeta:
			if s.State != "" && s.State != "visible" {
				t.Errorf("%s state %q", s.Name, s.State)
			}
		case keeps.veryHidden && s.State != "veryHidden":
			t.Errorf("meta sheet state %q, want veryHidden", s.State)
		case s.State != "veryHidden" && s.State != "hidden":
			t.Errorf("meta sheet state %q, want hidden", s.State)
		}
	}

	if wb := tplZipFile(t, saved, "xl/workbook.xml"); keeps.lockStructure && !regexp.MustCompile(`<workbookProtection[^>]*lockStructure="(1|true)"`).MatchString(wb) {
		t.Errorf("workbook structure no longer locked")
	}

	// The metadata sheet: same keys, values and indicator rows.
	om, err := of.GetRows(excelreturn.SheetMeta)
	if err != nil {
		t.Fatal(err)
	}
	sm, err := sf.GetRows(excelreturn.SheetMeta)
	if err != nil {
		t.Fatal(err)
	}
	if len(om) != len(sm) {
		t.Errorf("meta sheet has %d rows, was %d", len(sm), len(om))
	}
	for i := 0; i < min(len(om), len(sm)); i++ {
		if strings.Join(om[i], "\t") != strings.Join(sm[i], "\t") {
			t.Errorf("meta row %d = %q, was %q", i+1, sm[i], om[i])
		}
	}

	// Protection on every sheet; a password on the metadata sheet only.
	for _, sheet := range tplSheetOrder {
		el := tplProtection(t, saved, sheet)
		if !tplSheetProtectedRE.MatchString(el) {
			t.Errorf("%s lost its protection: %q", sheet, el)
		}
		if got, want := tplHasPassword(el), sheet == excelreturn.SheetMeta; got != want {
			t.Errorf("%s password = %v, want %v: %s", sheet, got, want, el)
		}
	}

	// Every validation, with criteria and texts.
	for _, sheet := range tplSheetOrder {
		ov, sv := tplValidations(t, of, sheet), tplValidations(t, sf, sheet)
		if len(sv) != len(ov) {
			t.Errorf("%s: %d validations, was %d", sheet, len(sv), len(ov))
		}
		for sqref, o := range ov {
			s := sv[sqref]
			if s == nil {
				t.Errorf("%s: validation on %s lost", sheet, sqref)
				continue
			}
			type fields struct {
				Type, Operator, F1, F2, PromptTitle, Prompt, ErrorTitle, Error, ErrorStyle string
				Blank, ShowInput, ShowError                                                bool
			}
			// Normalise what tools write differently but means the same:
			// character references in formulas (excelize returns a formula's
			// inner XML undecoded), the operator of a list (ignored) and a
			// second formula after a one-operand operator (ignored;
			// LibreOffice writes 0).
			norm := func(dv *excelize.DataValidation) fields {
				op, f1, f2 := dv.Operator, html.UnescapeString(dv.Formula1), html.UnescapeString(dv.Formula2)
				switch {
				case dv.Type == "list":
					op, f2 = "", ""
				case op == "":
					op = "between" // the default operator
				}
				if op != "between" && op != "notBetween" {
					f2 = ""
				}
				style := tplStr(dv.ErrorStyle)
				if style == "" {
					style = "stop" // the default style
				}
				return fields{dv.Type, op, f1, f2,
					tplStr(dv.PromptTitle), tplStr(dv.Prompt), tplStr(dv.ErrorTitle), tplStr(dv.Error), style,
					dv.AllowBlank, dv.ShowInputMessage, dv.ShowErrorMessage}
			}
			if got, want := norm(s), norm(o); got != want {
				t.Errorf("%s %s: validation\n got %+v\nwant %+v", sheet, sqref, got, want)
			}
		}
	}

	// Locked labels, unlocked inputs, values and keys in place.
	c := tplRoundTripInput(t).Catalogue
	for _, ir := range excelreturn.IndicatorRowList(c) {
		r := strconv.Itoa(ir.Row)
		if !tplLocked(t, sf, excelreturn.SheetIndicators, excelreturn.ColName+r) ||
			tplLocked(t, sf, excelreturn.SheetIndicators, excelreturn.ColValue+r) ||
			tplLocked(t, sf, excelreturn.SheetIndicators, excelreturn.ColExplain+r) {
			t.Errorf("%s: lock state of row %s changed", ir.Indicator.Key, r)
		}
		// The value cell keeps the last-year cell's number format (a
		// tool may turn a built-in format into the same custom code).
		vs, ls := tplCellStyle(t, sf, excelreturn.SheetIndicators, excelreturn.ColValue+r), tplCellStyle(t, sf, excelreturn.SheetIndicators, excelreturn.ColLastYear+r)
		if vs.NumFmt != ls.NumFmt || tplStr(vs.CustomNumFmt) != tplStr(ls.CustomNumFmt) {
			t.Errorf("%s: value format %d %q, last year %d %q", ir.Indicator.Key, vs.NumFmt, tplStr(vs.CustomNumFmt), ls.NumFmt, tplStr(ls.CustomNumFmt))
		}
		if ir.Indicator.Type == catalogue.Percent && vs.NumFmt != 10 && !strings.Contains(tplStr(vs.CustomNumFmt), "%") {
			t.Errorf("%s: percent cell lost its percent format", ir.Indicator.Key)
		}
		for _, col := range []string{excelreturn.ColCode, excelreturn.ColName, excelreturn.ColKey, excelreturn.ColLastYear} {
			if o, s := tplValue(t, of, excelreturn.SheetIndicators, col+r, false), tplValue(t, sf, excelreturn.SheetIndicators, col+r, false); o != s {
				t.Errorf("%s%s = %q, was %q", col, r, s, o)
			}
		}
	}
	if tplLocked(t, sf, excelreturn.SheetProblems, "B3") || !tplLocked(t, sf, excelreturn.SheetProblems, "A3") {
		t.Errorf("存在问题 lock state changed")
	}
	if vis, err := sf.GetColVisible(excelreturn.SheetIndicators, excelreturn.ColKey); err != nil || vis {
		t.Errorf("key column visible = %v (%v)", vis, err)
	}
	if panes, err := sf.GetPanes(excelreturn.SheetIndicators); keeps.panes && (err != nil || !panes.Freeze || panes.YSplit != excelreturn.IndicatorFirstRow-1) {
		t.Errorf("panes = %+v (%v)", panes, err)
	}
}

func TestTemplateSurvivesOpenpyxl(t *testing.T) {
	t.Parallel()
	orig := tplWrite(t, tplRoundTripInput(t))
	saved := openpyxlRoundTrip(t, orig)
	tplSurvives(t, orig, saved, tplKeeps{veryHidden: true, panes: true, lockStructure: true})
}

func TestTemplateSurvivesLibreOffice(t *testing.T) {
	t.Parallel()
	orig := tplWrite(t, tplRoundTripInput(t))
	saved := libreofficeRoundTrip(t, orig)
	tplSurvives(t, orig, saved, tplKeeps{})
}

// openpyxl, an independent reader of the format, sees what we meant: the
// metadata sheet very hidden, every sheet protected, the validations, the
// frozen header and the locked workbook structure.
func TestTemplateAsOpenpyxlSeesIt(t *testing.T) {
	t.Parallel()
	in := tplRoundTripInput(t)
	dir := t.TempDir()
	src := filepath.Join(dir, "template.xlsx")
	officeWriteFile(t, src, tplWrite(t, in))
	var got struct {
		Sheets []struct {
			Name, State         string
			Protected, Password bool
			Freeze              *string
			Validations         []struct {
				Sqref, Type string
			}
		}
		Active        string
		LockStructure bool `json:"lock_structure"`
	}
	if err := json.Unmarshal([]byte(openpyxlRun(t, "openpyxl_inspect.py", src)), &got); err != nil {
		t.Fatal(err)
	}
	if got.Active != excelreturn.SheetGuide || !got.LockStructure {
		t.Errorf("active %q, structure locked %v", got.Active, got.LockStructure)
	}
	want := map[string]int{
		excelreturn.SheetInfo:       3,
		excelreturn.SheetIndicators: len(in.Catalogue.Indicators()) + 1,
		excelreturn.SheetProblems:   7,
		excelreturn.SheetPlans:      4,
	}
	for i, s := range got.Sheets {
		if s.Name != tplSheetOrder[i] {
			t.Errorf("sheet %d = %s", i, s.Name)
		}
		if !s.Protected || s.Password != (s.Name == excelreturn.SheetMeta) {
			t.Errorf("%s protected %v password %v", s.Name, s.Protected, s.Password)
		}
		if (s.Name == excelreturn.SheetMeta) != (s.State == "veryHidden") {
			t.Errorf("%s state %s", s.Name, s.State)
		}
		if len(s.Validations) != want[s.Name] {
			t.Errorf("%s: openpyxl sees %d validations, want %d", s.Name, len(s.Validations), want[s.Name])
		}
		if s.Name == excelreturn.SheetIndicators && (s.Freeze == nil || *s.Freeze != "A3") {
			t.Errorf("%s frozen at %v", s.Name, s.Freeze)
		}
	}
}
