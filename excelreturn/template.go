package excelreturn

import (
	"archive/zip"
	"compress/flate"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/lawcycle/lawcycle/catalogue"
	"github.com/lawcycle/lawcycle/internal/chinatime"
)

// metaPassword protects the metadata sheet against accidental edits. It is
// no secret: the fingerprint, not the password, is what tells a tampered
// template apart.
const metaPassword = "lawcycle"

// userProtection is how the sheets a bureau fills are protected: no
// password, unlocked cells editable, columns and rows resizable, nothing
// inserted, deleted or moved.
func userProtection() *excelize.SheetProtectionOptions {
	return &excelize.SheetProtectionOptions{
		SelectLockedCells:   true,
		SelectUnlockedCells: true,
		FormatColumns:       true,
		FormatRows:          true,
	}
}

// WriteTemplate writes the personalised return template of one bureau for
// one cycle (docs/domain.md#template) as an .xlsx workbook to w. With an empty CycleID it
// writes a blank template that lawcycle check can read.
//
// Every sheet is written by a stream writer in the order STYLE asks for:
// styles first, then per sheet columns and panes, rows in order,
// validations and protection, and a single Flush. The stream writer puts
// data validations and sheet protection into the sheet XML at Flush, so
// anything added later would be silently lost.
func WriteTemplate(w io.Writer, in TemplateInput) error {
	if in.Catalogue == nil {
		return errors.New("write template: no catalogue")
	}
	if in.GeneratedAt.IsZero() {
		in.GeneratedAt = time.Now()
	}
	f := excelize.NewFile()
	defer func() { _ = f.Close() }()
	f.SetZipWriter(FastZip)

	t := &templateWriter{
		f:        f,
		in:       in,
		cat:      in.Catalogue,
		sections: IndicatorLayout(in.Catalogue),
	}
	t.lists = choiceLists(t.sections)
	if err := t.workbook(); err != nil {
		return fmt.Errorf("write template: %w", err)
	}
	st, err := newStyles(f)
	if err != nil {
		return fmt.Errorf("write template: %w", err)
	}
	if err := st.prepareValues(t.sections); err != nil {
		return fmt.Errorf("write template: %w", err)
	}
	t.st = st
	for _, sheet := range []struct {
		name  string
		write func(*excelize.StreamWriter) error
	}{
		{SheetGuide, t.guideSheet},
		{SheetInfo, t.infoSheet},
		{SheetIndicators, t.indicatorSheet},
		{SheetProblems, t.problemSheet},
		{SheetPlans, t.planSheet},
		{SheetMeta, t.metaSheet},
	} {
		sw, err := f.NewStreamWriter(sheet.name)
		if err != nil {
			return fmt.Errorf("write template: %s: %w", sheet.name, err)
		}
		if err := sheet.write(sw); err != nil {
			return fmt.Errorf("write template: %s: %w", sheet.name, err)
		}
		if err := sw.Flush(); err != nil {
			return fmt.Errorf("write template: %s: %w", sheet.name, err)
		}
	}
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("write template: %w", err)
	}
	return nil
}

type templateWriter struct {
	f        *excelize.File
	in       TemplateInput
	cat      *catalogue.Catalogue
	sections []SectionRow
	lists    map[string]choiceList // choice lists too long to write inline, by indicator key
	st       *styles
	slab     []excelize.Cell
}

// workbook creates the sheets in order and sets what lives in the workbook
// part: properties, the active sheet, the very hidden metadata sheet and the
// locked structure (sheets cannot be renamed, moved, deleted or unhidden).
func (t *templateWriter) workbook() error {
	f := t.f
	if err := f.SetSheetName("Sheet1", SheetGuide); err != nil {
		return err
	}
	for _, name := range []string{SheetInfo, SheetIndicators, SheetProblems, SheetPlans, SheetMeta} {
		if _, err := f.NewSheet(name); err != nil {
			return err
		}
	}
	f.SetActiveSheet(0)
	if err := f.SetSheetVisible(SheetMeta, false, true); err != nil {
		return err
	}
	created := t.in.GeneratedAt.UTC().Format("2006-01-02T15:04:05Z")
	title := t.title() + "填报表"
	if t.in.OrgName != "" {
		title += "（" + t.in.OrgName + "）"
	}
	if err := f.SetDocProps(&excelize.DocProperties{
		Title:          title,
		Subject:        "法治政府建设年度报告",
		Description:    "由 lawcycle 生成的个性化填报表。请勿修改工作表名称和结构。",
		Keywords:       FormatID + "; " + t.cat.Label(),
		Category:       "法治政府建设年度报告填报表",
		Creator:        "lawcycle",
		LastModifiedBy: "lawcycle",
		Created:        created,
		Modified:       created,
		Language:       "zh-CN",
	}); err != nil {
		return err
	}
	return f.ProtectWorkbook(&excelize.WorkbookProtectionOptions{LockStructure: true})
}

