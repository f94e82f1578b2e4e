package excelreturn

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/shopspring/decimal"

	"github.com/lawcycle/lawcycle/catalogue"
)

// Value issue codes (ValueError.Code, then Issue.Code). Add new ones, never
// rename.
const (
	CodeNotANumber      = "not_a_number"          // words, ranges, several numbers, approximations, bad separators
	CodeNotAnInteger    = "not_an_integer"        // 3.5 for a count
	CodeTooManyDecimals = "too_many_decimals"     // more decimals than the indicator's scale
	CodeUnitMismatch    = "unit_mismatch"         // "5人" for an indicator counted in 件
	CodeNumberAsDate    = "number_as_date"        // a count in a date-formatted cell
	CodeErrorValue      = "error_value"           // #DIV/0!, #REF!, #VALUE! …
	CodeFormulaNoValue  = "formula_without_value" // a formula never calculated
	CodeInvalidDate     = "invalid_date"          // unreadable or non-existent date
	CodeInvalidChoice   = "invalid_choice"        // not one of the indicator's choices
)

// CellKind is what a worksheet cell holds, as the cell's XML says (the t
// attribute, the presence of <v> and <f>).
type CellKind uint8

const (
	CellBlank          CellKind = iota // no value
	CellNumber                         // no t, or t="n": Raw is the number as stored, e.g. "23.664650000000002", "1E-3"
	CellText                           // t="s" (shared), "inlineStr", "str" (text result of a formula): Raw is the text
	CellBool                           // t="b": Raw is "1" or "0"
	CellError                          // t="e": Raw is "#DIV/0!", "#REF!" …
	CellISODate                        // t="d": Raw is an ISO 8601 date or date-time
	CellFormulaNoValue                 // a formula whose result was never calculated (no <v>)
)

// NumFmt is how a cell's number format shows a number.
type NumFmt uint8

const (
	NumFmtPlain   NumFmt = iota // General, 0, 0.00, text …
	NumFmtPercent               // 0%, 0.00% …: the stored number is a fraction
	NumFmtDate                  // yyyy-mm-dd, yyyy"年"m"月"d"日" …: the stored number is a serial day
)

// Cell is one cell as the reader hands it to ParseCellValue. With
// excelize, Raw comes from rows.Columns(excelize.Options{RawCellValue:
// true}) (shared strings resolved, numbers unformatted); Kind, Format and
// Formula from the worksheet XML and the cell's style.
type Cell struct {
	Raw      string
	Kind     CellKind
	Format   NumFmt
	Formula  bool // the cell holds a formula; Raw is its cached result
	Date1904 bool // the workbook counts serial days from 1904-01-01 (workbookPr date1904)
}

// ValueError says why a cell could not be read as its indicator's value.
// Message is Chinese, names the indicator, quotes what was written and
// says what to write instead; the caller adds sheet and cell.
type ValueError struct {
	Code    string
	Message string
}

func (e *ValueError) Error() string { return e.Code + ": " + e.Message }

