package excelreturn_test

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"io"
	"path"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/xuri/excelize/v2"

	"github.com/lawcycle/lawcycle/catalogue"
	"github.com/lawcycle/lawcycle/excelreturn"
)

// tplWrite writes a template and returns its bytes.
func tplWrite(t testing.TB, in excelreturn.TemplateInput) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := excelreturn.WriteTemplate(&buf, in); err != nil {
		t.Fatalf("WriteTemplate: %v", err)
	}
	return buf.Bytes()
}

// tplOpen opens workbook bytes with excelize.
func tplOpen(t testing.TB, data []byte) *excelize.File {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("open workbook: %v", err)
	}
	t.Cleanup(func() { _ = f.Close() })
	return f
}

// tplZipFile returns one part of an .xlsx package.
func tplZipFile(t testing.TB, data []byte, name string) string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	for _, zf := range zr.File {
		if zf.Name == name {
			rc, err := zf.Open()
			if err != nil {
				t.Fatal(err)
			}
			defer rc.Close()
			b, err := io.ReadAll(rc)
			if err != nil {
				t.Fatal(err)
			}
			return string(b)
		}
	}
	t.Fatalf("%s not in package", name)
	return ""
}

// tplWorkbookSheets reads xl/workbook.xml: each sheet's name, state and
// part path, whichever tool wrote the package.
type tplSheetEntry struct {
	Name, State, Path string
}

