package excelreturn

import (
	"bytes"
	"fmt"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/lawcycle/lawcycle/catalogue"
)

// Colours of the annotated copy: Excel's own "bad" and "neutral" fills, so
// the marks look like what people know from conditional formatting.
const (
	colourError   = "FFC7CE"
	colourWarning = "FFEB9C"
	colourLink    = "0563C1"
	colourList    = "D9E1F2"
	colourEdge    = "A6A6A6"
)

// annotateAuthor signs the comments the annotated copy adds.
const annotateAuthor = "lawcycle"

// Annotate returns the bureau's own workbook with every issue marked
// (docs/domain.md#annotated-workbook): each cell an issue names gets a red fill (errors) or a yellow
// fill (warnings) over its own style, number format kept, and a comment
// saying what is wrong; a sheet 错误清单 lists every issue with a link to
// its cell and is the sheet the workbook opens on. Everything else in the
// workbook is left as the bureau saved it.
//
// Issues without a sheet (file-level faults) and issues on a sheet the
// workbook does not have are listed without a link. A file excelize cannot
// open cannot be annotated: Annotate returns an error, and the caller
// shows the issues on their own.
func Annotate(src []byte, issues []Issue) (out []byte, err error) {
	defer func() {
		// as in Parse: a panic in excelize over a hostile file is an
		// error, not a crashed server
		if p := recover(); p != nil {
			out, err = nil, fmt.Errorf("annotate: panic: %v\n%s", p, debug.Stack())
		}
	}()
	lim := DefaultLimits()
	f, err := excelize.OpenReader(bytes.NewReader(src), excelize.Options{
		UnzipSizeLimit:    lim.MaxUnzipSize,
		UnzipXMLSizeLimit: lim.MaxXMLSize,
	})
	if err != nil {
		return nil, fmt.Errorf("annotate: open workbook: %w", err)
	}
	defer func() { _ = f.Close() }()

	// An annotated copy uploaded again and annotated again gets a fresh
	// list, not a second one.
	if idx, err := f.GetSheetIndex(SheetErrors); err == nil && idx >= 0 {
		if err := f.DeleteSheet(SheetErrors); err != nil {
			return nil, fmt.Errorf("annotate: remove old list: %w", err)
		}
	}
	ordered := make([]Issue, 0, len(issues))
	ordered = append(ordered, filterSeverity(issues, true)...)
	ordered = append(ordered, filterSeverity(issues, false)...)

	a := &annotator{f: f, styles: map[styleKey]int{}}
	for _, is := range ordered {
		a.collect(is)
	}
	for _, m := range a.marks {
		if err := a.mark(m); err != nil {
			return nil, fmt.Errorf("annotate: %s!%s: %w", m.sheet, m.cell, err)
		}
	}
	if err := a.list(ordered); err != nil {
		return nil, fmt.Errorf("annotate: %w", err)
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		return nil, fmt.Errorf("annotate: write workbook: %w", err)
	}
	return buf.Bytes(), nil
}

func filterSeverity(issues []Issue, errs bool) []Issue {
	var out []Issue
	for _, is := range issues {
		if (is.Severity != catalogue.SeverityWarning) == errs {
			out = append(out, is)
		}
	}
	return out
}

type annotator struct {
	f      *excelize.File
	marks  []*cellMark
	byCell map[string]*cellMark
	styles map[styleKey]int
}

// cellMark is everything said about one cell.
type cellMark struct {
	sheet, cell string
	err         bool
	notes       []string
}

type styleKey struct {
	base int
	err  bool
}