// title is "2024年度法治政府建设情况" or, for a blank template, without year.
func (t *templateWriter) title() string {
	if t.in.CycleYear > 0 {
		return strconv.Itoa(t.in.CycleYear) + "年度法治政府建设情况"
	}
	return "法治政府建设情况"
}

// rowWriter writes consecutive rows of a stream.
type rowWriter struct {
	sw  *excelize.StreamWriter
	row int
}

// write writes cells from column A on the next row; height 0 keeps the
// default height.
func (r *rowWriter) write(height float64, cells ...any) error {
	r.row++
	if height > 0 {
		return r.sw.SetRow(cellRef(1, r.row), cells, excelize.RowOpts{Height: height})
	}
	return r.sw.SetRow(cellRef(1, r.row), cells)
}

func (r *rowWriter) skip() { r.row++ }

// cellRef is "B7" for col 2, row 7 (columns up to Z).
func cellRef(col, row int) string {
	return string(rune('A'+col-1)) + strconv.Itoa(row)
}

func colNumber(letter string) int { return int(letter[0]-'A') + 1 }

// setWidths sets column widths from A onwards.
func setWidths(sw *excelize.StreamWriter, widths ...float64) error {
	for i, w := range widths {
		if err := sw.SetColWidth(i+1, i+1, w); err != nil {
			return err
		}
	}
	return nil
}

// freezeBelow freezes the rows above row.
func freezeBelow(sw *excelize.StreamWriter, row int) error {
	return sw.SetPanes(&excelize.Panes{
		Freeze:      true,
		YSplit:      row - 1,
		TopLeftCell: cellRef(1, row),
		ActivePane:  "bottomLeft",
		Selection:   []excelize.Selection{{SQRef: cellRef(1, row), ActiveCell: cellRef(1, row), Pane: "bottomLeft"}},
	})
}

// cell is a styled cell for SetRow. Cells come from a slab, so putting
// one into a row's []any costs no allocation of its own.
func (t *templateWriter) cell(style int, v any) *excelize.Cell {
	if len(t.slab) == cap(t.slab) {
		t.slab = make([]excelize.Cell, 0, 256)
	}
	t.slab = append(t.slab, excelize.Cell{StyleID: style, Value: v})
	return &t.slab[len(t.slab)-1]
}

func (t *templateWriter) addValidations(sheet string, dvs []*excelize.DataValidation) error {
	for _, dv := range dvs {
		if err := t.f.AddDataValidation(sheet, dv); err != nil {
			return fmt.Errorf("validation %s: %w", dv.Sqref, err)
		}
	}
	return nil
}

// ---- 基本信息 ----

// infoInput says how an unlocked 基本信息 value is checked and explained.
type infoInput struct {
	min, max int // text length
	hint     string
}

var infoInputs = map[string]infoInput{
	"org_name":    {1, 100, "填写单位全称，与公章一致"},
	"credit_code": {18, 18, "18 位统一社会信用代码"},
	"preparer":    {1, 50, "填报人姓名"},
	"phone":       {7, 20, "手机号码或带区号的固定电话，如 0576-85123456"},
	"leader":      {1, 50, "本单位主要负责人姓名"},
}

func (t *templateWriter) infoSheet(sw *excelize.StreamWriter) error {
	st := t.st
	if err := setWidths(sw, 20, 44, 48); err != nil {
		return err
	}
	if err := sw.MergeCell("A1", "C1"); err != nil {
		return err
	}
	r := &rowWriter{sw: sw}
	if err := r.write(28, t.cell(st.title, "基本信息"), t.cell(st.title, nil), t.cell(st.title, nil)); err != nil {
		return err
	}
	prefill := map[string]string{"org_name": t.in.OrgName, "credit_code": t.in.CreditCode}
	var dvs []*excelize.DataValidation
	r.row = InfoFirstRow - 1
	for _, fld := range InfoFields {
		label := fld.Label
		if fld.Required {
			label = "*" + label
		}
		spec := infoInputs[fld.Key]
		if spec.max == 0 {
			spec = infoInput{0, 200, ""}
		}
		value, hint, style := any(nil), spec.hint, st.textInput
		if v := prefill[fld.Key]; fld.Prefill && v != "" {
			value, hint, style = v, "由系统预填，不能修改", st.prefill
		} else {
			ref := InfoValueCol + strconv.Itoa(r.row+1)
			dvs = append(dvs, textLengthValidation(ref, spec.min, spec.max, fld.Label, spec.hint))
		}
		if err := r.write(22, t.cell(st.label, label), t.cell(style, value), t.cell(st.note, hint)); err != nil {
			return err
		}
	}
	if err := t.addValidations(SheetInfo, dvs); err != nil {
		return err
	}
	return t.f.ProtectSheet(SheetInfo, userProtection())
}