// ParseCellValue reads one cell as the canonical value of ind (docs/domain.md#catalogue):
// tolerant of how people and office suites write a figure, strict about
// what it means. It returns blank = true for an empty cell (or one holding
// only spaces), never a zero for something it could not read.
//
// Numbers (integer, decimal, percent) accept: numbers stored as numbers or
// as text; full-width digits, signs, dot and comma (１２３，４５６．７);
// thousands separators "," "，" and spaces (also thin and no-break spaces)
// in groups of three; surrounding spaces; a leading ¥/￥ for money; a
// trailing unit equal or equivalent to the indicator's (件/宗/起/个,
// 人/名/位, 家/户/个, 项/个/件, 次/回); 千/万/亿 multipliers, converted to
// the indicator's unit ("1.53亿元" and "15300万" are 15300 万元,
// "236646.5元" is 23.66465 万元, "1.72万人" is 17200 人).
//
// A number stored as a number has the float noise of its binary form
// removed first, the way Excel shows it: it is rounded to 15 significant
// digits ("23.664650000000002" is 23.66465). Text is taken digit for
// digit. Then a value with more decimals than the indicator's Scale is
// refused, not rounded — except the result of a formula, which nobody
// typed and which the cell shows rounded (=3/14 as 21.43%): it is rounded
// half away from zero to the Scale. Scale 0 means up to 10 decimals for
// decimal and percent indicators; integers never have decimals, formula
// or not.
//
// Percent values are canonical in percentage points. "95%", "95.5%",
// "１００％" and "120%" are read as written (bounds are catalogue.Check's
// concern). A number in a percent-formatted cell is a fraction (0.955 →
// 95.5). Otherwise — a bare number, as a number or as text — a value in
// [0, 1] is a fraction (1 → 100, 0.5 → 50) and any other value is already
// in percentage points (95 → 95). So a bare "1" means 100%: write "1%"
// for one percent.
//
// Dates are canonical YYYY-MM-DD: serial days (1900 date system, or 1904
// when c.Date1904), "2024-12-16", "2024/12/16", "2024.12.16",
// "2024年12月16日", "20241216", full-width forms, an ISO date-time (the
// time is dropped). A bare year or a year and month is refused, as are
// days that do not exist (2024-02-30) and years outside 1950–2100.
//
// Choices match after trimming, full-width folding and removing inner
// spaces, and come back in the catalogue's spelling; TRUE/FALSE is not
// taken for 是/否. Text is trimmed of surrounding spaces and otherwise
// kept as written.
//
// Refused everywhere: formula errors (#DIV/0!), formulas without a cached
// result, TRUE/FALSE for a number, words ("无", "约10", "十二", "10左右"),
// ranges ("3-5"), several numbers ("4+5"), malformed signs ("--5"),
// misplaced separators ("1,23"), a unit contradicting the indicator's
// ("5人" for 件), a number in a date-formatted cell (Excel turns "3-5"
// into 5 March), a fraction for a count ("3.5件").
func ParseCellValue(ind *catalogue.Indicator, c Cell) (v catalogue.Value, blank bool, verr *ValueError) {
	p := valueParser{ind: ind, c: c, shown: shownRaw(c)}
	switch c.Kind {
	case CellFormulaNoValue:
		return v, false, p.fail(CodeFormulaNoValue, fmt.Sprintf("「%s」的单元格是公式，但文件里没有保存公式的计算结果（常见于由程序生成、从未用 Excel 打开保存过的文件）；请用 Excel 或 WPS 打开文件，确认该单元格显示正常后保存，再上传", ind.Name))
	case CellError:
		return v, false, p.errorValue(strings.TrimSpace(c.Raw))
	}
	if c.Formula && c.Raw == "" && c.Kind != CellText {
		return v, false, p.fail(CodeFormulaNoValue, fmt.Sprintf("「%s」的单元格是公式，但文件里没有保存公式的计算结果；请用 Excel 或 WPS 打开文件，确认该单元格显示正常后保存，再上传", ind.Name))
	}
	if isBlank(c.Raw) {
		return v, true, nil
	}
	if e := strings.TrimFunc(foldWidth(c.Raw), isSpaceRune); isErrorLiteral(e) {
		// an error shown as text (pasted values) is still an error
		return v, false, p.errorValue(e)
	}
	switch ind.Type {
	case catalogue.Integer, catalogue.Decimal, catalogue.Percent:
		v, verr = p.number()
	case catalogue.Date:
		v, verr = p.date()
	case catalogue.Choice:
		v, verr = p.choice()
	default:
		v, verr = p.text()
	}
	return v, false, verr
}

// FormatValue writes a canonical value back as text that ParseCellValue
// reads as the same value: numbers in plain decimal notation, percentages
// with a % sign (so 0.5% is not read as the fraction 0.5), dates, choices
// and text as they are.
func FormatValue(ind *catalogue.Indicator, v catalogue.Value) string {
	switch ind.Type {
	case catalogue.Integer, catalogue.Decimal:
		return v.Number.String()
	case catalogue.Percent:
		return v.Number.String() + "%"
	default:
		return v.Text
	}
}

type valueParser struct {
	ind   *catalogue.Indicator
	c     Cell
	shown string // what was written, clipped for messages
}

func (p *valueParser) fail(code, msg string) *ValueError {
	return &ValueError{Code: code, Message: msg}
}

// expected says what the indicator wants, for "应为…".
func (p *valueParser) expected() string {
	unit := p.ind.Unit
	switch p.ind.Type {
	case catalogue.Integer:
		if unit == "" {
			return "整数"
		}
		return "整数（" + unit + "）"
	case catalogue.Decimal:
		var parts []string
		if unit != "" {
			parts = append(parts, unit)
		}
		if p.ind.Scale > 0 {
			parts = append(parts, fmt.Sprintf("最多 %d 位小数", p.ind.Scale))
		}
		if len(parts) == 0 {
			return "数字"
		}
		return "数字（" + strings.Join(parts, "，") + "）"
	case catalogue.Percent:
		return "百分比（如 95% 或 95.5%）"
	case catalogue.Date:
		return "日期（如 2024-12-16）"
	case catalogue.Choice:
		return "下拉列表中的选项（" + strings.Join(p.ind.Choices, "、") + "）"
	default:
		return "文字"
	}
}

// example is a value of the right shape for "如 …".
func (p *valueParser) example(d *decimal.Decimal) string {
	if d != nil {
		if p.ind.Type == catalogue.Integer {
			r := d.Round(0)
			return r.String()
		}
		if p.ind.Type == catalogue.Percent {
			return d.String() + "%"
		}
		return d.String()
	}
	switch p.ind.Type {
	case catalogue.Decimal:
		return "23.5"
	case catalogue.Percent:
		return "95%"
	default:
		return "10"
	}
}

// wrong is the common sentence: 「名称」应为…，但填写的是“…”；hint
func (p *valueParser) wrong(code, hint string) *ValueError {
	return p.fail(code, fmt.Sprintf("「%s」应为%s，但填写的是“%s”；%s", p.ind.Name, p.expected(), p.shown, hint))
}