// issueCells lists the cells of an issue that exist on its sheet: Cells
// for a cross-field finding, else Cell.
func (a *annotator) issueCells(is Issue) []string {
	if is.Sheet == "" {
		return nil
	}
	if idx, err := a.f.GetSheetIndex(is.Sheet); err != nil || idx < 0 {
		return nil
	}
	cells := is.Cells
	if len(cells) == 0 && is.Cell != "" {
		cells = []string{is.Cell}
	}
	var out []string
	for _, c := range cells {
		if _, _, err := excelize.CellNameToCoordinates(c); err == nil && !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	return out
}

func (a *annotator) collect(is Issue) {
	if a.byCell == nil {
		a.byCell = map[string]*cellMark{}
	}
	for _, c := range a.issueCells(is) {
		k := is.Sheet + "!" + c
		m, ok := a.byCell[k]
		if !ok {
			m = &cellMark{sheet: is.Sheet, cell: c}
			a.byCell[k] = m
			a.marks = append(a.marks, m)
		}
		m.err = m.err || is.Severity != catalogue.SeverityWarning
		note := "【" + severityLabel(is.Severity) + "】" + is.Message
		if !slices.Contains(m.notes, note) {
			m.notes = append(m.notes, note)
		}
	}
}

func severityLabel(s catalogue.Severity) string {
	if s == catalogue.SeverityWarning {
		return "提醒"
	}
	return "错误"
}

// mark fills a cell and comments on it.
func (a *annotator) mark(m *cellMark) error {
	base, err := a.f.GetCellStyle(m.sheet, m.cell)
	if err != nil {
		return err
	}
	id, err := a.highlight(base, m.err)
	if err != nil {
		return err
	}
	if err := a.f.SetCellStyle(m.sheet, m.cell, m.cell, id); err != nil {
		return err
	}
	text := strings.Join(m.notes, "\n")
	// A comment the bureau wrote on the cell stays, above ours.
	comments, err := a.f.GetComments(m.sheet)
	if err != nil {
		return err
	}
	for _, c := range comments {
		if c.Cell != m.cell {
			continue
		}
		own := c.Text
		for _, r := range c.Paragraph {
			own += r.Text
		}
		if own = strings.TrimSpace(own); own != "" {
			text = own + "\n\n" + text
		}
		if err := a.f.DeleteComment(m.sheet, m.cell); err != nil {
			return err
		}
	}
	return a.f.AddComment(m.sheet, excelize.Comment{
		Author: annotateAuthor,
		Cell:   m.cell,
		Width:  360,
		Height: uint(min(100+40*len(m.notes), 400)),
		Paragraph: []excelize.RichTextRun{
			{Text: annotateAuthor + "：\n", Font: &excelize.Font{Bold: true}},
			{Text: text},
		},
	})
}

// highlight returns a style that is base with a solid error or warning
// fill: number format, font, borders, alignment and protection kept.
func (a *annotator) highlight(base int, isErr bool) (int, error) {
	k := styleKey{base, isErr}
	if id, ok := a.styles[k]; ok {
		return id, nil
	}
	st, err := a.f.GetStyle(base)
	if err != nil || st == nil {
		st = &excelize.Style{}
	}
	colour := colourWarning
	if isErr {
		colour = colourError
	}
	st.Fill = excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{colour}}
	id, err := a.f.NewStyle(st)
	if err != nil {
		return 0, err
	}
	a.styles[k] = id
	return id, nil
}

func listBorder() []excelize.Border {
	b := make([]excelize.Border, 0, 4)
	for _, side := range []string{"left", "top", "right", "bottom"} {
		b = append(b, excelize.Border{Type: side, Color: colourEdge, Style: 1})
	}
	return b
}

// Columns of 错误清单.
var errorListColumns = []struct {
	name  string
	width float64
}{
	{"序号", 6}, {"级别", 8}, {"工作表", 14}, {"单元格", 12}, {"指标", 32}, {"说明", 100},
}

const errorListHeaderRow = 2