// ---- 统计指标 ----

// Column widths of 统计指标, A to H.
var indicatorWidths = []float64{7, 38, 8, 16, 16, 30, 38, 22}

func (t *templateWriter) indicatorSheet(sw *excelize.StreamWriter) error {
	st := t.st
	if err := setWidths(sw, indicatorWidths...); err != nil {
		return err
	}
	if err := sw.SetColVisible(colNumber(ColKey), colNumber(ColKey), false); err != nil {
		return err
	}
	if err := freezeBelow(sw, IndicatorFirstRow); err != nil {
		return err
	}
	if err := sw.MergeCell("A1", "G1"); err != nil {
		return err
	}
	r := &rowWriter{sw: sw}
	title := t.title() + "统计表"
	if t.in.OrgName != "" {
		title += "（" + t.in.OrgName + "）"
	}
	titleRow := make([]any, 7)
	titleRow[0] = t.cell(st.title, title)
	for i := 1; i < len(titleRow); i++ {
		titleRow[i] = t.cell(st.title, nil)
	}
	if err := r.write(30, titleRow...); err != nil {
		return err
	}
	r.row = IndicatorHeaderRow - 1
	if err := r.write(32,
		t.cell(st.header, "编号"), t.cell(st.header, "指标名称"), t.cell(st.header, "单位"),
		t.cell(st.header, "本年度数值"), t.cell(st.header, "上年度数值"),
		t.cell(st.header, "说明（出现提醒时填写原因）"), t.cell(st.header, "填报要求"),
		t.cell(st.header, "指标代码"),
	); err != nil {
		return err
	}

	var dvs []*excelize.DataValidation
	r.row = IndicatorFirstRow - 1
	for _, s := range t.sections {
		if err := r.write(22,
			t.cell(st.section, s.Code), t.cell(st.section, s.Section.Name), t.cell(st.section, nil),
			t.cell(st.section, nil), t.cell(st.section, nil), t.cell(st.section, nil), t.cell(st.section, nil),
		); err != nil {
			return err
		}
		for _, ir := range s.Indicators {
			ind := ir.Indicator
			nf := indicatorFormat(ind)
			in, err := st.valueStyle(nf, true)
			if err != nil {
				return err
			}
			ref, err := st.valueStyle(nf, false)
			if err != nil {
				return err
			}
			last := lastYearCell(ind, t.in.LastYear)
			name := ind.Name
			if ind.Required {
				name = "*" + name
			}
			req := requirementText(ind)
			// An explicit height: LibreOffice does not fit rows to wrapped
			// text on opening a file, and Excel never does for merged cells.
			height := rowHeight(cellText{name, indicatorWidths[1]}, cellText{req, indicatorWidths[6]})
			if err := r.write(height,
				t.cell(st.code, ir.Code), t.cell(st.label, name), t.cell(st.code, ind.Unit),
				t.cell(in, nil), t.cell(ref, last), t.cell(st.textInput, nil),
				t.cell(st.note, req), t.cell(st.note, ind.Key),
			); err != nil {
				return err
			}
			if r.row != ir.Row {
				return fmt.Errorf("indicator %s written on row %d, layout says %d", ind.Key, r.row, ir.Row)
			}
			dv, err := indicatorValidation(ind, ColValue+strconv.Itoa(ir.Row), req, t.lists[ind.Key].ref)
			if err != nil {
				return fmt.Errorf("indicator %s: %w", ind.Key, err)
			}
			dvs = append(dvs, dv)
		}
	}
	if last := lastIndicatorRow(t.sections); last >= IndicatorFirstRow {
		dvs = append(dvs, textLengthValidation(
			fmt.Sprintf("%s%d:%s%d", ColExplain, IndicatorFirstRow, ColExplain, last), 0, maxText,
			"说明", "本行出现“提醒”时，请说明原因，如案件从上年结转、统计口径变化等。"))
	}
	if err := t.addValidations(SheetIndicators, dvs); err != nil {
		return err
	}
	return t.f.ProtectSheet(SheetIndicators, userProtection())
}