func (p *valueParser) errorValue(e string) *ValueError {
	why := ""
	switch strings.ToUpper(e) {
	case "#DIV/0!":
		why = "（除数为 0）"
	case "#REF!":
		why = "（引用的单元格已被删除）"
	case "#VALUE!":
		why = "（参与计算的单元格不是数字）"
	case "#N/A":
		why = "（查找不到数据）"
	case "#NAME?":
		why = "（函数名或名称写错）"
	}
	return p.fail(CodeErrorValue, fmt.Sprintf("「%s」的单元格公式出错，显示为 %s%s；请修改公式，或删除公式直接填写数值", p.ind.Name, clipName(e, 20), why))
}

// shownRaw is the cell as the bureau sees it, for messages: trimmed and
// clipped; a number cell with float noise shown the way Excel shows it.
func shownRaw(c Cell) string {
	s := strings.TrimFunc(c.Raw, isSpaceRune)
	if c.Kind == CellNumber {
		if d, err := decimal.NewFromString(s); err == nil && math.Abs(float64(d.Exponent())) < 40 {
			s = trimZeros(sig15(d)).String()
		}
	}
	if c.Kind == CellBool {
		if s == "1" {
			return "TRUE"
		}
		return "FALSE"
	}
	return clipName(s, 40)
}

// ---------------------------------------------------------------- numbers

// unitSynonyms lists, for an indicator unit, the units a bureau may write
// for the same thing.
var unitSynonyms = map[string][]string{
	"件":  {"宗", "起", "个"},
	"宗":  {"件", "起", "个"},
	"人":  {"名", "位"},
	"名":  {"人", "位"},
	"家":  {"户", "个"},
	"户":  {"家", "个"},
	"项":  {"个", "件"},
	"个":  {"件", "项"},
	"次":  {"回"},
	"场":  {"场次"},
	"场次": {"场"},
}

// knownUnits are units a figure may carry; a known unit that does not fit
// the indicator is a unit mismatch, anything else is extra words.
var knownUnits = []string{
	"人次", "场次", "小时", "平方米", "件", "宗", "起", "个", "项", "人", "名", "位", "家", "户", "次", "回", "场",
	"元", "天", "日", "月", "年", "份", "条", "篇", "期", "批", "台", "辆", "张", "所", "处", "套", "本", "册", "%",
}

var multipliers = []struct {
	word string
	exp  int32
}{{"万亿", 12}, {"亿", 8}, {"万", 4}, {"千", 3}}

// splitUnit splits "万元" into a power of ten and the base unit.
func splitUnit(u string) (int32, string) {
	for _, m := range multipliers {
		if rest, ok := strings.CutPrefix(u, m.word); ok {
			return m.exp, rest
		}
	}
	return 0, u
}

func unitFits(ind, written string) bool {
	if ind == written {
		return true
	}
	for _, s := range unitSynonyms[ind] {
		if s == written {
			return true
		}
	}
	return false
}

var (
	approxPrefixes = []string{"大约", "大概", "约为", "约", "近", "将近", "超过", "逾", "不到", "不足", "接近", "≈", "~", "<", ">", "≤", "≥", "<=", ">="}
	approxSuffixes = []string{"左右", "上下", "以上", "以下", "多", "余", "来", "+"}
	rangeSeps      = []string{"-", "~", "至", "到", "—", "–", "－"}
	nilWords       = map[string]bool{"无": true, "没有": true, "暂无": true, "空": true, "不适用": true, "不涉及": true, "无此项": true,
		"-": true, "--": true, "—": true, "——": true, "/": true, "\\": true, "n/a": true, "na": true, "null": true, "none": true, "nil": true, "x": true}
)

const chineseNumerals = "零〇一二三四五六七八九十百千万亿两壹贰叁肆伍陆柒捌玖拾佰仟"

// numText is a figure as written, split into its parts.
type numText struct {
	value    decimal.Decimal
	percent  bool
	exp      int32  // multiplier written (万 = 4)
	unit     string // base unit written, "" when none
	currency bool   // ¥ prefix
}

