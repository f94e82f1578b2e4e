package excelreturn

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"

	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"

	"github.com/lawcycle/lawcycle/catalogue"
)

// Limits of the template's in-cell validation.
const (
	maxText      = 2000 // characters of a text cell
	maxShortText = 50   // a department or a person
	// Excel's limits on a validation's texts, in UTF-16 code units.
	maxPromptTitle = 32
	maxPrompt      = 255
	maxErrorTitle  = 32
	maxError       = 225
	maxInlineList  = 255
	maxRowHeight   = 409 // points
	errorTitle     = "填写有误"
)

var (
	// Bounds of a number without catalogue bounds: the 15 digits a
	// spreadsheet keeps exactly.
	unboundedMax = "999999999999999"
	maxExact     = decimal.New(1, 15)
	// Dates a return may hold.
	firstDate = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	lastDate  = time.Date(2100, 12, 31, 0, 0, 0, 0, time.UTC)
)

// excelSerial is the serial number of a date in the 1900 date system.
func excelSerial(d time.Time) int {
	return int(d.Sub(time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)).Hours() / 24)
}

// utf16Len is the length of s in UTF-16 code units, the unit Excel counts in.
func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

// clip shortens s to n UTF-16 code units, ending it with "…" when cut.
func clip(s string, n int) string {
	if len(s) <= n || utf16Len(s) <= n {
		return s // a UTF-8 string is never shorter in bytes than in UTF-16 units
	}
	units := 0
	for i, r := range s {
		units += utf16.RuneLen(r)
		if units > n-1 {
			return s[:i] + "…"
		}
	}
	return s
}

func newValidation(sqref, title, prompt string) *excelize.DataValidation {
	dv := excelize.NewDataValidation(true)
	dv.Sqref = sqref
	dv.SetInput(clip(title, maxPromptTitle), clip(prompt, maxPrompt))
	return dv
}

func setError(dv *excelize.DataValidation, msg string) {
	dv.SetError(excelize.DataValidationErrorStyleStop, errorTitle, clip(msg, maxError))
}

// setCriteria sets a validation's type and operator from optional bounds.
func setCriteria(dv *excelize.DataValidation, typ excelize.DataValidationType, min, max string) {
	switch typ {
	case excelize.DataValidationTypeWhole:
		dv.Type = "whole"
	case excelize.DataValidationTypeDecimal:
		dv.Type = "decimal"
	case excelize.DataValidationTypeDate:
		dv.Type = "date"
	default:
		dv.Type = "textLength"
	}
	switch {
	case min != "" && max != "":
		dv.Operator, dv.Formula1, dv.Formula2 = "between", min, max
	case min != "":
		dv.Operator, dv.Formula1 = "greaterThanOrEqual", min
	default:
		dv.Operator, dv.Formula1 = "lessThanOrEqual", max
	}
}

func textLengthValidation(sqref string, min, max int, name, hint string) *excelize.DataValidation {
	limit := "不超过 " + strconv.Itoa(max) + " 个字"
	if min > 0 && min < max {
		limit = strconv.Itoa(min) + "～" + strconv.Itoa(max) + " 位"
	}
	if min == max {
		limit = "共 " + strconv.Itoa(max) + " 位"
	}
	prompt := limit
	if hint != "" {
		prompt = hint + "；" + limit
	}
	dv := newValidation(sqref, name, prompt)
	switch {
	case min == max:
		dv.Type, dv.Operator, dv.Formula1 = "textLength", "equal", strconv.Itoa(max)
	case min > 0:
		setCriteria(dv, excelize.DataValidationTypeTextLength, strconv.Itoa(min), strconv.Itoa(max))
	default:
		setCriteria(dv, excelize.DataValidationTypeTextLength, "", strconv.Itoa(max))
	}
	setError(dv, "「"+name+"」"+limit+"。")
	return dv
}

