package excelreturn_test

import (
	"archive/zip"
	"bytes"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/lawcycle/lawcycle/catalogue"
	"github.com/lawcycle/lawcycle/excelreturn"
)

// rdAnnotated is a return with errors and warnings on several sheets, the
// issues Parse found in it (plus one without a sheet), and its annotated
// copy.
func rdAnnotated(t *testing.T) (src []byte, issues []excelreturn.Issue, out []byte) {
	t.Helper()
	in := rdInput(t)
	cells := rdFullCells()
	for k, v := range rdProblemCells {
		cells[k] = v
	}
	cells["arbitration_mediated"] = 290                                            // error: D73 > D72
	cells["work_injury_recognised"], cells["work_injury_not_recognised"] = 400, 60 // warning: D67 + D68 > D66
	cells["review_cases"] = "十二"                                                   // error: not a number
	cells["基本信息!B5"] = "办公室"                                                       // error: not a phone
	cells["存在问题!H3"] = "马上就改"                                                      // error: no such category
	src = rdWith(t, rdTemplate(t, in), rdSet(cells), func(t testing.TB, f *excelize.File) {
		// the bureau's own comment on a cell that gets an issue
		if err := f.AddComment(excelreturn.SheetIndicators, excelize.Comment{Cell: "D72", Author: "王芳", Text: "含上年结转"}); err != nil {
			t.Fatal(err)
		}
	})
	res := rdParse(t, src, rdExpect(in))
	if len(res.Errors) < 4 || len(res.Warnings) < 1 {
		t.Fatalf("fixture: errors:%s\nwarnings:%s", rdIssues(res.Errors), rdIssues(res.Warnings))
	}
	issues = append(append([]excelreturn.Issue{}, res.Warnings...), res.Errors...) // warnings first: Annotate orders them
	issues = append(issues, excelreturn.Issue{Code: "example_file_level", Severity: catalogue.SeverityError, Message: "整个文件的问题"})
	out, err := excelreturn.Annotate(src, issues)
	if err != nil {
		t.Fatal(err)
	}
	return src, issues, out
}

func rdOpen(t testing.TB, data []byte) *excelize.File {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = f.Close() })
	return f
}

