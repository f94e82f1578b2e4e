package excelreturn

import (
	"fmt"
	"slices"
	"strings"
	"unicode"

	"github.com/lawcycle/lawcycle/catalogue"
	"github.com/lawcycle/lawcycle/internal/creditcode"
)

// ---- 基本信息 ----

func (p *parser) readInfo() error {
	last := InfoFirstRow + len(InfoFields) - 1
	vals := map[string]string{}
	seen := 0
	broken := false
	if err := p.eachRow(SheetInfo, func(row int, cols []string) bool {
		if row < InfoFirstRow {
			return true
		}
		if row > last {
			return false
		}
		fld := InfoFields[row-InfoFirstRow]
		seen++
		if label := strings.TrimPrefix(col(cols, colIndex(InfoLabelCol)), "*"); label != fld.Label {
			p.fail(Issue{Code: CodeRowMismatch, Sheet: SheetInfo, Cell: ref(InfoLabelCol, row), Message: fmt.Sprintf(
				"第%d行应为「%s」，实际为%s：基本信息的行被移动、插入或删除，请使用原模板填写。", row, fld.Label, quoteOrBlank(label))})
			broken = true
			return false
		}
		vals[fld.Key] = col(cols, colIndex(InfoValueCol))
		return true
	}); err != nil {
		return err
	}
	if !broken && seen < len(InfoFields) {
		row := InfoFirstRow + seen
		fld := InfoFields[seen]
		p.fail(Issue{Code: CodeRowMismatch, Sheet: SheetInfo, Cell: ref(InfoLabelCol, row), Message: fmt.Sprintf(
			"第%d行应为「%s」，实际为空行：基本信息的行被删除，请使用原模板填写。", row, fld.Label)})
		broken = true
	}
	if broken {
		return nil
	}
	p.ret.Info = Info{
		OrgName:    vals["org_name"],
		CreditCode: vals["credit_code"],
		Preparer:   vals["preparer"],
		Phone:      vals["phone"],
		Leader:     vals["leader"],
	}
	for i, fld := range InfoFields {
		cell := ref(InfoValueCol, InfoFirstRow+i)
		v := vals[fld.Key]
		is := Issue{Sheet: SheetInfo, Cell: cell}
		switch {
		case fld.Key == "org_name" && p.ret.Meta.OrgName != "" && v != p.ret.Meta.OrgName:
			is.Code, is.Message = CodeOrgNameChanged, fmt.Sprintf(
				"单位名称应为「%s」（模板预填，不能修改），实际为%s。请改回原名称；单位名称有误的请联系法治办。", p.ret.Meta.OrgName, quoteOrBlank(v))
		case v == "" && fld.Required:
			is.Code, is.Message = CodeRequiredMissing, fmt.Sprintf("「%s」为必填项，请填写%s。", fld.Label, infoHint(fld.Key))
		case v == "":
			continue
		case fld.Key == "credit_code" && !(fld.Prefill && p.ret.Meta.OrgName != ""):
			// a personalised template prefills and locks the code from
			// the organisation's record: a bad one is the office's to fix
			code := creditcode.Normalize(toHalfWidth(v))
			if err := creditcode.Validate(code); err != nil {
				is.Code, is.Message = CodeInvalidCreditCode, err.Error()+"。无法确认的可以留空。"
			} else {
				p.ret.Info.CreditCode = code
				continue
			}
		case fld.Key == "phone" && !plausiblePhone(v):
			is.Code, is.Message = CodeInvalidPhone, fmt.Sprintf(
				"联系电话「%s」不像电话号码。请填写手机号码或带区号的固定电话，如 13812345678 或 0576-85123456（分机可写作 0576-85123456 转 801）。", v)
		default:
			continue
		}
		p.fail(is)
	}
	return nil
}

func infoHint(key string) string {
	switch key {
	case "preparer":
		return "填报人姓名"
	case "phone":
		return "填报人的联系电话，如 0576-85123456"
	case "leader":
		return "本单位主要负责人姓名"
	case "org_name":
		return "单位全称"
	}
	return ""
}