func dateValidation(sqref, name, hint string) *excelize.DataValidation {
	prompt := "日期，如 2025-06-30"
	if hint != "" {
		prompt = hint + "；" + prompt
	}
	dv := newValidation(sqref, name, prompt)
	setCriteria(dv, excelize.DataValidationTypeDate, strconv.Itoa(excelSerial(firstDate)), strconv.Itoa(excelSerial(lastDate)))
	setError(dv, "「"+name+"」须填写 2000-01-01 至 2100-12-31 之间的日期，如 2025-06-30。")
	return dv
}

// listValidation is a drop-down of choices, inline or from listRef (a
// range holding the choices) when they do not fit inline.
func listValidation(sqref, name, prompt string, choices []string, listRef string) (*excelize.DataValidation, error) {
	dv := newValidation(sqref, name, prompt)
	if listRef != "" {
		dv.SetSqrefDropList(listRef)
	} else if err := dv.SetDropList(choices); err != nil {
		return nil, err
	}
	setError(dv, "「"+name+"」请从下拉列表中选择："+strings.Join(choices, "、")+"。")
	return dv, nil
}

// inlineList reports whether choices fit an inline list: at most 255
// characters and no separator or quote inside a choice.
func inlineList(choices []string) bool {
	for _, c := range choices {
		if strings.ContainsAny(c, `,"`) {
			return false
		}
	}
	return utf16Len(strings.Join(choices, ",")) <= maxInlineList
}

// choiceList is a list of choices written to the metadata sheet because it
// does not fit an inline list.
type choiceList struct {
	key     string
	col     int // column on the metadata sheet, D onwards
	choices []string
	ref     string // e.g. lawcycle_meta!$D$2:$D$12
}

func choiceLists(sections []SectionRow) map[string]choiceList {
	lists := map[string]choiceList{}
	col := 4
	for _, s := range sections {
		for _, ir := range s.Indicators {
			ind := ir.Indicator
			if ind.Type != catalogue.Choice || inlineList(ind.Choices) {
				continue
			}
			name, err := excelize.ColumnNumberToName(col)
			if err != nil {
				continue // beyond the last column: cannot happen with a sane catalogue
			}
			lists[ind.Key] = choiceList{
				key:     ind.Key,
				col:     col,
				choices: ind.Choices,
				ref:     fmt.Sprintf("%s!$%s$2:$%s$%d", SheetMeta, name, name, len(ind.Choices)+1),
			}
			col++
		}
	}
	return lists
}

// boundsText describes bounds for people; suffix is "%" for percentages.
func boundsText(min, max *decimal.Decimal, suffix string) string {
	switch {
	case min != nil && max != nil:
		return min.String() + suffix + "～" + max.String() + suffix
	case min != nil:
		return "不小于 " + min.String() + suffix
	case max != nil:
		return "不大于 " + max.String() + suffix
	}
	return ""
}

// typeText describes the value an indicator takes.
func typeText(ind *catalogue.Indicator) string {
	switch ind.Type {
	case catalogue.Integer:
		return "整数"
	case catalogue.Decimal:
		if ind.Scale > 0 {
			return "数值，最多 " + strconv.Itoa(ind.Scale) + " 位小数"
		}
		return "数值"
	case catalogue.Percent:
		return "百分比，如 95%"
	case catalogue.Date:
		return "日期，如 2025-06-30"
	case catalogue.Choice:
		return "从下拉列表选择：" + strings.Join(ind.Choices, "、")
	default:
		return "文字，不超过 " + strconv.Itoa(maxText) + " 个字"
	}
}

// boundsOf describes an indicator's bounds, "" when it has none. The
// bounds are the catalogue's own (Lower, Upper), the ones the server checks.
func boundsOf(ind *catalogue.Indicator) string {
	if !ind.Type.IsNumeric() {
		return ""
	}
	lo := ind.Lower()
	hi, bounded := ind.Upper()
	suffix := ""
	if ind.Type == catalogue.Percent {
		suffix = "%"
	}
	if !bounded {
		return boundsText(&lo, nil, suffix)
	}
	return boundsText(&lo, &hi, suffix)
}