func tplWorkbookSheets(t testing.TB, data []byte) []tplSheetEntry {
	t.Helper()
	var wb struct {
		Sheets []struct {
			Name  string `xml:"name,attr"`
			State string `xml:"state,attr"`
			RID   string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
		} `xml:"sheets>sheet"`
	}
	if err := xml.Unmarshal([]byte(tplZipFile(t, data, "xl/workbook.xml")), &wb); err != nil {
		t.Fatal(err)
	}
	var rels struct {
		Rels []struct {
			ID     string `xml:"Id,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	if err := xml.Unmarshal([]byte(tplZipFile(t, data, "xl/_rels/workbook.xml.rels")), &rels); err != nil {
		t.Fatal(err)
	}
	targets := map[string]string{}
	for _, r := range rels.Rels {
		target := r.Target
		if strings.HasPrefix(target, "/") {
			target = strings.TrimPrefix(target, "/")
		} else {
			target = path.Join("xl", target)
		}
		targets[r.ID] = target
	}
	var out []tplSheetEntry
	for _, s := range wb.Sheets {
		out = append(out, tplSheetEntry{Name: s.Name, State: s.State, Path: targets[s.RID]})
	}
	return out
}

// tplSheetXML is the raw XML of a worksheet.
func tplSheetXML(t testing.TB, data []byte, sheet string) string {
	t.Helper()
	for _, s := range tplWorkbookSheets(t, data) {
		if s.Name == sheet {
			return tplZipFile(t, data, s.Path)
		}
	}
	t.Fatalf("no sheet %s", sheet)
	return ""
}

var tplProtectionRE = regexp.MustCompile(`<sheetProtection\b[^>]*>`)

// tplProtection returns the sheetProtection element of a sheet, "" if none.
func tplProtection(t testing.TB, data []byte, sheet string) string {
	t.Helper()
	return tplProtectionRE.FindString(tplSheetXML(t, data, sheet))
}

func tplHasPassword(el string) bool {
	return strings.Contains(el, ` password="`) || strings.Contains(el, ` hashValue="`)
}

// tplLocked reports whether a cell is locked (the default without a
// protection element).
func tplLocked(t testing.TB, f *excelize.File, sheet, cell string) bool {
	t.Helper()
	id, err := f.GetCellStyle(sheet, cell)
	if err != nil {
		t.Fatal(err)
	}
	st, err := f.GetStyle(id)
	if err != nil {
		t.Fatal(err)
	}
	return st.Protection == nil || st.Protection.Locked
}

func tplCellStyle(t testing.TB, f *excelize.File, sheet, cell string) *excelize.Style {
	t.Helper()
	id, err := f.GetCellStyle(sheet, cell)
	if err != nil {
		t.Fatal(err)
	}
	st, err := f.GetStyle(id)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func tplValue(t testing.TB, f *excelize.File, sheet, cell string, raw bool) string {
	t.Helper()
	v, err := f.GetCellValue(sheet, cell, excelize.Options{RawCellValue: raw})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// tplValidations maps sqref to validation.
func tplValidations(t testing.TB, f *excelize.File, sheet string) map[string]*excelize.DataValidation {
	t.Helper()
	dvs, err := f.GetDataValidations(sheet)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]*excelize.DataValidation{}
	for _, dv := range dvs {
		if _, dup := m[dv.Sqref]; dup {
			t.Errorf("%s: two validations on %s", sheet, dv.Sqref)
		}
		m[dv.Sqref] = dv
	}
	return m
}

func tplStr(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// tplSerial is the 1900-system serial number of a date.
func tplSerial(y int, m time.Month, d int) string {
	days := time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Sub(time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)).Hours() / 24
	return strconv.Itoa(int(days))
}

var tplSheetOrder = []string{
	excelreturn.SheetGuide, excelreturn.SheetInfo, excelreturn.SheetIndicators,
	excelreturn.SheetProblems, excelreturn.SheetPlans, excelreturn.SheetMeta,
}

func TestTemplateWorkbook(t *testing.T) {
	in := tplInput(t)
	data := tplWrite(t, in)
	f := tplOpen(t, data)

	if got := f.GetSheetList(); strings.Join(got, ",") != strings.Join(tplSheetOrder, ",") {
		t.Fatalf("sheets = %v, want %v", got, tplSheetOrder)
	}
	if i := f.GetActiveSheetIndex(); i != 0 {
		t.Errorf("active sheet = %d, want 0 (%s)", i, excelreturn.SheetGuide)
	}
	for _, s := range tplWorkbookSheets(t, data) {
		want := ""
		if s.Name == excelreturn.SheetMeta {
			want = "veryHidden"
		}
		if s.State != want {
			t.Errorf("sheet %s state = %q, want %q", s.Name, s.State, want)
		}
	}
	if wb := tplZipFile(t, data, "xl/workbook.xml"); !strings.Contains(wb, `<workbookProtection lockStructure="true"`) {
		t.Errorf("workbook structure not locked: %s", wb)
	}
	props, err := f.GetDocProps()
	if err != nil {
		t.Fatal(err)
	}
	if props.Creator != "lawcycle" || !strings.Contains(props.Title, "2024年度法治政府建设情况") || props.Language != "zh-CN" {
		t.Errorf("doc props = %+v", props)
	}
}

func TestTemplateProtection(t *testing.T) {
	data := tplWrite(t, tplInput(t))
	f := tplOpen(t, data)
	for _, sheet := range tplSheetOrder {
		el := tplProtection(t, data, sheet)
		if el == "" || !strings.Contains(el, `sheet="true"`) {
			t.Errorf("%s is not protected: %q", sheet, el)
			continue
		}
		opts, err := f.GetSheetProtection(sheet)
		if err != nil {
			t.Fatal(err)
		}
		if sheet == excelreturn.SheetMeta {
			if !tplHasPassword(el) {
				t.Errorf("%s protected without a password: %s", sheet, el)
			}
			if err := f.UnprotectSheet(sheet, "wrong"); err != excelize.ErrUnprotectSheetPassword {
				t.Errorf("unprotect %s with a wrong password: %v", sheet, err)
			}
			continue
		}
		if tplHasPassword(el) {
			t.Errorf("%s has a password; users' sheets must not: %s", sheet, el)
		}
		if !opts.SelectUnlockedCells || !opts.SelectLockedCells || !opts.FormatColumns || !opts.FormatRows {
			t.Errorf("%s: users cannot select cells or resize: %+v", sheet, opts)
		}
		if opts.InsertRows || opts.DeleteRows || opts.InsertColumns || opts.DeleteColumns || opts.FormatCells || opts.Sort {
			t.Errorf("%s: users may change the structure: %+v", sheet, opts)
		}
	}
}

func TestTemplateMeta(t *testing.T) {
	in := tplInput(t)
	c := in.Catalogue
	f := tplOpen(t, tplWrite(t, in))
	rows, err := f.GetRows(excelreturn.SheetMeta)
	if err != nil {
		t.Fatal(err)
	}
	want := [][2]string{
		{excelreturn.MetaFormat, excelreturn.FormatID},
		{excelreturn.MetaCycleID, in.CycleID},
		{excelreturn.MetaCycleYear, "2024"},
		{excelreturn.MetaCycleTitle, in.CycleTitle},
		{excelreturn.MetaOrgCode, in.OrgCode},
		{excelreturn.MetaOrgName, in.OrgName},
		{excelreturn.MetaCatalogue, "general@2025.1+hrss@2025.1"},
		{excelreturn.MetaFingerprint, excelreturn.Fingerprint(c)},
		{excelreturn.MetaGeneratedAt, "2025-01-06T17:30:00+08:00"},
		{excelreturn.MetaRowsMarker, strconv.Itoa(len(c.Indicators()))},
	}
	if len(rows) != len(want)+len(c.Indicators()) {
		t.Fatalf("meta has %d rows, want %d", len(rows), len(want)+len(c.Indicators()))
	}
	for i, w := range want {
		if len(rows[i]) < 2 || rows[i][0] != w[0] || rows[i][1] != w[1] {
			t.Errorf("meta row %d = %q, want %q", i+1, rows[i], w)
		}
	}
	if len(excelreturn.Fingerprint(c)) != 64 {
		t.Errorf("fingerprint %q is not hex sha256", excelreturn.Fingerprint(c))
	}
	positions := excelreturn.IndicatorRows(c)
	for i, ind := range c.Indicators() {
		row := rows[len(want)+i]
		if row[0] != ind.Key || row[1] != strconv.Itoa(positions[ind.Key]) {
			t.Errorf("meta indicator row %d = %q, want %s %d", len(want)+i+1, row, ind.Key, positions[ind.Key])
		}
	}
}

func TestIndicatorLayout(t *testing.T) {
	c := tplCatalogue(t)
	layout := excelreturn.IndicatorLayout(c)
	rows := excelreturn.IndicatorRows(c)
	list := excelreturn.IndicatorRowList(c)
	if len(rows) != len(c.Indicators()) || len(list) != len(c.Indicators()) {
		t.Fatalf("%d rows, %d listed for %d indicators", len(rows), len(list), len(c.Indicators()))
	}
	next := excelreturn.IndicatorFirstRow
	k := 0
	for si, s := range layout {
		if s.Row != next || s.Code != strconv.Itoa(si+1) || s.Section != &c.Sections[si] {
			t.Fatalf("section %d at row %d code %s, want row %d", si, s.Row, s.Code, next)
		}
		next++
		for ii, ir := range s.Indicators {
			if ir.Row != next || ir.Code != strconv.Itoa(si+1)+"."+strconv.Itoa(ii+1) {
				t.Errorf("%s at row %d code %s, want row %d", ir.Indicator.Key, ir.Row, ir.Code, next)
			}
			if rows[ir.Indicator.Key] != ir.Row || list[k] != ir || c.Indicators()[k] != ir.Indicator {
				t.Errorf("%s: IndicatorRows/IndicatorRowList disagree with the layout", ir.Indicator.Key)
			}
			next++
			k++
		}
	}
}

func TestTemplateIndicatorSheet(t *testing.T) {
	in := tplInput(t)
	c := in.Catalogue
	f := tplOpen(t, tplWrite(t, in))
	const sh = excelreturn.SheetIndicators

	header := []string{"编号", "指标名称", "单位", "本年度数值", "上年度数值", "说明（出现提醒时填写原因）", "填报要求", "指标代码"}
	for i, h := range header {
		cell := string(rune('A'+i)) + strconv.Itoa(excelreturn.IndicatorHeaderRow)
		if got := tplValue(t, f, sh, cell, false); got != h {
			t.Errorf("%s = %q, want %q", cell, got, h)
		}
	}
	if title := tplValue(t, f, sh, "A1", false); !strings.Contains(title, "2024年度") || !strings.Contains(title, in.OrgName) {
		t.Errorf("title = %q", title)
	}
	if vis, err := f.GetColVisible(sh, excelreturn.ColKey); err != nil || vis {
		t.Errorf("key column visible = %v (%v)", vis, err)
	}
	panes, err := f.GetPanes(sh)
	if err != nil || !panes.Freeze || panes.YSplit != excelreturn.IndicatorFirstRow-1 {
		t.Errorf("panes = %+v (%v), want frozen below the header", panes, err)
	}

	for _, s := range excelreturn.IndicatorLayout(c) {
		r := strconv.Itoa(s.Row)
		if tplValue(t, f, sh, "A"+r, false) != s.Code || tplValue(t, f, sh, "B"+r, false) != s.Section.Name {
			t.Errorf("section row %s: %q %q", r, tplValue(t, f, sh, "A"+r, false), tplValue(t, f, sh, "B"+r, false))
		}
		if !tplLocked(t, f, sh, excelreturn.ColValue+r) {
			t.Errorf("section row %s has an unlocked value cell", r)
		}
		for _, ir := range s.Indicators {
			ind := ir.Indicator
			r := strconv.Itoa(ir.Row)
			name := ind.Name
			if ind.Required {
				name = "*" + name
			}
			for col, want := range map[string]string{
				excelreturn.ColCode: ir.Code, excelreturn.ColName: name,
				excelreturn.ColUnit: ind.Unit, excelreturn.ColKey: ind.Key,
			} {
				if got := tplValue(t, f, sh, col+r, false); got != want {
					t.Errorf("%s%s = %q, want %q", col, r, got, want)
				}
			}
			req := tplValue(t, f, sh, excelreturn.ColRequirement+r, false)
			if (ind.Required && !strings.Contains(req, "必填")) || (!ind.Required && !strings.Contains(req, "选填")) {
				t.Errorf("%s requirement %q does not say whether it is required", ind.Key, req)
			}
			if ind.Unit != "" && ind.Unit != "%" && !strings.Contains(req, ind.Unit) {
				t.Errorf("%s requirement %q lacks the unit", ind.Key, req)
			}
			for _, col := range []string{excelreturn.ColCode, excelreturn.ColName, excelreturn.ColUnit, excelreturn.ColLastYear, excelreturn.ColRequirement, excelreturn.ColKey} {
				if !tplLocked(t, f, sh, col+r) {
					t.Errorf("%s%s (%s) is unlocked", col, r, ind.Key)
				}
			}
			for _, col := range []string{excelreturn.ColValue, excelreturn.ColExplain} {
				if tplLocked(t, f, sh, col+r) {
					t.Errorf("%s%s (%s) is locked", col, r, ind.Key)
				}
			}
			// The value and last-year cells share the number format.
			vs, ls := tplCellStyle(t, f, sh, excelreturn.ColValue+r), tplCellStyle(t, f, sh, excelreturn.ColLastYear+r)
			if vs.NumFmt != ls.NumFmt || tplStr(vs.CustomNumFmt) != tplStr(ls.CustomNumFmt) {
				t.Errorf("%s: value format %d %q, last year %d %q", ind.Key, vs.NumFmt, tplStr(vs.CustomNumFmt), ls.NumFmt, tplStr(ls.CustomNumFmt))
			}
			switch ind.Type {
			case catalogue.Percent:
				if vs.NumFmt != 10 {
					t.Errorf("%s: percent cell format %d, want 10 (0.00%%)", ind.Key, vs.NumFmt)
				}
			case catalogue.Date:
				if tplStr(vs.CustomNumFmt) != "yyyy-mm-dd" {
					t.Errorf("%s: date cell format %q", ind.Key, tplStr(vs.CustomNumFmt))
				}
			case catalogue.Text, catalogue.Choice:
				if vs.NumFmt != 49 {
					t.Errorf("%s: text cell format %d, want 49 (@)", ind.Key, vs.NumFmt)
				}
			}
			if v := tplValue(t, f, sh, excelreturn.ColValue+r, false); v != "" {
				t.Errorf("%s: value cell prefilled with %q", ind.Key, v)
			}
		}
	}

	// Last year's values: raw as stored, formatted as shown.
	rows := excelreturn.IndicatorRows(c)
	for key, want := range map[string][2]string{
		"review_received":        {"4", "4"},
		"litigation_leader_rate": {"1", "100.00%"},
		"mediation_rate":         {"0.875", "87.50%"},
		"penalty_amount":         {"23.66465", "23.66465"},
		"wage_recovered":         {"77.59", "77.59"},
		"report_published_on":    {tplSerial(2023, 3, 28), "2023-03-28"},
		"arbitration_channel":    {"部分使用", "部分使用"},
		"pufa_highlight":         {"“八五”普法中期评估获评优秀", "“八五”普法中期评估获评优秀"},
		"litigation_lost":        {"", ""},
	} {
		cell := excelreturn.ColLastYear + strconv.Itoa(rows[key])
		if raw, shown := tplValue(t, f, sh, cell, true), tplValue(t, f, sh, cell, false); raw != want[0] || shown != want[1] {
			t.Errorf("last year %s (%s) = %q shown %q, want %q shown %q", key, cell, raw, shown, want[0], want[1])
		}
	}
}

func TestTemplateIndicatorValidations(t *testing.T) {
	in := tplInput(t)
	c := in.Catalogue
	f := tplOpen(t, tplWrite(t, in))
	dvs := tplValidations(t, f, excelreturn.SheetIndicators)
	rows := excelreturn.IndicatorRows(c)
	firstDate, lastDate := tplSerial(2000, 1, 1), tplSerial(2100, 12, 31)

	for _, ind := range c.Indicators() {
		cell := excelreturn.ColValue + strconv.Itoa(rows[ind.Key])
		dv := dvs[cell]
		if dv == nil {
			t.Errorf("%s: no validation on %s", ind.Key, cell)
			continue
		}
		type crit struct{ typ, op, f1, f2 string }
		var want crit
		switch ind.Key {
		case "litigation_leader_rate", "case_files_pass_rate", "exam_pass_rate", "mediation_rate":
			want = crit{"decimal", "between", "0", "1"}
		case "penalty_amount", "wage_recovered":
			want = crit{"decimal", "between", "0", "999999999999999"}
		case "injury_days":
			want = crit{"decimal", "between", "0", "60"}
		case "norm_cleanup_date", "report_published_on":
			want = crit{"date", "between", firstDate, lastDate}
		case "decisions_catalogue_published":
			want = crit{"list", "", `"是,否,不适用"`, ""}
		case "arbitration_channel":
			want = crit{"list", "", `"已全面使用,部分使用,未使用"`, ""}
		case "pufa_highlight":
			want = crit{"textLength", "lessThanOrEqual", "2000", ""}
		default:
			if ind.Type != catalogue.Integer {
				t.Fatalf("test does not know %s", ind.Key)
			}
			want = crit{"whole", "between", "0", "999999999999999"}
		}
		if got := (crit{dv.Type, dv.Operator, dv.Formula1, dv.Formula2}); got != want {
			t.Errorf("%s: validation %+v, want %+v", ind.Key, got, want)
		}
		if !dv.AllowBlank || !dv.ShowInputMessage || !dv.ShowErrorMessage || tplStr(dv.ErrorStyle) != "stop" {
			t.Errorf("%s: validation flags %+v", ind.Key, dv)
		}
		if tplStr(dv.PromptTitle) != ind.Name {
			t.Errorf("%s: prompt title %q, want %q", ind.Key, tplStr(dv.PromptTitle), ind.Name)
		}
		if p := tplStr(dv.Prompt); !strings.Contains(p, ind.Help) || len([]rune(p)) > 255 {
			t.Errorf("%s: prompt %q lacks the help text %q", ind.Key, p, ind.Help)
		}
		if ind.Type != catalogue.Choice && !strings.Contains(tplStr(dv.Prompt), "必填") && !strings.Contains(tplStr(dv.Prompt), "选填") {
			t.Errorf("%s: prompt %q lacks the requirement", ind.Key, tplStr(dv.Prompt))
		}
		if e := tplStr(dv.Error); !strings.Contains(e, "「"+ind.Name+"」") || tplStr(dv.ErrorTitle) == "" {
			t.Errorf("%s: error %q / %q", ind.Key, tplStr(dv.ErrorTitle), e)
		}
		for _, choice := range ind.Choices {
			if !strings.Contains(tplStr(dv.Error), choice) {
				t.Errorf("%s: error %q does not list %s", ind.Key, tplStr(dv.Error), choice)
			}
		}
	}
	// One more validation: the 说明 column.
	layout := excelreturn.IndicatorRowList(c)
	explain := excelreturn.ColExplain + strconv.Itoa(excelreturn.IndicatorFirstRow) + ":" + excelreturn.ColExplain + strconv.Itoa(layout[len(layout)-1].Row)
	if dv := dvs[explain]; dv == nil || dv.Type != "textLength" || dv.Formula1 != "2000" {
		t.Errorf("说明 validation on %s = %+v", explain, dv)
	}
	if len(dvs) != len(c.Indicators())+1 {
		t.Errorf("%d validations, want %d", len(dvs), len(c.Indicators())+1)
	}
}

func TestTemplateInfoSheet(t *testing.T) {
	in := tplInput(t)
	f := tplOpen(t, tplWrite(t, in))
	const sh = excelreturn.SheetInfo
	dvs := tplValidations(t, f, sh)
	for i, fld := range excelreturn.InfoFields {
		r := strconv.Itoa(excelreturn.InfoFirstRow + i)
		label := fld.Label
		if fld.Required {
			label = "*" + label
		}
		if got := tplValue(t, f, sh, excelreturn.InfoLabelCol+r, false); got != label {
			t.Errorf("label %s = %q, want %q", r, got, label)
		}
		if !tplLocked(t, f, sh, excelreturn.InfoLabelCol+r) {
			t.Errorf("label %s unlocked", r)
		}
		value := excelreturn.InfoValueCol + r
		switch fld.Key {
		case "org_name", "credit_code":
			want := map[string]string{"org_name": in.OrgName, "credit_code": in.CreditCode}[fld.Key]
			if got := tplValue(t, f, sh, value, false); got != want || !tplLocked(t, f, sh, value) {
				t.Errorf("prefilled %s = %q locked=%v, want %q locked", fld.Key, got, tplLocked(t, f, sh, value), want)
			}
			if dvs[value] != nil {
				t.Errorf("prefilled %s has a validation", fld.Key)
			}
		default:
			if tplLocked(t, f, sh, value) || tplValue(t, f, sh, value, false) != "" {
				t.Errorf("%s input %s is locked or filled", fld.Key, value)
			}
			dv := dvs[value]
			if dv == nil || dv.Type != "textLength" || tplStr(dv.PromptTitle) != fld.Label || tplStr(dv.Error) == "" {
				t.Errorf("%s validation = %+v", fld.Key, dv)
				continue
			}
			if fld.Key == "phone" && (dv.Operator != "between" || dv.Formula1 != "7" || dv.Formula2 != "20") {
				t.Errorf("phone validation %s %s %s", dv.Operator, dv.Formula1, dv.Formula2)
			}
		}
	}
}

// A blank template (lawcycle template without a cycle) leaves the
// prefilled fields open for typing, with their validation.
func TestTemplateBlank(t *testing.T) {
	f := tplOpen(t, tplWrite(t, excelreturn.TemplateInput{Catalogue: tplCatalogue(t)}))
	dvs := tplValidations(t, f, excelreturn.SheetInfo)
	name, code := "B"+strconv.Itoa(excelreturn.InfoFirstRow), "B"+strconv.Itoa(excelreturn.InfoFirstRow+1)
	for _, cell := range []string{name, code} {
		if tplLocked(t, f, excelreturn.SheetInfo, cell) || dvs[cell] == nil {
			t.Errorf("blank template: %s locked or without validation", cell)
		}
	}
	if dv := dvs[code]; dv != nil && (dv.Operator != "equal" || dv.Formula1 != "18") {
		t.Errorf("credit code validation %s %s", dv.Operator, dv.Formula1)
	}
	rows, _ := f.GetRows(excelreturn.SheetMeta)
	if rows[2][0] != excelreturn.MetaCycleYear || rows[2][1] != "0" || rows[1][0] != excelreturn.MetaCycleID || len(rows[1]) > 1 && rows[1][1] != "" {
		t.Errorf("blank meta rows %q %q", rows[1], rows[2])
	}
	if guide := strings.Join(tplSheetText(t, f, excelreturn.SheetGuide), "\n"); !strings.Contains(guide, "空白模板") {
		t.Errorf("blank template guide does not say so")
	}
}

func tplSheetText(t testing.TB, f *excelize.File, sheet string) []string {
	t.Helper()
	rows, err := f.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range rows {
		out = append(out, strings.Join(r, "\t"))
	}
	return out
}

func TestTemplateTableSheets(t *testing.T) {
	f := tplOpen(t, tplWrite(t, tplInput(t)))
	for _, tc := range []struct {
		sheet       string
		columns     []string
		header, n   int
		validations map[string]string // column letter → validation type
	}{
		{excelreturn.SheetProblems, excelreturn.ProblemColumns, excelreturn.ProblemHeaderRow, excelreturn.ProblemInputRows,
			map[string]string{"B": "textLength", "C": "textLength", "D": "textLength", "E": "textLength", "F": "textLength", "G": "date", "H": "list"}},
		{excelreturn.SheetPlans, excelreturn.PlanColumns, excelreturn.PlanHeaderRow, excelreturn.PlanInputRows,
			map[string]string{"B": "textLength", "C": "textLength", "D": "textLength", "E": "date"}},
	} {
		t.Run(tc.sheet, func(t *testing.T) {
			rows, err := f.GetRows(tc.sheet)
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.Join(rows[tc.header-1], ","); got != strings.Join(tc.columns, ",") {
				t.Errorf("header %q", got)
			}
			first, last := tc.header+1, tc.header+tc.n
			if len(rows) != last {
				t.Errorf("%d rows, want %d", len(rows), last)
			}
			for r := first; r <= last; r++ {
				rs := strconv.Itoa(r)
				if got := tplValue(t, f, tc.sheet, "A"+rs, false); got != strconv.Itoa(r-first+1) || !tplLocked(t, f, tc.sheet, "A"+rs) {
					t.Fatalf("序号 A%s = %q", rs, got)
				}
				for i := 1; i < len(tc.columns); i++ {
					cell := string(rune('A'+i)) + rs
					if tplLocked(t, f, tc.sheet, cell) {
						t.Fatalf("input %s locked", cell)
					}
				}
			}
			dvs := tplValidations(t, f, tc.sheet)
			for col, typ := range tc.validations {
				sqref := col + strconv.Itoa(first) + ":" + col + strconv.Itoa(last)
				dv := dvs[sqref]
				if dv == nil || dv.Type != typ || tplStr(dv.PromptTitle) == "" || tplStr(dv.Error) == "" {
					t.Errorf("validation on %s = %+v, want %s", sqref, dv, typ)
					continue
				}
				if typ == "list" && dv.Formula1 != `"`+strings.Join(excelreturn.ProblemCategories, ",")+`"` {
					t.Errorf("category list %s", dv.Formula1)
				}
				if typ == "date" && (dv.Formula1 != tplSerial(2000, 1, 1) || tplStr(tplCellStyle(t, f, tc.sheet, col+strconv.Itoa(first)).CustomNumFmt) != "yyyy-mm-dd") {
					t.Errorf("date column %s: %+v", col, dv)
				}
			}
			if len(dvs) != len(tc.validations) {
				t.Errorf("%d validations, want %d", len(dvs), len(tc.validations))
			}
		})
	}
}

func TestTemplateGuide(t *testing.T) {
	in := tplInput(t)
	c := in.Catalogue
	f := tplOpen(t, tplWrite(t, in))
	text := strings.Join(tplSheetText(t, f, excelreturn.SheetGuide), "\n")
	musts := []string{in.CycleTitle, in.OrgName, in.CreditCode, c.Label(), "2024", ".xlsx", "说明", "百分比", "错误", "提醒"}
	for _, s := range c.Sections {
		musts = append(musts, s.Name)
	}
	for _, s := range tplSheetOrder[1:5] {
		musts = append(musts, "“"+s+"”")
	}
	for _, m := range musts {
		if !strings.Contains(text, m) {
			t.Errorf("填报说明 lacks %q", m)
		}
	}
	// Every rule and flag with its help and its severity on one row.
	lines := tplSheetText(t, f, excelreturn.SheetGuide)
	find := func(msg string) string {
		for _, l := range lines {
			if strings.Contains(l, msg) {
				return l
			}
		}
		return ""
	}
	for _, r := range c.Rules {
		want := map[catalogue.Severity]string{catalogue.SeverityError: "错误", catalogue.SeverityWarning: "提醒"}[r.Severity]
		if l := find(r.Message); !strings.HasPrefix(l, want+"\t") || !strings.Contains(l, r.Help) {
			t.Errorf("rule %s: row %q, want %s with help", r.Key, l, want)
		}
	}
	for _, fl := range c.Flags {
		if l := find(fl.Message); !strings.HasPrefix(l, "提醒\t") || !strings.Contains(l, fl.Help) {
			t.Errorf("flag %s: row %q", fl.Key, l)
		}
	}
	// Every indicator's whole help, under its code.
	for _, ir := range excelreturn.IndicatorRowList(c) {
		if ir.Indicator.Help == "" {
			continue
		}
		if l := find(ir.Indicator.Help); !strings.HasPrefix(l, ir.Code+"\t"+ir.Indicator.Name) {
			t.Errorf("%s: help row %q", ir.Indicator.Key, l)
		}
	}
}

// The built-in catalogues: every indicator validated, every text within
// Excel's limits (a longer prompt or title makes Excel refuse the file).
func TestTemplateBuiltinCatalogues(t *testing.T) {
	for _, sector := range []string{"", "hrss"} {
		t.Run("sector="+sector, func(t *testing.T) {
			in := tplBuiltinInput(t, sector)
			c := in.Catalogue
			f := tplOpen(t, tplWrite(t, in))
			rows := excelreturn.IndicatorRows(c)
			for _, sheet := range tplSheetOrder {
				for sqref, dv := range tplValidations(t, f, sheet) {
					for _, lim := range []struct {
						what string
						s    string
						max  int
					}{{"prompt title", tplStr(dv.PromptTitle), 32}, {"prompt", tplStr(dv.Prompt), 255}, {"error title", tplStr(dv.ErrorTitle), 32}, {"error", tplStr(dv.Error), 225}} {
						if n := len(utf16.Encode([]rune(lim.s))); n > lim.max {
							t.Errorf("%s %s: %s has %d UTF-16 units, Excel allows %d", sheet, sqref, lim.what, n, lim.max)
						}
					}
				}
			}
			dvs := tplValidations(t, f, excelreturn.SheetIndicators)
			for _, ind := range c.Indicators() {
				r := strconv.Itoa(rows[ind.Key])
				dv := dvs[excelreturn.ColValue+r]
				if dv == nil {
					t.Errorf("%s: no validation", ind.Key)
					continue
				}
				if !strings.HasPrefix(tplStr(dv.Prompt), tplValue(t, f, excelreturn.SheetIndicators, excelreturn.ColRequirement+r, false)) {
					t.Errorf("%s: prompt %q does not start with the requirement", ind.Key, tplStr(dv.Prompt))
				}
				if lead, _, _ := strings.Cut(ind.Help, "。"); !strings.Contains(tplStr(dv.Prompt), lead) {
					t.Errorf("%s: prompt %q lacks the help's first sentence %q", ind.Key, tplStr(dv.Prompt), lead)
				}
				if got := tplValue(t, f, excelreturn.SheetIndicators, excelreturn.ColKey+r, false); got != ind.Key {
					t.Errorf("row %s holds %q, want %s", r, got, ind.Key)
				}
				if tplValue(t, f, excelreturn.SheetIndicators, excelreturn.ColLastYear+r, false) == "" {
					t.Errorf("%s: last year's value missing", ind.Key)
				}
			}
			meta, _ := f.GetRows(excelreturn.SheetMeta)
			if meta[7][1] != excelreturn.Fingerprint(c) || meta[6][1] != c.Label() {
				t.Errorf("meta catalogue %q fingerprint %q", meta[6], meta[7])
			}
		})
	}
}

// Choices that do not fit an inline list (a comma inside, or more than 255
// characters) are listed on the metadata sheet and referenced from there.
func TestTemplateLongChoiceList(t *testing.T) {
	general, hrss := tplParts()
	long := make([]string, 40)
	for i := range long {
		long[i] = "第" + strconv.Itoa(i+1) + "类：行政执法监督检查事项"
	}
	general.Sections[2].Indicators = append(general.Sections[2].Indicators,
		catalogue.Indicator{Key: "decision_kind", Name: "决策类别", Type: catalogue.Choice, Choices: long},
		catalogue.Indicator{Key: "decision_form", Name: "决策形式", Type: catalogue.Choice, Choices: []string{"会议审议", "书面审议,会签"}},
	)
	c, err := catalogue.Compose(general, hrss)
	if err != nil {
		t.Fatal(err)
	}
	in := tplInput(t)
	in.Catalogue = c
	f := tplOpen(t, tplWrite(t, in))
	dvs := tplValidations(t, f, excelreturn.SheetIndicators)
	rows := excelreturn.IndicatorRows(c)
	for col, tc := range map[string]struct {
		key     string
		choices []string
	}{"D": {"decision_kind", long}, "E": {"decision_form", []string{"会议审议", "书面审议,会签"}}} {
		dv := dvs[excelreturn.ColValue+strconv.Itoa(rows[tc.key])]
		want := excelreturn.SheetMeta + "!$" + col + "$2:$" + col + "$" + strconv.Itoa(len(tc.choices)+1)
		if dv == nil || dv.Type != "list" || dv.Formula1 != want {
			t.Fatalf("%s validation = %+v, want list %s", tc.key, dv, want)
		}
		cols, err := f.GetCols(excelreturn.SheetMeta)
		if err != nil {
			t.Fatal(err)
		}
		got := cols[int(col[0]-'A')]
		if got[0] != tc.key || strings.Join(got[1:len(tc.choices)+1], "|") != strings.Join(tc.choices, "|") {
			t.Errorf("meta column %s = %q", col, got)
		}
	}
	// The key/row pairs in A and B are untouched.
	metaRows, _ := f.GetRows(excelreturn.SheetMeta)
	if metaRows[0][0] != excelreturn.MetaFormat || metaRows[0][1] != excelreturn.FormatID {
		t.Errorf("meta row 1 = %q", metaRows[0])
	}
}

// The same input gives the same parts. (The zip entry order is not
// stable: excelize writes stream-written sheets from a map.)
func TestTemplateDeterministic(t *testing.T) {
	parts := func(data []byte) map[string]string {
		zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]string{}
		for _, zf := range zr.File {
			m[zf.Name] = tplZipFile(t, data, zf.Name)
		}
		return m
	}
	a, b := parts(tplWrite(t, tplInput(t))), parts(tplWrite(t, tplInput(t)))
	if len(a) != len(b) {
		t.Fatalf("%d parts, then %d", len(a), len(b))
	}
	for name, content := range a {
		if b[name] != content {
			t.Errorf("%s differs between two templates from the same input", name)
		}
	}
}

func TestWriteTemplateNoCatalogue(t *testing.T) {
	if err := excelreturn.WriteTemplate(io.Discard, excelreturn.TemplateInput{}); err == nil {
		t.Error("no error without a catalogue")
	}
}

func TestFingerprint(t *testing.T) {
	base := excelreturn.Fingerprint(tplCatalogue(t))
	if again := excelreturn.Fingerprint(tplCatalogue(t)); again != base {
		t.Fatalf("fingerprint not stable: %s, %s", base, again)
	}
	compose := func(change func(g, s *catalogue.Part)) string {
		g, s := tplParts()
		change(g, s)
		c, err := catalogue.Compose(g, s)
		if err != nil {
			t.Fatal(err)
		}
		return excelreturn.Fingerprint(c)
	}
	same := map[string]func(g, s *catalogue.Part){
		"help text":    func(g, _ *catalogue.Part) { g.Sections[0].Indicators[0].Help = "改过的说明" },
		"rule message": func(g, _ *catalogue.Part) { g.Rules[0].Message = "改过的提示" },
	}
	for name, change := range same {
		if got := compose(change); got != base {
			t.Errorf("%s changed the fingerprint", name)
		}
	}
	different := map[string]func(g, s *catalogue.Part){
		"type":    func(g, _ *catalogue.Part) { g.Sections[0].Indicators[0].Type = catalogue.Decimal },
		"max":     func(g, _ *catalogue.Part) { g.Sections[0].Indicators[0].Max = tplDec("1000") },
		"unit":    func(g, _ *catalogue.Part) { g.Sections[0].Indicators[7].Unit = "宗" },
		"version": func(g, _ *catalogue.Part) { g.Version = "2025.2" },
		"added indicator": func(g, _ *catalogue.Part) {
			g.Sections[1].Indicators = append(g.Sections[1].Indicators, catalogue.Indicator{Key: "x_new", Name: "新指标", Type: catalogue.Integer})
		},
		"moved indicator": func(g, _ *catalogue.Part) {
			ii := g.Sections[0].Indicators
			ii[0], ii[1] = ii[1], ii[0]
		},
		"sector section dropped": func(_, s *catalogue.Part) { s.Sections = s.Sections[1:] },
		"choices":                func(g, _ *catalogue.Part) { g.Sections[2].Indicators[4].Choices = []string{"是", "否"} },
	}
	seen := map[string]string{base: "base"}
	for name, change := range different {
		got := compose(change)
		if prev, dup := seen[got]; dup {
			t.Errorf("%s: fingerprint equals that of %s", name, prev)
		}
		seen[got] = name
	}
}

// What WriteTemplate relies on in excelize's stream writer: data
// validations and sheet protection added to the sheet before Flush are
// written with it (Flush encodes the worksheet's dataValidations and
// sheetProtection after sheetData), whatever the order relative to rows.
func TestStreamWriterKeepsValidationsAddedBeforeFlush(t *testing.T) {
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	if err := sw.SetRow("A1", []any{"x"}); err != nil {
		t.Fatal(err)
	}
	dv := excelize.NewDataValidation(true)
	dv.Sqref = "B2"
	if err := dv.SetRange(0, 10, excelize.DataValidationTypeWhole, excelize.DataValidationOperatorBetween); err != nil {
		t.Fatal(err)
	}
	if err := f.AddDataValidation("Sheet1", dv); err != nil {
		t.Fatal(err)
	}
	if err := f.ProtectSheet("Sheet1", &excelize.SheetProtectionOptions{SelectUnlockedCells: true}); err != nil {
		t.Fatal(err)
	}
	if err := sw.Flush(); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	g := tplOpen(t, buf.Bytes())
	dvs := tplValidations(t, g, "Sheet1")
	if d := dvs["B2"]; d == nil || d.Type != "whole" || d.Formula2 != "10" {
		t.Errorf("validation added before Flush: %+v", d)
	}
	if el := tplProtection(t, buf.Bytes(), "Sheet1"); !strings.Contains(el, `sheet="true"`) {
		t.Errorf("protection added before Flush: %q", el)
	}
}