func rdStyle(t testing.TB, f *excelize.File, sheet, cell string) *excelize.Style {
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

func rdFillColour(st *excelize.Style) string {
	if st.Fill.Pattern != 1 || len(st.Fill.Color) == 0 {
		return ""
	}
	return strings.TrimPrefix(strings.ToUpper(st.Fill.Color[0]), "FF")
}

func TestAnnotateMarksCells(t *testing.T) {
	src, _, out := rdAnnotated(t)
	of, af := rdOpen(t, src), rdOpen(t, out)
	for _, tc := range []struct {
		sheet, cell, colour string
	}{
		{excelreturn.SheetIndicators, "D73", "C7CE"}, // FFC7CE, error
		{excelreturn.SheetIndicators, "D72", "C7CE"},
		{excelreturn.SheetIndicators, "D7", "C7CE"},
		{excelreturn.SheetIndicators, "D67", "EB9C"}, // FFEB9C, warning
		{excelreturn.SheetIndicators, "D68", "EB9C"},
		{excelreturn.SheetIndicators, "D66", "EB9C"},
		{excelreturn.SheetInfo, "B5", "C7CE"},
		{excelreturn.SheetProblems, "H3", "C7CE"},
	} {
		before, after := rdStyle(t, of, tc.sheet, tc.cell), rdStyle(t, af, tc.sheet, tc.cell)
		if got := rdFillColour(after); got != "FF"+tc.colour && got != tc.colour {
			t.Errorf("%s!%s fill = %q, want FF%s", tc.sheet, tc.cell, got, tc.colour)
		}
		// everything but the fill is the cell's own style
		if before.NumFmt != after.NumFmt || rdStr(before.CustomNumFmt) != rdStr(after.CustomNumFmt) {
			t.Errorf("%s!%s number format %d %q → %d %q", tc.sheet, tc.cell, before.NumFmt, rdStr(before.CustomNumFmt), after.NumFmt, rdStr(after.CustomNumFmt))
		}
		if (before.Protection == nil) != (after.Protection == nil) || (before.Protection != nil && *before.Protection != *after.Protection) {
			t.Errorf("%s!%s protection %+v → %+v", tc.sheet, tc.cell, before.Protection, after.Protection)
		}
		if len(before.Border) != len(after.Border) {
			t.Errorf("%s!%s borders %d → %d", tc.sheet, tc.cell, len(before.Border), len(after.Border))
		}
	}
	// a cell without an issue keeps its style id
	for _, c := range []string{"D4", "D80", "F67"} {
		b, _ := of.GetCellStyle(excelreturn.SheetIndicators, c)
		a, _ := af.GetCellStyle(excelreturn.SheetIndicators, c)
		if b != a {
			t.Errorf("%s style %d → %d", c, b, a)
		}
	}
	// the percent cell next to an issue still shows a percentage
	if st := rdStyle(t, af, excelreturn.SheetIndicators, "D74"); st.NumFmt != 10 && !strings.Contains(rdStr(st.CustomNumFmt), "%") {
		t.Errorf("D74 lost its percent format: %d %q", st.NumFmt, rdStr(st.CustomNumFmt))
	}
}

func rdStr(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func TestAnnotateComments(t *testing.T) {
	_, issues, out := rdAnnotated(t)
	af := rdOpen(t, out)
	comments, err := af.GetComments(excelreturn.SheetIndicators)
	if err != nil {
		t.Fatal(err)
	}
	byCell := map[string]excelize.Comment{}
	for _, c := range comments {
		byCell[c.Cell] = c
	}
	text := func(c excelize.Comment) string {
		s := c.Text
		for _, r := range c.Paragraph {
			s += r.Text
		}
		return s
	}
	for _, is := range issues {
		if is.Sheet != excelreturn.SheetIndicators {
			continue
		}
		cells := is.Cells
		if len(cells) == 0 {
			cells = []string{is.Cell}
		}
		for _, cell := range cells {
			c, ok := byCell[cell]
			if !ok {
				t.Errorf("no comment on %s for %s", cell, is.Code)
				continue
			}
			if c.Author != "lawcycle" {
				t.Errorf("%s comment author %q", cell, c.Author)
			}
			if !strings.Contains(text(c), is.Message) {
				t.Errorf("%s comment %q does not carry %q", cell, text(c), is.Message)
			}
		}
	}
	if got := text(byCell["D72"]); !strings.Contains(got, "含上年结转") || !strings.Contains(got, "【错误】") {
		t.Errorf("D72 comment lost the bureau's own note or ours: %q", got)
	}
	// 存在问题 and 基本信息 are protected sheets: their comments are there too
	for sheet, cell := range map[string]string{excelreturn.SheetProblems: "H3", excelreturn.SheetInfo: "B5"} {
		cs, err := af.GetComments(sheet)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.ContainsFunc(cs, func(c excelize.Comment) bool { return c.Cell == cell && c.Author == "lawcycle" }) {
			t.Errorf("no comment on %s!%s: %+v", sheet, cell, cs)
		}
		if !rdProtected(t, out, sheet) {
			t.Errorf("%s lost its protection", sheet)
		}
	}
}

var rdSheetProtectionRE = regexp.MustCompile(`<sheetProtection\b[^>]*\bsheet="(1|true)"`)

// rdProtected says whether a sheet's XML carries sheet protection.
func rdProtected(t testing.TB, data []byte, sheet string) bool {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	f := rdOpen(t, data)
	idx, err := f.GetSheetIndex(sheet)
	if err != nil || idx < 0 {
		t.Fatalf("no sheet %s", sheet)
	}
	// excelize names parts sheetN.xml in creation order; find by content
	for _, zf := range zr.File {
		if !strings.HasPrefix(zf.Name, "xl/worksheets/sheet") {
			continue
		}
		rc, _ := zf.Open()
		b, _ := io.ReadAll(rc)
		rc.Close()
		if sheetPartOf(t, data, sheet) == zf.Name {
			return rdSheetProtectionRE.Match(b)
		}
	}
	return false
}

// sheetPartOf finds a sheet's part through the workbook relationships.
func sheetPartOf(t testing.TB, data []byte, sheet string) string {
	t.Helper()
	read := func(name string) string {
		zr, _ := zip.NewReader(bytes.NewReader(data), int64(len(data)))
		for _, zf := range zr.File {
			if zf.Name == name {
				rc, _ := zf.Open()
				b, _ := io.ReadAll(rc)
				rc.Close()
				return string(b)
			}
		}
		return ""
	}
	wb, rels := read("xl/workbook.xml"), read("xl/_rels/workbook.xml.rels")
	m := regexp.MustCompile(`<sheet [^>]*name="` + regexp.QuoteMeta(sheet) + `"[^>]*r:id="([^"]+)"`).FindStringSubmatch(wb)
	if m == nil {
		return ""
	}
	r := regexp.MustCompile(`<Relationship [^>]*Id="` + m[1] + `"[^>]*Target="([^"]+)"`).FindStringSubmatch(rels)
	if r == nil {
		r = regexp.MustCompile(`<Relationship [^>]*Target="([^"]+)"[^>]*Id="` + m[1] + `"`).FindStringSubmatch(rels)
	}
	if r == nil {
		return ""
	}
	return "xl/" + strings.TrimPrefix(strings.TrimPrefix(r[1], "/xl/"), "/")
}

func TestAnnotateErrorList(t *testing.T) {
	_, issues, out := rdAnnotated(t)
	af := rdOpen(t, out)
	if got := af.GetSheetName(af.GetActiveSheetIndex()); got != excelreturn.SheetErrors {
		t.Fatalf("active sheet = %q, want %s", got, excelreturn.SheetErrors)
	}
	rows, err := af.GetRows(excelreturn.SheetErrors)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) < 2 || !slices.Equal(rows[1], []string{"序号", "级别", "工作表", "单元格", "指标", "说明"}) {
		t.Fatalf("header = %v", rows[1])
	}
	list := rows[2:]
	if len(list) != len(issues) {
		t.Fatalf("%d rows for %d issues", len(list), len(issues))
	}
	nErr := 0
	for _, is := range issues {
		if is.Severity == catalogue.SeverityError {
			nErr++
		}
	}
	if !strings.Contains(rows[0][0], strconv.Itoa(nErr)+" 处错误") {
		t.Errorf("summary %q", rows[0][0])
	}
	for i, row := range list {
		r := strconv.Itoa(3 + i)
		for len(row) < 6 {
			row = append(row, "")
		}
		if row[0] != strconv.Itoa(i+1) {
			t.Errorf("row %s 序号 = %q", r, row[0])
		}
		wantLevel := "错误"
		if i >= nErr {
			wantLevel = "提醒" // errors first, then warnings
		}
		if row[1] != wantLevel {
			t.Errorf("row %s 级别 = %q, want %s", r, row[1], wantLevel)
		}
		// find the issue this row lists
		k := slices.IndexFunc(issues, func(is excelreturn.Issue) bool { return is.Message == row[5] })
		if k < 0 {
			t.Errorf("row %s lists an unknown issue %q", r, row[5])
			continue
		}
		is := issues[k]
		if row[2] != is.Sheet || (is.IndicatorName != "" && row[4] != is.IndicatorName) {
			t.Errorf("row %s = %v for %+v", r, row, is)
		}
		ok, target, err := af.GetCellHyperLink(excelreturn.SheetErrors, "D"+r)
		if err != nil {
			t.Fatal(err)
		}
		if is.Sheet == "" {
			if ok {
				t.Errorf("row %s: a file-level issue has a link %q", r, target)
			}
			continue
		}
		if !ok {
			t.Errorf("row %s: no link to %s!%s", r, is.Sheet, is.Cell)
			continue
		}
		// the link works: it names an existing sheet and the issue's cell
		want := "'" + is.Sheet + "'!" + is.Cell
		if target != want {
			t.Errorf("row %s link = %q, want %q", r, target, want)
		}
		sheet, cell, _ := strings.Cut(target, "!")
		if idx, err := af.GetSheetIndex(strings.Trim(sheet, "'")); err != nil || idx < 0 {
			t.Errorf("row %s link to a missing sheet %q", r, sheet)
		}
		if _, _, err := excelize.CellNameToCoordinates(cell); err != nil {
			t.Errorf("row %s link to a bad cell %q", r, cell)
		}
		if len(is.Cells) > 1 && row[3] != strings.Join(is.Cells, "、") {
			t.Errorf("row %s 单元格 = %q, want %v", r, row[3], is.Cells)
		}
	}
}

// The annotated copy is the bureau's own workbook: every other sheet holds
// what it held, and the parser reads the same values from it.
func TestAnnotateKeepsWorkbook(t *testing.T) {
	src, _, out := rdAnnotated(t)
	of, af := rdOpen(t, src), rdOpen(t, out)
	want := append(of.GetSheetList(), excelreturn.SheetErrors)
	if got := af.GetSheetList(); !slices.Equal(got, want) {
		t.Fatalf("sheets = %v, want %v", got, want)
	}
	for _, sheet := range of.GetSheetList() {
		a, err := of.GetRows(sheet, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		b, err := af.GetRows(sheet, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		if len(a) != len(b) {
			t.Errorf("%s: %d rows → %d", sheet, len(a), len(b))
			continue
		}
		for i := range a {
			if !slices.Equal(a[i], b[i]) {
				t.Errorf("%s row %d: %q → %q", sheet, i+1, a[i], b[i])
			}
		}
		va, _ := of.GetSheetVisible(sheet)
		vb, _ := af.GetSheetVisible(sheet)
		if va != vb {
			t.Errorf("%s visible %v → %v", sheet, va, vb)
		}
	}
	for _, sheet := range []string{excelreturn.SheetIndicators, excelreturn.SheetMeta} {
		if !rdProtected(t, out, sheet) {
			t.Errorf("%s lost its protection", sheet)
		}
	}
	in := rdInput(t)
	r1, r2 := rdParse(t, src, rdExpect(in)), rdParse(t, out, rdExpect(in))
	if len(r1.Errors) != len(r2.Errors) || len(r1.Warnings) != len(r2.Warnings) {
		t.Errorf("annotated copy reads differently:\nbefore:%s\nafter:%s", rdIssues(append(r1.Errors, r1.Warnings...)), rdIssues(append(r2.Errors, r2.Warnings...)))
	}
	for k, v := range r1.Return.Values {
		if w := r2.Return.Values[k]; !w.Number.Equal(v.Number) || w.Text != v.Text {
			t.Errorf("%s: %+v → %+v", k, v, w)
		}
	}
}

func TestAnnotateAgainReplacesList(t *testing.T) {
	_, issues, out := rdAnnotated(t)
	again, err := excelreturn.Annotate(out, issues[:2])
	if err != nil {
		t.Fatal(err)
	}
	f := rdOpen(t, again)
	n := 0
	for _, s := range f.GetSheetList() {
		if s == excelreturn.SheetErrors {
			n++
		}
	}
	rows, _ := f.GetRows(excelreturn.SheetErrors)
	if n != 1 || len(rows) != 2+2 {
		t.Fatalf("%d lists with %d rows", n, len(rows))
	}
}

func TestAnnotateNoIssues(t *testing.T) {
	out, err := excelreturn.Annotate(rdFilled(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := rdOpen(t, out).GetRows(excelreturn.SheetErrors)
	if len(rows) != 2 || !strings.Contains(rows[0][0], "校验通过") {
		t.Fatalf("rows = %v", rows)
	}
}

func TestAnnotateUnreadableFile(t *testing.T) {
	for name, data := range map[string][]byte{
		"empty":  nil,
		"text":   []byte("not a workbook"),
		"legacy": rdReadFile(t, "testdata/returns/legacy.xls"),
	} {
		if _, err := excelreturn.Annotate(data, []excelreturn.Issue{{Code: "x", Message: "x"}}); err == nil {
			t.Errorf("%s: Annotate succeeded on a file it cannot open", name)
		}
	}
}

// LibreOffice opens the annotated copy and keeps the list: the workbook
// excelize wrote is sound.
func TestAnnotateOpensInLibreOffice(t *testing.T) {
	_, issues, out := rdAnnotated(t)
	saved := libreofficeRoundTrip(t, out)
	f := rdOpen(t, saved)
	rows, err := f.GetRows(excelreturn.SheetErrors)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2+len(issues) {
		t.Fatalf("LibreOffice kept %d rows of the list, want %d", len(rows), 2+len(issues))
	}
	// excelize does not read fills back from LibreOffice's styles (no
	// applyFill); the fills themselves must still be there
	zr, err := zip.NewReader(bytes.NewReader(saved), int64(len(saved)))
	if err != nil {
		t.Fatal(err)
	}
	for _, zf := range zr.File {
		if zf.Name != "xl/styles.xml" {
			continue
		}
		rc, _ := zf.Open()
		b, _ := io.ReadAll(rc)
		rc.Close()
		for _, c := range []string{"FFFFC7CE", "FFFFEB9C"} {
			if !bytes.Contains(b, []byte(`<fgColor rgb="`+c+`"`)) {
				t.Errorf("LibreOffice dropped the %s fill", c)
			}
		}
	}
}

// A renamed sheet is listed with a link to the sheet under its new name;
// a missing one without a link.
func TestAnnotateSheetIssues(t *testing.T) {
	in := rdInput(t)
	cells := rdFullCells()
	data := rdWith(t, rdTemplate(t, in), rdSet(cells), rdDo(func(f *excelize.File) error {
		if err := f.SetSheetName(excelreturn.SheetIndicators, "Sheet1"); err != nil {
			return err
		}
		return f.DeleteSheet(excelreturn.SheetPlans)
	}))
	res := rdParse(t, data, rdExpect(in))
	out, err := excelreturn.Annotate(data, res.Errors)
	if err != nil {
		t.Fatal(err)
	}
	f := rdOpen(t, out)
	rows, _ := f.GetRows(excelreturn.SheetErrors)
	links := map[string]string{}
	for i, row := range rows[2:] {
		_, target, _ := f.GetCellHyperLink(excelreturn.SheetErrors, "D"+strconv.Itoa(3+i))
		links[row[5]] = target
	}
	for _, is := range res.Errors {
		want := ""
		if is.Code == "sheet_renamed" {
			want = "'Sheet1'!A1"
		}
		if links[is.Message] != want {
			t.Errorf("%s: link %q, want %q", is.Code, links[is.Message], want)
		}
	}
	if len(res.Errors) != 2 {
		t.Errorf("errors:%s", rdIssues(res.Errors))
	}
}