// plausiblePhone accepts what people write in a phone field: digits,
// full-width digits, separators, a country code, an extension (转, 分机,
// ext), several numbers in one cell. It wants 7 to 40 digits and no other
// letters.
func plausiblePhone(s string) bool {
	s = strings.ToLower(toHalfWidth(s))
	for _, w := range []string{"分机", "转", "ext.", "ext", "x"} {
		s = strings.ReplaceAll(s, w, " ")
	}
	digits := 0
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case strings.ContainsRune(" -+()/、,;.—–", r), unicode.IsSpace(r):
		default:
			return false
		}
	}
	return digits >= 7 && digits <= 40
}

// toHalfWidth folds full-width ASCII (１２３, －, （）) to half width.
func toHalfWidth(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= '！' && r <= '～':
			return r - '！' + '!'
		case r == '\u3000':
			return ' '
		}
		return r
	}, s)
}

func quoteOrBlank(s string) string {
	if s == "" {
		return "空白"
	}
	return "「" + s + "」"
}

// ---- 统计指标 ----

// Value columns read on 统计指标, 0-based.
var (
	idxName    = colIndex(ColName)
	idxValue   = colIndex(ColValue)
	idxExplain = colIndex(ColExplain)
	idxKey     = colIndex(ColKey)
)

func (p *parser) readIndicators() error {
	list := IndicatorRowList(p.cat)
	byRow := make(map[int]IndicatorRow, len(list))
	rowOf := make(map[string]int, len(list))
	lastRow := IndicatorHeaderRow
	for _, ir := range list {
		byRow[ir.Row] = ir
		rowOf[ir.Indicator.Key] = ir.Row
		lastRow = max(lastRow, ir.Row)
	}
	metas := p.scanColumn(SheetIndicators, colIndex(ColValue)+1, lastRow)

	seen, below := 0, 0
	firstBelow := ""
	broken := false
	bad := map[string]bool{} // indicators whose cell could not be read
	if err := p.eachRow(SheetIndicators, func(row int, cols []string) bool {
		if row > lastRow {
			for _, i := range []int{idxValue, idxExplain} {
				if col(cols, i) != "" {
					below++
					if firstBelow == "" {
						firstBelow = cellName(i, row)
					}
					break
				}
			}
			return true
		}
		ir, ok := byRow[row]
		if !ok {
			return true // title, header and section rows
		}
		seen++
		if key := col(cols, idxKey); key != ir.Indicator.Key {
			p.fail(p.rowMismatch(ir, cols))
			broken = true
			return false
		}
		if !p.readIndicatorValue(ir, cols, metas) {
			bad[ir.Indicator.Key] = true
		}
		if s := col(cols, idxExplain); s != "" {
			p.ret.Explanations[ir.Indicator.Key] = s
		}
		return true
	}); err != nil {
		return err
	}
	if !broken && seen < len(list) {
		p.fail(p.rowMismatch(list[seen], nil))
		broken = true
	}
	if below > 0 {
		p.warn(Issue{Code: CodeContentOutsideTable, Sheet: SheetIndicators, Cell: firstBelow, Message: fmt.Sprintf(
			"指标表格以下的 %d 行（自 %s 起）填写了内容，系统不会读取。指标数值请填在对应指标行的「本年度数值」列；不需要的内容请删除。", below, firstBelow)})
	}
	if broken {
		// values may sit on the wrong rows: reading them would only
		// mislead
		p.ret.Values = catalogue.Values{}
		p.ret.Explanations = map[string]string{}
		return nil
	}
	p.checkFindings(rowOf, bad)
	return nil
}

// rowMismatch reports the first indicator row that does not hold the
// indicator the template put there.
func (p *parser) rowMismatch(ir IndicatorRow, cols []string) Issue {
	actual := strings.TrimPrefix(col(cols, idxName), "*")
	if actual == "" {
		if ind, ok := p.cat.Indicator(col(cols, idxKey)); ok {
			actual = ind.Name
		}
	}
	found := "空行"
	if actual != "" {
		found = "「" + actual + "」"
	}
	return Issue{Code: CodeRowMismatch, Sheet: SheetIndicators, Cell: ref(ColName, ir.Row),
		Indicator: ir.Indicator.Key, IndicatorName: ir.Indicator.Name, Message: fmt.Sprintf(
			"第%d行应为「%s」，实际为%s：指标行被移动、插入或删除。请使用原模板，不要插入、删除或移动行（可把已填数据复制到原模板的对应行）。",
			ir.Row, ir.Indicator.Name, found)}
}