func (p *valueParser) number() (catalogue.Value, *ValueError) {
	ind, c := p.ind, p.c
	var (
		n   numText
		err *ValueError
	)
	switch c.Kind {
	case CellBool:
		return catalogue.Value{}, p.wrong(CodeNotANumber, "这是逻辑值（TRUE/FALSE），不是数字；请只填数字，如 "+p.example(nil))
	case CellISODate:
		return catalogue.Value{}, p.fail(CodeNumberAsDate, fmt.Sprintf("「%s」应为%s，但单元格里是日期“%s”；请把单元格格式改为“常规”后重新填写数字，如 %s", ind.Name, p.expected(), p.shown, p.example(nil)))
	case CellNumber:
		d, ok := parsePlainNumber(strings.TrimFunc(c.Raw, isSpaceRune))
		if !ok {
			n, err = p.lexNumber()
			break
		}
		if c.Format == NumFmtDate {
			hint := ""
			if day, ok := serialDate(d, c.Date1904); ok {
				hint = "，显示为 " + day.Format(time.DateOnly)
			}
			return catalogue.Value{}, p.fail(CodeNumberAsDate, fmt.Sprintf("「%s」应为%s，但单元格是日期格式%s（输入“3-5”“3/5”之类的内容时，Excel 会自动把它变成日期）；请把单元格格式改为“常规”后重新填写数字，如 %s",
				ind.Name, p.expected(), hint, p.example(nil)))
		}
		d = sig15(d)
		if c.Format == NumFmtPercent {
			if ind.Type != catalogue.Percent {
				return catalogue.Value{}, p.fail(CodeUnitMismatch, fmt.Sprintf("「%s」应为%s，但单元格是百分比格式，显示为 %s%%；请把单元格格式改为“常规”后重新填写数字", ind.Name, p.expected(), trimZeros(d.Shift(2)).String()))
			}
			n = numText{value: d.Shift(2), percent: true}
		} else {
			n = numText{value: d}
		}
	default:
		n, err = p.lexNumber()
	}
	if err != nil {
		return catalogue.Value{}, err
	}
	d, err := p.convertUnit(n)
	if err != nil {
		return catalogue.Value{}, err
	}
	if ind.Type == catalogue.Percent && !n.percent && d.Sign() >= 0 && d.LessThanOrEqual(decimal.NewFromInt(1)) {
		d = d.Shift(2)
	}
	d = trimZeros(d)
	if d.Abs().GreaterThanOrEqual(decimal.New(1, 15)) {
		return catalogue.Value{}, p.wrong(CodeNotANumber, "数值超出了可以处理的范围；请检查是否多输了数字或写错了单位")
	}
	places := decimalPlaces(d)
	if c.Formula && c.Kind == CellNumber && ind.Type != catalogue.Integer {
		// Nobody typed the digits of a formula's result: =3/14 holds
		// 0.21428571428571427 and the cell shows 21.43%. Round it to what
		// the indicator keeps. A count is never rounded: 3.5 件 is wrong.
		limit := ind.Scale
		if limit <= 0 {
			limit = maxPlaces
		}
		if r := d.Round(int32(limit)); places > limit && !r.IsZero() {
			// (a tiny result that would round to 0 is refused below
			// instead: never a zero for something that is not)
			d = trimZeros(r)
			places = decimalPlaces(d)
		}
	}
	switch {
	case ind.Type == catalogue.Integer && places > 0:
		return catalogue.Value{}, p.wrong(CodeNotAnInteger, "请填写整数（不能有小数）")
	case ind.Scale > 0 && places > ind.Scale:
		r := d.Round(int32(ind.Scale))
		return catalogue.Value{}, p.fail(CodeTooManyDecimals, fmt.Sprintf("「%s」最多保留 %d 位小数%s，但填写的是“%s”；请四舍五入为 %s", ind.Name, ind.Scale, unitParen(ind), p.shown, p.example(&r)))
	case places > maxPlaces:
		return catalogue.Value{}, p.fail(CodeTooManyDecimals, fmt.Sprintf("「%s」的小数位数太多（超过 %d 位），填写的是“%s”；请四舍五入后再填写", ind.Name, maxPlaces, p.shown))
	}
	return catalogue.Value{Number: d}, nil
}

// maxPlaces bounds the decimals of an indicator without a Scale.
const maxPlaces = 10

func unitParen(ind *catalogue.Indicator) string {
	if ind.Unit == "" {
		return ""
	}
	return "（" + ind.Unit + "）"
}

// convertUnit checks the written unit against the indicator's and scales
// the value into the indicator's unit.
func (p *valueParser) convertUnit(n numText) (decimal.Decimal, *ValueError) {
	ind := p.ind
	indPercent := ind.Type == catalogue.Percent || ind.Unit == "%"
	indExp, indBase := splitUnit(ind.Unit)
	if ind.Unit == "%" {
		indExp, indBase = 0, ""
	}
	mismatch := func() *ValueError {
		if ind.Unit == "" && !indPercent {
			return p.fail(CodeUnitMismatch, fmt.Sprintf("「%s」应为%s，没有单位，但填写的是“%s”；请确认填写的是本指标的数字，只填数字", ind.Name, p.expected(), p.shown))
		}
		unit := ind.Unit
		if unit == "" {
			unit = "%"
		}
		return p.fail(CodeUnitMismatch, fmt.Sprintf("「%s」的单位是“%s”，但填写的是“%s”；请确认填写的是本指标的数字，只填数字，如 %s", ind.Name, unit, p.shown, p.example(nil)))
	}
	switch {
	case n.percent && !indPercent:
		return decimal.Decimal{}, mismatch()
	case n.percent && (n.exp != 0 || n.unit != ""):
		return decimal.Decimal{}, mismatch()
	case indPercent && (n.exp != 0 || n.unit != ""):
		return decimal.Decimal{}, mismatch()
	case n.unit != "" && !unitFits(indBase, n.unit):
		return decimal.Decimal{}, mismatch()
	case n.currency && indBase != "元":
		return decimal.Decimal{}, mismatch()
	}
	if n.exp == 0 && n.unit == "" {
		return n.value, nil // a bare number is in the indicator's unit
	}
	// "747万" and "747万元" are 747 万元; "236646.5元" is 23.66465 万元
	return n.value.Shift(n.exp - indExp), nil
}

var plainNumber = regexp.MustCompile(`^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d{1,3})?$`)