// requirementText is the 填报要求 column: type, bounds, unit, required.
func requirementText(ind *catalogue.Indicator) string {
	parts := []string{typeText(ind)}
	if b := boundsOf(ind); b != "" {
		parts = append(parts, b)
	}
	if ind.Unit != "" && ind.Type != catalogue.Percent && ind.Unit != "%" {
		parts = append(parts, "单位："+ind.Unit)
	}
	if ind.Required {
		parts = append(parts, "必填")
	} else {
		parts = append(parts, "选填")
	}
	return strings.Join(parts, "；")
}

// indicatorValidation is the in-cell validation of an indicator's value
// cell, derived from the same catalogue entry the server checks against.
// req is requirementText(ind), the prompt's first line.
func indicatorValidation(ind *catalogue.Indicator, cell, req, listRef string) (*excelize.DataValidation, error) {
	// The requirement, then the help's first sentence: a prompt box is
	// small and covers the cells around it, and Excel cuts it at 255
	// characters anyway. The whole help is on 填报说明 (四、指标解释).
	prompt := req
	if ind.Help != "" {
		prompt += "\n" + helpLead(ind.Help)
	}
	name := "「" + ind.Name + "」"
	if ind.Type == catalogue.Choice {
		return listValidation(cell, ind.Name, prompt, ind.Choices, listRef)
	}
	dv := newValidation(cell, ind.Name, prompt)
	bounds := boundsOf(ind)
	if bounds != "" {
		bounds = "，" + bounds
	}
	lo := ind.Lower()
	hi, bounded := ind.Upper()
	switch ind.Type {
	case catalogue.Integer, catalogue.Decimal:
		typ, what := excelize.DataValidationTypeWhole, "整数"
		if ind.Type == catalogue.Decimal {
			typ, what = excelize.DataValidationTypeDecimal, "数值"
		}
		max := unboundedMax
		if bounded {
			max = hi.String()
		}
		setCriteria(dv, typ, lo.String(), max)
		setError(dv, name+"须填写"+what+bounds+"。只填数字，不带单位。")
	case catalogue.Percent:
		// Percent cells hold fractions: 100% is 1.
		setCriteria(dv, excelize.DataValidationTypeDecimal, lo.Shift(-2).String(), hi.Shift(-2).String())
		setError(dv, name+"须填写百分比"+bounds+"，如 95%。")
	case catalogue.Date:
		setCriteria(dv, excelize.DataValidationTypeDate, strconv.Itoa(excelSerial(firstDate)), strconv.Itoa(excelSerial(lastDate)))
		setError(dv, name+"须填写 2000-01-01 至 2100-12-31 之间的日期，如 2025-06-30。")
	default:
		setCriteria(dv, excelize.DataValidationTypeTextLength, "", strconv.Itoa(maxText))
		setError(dv, name+"不超过 "+strconv.Itoa(maxText)+" 个字。")
	}
	return dv, nil
}

// cellText is a text in a column of the given width, for row heights.
type cellText struct {
	text  string
	width float64
}

// rowHeight estimates the height of a row whose wrapped texts must show in
// full: LibreOffice keeps the default height of a row it opens, and Excel
// never fits a merged cell. A CJK character is about two width units wide;
// a line is 15 points.
func rowHeight(cells ...cellText) float64 {
	lines := 1
	for _, c := range cells {
		perLine := math.Max(1, c.width-1.5)
		n, w := 0, 0.0
		for _, r := range c.text {
			switch {
			case r == '\n':
				n += int(math.Max(1, math.Ceil(w/perLine)))
				w = 0
				continue
			case r < 0x2E80:
				w++
			default:
				w += 2
			}
		}
		n += int(math.Max(1, math.Ceil(w/perLine)))
		lines = max(lines, n)
	}
	return math.Min(maxRowHeight, math.Max(20, float64(lines)*15+5))
}

// helpLead is the first sentence of a help text (up to the first 。).
func helpLead(help string) string {
	if i := strings.Index(help, "。"); i >= 0 && i+len("。") < len(help) {
		return help[:i+len("。")]
	}
	return help
}