// readIndicatorValue reads the value cell of one indicator into the
// return; it reports what it cannot read and returns false then.
func (p *parser) readIndicatorValue(ir IndicatorRow, cols []string, metas map[int]cellMeta) bool {
	ind := ir.Indicator
	ref := ref(ColValue, ir.Row)
	c := Cell{Date1904: p.date1904}
	if idxValue < len(cols) {
		c.Raw = cols[idxValue]
	}
	c.Kind = kindOf(c.Raw)
	if m, ok := metas[ir.Row]; ok {
		c.Formula, c.Format = m.formula, p.styleClass(m.style)
		if m.kind != CellBlank || c.Kind == CellBlank {
			c.Kind = m.kind
		}
	}
	v, blank, verr := ParseCellValue(ind, c)
	if verr != nil {
		p.fail(Issue{Code: verr.Code, Sheet: SheetIndicators, Cell: ref, Indicator: ind.Key, IndicatorName: ind.Name,
			Message: sentenceEnd(verr.Message)})
		return false
	}
	if !blank {
		p.ret.Values[ind.Key] = v
	}
	return true
}

// sentenceEnd closes a message with a full stop.
func sentenceEnd(s string) string {
	s = strings.TrimSpace(s)
	if s == "" || strings.HasSuffix(s, "。") || strings.HasSuffix(s, "！") || strings.HasSuffix(s, "？") {
		return s
	}
	return strings.TrimRight(s, "；;，,.") + "。"
}

// checkFindings runs the catalogue's checks over the values and points
// every finding at the value cells of the indicators it involves.
func (p *parser) checkFindings(rowOf map[string]int, bad map[string]bool) {
	for _, fd := range p.cat.Check(p.ret.Values, p.exp.LastYear) {
		if len(fd.Indicators) == 0 || slices.ContainsFunc(fd.Indicators, func(k string) bool { return bad[k] }) {
			// a cell already reported as unreadable: the finding
			// would only repeat it
			continue
		}
		var cells []string
		for _, k := range fd.Indicators {
			if r, ok := rowOf[k]; ok && !slices.Contains(cells, ref(ColValue, r)) {
				cells = append(cells, ref(ColValue, r))
			}
		}
		is := Issue{Code: p.findingCode(fd), Sheet: SheetIndicators, Indicator: fd.Indicators[0]}
		if ind, ok := p.cat.Indicator(fd.Indicators[0]); ok {
			is.IndicatorName = ind.Name
		}
		if len(cells) > 0 {
			is.Cell = cells[0]
		}
		if len(cells) > 1 {
			is.Cells = cells
		}
		msg := withCells(fd.Message, cells)
		if fd.Severity == catalogue.SeverityError {
			is.Message = msg
			p.fail(is)
			continue
		}
		var notes []string
		for _, k := range fd.Indicators {
			if s, ok := p.ret.Explanations[k]; ok && !slices.Contains(notes, s) {
				notes = append(notes, s)
			}
		}
		if len(notes) > 0 {
			msg += "（说明栏已填写原因：「" + strings.Join(notes, "」「") + "」，供审核参考。）"
		}
		is.Message = msg
		p.warn(is)
	}
}

// withCells names the cells in a finding's message, after its first
// sentence: "「A」（12件）多于「B」（10件）（D40、D39）。…"
func withCells(msg string, cells []string) string {
	if len(cells) == 0 {
		return msg
	}
	names := "（" + strings.Join(cells, "、") + "）"
	if i := strings.Index(msg, "。"); i >= 0 {
		return msg[:i] + names + msg[i:]
	}
	return strings.TrimRight(msg, " ") + names + "。"
}

