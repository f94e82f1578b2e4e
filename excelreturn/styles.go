package excelreturn

import (
	"fmt"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/lawcycle/lawcycle/catalogue"
)

// Colours of the template. Input cells are light yellow so a bureau sees at
// a glance where to type; reference cells are grey.
const (
	colourHeader    = "D9E1F2"
	colourSection   = "E2EFDA"
	colourInput     = "FFF2CC"
	colourReference = "F2F2F2"
	colourBorder    = "A6A6A6"
	colourNote      = "595959"
)

// numFmt is a cell number format: a built-in id or a custom code.
type numFmt struct {
	id     int
	custom string
}

var (
	fmtNumber  = numFmt{}                     // General: 12, 77.59, 23.66465 as typed
	fmtText    = numFmt{id: 49}               // @
	fmtPercent = numFmt{id: 10}               // 0.00%
	fmtDate    = numFmt{custom: "yyyy-mm-dd"} // ISO date, whatever the locale
)

// indicatorFormat is the number format of an indicator's value and
// last-year cells. Counts and amounts use General, which shows a value as
// typed whatever its scale (a fixed 0.000000 for 万元 with six decimals would
// pad every figure). Percent cells hold fractions: 100% is stored as 1.
func indicatorFormat(ind *catalogue.Indicator) numFmt {
	switch ind.Type {
	case catalogue.Integer, catalogue.Decimal:
		return fmtNumber
	case catalogue.Percent:
		if ind.Scale <= 2 {
			return fmtPercent
		}
		return numFmt{custom: "0." + strings.Repeat("0", ind.Scale) + "%"}
	case catalogue.Date:
		return fmtDate
	default: // text, choice
		return fmtText
	}
}

// styles holds every style id the template uses. They are all created once
// per workbook before any stream writer is opened: the fixed ones by
// newStyles, the value styles (one per number format the catalogue needs,
// input and reference) by prepareValues; valueStyle then only looks up.
type styles struct {
	f *excelize.File

	title     int // sheet titles
	header    int // column headers
	section   int // section header rows on 统计指标
	label     int // locked text with border (names, labels)
	code      int // locked, centred (编号, 单位, 序号)
	note      int // locked small grey text (填报要求, hints, the hidden key column)
	guideHead int // 填报说明 headings
	guideText int // 填报说明 paragraphs
	prefill   int // prefilled, locked values on 基本信息
	textInput int // unlocked text input (说明, 基本信息, 存在问题)

	input     map[numFmt]int // unlocked inputs by number format
	reference map[numFmt]int // locked last-year values by number format
}

func border() []excelize.Border {
	b := make([]excelize.Border, 0, 4)
	for _, side := range []string{"left", "top", "right", "bottom"} {
		b = append(b, excelize.Border{Type: side, Color: colourBorder, Style: 1})
	}
	return b
}

func solid(colour string) excelize.Fill {
	return excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{colour}}
}

var (
	locked   = &excelize.Protection{Locked: true}
	unlocked = &excelize.Protection{Locked: false}
)

func newStyles(f *excelize.File) (*styles, error) {
	s := &styles{f: f, input: map[numFmt]int{}, reference: map[numFmt]int{}}
	wrapTop := &excelize.Alignment{Vertical: "center", WrapText: true}
	defs := []struct {
		id    *int
		style excelize.Style
	}{
		{&s.title, excelize.Style{
			Font:       &excelize.Font{Bold: true, Size: 14},
			Alignment:  &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true},
			Protection: locked,
		}},
		{&s.header, excelize.Style{
			Border:     border(),
			Fill:       solid(colourHeader),
			Font:       &excelize.Font{Bold: true},
			Alignment:  &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true},
			Protection: locked,
		}},
		{&s.section, excelize.Style{
			Border:     border(),
			Fill:       solid(colourSection),
			Font:       &excelize.Font{Bold: true},
			Alignment:  &excelize.Alignment{Vertical: "center"},
			Protection: locked,
		}},
		{&s.label, excelize.Style{
			Border:     border(),
			Alignment:  wrapTop,
			Protection: locked,
		}},
		{&s.code, excelize.Style{
			Border:     border(),
			Alignment:  &excelize.Alignment{Horizontal: "center", Vertical: "center"},
			Protection: locked,
		}},
		{&s.note, excelize.Style{
			Border:     border(),
			Font:       &excelize.Font{Size: 9, Color: colourNote},
			Alignment:  wrapTop,
			Protection: locked,
		}},
		{&s.guideHead, excelize.Style{
			Font:       &excelize.Font{Bold: true, Size: 12},
			Alignment:  &excelize.Alignment{Vertical: "center"},
			Protection: locked,
		}},
		{&s.guideText, excelize.Style{
			Alignment:  &excelize.Alignment{Vertical: "top", WrapText: true},
			Protection: locked,
		}},
		{&s.prefill, excelize.Style{
			Border:     border(),
			Fill:       solid(colourReference),
			Alignment:  wrapTop,
			NumFmt:     fmtText.id,
			Protection: locked,
		}},
		{&s.textInput, excelize.Style{
			Border:     border(),
			Fill:       solid(colourInput),
			Alignment:  wrapTop,
			NumFmt:     fmtText.id,
			Protection: unlocked,
		}},
	}
	for _, d := range defs {
		id, err := f.NewStyle(&d.style)
		if err != nil {
			return nil, fmt.Errorf("create style: %w", err)
		}
		*d.id = id
	}
	return s, nil
}

// valueStyle returns the style of an input cell (unlocked, yellow) or a
// reference cell (locked, grey) with the given number format.
func (s *styles) valueStyle(nf numFmt, input bool) (int, error) {
	cache, fill, prot := s.reference, colourReference, locked
	if input {
		cache, fill, prot = s.input, colourInput, unlocked
	}
	if id, ok := cache[nf]; ok {
		return id, nil
	}
	if nf == fmtText { // the same look as the text styles made up front
		if input {
			return s.textInput, nil
		}
		return s.prefill, nil
	}
	st := &excelize.Style{
		Border:     border(),
		Fill:       solid(fill),
		Alignment:  &excelize.Alignment{Vertical: "center", WrapText: nf == fmtText},
		NumFmt:     nf.id,
		Protection: prot,
	}
	if nf.custom != "" {
		custom := nf.custom
		st.CustomNumFmt = &custom
	}
	id, err := s.f.NewStyle(st)
	if err != nil {
		return 0, fmt.Errorf("create style %v: %w", nf, err)
	}
	cache[nf] = id
	return id, nil
}

// prepareValues creates the value styles the layout needs: for every
// indicator's number format an input and a reference style, and the date
// input of 存在问题 and 下一年度安排.
func (s *styles) prepareValues(sections []SectionRow) error {
	if _, err := s.valueStyle(fmtDate, true); err != nil {
		return err
	}
	for _, sec := range sections {
		for _, ir := range sec.Indicators {
			nf := indicatorFormat(ir.Indicator)
			if _, err := s.valueStyle(nf, true); err != nil {
				return err
			}
			if _, err := s.valueStyle(nf, false); err != nil {
				return err
			}
		}
	}
	return nil
}