// parsePlainNumber reads a number as a spreadsheet stores it.
func parsePlainNumber(s string) (decimal.Decimal, bool) {
	if !plainNumber.MatchString(s) {
		return decimal.Decimal{}, false
	}
	d, err := decimal.NewFromString(s)
	if err != nil || d.Exponent() < -40 || d.Exponent() > 40 || len(s) > 60 {
		return decimal.Decimal{}, false
	}
	return d, true
}

// lexNumber reads a figure written as text.
func (p *valueParser) lexNumber() (numText, *ValueError) {
	s := strings.TrimFunc(foldWidth(p.c.Raw), isSpaceRune)
	s = strings.TrimPrefix(s, "'") // Excel's and WPS's "store as text" mark, when it leaks into the value
	s = strings.TrimFunc(s, isSpaceRune)
	if reDateYMD.MatchString(s) || reDateCN.MatchString(s) {
		return numText{}, p.wrong(CodeNotANumber, "这是一个日期，不是数字；请只填数字，如 "+p.example(nil))
	}
	start := strings.IndexFunc(s, isDigit)
	if start < 0 {
		return numText{}, p.noDigits(s)
	}
	// the number starts at a sign or a dot just before the first digit
	if start > 0 && s[start-1] == '.' {
		start--
	}
	neg := false
	prefix := strings.TrimFunc(s[:start], isSpaceRune)
	if strings.HasSuffix(prefix, "-") || strings.HasSuffix(prefix, "+") {
		neg = strings.HasSuffix(prefix, "-")
		prefix = strings.TrimFunc(prefix[:len(prefix)-1], isSpaceRune)
	}
	var n numText
	if rest, ok := strings.CutPrefix(prefix, "¥"); ok {
		n.currency, prefix = true, strings.TrimFunc(rest, isSpaceRune)
		if strings.HasSuffix(prefix, "-") {
			neg, prefix = true, strings.TrimFunc(prefix[:len(prefix)-1], isSpaceRune)
		}
	}
	if prefix != "" {
		return numText{}, p.extraWords(prefix, true)
	}

	body, end, verr := p.scanBody(s, start)
	if verr != nil {
		return numText{}, verr
	}
	d, err := decimal.NewFromString(body)
	if err != nil {
		return numText{}, p.wrong(CodeNotANumber, "请只填数字，如 "+p.example(nil))
	}
	if neg {
		d = d.Neg()
	}
	n.value = d

	rest := strings.TrimFunc(s[end:], isSpaceRune)
	if strings.IndexFunc(rest, isDigit) >= 0 {
		for _, sep := range rangeSeps {
			if strings.HasPrefix(rest, sep) {
				return numText{}, p.wrong(CodeNotANumber, "这是一个范围，请填写一个确切的数字")
			}
		}
		return numText{}, p.wrong(CodeNotANumber, "一个单元格只能填一个数字（合计数）；分项情况请写在“说明”栏")
	}
	if pc, ok := strings.CutPrefix(rest, "%"); ok {
		n.percent, rest = true, strings.TrimFunc(pc, isSpaceRune)
	}
	if rest == "" {
		return n, nil
	}
	if n.percent {
		return numText{}, p.extraWords(rest, false)
	}
	for _, a := range approxSuffixes {
		if strings.HasSuffix(rest, a) || strings.HasPrefix(rest, a) {
			return numText{}, p.wrong(CodeNotANumber, "这是一个约数；请填写确切的数字，如 "+p.example(&d))
		}
	}
	n.exp, n.unit = splitUnit(rest)
	if n.unit == "" || n.unit == "%" {
		n.percent = n.percent || n.unit == "%"
		n.unit = ""
		return n, nil
	}
	for _, u := range knownUnits {
		if n.unit == u {
			return n, nil
		}
	}
	// a known unit followed by words: "12件（含撤回）"
	for _, u := range knownUnits {
		if strings.HasPrefix(n.unit, u) {
			return numText{}, p.extraWords(strings.TrimPrefix(n.unit, u), false)
		}
	}
	return numText{}, p.extraWords(rest, false)
}