// findingCode is the stable issue code of a catalogue finding: what kind
// of check failed, not which rule, so clients can group them.
func (p *parser) findingCode(fd catalogue.Finding) string {
	switch fd.Rule {
	case catalogue.CheckRequired:
		return CodeRequiredMissing
	case catalogue.CheckBounds:
		return CodeOutOfRange
	case catalogue.CheckScale:
		return CodeTooManyDecimals
	case catalogue.CheckType:
		return CodeInvalidValue
	case catalogue.CheckChoice:
		return CodeInvalidChoice
	}
	for _, r := range p.cat.Rules {
		if r.Key == fd.Rule {
			switch r.Kind {
			case catalogue.RuleAtMost:
				return CodeSumExceeds
			case catalogue.RuleRequires:
				return CodeRelatedMissing
			}
		}
	}
	for _, f := range p.cat.Flags {
		if f.Key == fd.Rule {
			switch f.Kind {
			case catalogue.FlagThreshold:
				return CodeReviewThreshold
			case catalogue.FlagChange:
				return CodeChangeVsLastYear
			}
		}
	}
	return "check_" + snake(fd.Rule)
}

func snake(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '_':
			return r
		case r >= 'A' && r <= 'Z':
			return r - 'A' + 'a'
		}
		return '_'
	}, s)
}

// cellName is "D12" for the 0-based column index 3 (columns up to Z).
func cellName(i, row int) string { return ref(string(rune('A'+i)), row) }

// ---- 存在问题 and 下一年度安排 ----

// tableReader reads a row-per-item sheet: header check, blank rows
// skipped, at most max items.
type tableReader struct {
	sheet     string
	headerRow int
	columns   []string
	max       int
	what      string // 问题, 工作安排
	item      func(row int, vals []string)
}

func (p *parser) readTable(t tableReader) error {
	count := 0
	headerSeen := false
	err := p.eachRow(t.sheet, func(row int, cols []string) bool {
		if row < t.headerRow {
			return true
		}
		if row == t.headerRow {
			headerSeen = true
			var got []string
			for i := range t.columns {
				got = append(got, col(cols, i))
			}
			if !slices.Equal(got, t.columns) {
				p.fail(Issue{Code: CodeHeaderChanged, Sheet: t.sheet, Cell: cellName(0, row), Message: fmt.Sprintf(
					"「%s」第%d行的表头应为「%s」，实际为「%s」：列被插入、删除或移动。请使用原模板填写，不要增删或移动列。",
					t.sheet, row, strings.Join(t.columns, "、"), strings.Join(trimBlank(got), "、"))})
				return false
			}
			return true
		}
		vals := make([]string, len(t.columns))
		blank := true
		for i := 1; i < len(t.columns); i++ { // column A is the prefilled 序号
			vals[i] = col(cols, i)
			blank = blank && vals[i] == ""
		}
		if blank {
			return true
		}
		count++
		if count > t.max {
			p.fail(Issue{Code: CodeTooManyRows, Sheet: t.sheet, Cell: cellName(1, row), Message: fmt.Sprintf(
				"「%s」最多填写 %d 行%s，第%d行已超出。请合并同类内容后再上传。", t.sheet, t.max, t.what, row)})
			return false
		}
		t.item(row, vals)
		return true
	})
	if err == nil && !headerSeen {
		p.fail(Issue{Code: CodeHeaderChanged, Sheet: t.sheet, Cell: cellName(0, t.headerRow), Message: fmt.Sprintf(
			"「%s」第%d行的表头缺失：表头被删除或改动。请使用原模板填写。", t.sheet, t.headerRow)})
	}
	return err
}

func trimBlank(s []string) []string {
	for len(s) > 0 && s[len(s)-1] == "" {
		s = s[:len(s)-1]
	}
	return s
}

func columnOf(names []string, name string) int {
	i := slices.Index(names, name)
	if i < 0 {
		panic("excelreturn: layout has no column " + name)
	}
	return i
}

var (
	pDesc, pCause, pMeasures = columnOf(ProblemColumns, "问题描述"), columnOf(ProblemColumns, "原因"), columnOf(ProblemColumns, "整改措施")
	pDept, pPerson           = columnOf(ProblemColumns, "责任部门"), columnOf(ProblemColumns, "责任人")
	pDue, pCategory          = columnOf(ProblemColumns, "计划完成时限"), columnOf(ProblemColumns, "类别")
	lTask, lMeasures         = columnOf(PlanColumns, "工作安排"), columnOf(PlanColumns, "具体措施")
	lDept, lDue              = columnOf(PlanColumns, "责任部门"), columnOf(PlanColumns, "计划完成时限")
)

