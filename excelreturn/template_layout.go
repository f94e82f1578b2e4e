package excelreturn

import (
	"strconv"

	"github.com/lawcycle/lawcycle/catalogue"
)

// IndicatorRow places one indicator on the 统计指标 sheet.
type IndicatorRow struct {
	Row       int
	Code      string // 编号 in column A, e.g. "1.3": section 1, third indicator
	Indicator *catalogue.Indicator
}

// SectionRow is the header row of one section on the 统计指标 sheet.
type SectionRow struct {
	Row        int
	Code       string // "1", "2", …
	Section    *catalogue.Section
	Indicators []IndicatorRow
}

// IndicatorLayout lays a catalogue out on the 统计指标 sheet: from
// IndicatorFirstRow, each section takes one header row followed by one row
// per indicator. The layout depends on nothing but the catalogue, so the
// reader recomputes it and the fingerprint covers it.
func IndicatorLayout(c *catalogue.Catalogue) []SectionRow {
	sections := make([]SectionRow, 0, len(c.Sections))
	row := IndicatorFirstRow
	for si := range c.Sections {
		s := &c.Sections[si]
		code := strconv.Itoa(si + 1)
		sr := SectionRow{Row: row, Code: code, Section: s, Indicators: make([]IndicatorRow, 0, len(s.Indicators))}
		row++
		for ii := range s.Indicators {
			ind := &s.Indicators[ii]
			sr.Indicators = append(sr.Indicators, IndicatorRow{
				Row:       row,
				Code:      code + "." + strconv.Itoa(ii+1),
				Indicator: ind,
			})
			row++
		}
		sections = append(sections, sr)
	}
	return sections
}

// IndicatorRowList lists every indicator in sheet order with its row.
func IndicatorRowList(c *catalogue.Catalogue) []IndicatorRow {
	var rows []IndicatorRow
	for _, s := range IndicatorLayout(c) {
		rows = append(rows, s.Indicators...)
	}
	return rows
}

// IndicatorRows maps each indicator key to its row on the 统计指标 sheet.
func IndicatorRows(c *catalogue.Catalogue) map[string]int {
	m := make(map[string]int, len(c.Indicators()))
	for _, s := range IndicatorLayout(c) {
		for _, r := range s.Indicators {
			m[r.Indicator.Key] = r.Row
		}
	}
	return m
}

// lastIndicatorRow is the last row the layout uses (IndicatorHeaderRow when
// the catalogue is empty).
func lastIndicatorRow(sections []SectionRow) int {
	last := IndicatorHeaderRow
	for _, s := range sections {
		last = s.Row
		if n := len(s.Indicators); n > 0 {
			last = s.Indicators[n-1].Row
		}
	}
	return last
}