// scanBody reads digits, thousands separators, a decimal point and an
// exponent from s[start:], returning a plain number and where it ends.
func (p *valueParser) scanBody(s string, start int) (string, int, *ValueError) {
	var (
		b       strings.Builder
		i       = start
		groups  []int // digits in each group, when separators are used
		cur     int
		sep     byte
		seenDot bool
	)
	for i < len(s) {
		ch := s[i]
		switch {
		case isDigitByte(ch):
			b.WriteByte(ch)
			cur++
			i++
			continue
		case ch == '.' && !seenDot:
			if i+1 < len(s) && s[i+1] == '.' {
				return "", 0, p.wrong(CodeNotANumber, "小数点有误；请只填数字，如 "+p.example(nil))
			}
			seenDot = true
			if b.Len() == 0 {
				b.WriteByte('0')
			}
			b.WriteByte('.')
			groups = append(groups, cur)
			cur = 0
			i++
			continue
		case ch == '.':
			return "", 0, p.wrong(CodeNotANumber, "数字中有多个小数点；请只填数字，如 "+p.example(nil))
		case (ch == ',' || ch == ' ') && !seenDot && i+1 < len(s) && isDigitByte(s[i+1]):
			if sep != 0 && sep != ch {
				return "", 0, p.wrong(CodeNotANumber, "千位分隔符不一致；请只填数字，如 "+p.example(nil))
			}
			sep = ch
			groups = append(groups, cur)
			cur = 0
			i++
			continue
		case (ch == 'e' || ch == 'E') && b.Len() > 0:
			j := i + 1
			if j < len(s) && (s[j] == '+' || s[j] == '-') {
				j++
			}
			k := j
			for k < len(s) && isDigitByte(s[k]) {
				k++
			}
			if k > j {
				if k-j > 2 {
					return "", 0, p.wrong(CodeNotANumber, "数值超出了可以处理的范围；请只填数字，如 "+p.example(nil))
				}
				b.WriteString(s[i:k])
				i = k
			}
		}
		break
	}
	if !seenDot {
		groups = append(groups, cur)
	}
	if sep != 0 {
		// groups: integer part groups (the last before the dot, if any)
		ok := len(groups) >= 2 && groups[0] >= 1 && groups[0] <= 3
		for _, g := range groups[1:] {
			ok = ok && g == 3
		}
		if !ok {
			if sep == ',' {
				return "", 0, p.wrong(CodeNotANumber, "千位分隔符“,”的位置不对（应每三位一个）；如果是小数，请用小数点“.”，如 3.5")
			}
			return "", 0, p.wrong(CodeNotANumber, "数字中间有空格，像是几个数字；一个单元格只能填一个数字")
		}
	}
	if len(strings.TrimLeft(strings.SplitN(b.String(), ".", 2)[0], "0")) > 18 {
		return "", 0, p.wrong(CodeNotANumber, "数值超出了可以处理的范围；请检查是否多输了数字")
	}
	return b.String(), i, nil
}

// noDigits explains a number cell without a single digit.
func (p *valueParser) noDigits(s string) *ValueError {
	lower := strings.ToLower(strings.Join(strings.FieldsFunc(s, isSpaceRune), ""))
	switch {
	case nilWords[lower]:
		return p.wrong(CodeNotANumber, "如果本年度没有发生，请填 0；本单位不涉及此项的，请填 0 并在“说明”栏注明")
	case strings.ContainsAny(s, chineseNumerals):
		return p.wrong(CodeNotANumber, "请用阿拉伯数字填写，如 "+p.example(nil))
	case lower == "true" || lower == "false" || lower == "是" || lower == "否":
		return p.wrong(CodeNotANumber, "请只填数字，如 "+p.example(nil))
	default:
		return p.wrong(CodeNotANumber, "请只填数字，如 "+p.example(nil))
	}
}

// extraWords explains words before or after a number.
func (p *valueParser) extraWords(words string, before bool) *ValueError {
	if before {
		for _, a := range approxPrefixes {
			if strings.HasSuffix(words, a) || strings.HasPrefix(words, a) {
				return p.wrong(CodeNotANumber, "这是一个约数；请填写确切的数字，如 "+p.example(nil))
			}
		}
		if strings.Trim(words, "+-") == "" {
			return p.wrong(CodeNotANumber, "数字的正负号有误；请只填数字，如 "+p.example(nil))
		}
		if strings.ContainsAny(words, chineseNumerals) {
			return p.wrong(CodeNotANumber, "请用阿拉伯数字填写，如 "+p.example(nil))
		}
		return p.wrong(CodeNotANumber, "数字前面有多余的文字；请只填数字，如 "+p.example(nil)+"，其他情况请写在“说明”栏")
	}
	if strings.ContainsAny(words, "+-") && strings.Trim(words, "+-") == "" {
		return p.wrong(CodeNotANumber, "数字的正负号有误；请只填数字，如 "+p.example(nil))
	}
	return p.wrong(CodeNotANumber, "数字后面有多余的文字“"+clipName(words, 20)+"”；请只填数字，如 "+p.example(nil)+"，其他情况请写在“说明”栏")
}

// sig15 rounds a number stored by a spreadsheet to the 15 significant
// digits a double holds reliably, removing float noise such as
// 23.664650000000002.
func sig15(d decimal.Decimal) decimal.Decimal {
	if d.IsZero() {
		return d
	}
	digits := len(d.Coefficient().String())
	if d.Sign() < 0 {
		digits-- // the minus sign
	}
	msd := int32(digits-1) + d.Exponent() // power of ten of the leading digit
	places := 14 - msd
	if places >= -d.Exponent() {
		return d
	}
	return d.Round(places)
}

// trimZeros drops trailing zeros after the decimal point: 23.6646500 →
// 23.66465, 5.000 → 5.
func trimZeros(d decimal.Decimal) decimal.Decimal {
	if d.Exponent() >= 0 {
		return d
	}
	s := d.String()
	if !strings.Contains(s, ".") {
		return decimal.RequireFromString(s)
	}
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	if s == "-0" || s == "" {
		s = "0"
	}
	return decimal.RequireFromString(s)
}

func decimalPlaces(d decimal.Decimal) int {
	if d.Exponent() >= 0 {
		return 0
	}
	return int(-d.Exponent())
}