// dueIndicator lets a table's date column go through the same date
// parsing as a date indicator.
var dueIndicator = &catalogue.Indicator{Key: "due", Name: "计划完成时限", Type: catalogue.Date}

// readDue parses a 计划完成时限 cell with the date parsing of date
// indicators; it reports and returns ok=false for a cell it cannot read.
// (The table sheets are not scanned for cell kinds: a number there is a
// serial day, whether stored as a number or as text.)
func (p *parser) readDue(sheet string, row, i int, raw string) (string, bool) {
	c := Cell{Raw: raw, Kind: kindOf(raw), Date1904: p.date1904}
	if c.Kind == CellNumber {
		c.Format = NumFmtDate
	}
	v, blank, verr := ParseCellValue(dueIndicator, c)
	if blank {
		return "", true
	}
	if verr != nil {
		p.fail(Issue{Code: CodeInvalidDate, Sheet: sheet, Cell: cellName(i, row),
			Message: fmt.Sprintf("第%d行%s", row, sentenceEnd(verr.Message))})
		return "", false
	}
	return v.Text, true
}

func (p *parser) readProblems() error {
	return p.readTable(tableReader{
		sheet: SheetProblems, headerRow: ProblemHeaderRow, columns: ProblemColumns, max: MaxProblems, what: "问题",
		item: func(row int, v []string) {
			pr := Problem{Row: row, Description: v[pDesc], Cause: v[pCause], Measures: v[pMeasures],
				Department: v[pDept], Person: v[pPerson], Category: strings.Join(strings.Fields(toHalfWidth(v[pCategory])), "")}
			due, dueOK := p.readDue(SheetProblems, row, pDue, v[pDue])
			pr.Due = due
			if pr.Description == "" {
				p.fail(Issue{Code: CodeRequiredMissing, Sheet: SheetProblems, Cell: cellName(pDesc, row), Message: fmt.Sprintf(
					"第%d行填写了内容但没有「问题描述」，请填写（每行一个问题）；不需要的行请清空整行。", row)})
			}
			switch {
			case pr.Category == "":
				p.fail(Issue{Code: CodeRequiredMissing, Sheet: SheetProblems, Cell: cellName(pCategory, row), Message: fmt.Sprintf(
					"第%d行没有选择「类别」。请从下拉列表选择：%s。", row, strings.Join(ProblemCategories, "、"))})
			case !slices.Contains(ProblemCategories, pr.Category):
				p.fail(Issue{Code: CodeInvalidCategory, Sheet: SheetProblems, Cell: cellName(pCategory, row), Message: fmt.Sprintf(
					"第%d行「类别」填写为「%s」，只能是：%s。请从下拉列表选择。", row, v[pCategory], strings.Join(ProblemCategories, "、"))})
			case pr.Category == "限期整改" && pr.Due == "" && dueOK:
				p.fail(Issue{Code: CodeRequiredMissing, Sheet: SheetProblems, Cell: cellName(pDue, row), Message: fmt.Sprintf(
					"第%d行类别为「限期整改」，请填写「计划完成时限」，如 2025-06-30。", row)})
			}
			p.ret.Problems = append(p.ret.Problems, pr)
		},
	})
}

func (p *parser) readPlans() error {
	return p.readTable(tableReader{
		sheet: SheetPlans, headerRow: PlanHeaderRow, columns: PlanColumns, max: MaxPlans, what: "工作安排",
		item: func(row int, v []string) {
			pl := Plan{Row: row, Task: v[lTask], Measures: v[lMeasures], Department: v[lDept]}
			pl.Due, _ = p.readDue(SheetPlans, row, lDue, v[lDue])
			if pl.Task == "" {
				p.fail(Issue{Code: CodeRequiredMissing, Sheet: SheetPlans, Cell: cellName(lTask, row), Message: fmt.Sprintf(
					"第%d行填写了内容但没有「工作安排」，请填写（每行一项）；不需要的行请清空整行。", row)})
			}
			p.ret.Plans = append(p.ret.Plans, pl)
		},
	})
}
