// Package ledgerxlsx writes the rectification ledger (整改台账) as an
// .xlsx workbook in the layout offices already keep by hand: a title, a
// legend, one header row and one row per item, overdue items highlighted.
// The rows come already in words; the package knows only the layout.
package ledgerxlsx

import (
	"fmt"
	"io"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// Sheet is the ledger's only sheet.
const Sheet = "整改台账"

// Headers are the ledger's columns, in order.
var Headers = []string{"序号", "单位", "问题来源", "问题描述", "整改措施", "责任单位", "责任人", "整改时限", "整改进展", "整改状态", "销号时间"}

// widths of the columns, in characters, matching Headers.
var widths = []float64{6, 18, 18, 40, 36, 16, 10, 18, 44, 12, 14}

// HeaderRow is the row of the headers; items start below it.
const HeaderRow = 3

// colourOverdue fills overdue rows, a light red offices read as 警示.
const colourOverdue = "FFC7CE"

// maxCellLength is Excel's limit on the characters of one cell.
const maxCellLength = 32767

// Row is one item as the ledger shows it.
type Row struct {
	Serial      int
	Org         string
	Source      string
	Description string
	Measures    string
	Department  string
	Person      string
	Due         string
	Progress    string
	Status      string
	ClosedAt    string
	Overdue     bool
}

// Ledger is what a workbook shows: its title, the legend's note (when the
// ledger was read, which filters) and the rows, fed in 序号 order by Each
// so a large ledger never sits in memory whole.
type Ledger struct {
	Title string
	Note  string
	Each  func(yield func(Row) error) error
}

// Write writes the ledger to w. Following excelize's stream writer rules:
// styles first, then columns and panes, rows in order, one Flush.
func Write(w io.Writer, l Ledger) error {
	f := excelize.NewFile()
	defer func() { _ = f.Close() }()
	if err := f.SetSheetName("Sheet1", Sheet); err != nil {
		return fmt.Errorf("write ledger: %w", err)
	}
	if err := f.SetDocProps(&excelize.DocProperties{Title: l.Title, Creator: "lawcycle", Language: "zh-CN",
		Category: "法治政府建设整改台账"}); err != nil {
		return fmt.Errorf("write ledger: %w", err)
	}
	st, err := newStyles(f)
	if err != nil {
		return fmt.Errorf("write ledger: %w", err)
	}
	sw, err := f.NewStreamWriter(Sheet)
	if err != nil {
		return fmt.Errorf("write ledger: %w", err)
	}
	if err := layout(sw, st, l); err != nil {
		return fmt.Errorf("write ledger: %w", err)
	}
	row := HeaderRow
	err = l.Each(func(r Row) error {
		row++
		return sw.SetRow(cellName(1, row), st.cells(r), excelize.RowOpts{})
	})
	if err != nil {
		return fmt.Errorf("write ledger row %d: %w", row, err)
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("write ledger: %w", err)
	}
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("write ledger: %w", err)
	}
	return nil
}

// layout writes what precedes the items: column widths, the frozen
// panes, the title, the legend and the headers.
func layout(sw *excelize.StreamWriter, st styles, l Ledger) error {
	for i, w := range widths {
		if err := sw.SetColWidth(i+1, i+1, w); err != nil {
			return err
		}
	}
	top := cellName(1, HeaderRow+1)
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: HeaderRow, TopLeftCell: top, ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: top, ActiveCell: top, Pane: "bottomLeft"}}}); err != nil {
		return err
	}
	last := cellName(len(Headers), 1)
	if err := sw.SetRow("A1", []any{excelize.Cell{StyleID: st.title, Value: l.Title}}, excelize.RowOpts{Height: 30}); err != nil {
		return err
	}
	if err := sw.MergeCell("A1", last); err != nil {
		return err
	}
	legend := []any{excelize.Cell{StyleID: st.legendKey, Value: "逾期"},
		excelize.Cell{StyleID: st.legend, Value: "标示的事项已超过整改时限仍未完成整改。" + l.Note}}
	if err := sw.SetRow("A2", legend, excelize.RowOpts{Height: 20}); err != nil {
		return err
	}
	if err := sw.MergeCell("B2", cellName(len(Headers), 2)); err != nil {
		return err
	}
	header := make([]any, len(Headers))
	for i, h := range Headers {
		header[i] = excelize.Cell{StyleID: st.header, Value: h}
	}
	return sw.SetRow(cellName(1, HeaderRow), header, excelize.RowOpts{Height: 24})
}

// styles are the workbook's style ids.
type styles struct {
	title, legend, legendKey, header int
	// text and centred, for normal and overdue rows.
	text, centred map[bool]int
}

func newStyles(f *excelize.File) (styles, error) {
	border := []excelize.Border{{Type: "left", Color: "808080", Style: 1}, {Type: "right", Color: "808080", Style: 1},
		{Type: "top", Color: "808080", Style: 1}, {Type: "bottom", Color: "808080", Style: 1}}
	overdueFill := excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{colourOverdue}}
	st := styles{text: map[bool]int{}, centred: map[bool]int{}}
	defs := []struct {
		id    *int
		style excelize.Style
	}{
		{&st.title, excelize.Style{Font: &excelize.Font{Bold: true, Size: 16},
			Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center"}}},
		{&st.legend, excelize.Style{Font: &excelize.Font{Size: 10}, Alignment: &excelize.Alignment{Vertical: "center"}}},
		{&st.legendKey, excelize.Style{Font: &excelize.Font{Size: 10}, Fill: overdueFill, Border: border,
			Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center"}}},
		{&st.header, excelize.Style{Font: &excelize.Font{Bold: true}, Border: border,
			Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"D9E1F2"}},
			Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}}},
	}
	for _, d := range defs {
		id, err := f.NewStyle(&d.style)
		if err != nil {
			return st, err
		}
		*d.id = id
	}
	for _, overdue := range []bool{false, true} {
		var fill excelize.Fill
		if overdue {
			fill = overdueFill
		}
		for _, m := range []struct {
			ids        map[bool]int
			horizontal string
		}{{st.text, ""}, {st.centred, "center"}} {
			id, err := f.NewStyle(&excelize.Style{Border: border, Fill: fill,
				Alignment: &excelize.Alignment{Horizontal: m.horizontal, Vertical: "top", WrapText: true}})
			if err != nil {
				return st, err
			}
			m.ids[overdue] = id
		}
	}
	return st, nil
}

// cells lays out one row: short cells centred, text wrapped.
func (st styles) cells(r Row) []any {
	text, centred := st.text[r.Overdue], st.centred[r.Overdue]
	c := func(style int, v string) excelize.Cell { return excelize.Cell{StyleID: style, Value: clip(v)} }
	return []any{
		excelize.Cell{StyleID: centred, Value: r.Serial},
		c(text, r.Org), c(text, r.Source), c(text, r.Description), c(text, r.Measures), c(text, r.Department),
		c(centred, r.Person), c(centred, r.Due), c(text, r.Progress), c(centred, r.Status), c(centred, r.ClosedAt),
	}
}

// clip keeps a cell within Excel's limit; the system has the rest.
func clip(s string) string {
	if utf8.RuneCountInString(s) <= maxCellLength {
		return s
	}
	const more = "……（内容过长，完整记录请在系统中查看）"
	return string([]rune(s)[:maxCellLength-utf8.RuneCountInString(more)]) + more
}

// cellName is "B7" for column 2, row 7.
func cellName(col, row int) string {
	name, _ := excelize.CoordinatesToCellName(col, row)
	return name
}