// lastYearCell is last year's value of ind as a cell value formatted like
// the input: numbers as numbers, percentages as fractions, dates as dates.
func lastYearCell(ind *catalogue.Indicator, last catalogue.Values) any {
	v, ok := last[ind.Key]
	if !ok {
		return nil
	}
	switch ind.Type {
	case catalogue.Integer:
		if v.Number.IsInteger() && v.Number.Abs().LessThan(maxExact) {
			return v.Number.IntPart()
		}
		return v.Number.InexactFloat64()
	case catalogue.Decimal:
		return v.Number.InexactFloat64()
	case catalogue.Percent:
		return v.Number.Shift(-2).InexactFloat64()
	case catalogue.Date:
		d, err := time.Parse(time.DateOnly, v.Text)
		if err != nil {
			return v.Text // only for reference: show what was approved
		}
		return d
	default:
		return v.Text
	}
}

// ---- 存在问题 and 下一年度安排 ----

// tableColumn describes one column of a row-per-item sheet.
type tableColumn struct {
	width float64
	kind  string // "text" (long), "short" (name), "date", "category"
	hint  string
}

var problemColumns = map[string]tableColumn{
	"序号":     {6, "", ""},
	"问题描述":   {40, "text", "写明存在的问题，一行一个问题"},
	"原因":     {30, "text", "分析问题产生的原因"},
	"整改措施":   {40, "text", "针对问题的具体整改措施"},
	"责任部门":   {16, "short", "负责整改的内设机构或单位"},
	"责任人":    {10, "short", "整改责任人姓名"},
	"计划完成时限": {14, "date", "计划完成整改的日期"},
	"类别":     {12, "category", "立行立改：当即整改；限期整改：在时限内完成；长期坚持：需长期推进"},
}

var planColumns = map[string]tableColumn{
	"序号":     {6, "", ""},
	"工作安排":   {40, "text", "下一年度推进法治政府建设的主要工作"},
	"具体措施":   {50, "text", "落实该项工作的具体措施"},
	"责任部门":   {16, "short", "负责落实的内设机构或单位"},
	"计划完成时限": {14, "date", "计划完成的日期"},
}

func (t *templateWriter) problemSheet(sw *excelize.StreamWriter) error {
	return t.tableSheet(sw, SheetProblems, "存在问题及整改措施（每行一个问题）", ProblemColumns, problemColumns, ProblemHeaderRow, ProblemFirstRow, ProblemInputRows)
}

func (t *templateWriter) planSheet(sw *excelize.StreamWriter) error {
	return t.tableSheet(sw, SheetPlans, "下一年度推进法治政府建设的主要安排（每行一项）", PlanColumns, planColumns, PlanHeaderRow, PlanFirstRow, PlanInputRows)
}

// tableSheet writes a title, a header and n numbered input rows. Column A
// (序号) is prefilled 1…n and locked; a row counts as blank when every
// other column is. The input columns take their look (yellow, bordered),
// their number format and their unlocked state from a column style rather
// than from n×columns empty cells: the sheet stays small, and a bureau with
// more than n items can keep typing below (the reader accepts up to
// MaxProblems/MaxPlans); validations cover the n numbered rows.
func (t *templateWriter) tableSheet(sw *excelize.StreamWriter, sheet, title string, names []string, spec map[string]tableColumn, headerRow, firstRow, n int) error {
	st := t.st
	cols := make([]tableColumn, len(names))
	widths := make([]float64, len(names))
	for i, name := range names {
		c, ok := spec[name]
		if !ok {
			c = tableColumn{width: 16, kind: "text"}
		}
		cols[i], widths[i] = c, c.width
	}
	if err := setWidths(sw, widths...); err != nil {
		return err
	}
	dateStyle, err := st.valueStyle(fmtDate, true)
	if err != nil {
		return err
	}
	for i, c := range cols[1:] {
		style := st.textInput
		if c.kind == "date" {
			style = dateStyle
		}
		if err := sw.SetColStyle(i+2, i+2, style); err != nil {
			return err
		}
	}
	if err := freezeBelow(sw, firstRow); err != nil {
		return err
	}
	if err := sw.MergeCell("A1", cellRef(len(names), 1)); err != nil {
		return err
	}
	r := &rowWriter{sw: sw}
	row := make([]any, len(names))
	row[0] = t.cell(st.title, title)
	for i := 1; i < len(row); i++ {
		row[i] = t.cell(st.title, nil)
	}
	if err := r.write(28, row...); err != nil {
		return err
	}
	r.row = headerRow - 1
	row = make([]any, len(names))
	for i, name := range names {
		row[i] = t.cell(st.header, name)
	}
	if err := r.write(24, row...); err != nil {
		return err
	}
	r.row = firstRow - 1
	for i := 1; i <= n; i++ {
		if err := r.write(0, t.cell(st.code, i)); err != nil {
			return err
		}
	}

	var dvs []*excelize.DataValidation
	last := firstRow + n - 1
	for i, c := range cols {
		if i == 0 {
			continue
		}
		col := string(rune('A' + i))
		sqref := fmt.Sprintf("%s%d:%s%d", col, firstRow, col, last)
		switch c.kind {
		case "text":
			dvs = append(dvs, textLengthValidation(sqref, 0, maxText, names[i], c.hint))
		case "short":
			dvs = append(dvs, textLengthValidation(sqref, 0, maxShortText, names[i], c.hint))
		case "date":
			dvs = append(dvs, dateValidation(sqref, names[i], c.hint))
		case "category":
			dv, err := listValidation(sqref, names[i], "从下拉列表选择："+strings.Join(ProblemCategories, "、")+"\n"+c.hint, ProblemCategories, "")
			if err != nil {
				return err
			}
			dvs = append(dvs, dv)
		}
	}
	if err := t.addValidations(sheet, dvs); err != nil {
		return err
	}
	return t.f.ProtectSheet(sheet, userProtection())
}