// ------------------------------------------------------------------ dates

var (
	reDateYMD   = regexp.MustCompile(`^(\d{4})\s*([-/.])\s*(\d{1,2})\s*([-/.])\s*(\d{1,2})$`)
	reDateCN    = regexp.MustCompile(`^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?$`)
	reDate8     = regexp.MustCompile(`^(\d{4})(\d{2})(\d{2})$`)
	reDateTime  = regexp.MustCompile(`^(.*?[\d日号])(?:[T ]\s*\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?\s*(?:Z|[+-]\d{2}:?\d{2})?)$`)
	reYearMonth = regexp.MustCompile(`^\d{4}\s*(?:[-/.]\s*\d{1,2}|年\s*\d{1,2}\s*月?)$`)
	reYear      = regexp.MustCompile(`^\d{4}\s*年?$`)
)

// Dates of a return (公布日期, 计划完成时限 …) are modern: a date outside
// these years is a typo or a number read as a serial day (45 is
// 1900-02-14), not a date anyone meant.
const (
	minYear = 1950
	maxYear = 2100
)

func (p *valueParser) date() (catalogue.Value, *ValueError) {
	c := p.c
	bad := func(hint string) (catalogue.Value, *ValueError) {
		return catalogue.Value{}, p.wrong(CodeInvalidDate, hint)
	}
	switch c.Kind {
	case CellBool:
		return bad("这是逻辑值（TRUE/FALSE）；请按“年-月-日”填写日期，如 2024-12-16")
	case CellNumber:
		d, ok := parsePlainNumber(strings.TrimFunc(c.Raw, isSpaceRune))
		if !ok {
			break
		}
		d = sig15(d)
		if d.IsInteger() && d.GreaterThanOrEqual(decimal.NewFromInt(19000101)) && d.LessThanOrEqual(decimal.NewFromInt(21001231)) {
			return p.ymdText(d.String())
		}
		if c.Format != NumFmtDate && d.IsInteger() && d.GreaterThanOrEqual(decimal.NewFromInt(minYear)) && d.LessThanOrEqual(decimal.NewFromInt(maxYear)) {
			return bad("只填了年份；请填写完整日期，如 " + d.String() + "-12-16")
		}
		day, ok := serialDate(d, c.Date1904)
		if !ok {
			return bad("这不是有效的日期；请按“年-月-日”填写，如 2024-12-16")
		}
		if c.Format != NumFmtDate && (day.Year() < minYear || day.Year() > maxYear) {
			// a plain number that is no plausible serial day
			return bad("这不是有效的日期；请按“年-月-日”填写，如 2024-12-16")
		}
		if day.Year() < minYear || day.Year() > maxYear {
			return bad(fmt.Sprintf("日期 %s 超出了合理范围（%d—%d 年）；请检查后按“年-月-日”填写", day.Format(time.DateOnly), minYear, maxYear))
		}
		return catalogue.Value{Text: day.Format(time.DateOnly)}, nil
	}
	return p.ymdText(c.Raw)
}

// ymdText reads a date written as text.
func (p *valueParser) ymdText(raw string) (catalogue.Value, *ValueError) {
	bad := func(hint string) (catalogue.Value, *ValueError) {
		return catalogue.Value{}, p.wrong(CodeInvalidDate, hint)
	}
	s := strings.TrimFunc(foldWidth(raw), isSpaceRune)
	s = strings.Join(strings.FieldsFunc(s, isSpaceRune), " ")
	if m := reDateTime.FindStringSubmatch(s); m != nil {
		s = strings.TrimSpace(m[1])
	}
	var y, mo, d string
	switch {
	case reDateYMD.MatchString(s):
		m := reDateYMD.FindStringSubmatch(s)
		if m[2] != m[4] {
			return bad("日期的分隔符不一致；请按“年-月-日”填写，如 2024-12-16")
		}
		y, mo, d = m[1], m[3], m[5]
	case reDateCN.MatchString(s):
		m := reDateCN.FindStringSubmatch(s)
		y, mo, d = m[1], m[2], m[3]
	case reDate8.MatchString(s):
		m := reDate8.FindStringSubmatch(s)
		y, mo, d = m[1], m[2], m[3]
	case reYearMonth.MatchString(s):
		return bad("只填到了月份；请填写完整日期，如 2024-12-16")
	case reYear.MatchString(s):
		return bad("只填了年份；请填写完整日期，如 2024-12-16")
	case strings.ContainsAny(s, chineseNumerals) && strings.IndexFunc(s, isDigit) < 0:
		return bad("请用阿拉伯数字按“年-月-日”填写，如 2024-12-16")
	default:
		return bad("日期格式无法识别；请按“年-月-日”填写，如 2024-12-16")
	}
	yy, _ := strconv.Atoi(y)
	mm, _ := strconv.Atoi(mo)
	dd, _ := strconv.Atoi(d)
	if yy < minYear || yy > maxYear {
		return bad(fmt.Sprintf("年份 %d 超出了合理范围（%d—%d 年）；请检查后按“年-月-日”填写", yy, minYear, maxYear))
	}
	if mm < 1 || mm > 12 {
		return bad(fmt.Sprintf("没有 %d 月；请按“年-月-日”填写，如 2024-12-16", mm))
	}
	t := time.Date(yy, time.Month(mm), dd, 0, 0, 0, 0, time.UTC)
	if dd < 1 || t.Day() != dd {
		return bad(fmt.Sprintf("%d年%d月没有%d日，这个日期不存在；请检查后重新填写", yy, mm, dd))
	}
	return catalogue.Value{Text: t.Format(time.DateOnly)}, nil
}