// list writes the 错误清单 sheet and makes it the active one.
func (a *annotator) list(issues []Issue) error {
	f := a.f
	idx, err := f.NewSheet(SheetErrors)
	if err != nil {
		return err
	}
	for i, c := range errorListColumns {
		col, _ := excelize.ColumnNumberToName(i + 1)
		if err := f.SetColWidth(SheetErrors, col, col, c.width); err != nil {
			return err
		}
	}
	title, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 12}})
	if err != nil {
		return err
	}
	header, err := f.NewStyle(&excelize.Style{
		Font:      &excelize.Font{Bold: true},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{colourList}},
		Border:    listBorder(),
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center"},
	})
	if err != nil {
		return err
	}
	text, err := f.NewStyle(&excelize.Style{Border: listBorder(), Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}})
	if err != nil {
		return err
	}
	levels := map[bool]int{}
	for _, e := range []bool{true, false} {
		colour := colourWarning
		if e {
			colour = colourError
		}
		if levels[e], err = f.NewStyle(&excelize.Style{
			Border: listBorder(), Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{colour}},
			Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "top"},
		}); err != nil {
			return err
		}
	}
	link, err := f.NewStyle(&excelize.Style{
		Border: listBorder(), Font: &excelize.Font{Color: colourLink, Underline: "single"},
		Alignment: &excelize.Alignment{Vertical: "top"},
	})
	if err != nil {
		return err
	}

	nErr := len(filterSeverity(issues, true))
	summary := fmt.Sprintf("校验结果：%d 处错误（红色，须改正后才能报送），%d 处提醒（黄色，可以报送，请在说明栏写明原因）。点击“单元格”列可跳转到对应位置，单元格批注中有详细说明。",
		nErr, len(issues)-nErr)
	if len(issues) == 0 {
		summary = "校验通过，没有发现错误或提醒。"
	}
	if err := f.SetCellValue(SheetErrors, "A1", summary); err != nil {
		return err
	}
	if err := f.SetCellStyle(SheetErrors, "A1", "A1", title); err != nil {
		return err
	}
	head := make([]any, len(errorListColumns))
	for i, c := range errorListColumns {
		head[i] = c.name
	}
	hr := "A" + strconv.Itoa(errorListHeaderRow)
	if err := f.SetSheetRow(SheetErrors, hr, &head); err != nil {
		return err
	}
	if err := f.SetCellStyle(SheetErrors, hr, "F"+strconv.Itoa(errorListHeaderRow), header); err != nil {
		return err
	}

	for i, is := range issues {
		row := errorListHeaderRow + 1 + i
		r := strconv.Itoa(row)
		cells := a.issueCells(is)
		shown := is.Cell
		if len(is.Cells) > 0 {
			shown = strings.Join(is.Cells, "、")
		}
		indicator := is.IndicatorName
		if indicator == "" {
			indicator = is.Indicator
		}
		vals := []any{i + 1, severityLabel(is.Severity), is.Sheet, shown, indicator, is.Message}
		if err := f.SetSheetRow(SheetErrors, "A"+r, &vals); err != nil {
			return err
		}
		if err := f.SetCellStyle(SheetErrors, "A"+r, "F"+r, text); err != nil {
			return err
		}
		if err := f.SetCellStyle(SheetErrors, "B"+r, "B"+r, levels[is.Severity != catalogue.SeverityWarning]); err != nil {
			return err
		}
		if len(cells) == 0 && is.Sheet != "" {
			// a sheet-level issue (a renamed sheet): link to the sheet
			if idx, err := f.GetSheetIndex(is.Sheet); err == nil && idx >= 0 && is.Sheet != SheetErrors {
				cells = []string{"A1"}
			}
		}
		if len(cells) == 0 {
			continue
		}
		target := "'" + strings.ReplaceAll(is.Sheet, "'", "''") + "'!" + cells[0]
		tip := "跳转到 " + is.Sheet + " " + cells[0]
		if err := f.SetCellHyperLink(SheetErrors, "D"+r, target, "Location", excelize.HyperlinkOpts{Tooltip: &tip}); err != nil {
			return err
		}
		if err := f.SetCellStyle(SheetErrors, "D"+r, "D"+r, link); err != nil {
			return err
		}
	}
	if err := f.SetPanes(SheetErrors, &excelize.Panes{
		Freeze: true, YSplit: errorListHeaderRow, TopLeftCell: "A" + strconv.Itoa(errorListHeaderRow+1), ActivePane: "bottomLeft",
	}); err != nil {
		return err
	}
	f.SetActiveSheet(idx)
	return nil
}
