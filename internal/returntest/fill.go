// Package returntest fills generated return templates the way a bureau
// would, for tests and benchmarks outside package excelreturn.
package returntest

import (
	"bytes"
	"fmt"

	"github.com/xuri/excelize/v2"

	"github.com/lawcycle/lawcycle/catalogue"
	"github.com/lawcycle/lawcycle/excelreturn"
)

// Filled describes what to enter. Values are typed as a person would type
// them (numbers as numbers when they parse as such, anything else as text).
type Filled struct {
	Values       map[string]any    // indicator key → value
	Explanations map[string]string // indicator key → 说明
	Info         map[string]string // InfoField key → value
	Problems     [][]any           // rows of the 存在问题 sheet from column A
}

// Fill writes f into template and returns the workbook bytes. Indicator
// rows are found by the key column, as the reader checks them.
func Fill(template []byte, f Filled) ([]byte, error) {
	wb, err := excelize.OpenReader(bytes.NewReader(template))
	if err != nil {
		return nil, fmt.Errorf("open template: %w", err)
	}
	defer wb.Close()
	rows, err := wb.GetRows(excelreturn.SheetIndicators)
	if err != nil {
		return nil, fmt.Errorf("read indicator sheet: %w", err)
	}
	keyCol, _ := excelize.ColumnNameToNumber(excelreturn.ColKey)
	found := map[string]bool{}
	for i, row := range rows {
		if len(row) < keyCol {
			continue
		}
		key := row[keyCol-1]
		r := i + 1
		if v, ok := f.Values[key]; ok {
			found[key] = true
			if err := wb.SetCellValue(excelreturn.SheetIndicators, excelreturn.ColValue+fmt.Sprint(r), v); err != nil {
				return nil, err
			}
		}
		if e, ok := f.Explanations[key]; ok {
			if err := wb.SetCellValue(excelreturn.SheetIndicators, excelreturn.ColExplain+fmt.Sprint(r), e); err != nil {
				return nil, err
			}
		}
	}
	for key := range f.Values {
		if !found[key] {
			return nil, fmt.Errorf("indicator %q is not on the template", key)
		}
	}
	for i, field := range excelreturn.InfoFields {
		if v, ok := f.Info[field.Key]; ok {
			cell := fmt.Sprintf("%s%d", excelreturn.InfoValueCol, excelreturn.InfoFirstRow+i)
			if err := wb.SetCellValue(excelreturn.SheetInfo, cell, v); err != nil {
				return nil, err
			}
		}
	}
	for i, row := range f.Problems {
		cell := fmt.Sprintf("A%d", excelreturn.ProblemFirstRow+i)
		if err := wb.SetSheetRow(excelreturn.SheetProblems, cell, &row); err != nil {
			return nil, err
		}
	}
	var out bytes.Buffer
	if err := wb.Write(&out); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// Plausible returns a value for every indicator of cat that passes every
// error rule: zero counts, full rates, the first choice, a date, a text.
// Tests overwrite the few they care about.
func Plausible(cat *catalogue.Catalogue) map[string]any {
	out := map[string]any{}
	for _, ind := range cat.Indicators() {
		switch ind.Type {
		case catalogue.Integer, catalogue.Decimal:
			out[ind.Key] = 0
			if ind.Min != nil && ind.Min.IsPositive() {
				out[ind.Key] = ind.Min.String()
			}
		case catalogue.Percent:
			out[ind.Key] = "100%"
		case catalogue.Choice:
			out[ind.Key] = ind.Choices[0]
		case catalogue.Date:
			out[ind.Key] = "2025-03-01"
		case catalogue.Text:
			out[ind.Key] = "按要求开展"
		}
	}
	return out
}

// Info is a complete 基本信息 sheet.
var Info = map[string]string{"preparer": "张三", "phone": "0576-85123456", "leader": "李四"}