// serialDate converts a spreadsheet serial day to a date, dropping any time
// of day. In the 1900 system serial 1 is 1900-01-01 and serial 60 is the
// 29 February 1900 that Lotus invented and Excel kept; in the 1904 system
// serial 0 is 1904-01-01.
func serialDate(d decimal.Decimal, date1904 bool) (time.Time, bool) {
	n := d.Floor()
	if n.LessThan(decimal.Zero) || n.GreaterThan(decimal.NewFromInt(2958465)) {
		return time.Time{}, false
	}
	days := int(n.IntPart())
	if date1904 {
		return time.Date(1904, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, days), true
	}
	switch {
	case days == 0 || days == 60:
		return time.Time{}, false
	case days < 60:
		return time.Date(1899, 12, 31, 0, 0, 0, 0, time.UTC).AddDate(0, 0, days), true
	default:
		return time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC).AddDate(0, 0, days), true
	}
}

// ---------------------------------------------------------- choices, text

func (p *valueParser) choice() (catalogue.Value, *ValueError) {
	if p.c.Kind == CellBool {
		return catalogue.Value{}, p.wrong(CodeInvalidChoice, "这是逻辑值（TRUE/FALSE）；请从下拉列表中选择")
	}
	raw := p.c.Raw
	if p.c.Kind == CellNumber {
		if d, ok := parsePlainNumber(strings.TrimFunc(raw, isSpaceRune)); ok {
			raw = trimZeros(sig15(d)).String()
		}
	}
	key := choiceKey(raw)
	for _, ch := range p.ind.Choices {
		if choiceKey(ch) == key {
			return catalogue.Value{Text: ch}, nil
		}
	}
	return catalogue.Value{}, p.fail(CodeInvalidChoice, fmt.Sprintf("「%s」只能从下拉列表中选择：%s；但填写的是“%s”；请从下拉列表中选择", p.ind.Name, strings.Join(p.ind.Choices, "、"), p.shown))
}

func choiceKey(s string) string {
	return strings.Join(strings.FieldsFunc(foldWidth(s), isSpaceRune), "")
}

func (p *valueParser) text() (catalogue.Value, *ValueError) {
	c := p.c
	s := strings.TrimFunc(c.Raw, isSpaceRune)
	switch c.Kind {
	case CellNumber:
		if d, ok := parsePlainNumber(s); ok {
			if c.Format == NumFmtDate {
				if day, ok := serialDate(d, c.Date1904); ok {
					return catalogue.Value{Text: day.Format(time.DateOnly)}, nil
				}
			}
			s = trimZeros(sig15(d)).String()
		}
	case CellBool:
		s = map[bool]string{true: "TRUE", false: "FALSE"}[s == "1"]
	}
	return catalogue.Value{Text: s}, nil
}

// ------------------------------------------------------------ characters

// foldWidth maps full-width ASCII forms (１２３，．％－) and other look-alike
// signs to ASCII, and every kind of space to a plain space.
func foldWidth(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 0xFF01 && r <= 0xFF5E:
			return r - 0xFEE0
		case r == '￥':
			return '¥'
		case r == '−' || r == '﹣' || r == '‐' || r == '‑':
			return '-'
		case r == '﹪':
			return '%'
		case r == '﹐':
			return ','
		case r == '\u200B' || r == '\u200C' || r == '\u200D' || r == '\u2060' || r == '\uFEFF':
			return -1
		case isSpaceRune(r):
			return ' '
		}
		return r
	}, s)
}

// isSpaceRune: ASCII white space, no-break, thin, figure and ideographic
// spaces, and the zero-width characters that ride along with copy-paste.
func isSpaceRune(r rune) bool {
	switch r {
	case '\u00A0', '\u2007', '\u2009', '\u200A', '\u202F', '\u3000', '\u200B', '\u200C', '\u200D', '\u2060', '\uFEFF':
		return true
	}
	return unicode.IsSpace(r)
}

func isBlank(s string) bool {
	return strings.TrimFunc(s, isSpaceRune) == ""
}

func isDigit(r rune) bool     { return r >= '0' && r <= '9' }
func isDigitByte(b byte) bool { return b >= '0' && b <= '9' }

var errorLiterals = map[string]bool{
	"#DIV/0!": true, "#N/A": true, "#REF!": true, "#VALUE!": true, "#NAME?": true, "#NUM!": true,
	"#NULL!": true, "#SPILL!": true, "#CALC!": true, "#GETTING_DATA": true, "#BLOCKED!": true, "#FIELD!": true,
	"#UNKNOWN!": true, "#CONNECT!": true, "#BUSY!": true,
}

func isErrorLiteral(s string) bool { return errorLiterals[strings.ToUpper(s)] }