// ---- lawcycle_meta ----

func (t *templateWriter) metaSheet(sw *excelize.StreamWriter) error {
	if err := setWidths(sw, 20, 72); err != nil {
		return err
	}
	in := t.in
	rows := [][]any{
		{MetaFormat, FormatID},
		{MetaCycleID, in.CycleID},
		{MetaCycleYear, in.CycleYear},
		{MetaCycleTitle, in.CycleTitle},
		{MetaOrgCode, in.OrgCode},
		{MetaOrgName, in.OrgName},
		{MetaCatalogue, t.cat.Label()},
		{MetaFingerprint, Fingerprint(t.cat)},
		{MetaGeneratedAt, chinatime.In(in.GeneratedAt).Format(time.RFC3339)},
		{MetaRowsMarker, len(t.cat.Indicators())},
	}
	for _, s := range t.sections {
		for _, ir := range s.Indicators {
			rows = append(rows, []any{ir.Indicator.Key, ir.Row})
		}
	}
	// Choice lists too long for an inline list sit in columns D onwards:
	// the indicator key in row 1, the choices below.
	for _, l := range t.lists {
		for len(rows) < len(l.choices)+1 {
			rows = append(rows, []any{nil, nil})
		}
	}
	for _, l := range t.lists {
		for i := 0; i <= len(l.choices); i++ {
			for len(rows[i]) < l.col {
				rows[i] = append(rows[i], nil)
			}
			if i == 0 {
				rows[i][l.col-1] = l.key
			} else {
				rows[i][l.col-1] = l.choices[i-1]
			}
		}
	}
	r := &rowWriter{sw: sw}
	for _, row := range rows {
		if err := r.write(0, row...); err != nil {
			return err
		}
	}
	return t.f.ProtectSheet(SheetMeta, &excelize.SheetProtectionOptions{
		Password:            metaPassword,
		SelectLockedCells:   true,
		SelectUnlockedCells: true,
	})
}

// FastZip compresses a generated workbook with flate.BestSpeed (set it
// with excelize's File.SetZipWriter). A template is a
// few dozen KB of repetitive XML: the fastest level costs a few percent in
// size and saves time spent writing it. Compressors are pooled like
// archive/zip's own, since each holds about a megabyte of tables.
func FastZip(w io.Writer) excelize.ZipWriter {
	zw := zip.NewWriter(w)
	zw.RegisterCompressor(zip.Deflate, func(out io.Writer) (io.WriteCloser, error) {
		fw, ok := fastFlate.Get().(*flate.Writer)
		if ok {
			fw.Reset(out)
		} else {
			var err error
			if fw, err = flate.NewWriter(out, flate.BestSpeed); err != nil {
				return nil, err
			}
		}
		return &pooledFlate{fw}, nil
	})
	return zw
}

var fastFlate sync.Pool

type pooledFlate struct{ *flate.Writer }

func (p *pooledFlate) Close() error {
	err := p.Writer.Close()
	fastFlate.Put(p.Writer)
	p.Writer = nil
	return err
}
