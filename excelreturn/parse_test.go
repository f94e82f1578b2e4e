package excelreturn_test

import (
	"bytes"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"

	"github.com/lawcycle/lawcycle/catalogue"
	"github.com/lawcycle/lawcycle/excelreturn"
	"github.com/lawcycle/lawcycle/internal/creditcode"
)

// The reader's tests fill templates the writer produces from the built-in
// catalogue composed for 人社局 (general + hrss), the way bureaus fill
// them. Helpers are prefixed rd so they cannot clash with the writer's
// tests (tpl…) in the same package.

var rdCat = sync.OnceValues(func() (*catalogue.Catalogue, error) {
	return catalogue.Builtin().ComposeFor("hrss")
})

// rdCatalogue is the built-in catalogue of a 人社局.
func rdCatalogue(t testing.TB) *catalogue.Catalogue {
	t.Helper()
	c, err := rdCat()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// rdCreditCode is a valid 统一社会信用代码 for the fixtures.
func rdCreditCode(t testing.TB) string {
	t.Helper()
	first := "11331082002590718"
	c, err := creditcode.CheckChar(first)
	if err != nil {
		t.Fatal(err)
	}
	return first + string(c)
}

// rdInput is the template input of 临海市人力资源和社会保障局 for 2024.
func rdInput(t testing.TB) excelreturn.TemplateInput {
	return excelreturn.TemplateInput{
		Catalogue:   rdCatalogue(t),
		CycleID:     "cyc-2024-linhai",
		CycleYear:   2024,
		CycleTitle:  "临海市2024年度法治政府建设年度报告",
		OrgCode:     "linhai-hrss",
		OrgName:     "临海市人力资源和社会保障局",
		CreditCode:  rdCreditCode(t),
		GeneratedAt: time.Date(2025, 1, 6, 9, 30, 0, 0, time.UTC),
	}
}

func rdExpect(in excelreturn.TemplateInput) excelreturn.Expect {
	return excelreturn.Expect{
		CycleID: in.CycleID, CycleYear: in.CycleYear, OrgCode: in.OrgCode, OrgName: in.OrgName,
		Catalogue: in.Catalogue, LastYear: in.LastYear, Limits: excelreturn.DefaultLimits(),
	}
}

func rdTemplate(t testing.TB, in excelreturn.TemplateInput) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := excelreturn.WriteTemplate(&buf, in); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// rdEdit changes a workbook opened with excelize.
type rdEdit func(t testing.TB, f *excelize.File)

// rdWith applies edits to a workbook and returns the saved bytes.
func rdWith(t testing.TB, data []byte, edits ...rdEdit) []byte {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, e := range edits {
		e(t, f)
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// rdSet sets cells: "统计指标!D7" or a bare indicator key (its value cell).
func rdSet(cells map[string]any) rdEdit {
	return func(t testing.TB, f *excelize.File) {
		t.Helper()
		keys := make([]string, 0, len(cells))
		for k := range cells {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			sheet, cell := rdCell(t, k)
			var err error
			switch v := cells[k].(type) {
			case nil:
				err = f.SetCellValue(sheet, cell, nil)
			case rdFormula:
				err = f.SetCellFormula(sheet, cell, string(v))
			default:
				err = f.SetCellValue(sheet, cell, v)
			}
			if err != nil {
				t.Fatalf("set %s: %v", k, err)
			}
		}
	}
}

// rdFormula is a formula written without a cached value.
type rdFormula string

// rdCell resolves "Sheet!A1" or an indicator key to a sheet and cell.
func rdCell(t testing.TB, k string) (string, string) {
	t.Helper()
	if s, c, ok := strings.Cut(k, "!"); ok {
		return s, c
	}
	return excelreturn.SheetIndicators, rdValueCell(t, k)
}

// rdValueCell is the 本年度数值 cell of an indicator.
func rdValueCell(t testing.TB, key string) string {
	t.Helper()
	row, ok := excelreturn.IndicatorRows(rdCatalogue(t))[key]
	if !ok {
		t.Fatalf("no indicator %q in the built-in hrss catalogue", key)
	}
	return excelreturn.ColValue + strconv.Itoa(row)
}

func rdExplainCell(t testing.TB, key string) string {
	t.Helper()
	return excelreturn.SheetIndicators + "!" + excelreturn.ColExplain + strings.TrimPrefix(rdValueCell(t, key), excelreturn.ColValue)
}

// rdInfo fills the 基本信息 inputs.
var rdInfo = map[string]any{
	"基本信息!B4": "王芳",
	"基本信息!B5": "0576-85123456",
	"基本信息!B6": "李明",
}

func rdParse(t testing.TB, data []byte, exp excelreturn.Expect) *excelreturn.Result {
	t.Helper()
	res, err := excelreturn.Parse(bytes.NewReader(data), int64(len(data)), exp)
	if err != nil {
		t.Fatalf("Parse: internal error: %v", err)
	}
	return res
}

// rdEntry is a figure as a bureau enters it and the value it must read as.
type rdEntry struct {
	in   any // what goes into the cell
	want string
}

// rdFull fills every indicator of the catalogue, consistently: no rule or
// flag fires. Numbers go in as numbers, percentages as the fraction Excel
// stores for a percent-formatted cell, dates as dates.
var rdFull = map[string]rdEntry{
	"party_meetings_on_law":           {4, "4"},
	"leader_law_report":               {"是", "是"},
	"review_cases":                    {12, "12"},
	"review_closed":                   {8, "8"},
	"review_upheld":                   {8, "8"},
	"review_corrected":                {0, "0"},
	"litigation_cases":                {14, "14"},
	"litigation_closed":               {9, "9"},
	"litigation_dismissed":            {7, "7"},
	"litigation_withdrawn":            {2, "2"},
	"litigation_lost":                 {0, "0"},
	"leader_appearance_cases":         {9, "9"},
	"leader_appearance_rate":          {1, "100"},
	"normative_docs_issued":           {4, "4"},
	"normative_docs_reviewed":         {4, "4"},
	"normative_docs_filed":            {4, "4"},
	"major_decisions_made":            {2, "2"},
	"major_decisions_consulted":       {2, "2"},
	"major_decisions_reviewed":        {2, "2"},
	"major_decisions_catalogue_date":  {time.Date(2024, 3, 15, 0, 0, 0, 0, time.UTC), "2024-03-15"},
	"penalties_published":             {10, "10"},
	"enforcement_recorders":           {30, "30"},
	"major_enforcement_reviews":       {24, "24"},
	"case_files_reviewed":             {636, "636"},
	"enforcement_staff":               {45, "45"},
	"enforcement_staff_certified":     {43, "43"},
	"enforcement_training_sessions":   {6, "6"},
	"enforcement_training_attendance": {210, "210"},
	"public_lawyers":                  {4, "4"},
	"legal_advisers":                  {2, "2"},
	"legal_adviser_firms":             {"浙江台州律师事务所", "浙江台州律师事务所"},
	"legal_education_plan_date":       {time.Date(2024, 2, 20, 0, 0, 0, 0, time.UTC), "2024-02-20"},
	"legal_education_activities":      {18, "18"},
	"legal_education_articles":        {56, "56"},
	"law_exam_participation_rate":     {0.985, "98.5"},
	"info_published_proactively":      {312, "312"},
	"disclosure_requests":             {5, "5"},
	"disclosure_requests_withdrawn":   {1, "1"},
	"licences_published":              {237, "237"},
	"labor_inspection_cases":          {20, "20"},
	"penalty_cases":                   {10, "10"},
	"penalty_fines":                   {23.66465, "23.66465"},
	"inspected_employers":             {1200, "1200"},
	"random_inspections":              {12, "12"},
	"random_joint_inspections":        {6, "6"},
	"random_employers_inspected":      {27, "27"},
	"random_coverage_rate":            {1, "100"},
	"wage_clues":                      {350, "350"},
	"wage_recovered_workers":          {68, "68"},
	"wage_recovered_amount":           {77.59, "77.59"},
	"wage_crime_transfers":            {5, "5"},
	"work_injury_applications":        {420, "420"},
	"work_injury_recognised":          {390, "390"},
	"work_injury_not_recognised":      {20, "20"},
	"work_injury_avg_days":            {18.5, "18.5"},
	"arbitration_accepted":            {300, "300"},
	"arbitration_closed":              {280, "280"},
	"arbitration_mediated":            {150, "150"},
	"arbitration_closure_rate":        {0.933, "93.3"},
	"licences_decided":                {237, "237"},
	"licences_granted":                {230, "230"},
	"service_items":                   {120, "120"},
	"service_items_online_rate":       {0.9825, "98.25"},
	"service_items_no_proof":          {35, "35"},
}

// rdFullCells is rdFull as cell assignments, with the 基本信息 inputs.
func rdFullCells() map[string]any {
	m := map[string]any{}
	for k, v := range rdInfo {
		m[k] = v
	}
	for k, e := range rdFull {
		m[k] = e.in
	}
	return m
}

// rdFilled is the template of rdInput filled with rdFull, one problem and
// one plan.
func rdFilled(t testing.TB) []byte {
	t.Helper()
	cells := rdFullCells()
	for k, v := range rdProblemCells {
		cells[k] = v
	}
	return rdWith(t, rdTemplate(t, rdInput(t)), rdSet(cells))
}

var rdProblemCells = map[string]any{
	"存在问题!B3":   "部分执法人员法治培训覆盖不全",
	"存在问题!C3":   "基层所站人员流动大",
	"存在问题!D3":   "制定年度培训计划，实现执法人员全覆盖",
	"存在问题!E3":   "政策法规科",
	"存在问题!F3":   "陈晓",
	"存在问题!G3":   time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC),
	"存在问题!H3":   "限期整改",
	"下一年度安排!B3": "深化行政执法“三项制度”",
	"下一年度安排!C3": "全面推行执法全过程记录",
	"下一年度安排!D3": "劳动保障监察支队",
	"下一年度安排!E3": time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC),
}

// rdWantValues checks parsed values against rdFull-shaped expectations.
func rdWantValues(t testing.TB, got catalogue.Values, want map[string]rdEntry) {
	t.Helper()
	cat := rdCatalogue(t)
	for k, e := range want {
		ind, _ := cat.Indicator(k)
		v, ok := got[k]
		if !ok {
			t.Errorf("%s: no value, want %s", k, e.want)
			continue
		}
		if ind.Type.IsNumeric() {
			if w := decimal.RequireFromString(e.want); !v.Number.Equal(w) {
				t.Errorf("%s = %s, want %s", k, v.Number, e.want)
			}
		} else if v.Text != e.want {
			t.Errorf("%s = %q, want %q", k, v.Text, e.want)
		}
	}
	for k := range got {
		if _, ok := want[k]; !ok {
			t.Errorf("%s read as %+v, but nothing was entered", k, got[k])
		}
	}
}

func rdIssues(is []excelreturn.Issue) string {
	var b strings.Builder
	for _, i := range is {
		fmt.Fprintf(&b, "\n  %s %s!%s %v [%s] %s", i.Code, i.Sheet, i.Cell, i.Cells, i.Indicator, i.Message)
	}
	return b.String()
}

// rdFind returns the issues with a code.
func rdFind(is []excelreturn.Issue, code string) []excelreturn.Issue {
	var out []excelreturn.Issue
	for _, i := range is {
		if i.Code == code {
			out = append(out, i)
		}
	}
	return out
}

func TestParseFilledReturn(t *testing.T) {
	in := rdInput(t)
	res := rdParse(t, rdFilled(t), rdExpect(in))
	if !res.OK() || len(res.Warnings) > 0 {
		t.Fatalf("errors:%s\nwarnings:%s", rdIssues(res.Errors), rdIssues(res.Warnings))
	}
	r := res.Return
	rdWantValues(t, r.Values, rdFull)
	wantMeta := excelreturn.Meta{Format: excelreturn.FormatID, CycleID: in.CycleID, CycleYear: 2024, CycleTitle: in.CycleTitle,
		OrgCode: in.OrgCode, OrgName: in.OrgName, Catalogue: "general@2025.1+hrss@2025.1", Fingerprint: excelreturn.Fingerprint(in.Catalogue)}
	if r.Meta != wantMeta {
		t.Errorf("meta = %+v\nwant %+v", r.Meta, wantMeta)
	}
	wantInfo := excelreturn.Info{OrgName: in.OrgName, CreditCode: in.CreditCode, Preparer: "王芳", Phone: "0576-85123456", Leader: "李明"}
	if r.Info != wantInfo {
		t.Errorf("info = %+v, want %+v", r.Info, wantInfo)
	}
	wantProblems := []excelreturn.Problem{{Row: 3, Description: "部分执法人员法治培训覆盖不全", Cause: "基层所站人员流动大",
		Measures: "制定年度培训计划，实现执法人员全覆盖", Department: "政策法规科", Person: "陈晓", Due: "2025-06-30", Category: "限期整改"}}
	if !slices.Equal(r.Problems, wantProblems) {
		t.Errorf("problems = %+v\nwant %+v", r.Problems, wantProblems)
	}
	wantPlans := []excelreturn.Plan{{Row: 3, Task: "深化行政执法“三项制度”", Measures: "全面推行执法全过程记录", Department: "劳动保障监察支队", Due: "2025-12-31"}}
	if !slices.Equal(r.Plans, wantPlans) {
		t.Errorf("plans = %+v\nwant %+v", r.Plans, wantPlans)
	}
	if len(r.Explanations) != 0 {
		t.Errorf("explanations = %v, want none", r.Explanations)
	}
}

// samples are the figures of the three real reports in
// /work/shared/samples, entered as the bureaus would, with 0 for the
// required indicators a report does not mention.
func rdSamples() map[string]map[string]any {
	zeros := map[string]any{}
	for _, ind := range []string{"party_meetings_on_law", "review_cases", "litigation_cases", "normative_docs_issued",
		"major_decisions_made", "major_enforcement_reviews", "enforcement_staff", "public_lawyers", "disclosure_requests",
		"labor_inspection_cases", "penalty_cases", "wage_recovered_workers", "wage_recovered_amount",
		"work_injury_applications", "arbitration_accepted"} {
		zeros[ind] = 0
	}
	zeros["leader_law_report"] = "是"
	with := func(m map[string]any) map[string]any {
		out := map[string]any{}
		for k, v := range zeros {
			out[k] = v
		}
		for k, v := range m {
			out[k] = v
		}
		return out
	}
	return map[string]map[string]any{
		// 临海 2021: 行政争议 9 件 (复议 4, 诉讼 5), 纠错 0; 负责人出庭应诉率
		// 100%; 移送公安 5 件; 为 68 名职工追回工资 77.59 万元; 其他行政处罚
		// 9 件; 跨部门联合双随机 6 次, 检查企业 27 家.
		"linhai-2021": with(map[string]any{
			"review_cases": 4, "review_corrected": 0, "litigation_cases": 5, "leader_appearance_rate": 1,
			"wage_crime_transfers": 5, "wage_recovered_workers": 68, "wage_recovered_amount": 77.59,
			"penalty_cases": 9, "labor_inspection_cases": 9, "penalties_published": 9, "penalty_fines": 0,
			"random_inspections": 6, "random_joint_inspections": 6, "random_employers_inspected": 27,
		}),
		// 海珠 2021: 复议 12 宗 (结案 8, 维持 8); 应诉 14 件 (结案 9, 驳回 7,
		// 撤诉 2, 负责人出庭 3); 行政处罚 10 宗, 罚款 23.66465 万元; 重大执法
		// 决定法制审核 24 次; 公开行政许可 237 宗; 公职律师 4 人; 依申请公开 5 宗.
		"haizhu-2021": with(map[string]any{
			"review_cases": 12, "review_closed": 8, "review_upheld": 8,
			"litigation_cases": 14, "litigation_closed": 9, "litigation_dismissed": 7, "litigation_withdrawn": 2,
			"leader_appearance_cases": 3, "leader_appearance_rate": 1,
			"penalty_cases": 10, "labor_inspection_cases": 10, "penalties_published": 10, "penalty_fines": 23.66465,
			"major_enforcement_reviews": 24, "licences_published": 237, "public_lawyers": 4, "disclosure_requests": 5,
		}),
		// 广州 2023: 出台规范性文件 4 件; 双随机抽取 900 家; 案卷评查 636 宗;
		// 为 1.72 万名劳动者追回工资及补偿金约 1.53 亿元.
		"guangzhou-2023": with(map[string]any{
			"normative_docs_issued": 4, "normative_docs_reviewed": 4, "random_employers_inspected": 900,
			"case_files_reviewed": 636, "wage_recovered_workers": 17200, "wage_recovered_amount": 15300,
		}),
	}
}

func TestParseSampleFigures(t *testing.T) {
	in := rdInput(t)
	tpl := rdTemplate(t, in)
	for name, figures := range rdSamples() {
		t.Run(name, func(t *testing.T) {
			cells := map[string]any{}
			for k, v := range rdInfo {
				cells[k] = v
			}
			for k, v := range figures {
				cells[k] = v
			}
			res := rdParse(t, rdWith(t, tpl, rdSet(cells)), rdExpect(in))
			if !res.OK() {
				t.Fatalf("sample refused:%s", rdIssues(res.Errors))
			}
			for k := range figures {
				if _, ok := res.Return.Values[k]; !ok {
					t.Errorf("%s not read", k)
				}
			}
			if got := res.Return.Values["wage_recovered_amount"].Number; name == "linhai-2021" && !got.Equal(decimal.RequireFromString("77.59")) {
				t.Errorf("wage_recovered_amount = %s, want 77.59", got)
			}
			t.Logf("warnings:%s", rdIssues(res.Warnings))
		})
	}
}

// An impossible set (其中 larger than its whole) is refused naming both
// cells; an implausible one is accepted with a warning naming every cell.
func TestParseCrossChecks(t *testing.T) {
	in := rdInput(t)
	tpl := rdTemplate(t, in)
	base := rdFullCells()
	fill := func(t *testing.T, over map[string]any) *excelreturn.Result {
		cells := map[string]any{}
		for k, v := range base {
			cells[k] = v
		}
		for k, v := range over {
			cells[k] = v
		}
		return rdParse(t, rdWith(t, tpl, rdSet(cells)), rdExpect(in))
	}

	t.Run("impossible", func(t *testing.T) {
		// 其中：调解结案件数 > 仲裁结案件数
		res := fill(t, map[string]any{"arbitration_mediated": 290})
		if res.OK() {
			t.Fatal("a 其中 larger than its whole was accepted")
		}
		got := rdFind(res.Errors, "sum_exceeds")
		if len(got) != 1 {
			t.Fatalf("want one sum_exceeds error:%s", rdIssues(res.Errors))
		}
		is := got[0]
		med, closed := rdValueCell(t, "arbitration_mediated"), rdValueCell(t, "arbitration_closed")
		if is.Sheet != excelreturn.SheetIndicators || is.Cell != med || !slices.Equal(is.Cells, []string{med, closed}) ||
			is.Indicator != "arbitration_mediated" || is.IndicatorName != "其中：调解结案件数" {
			t.Errorf("issue = %+v", is)
		}
		for _, want := range []string{med, closed, "290", "280", "不能多于结案件数"} {
			if !strings.Contains(is.Message, want) {
				t.Errorf("message %q does not name %q", is.Message, want)
			}
		}
	})
	t.Run("implausible", func(t *testing.T) {
		// 认定 + 不予认定 > 受理: cases carried over from last year
		res := fill(t, map[string]any{"work_injury_recognised": 400, "work_injury_not_recognised": 60})
		if !res.OK() {
			t.Fatalf("an implausible set was refused:%s", rdIssues(res.Errors))
		}
		got := rdFind(res.Warnings, "sum_exceeds")
		if len(got) != 1 {
			t.Fatalf("want one sum_exceeds warning:%s", rdIssues(res.Warnings))
		}
		is := got[0]
		want := []string{rdValueCell(t, "work_injury_recognised"), rdValueCell(t, "work_injury_not_recognised"), rdValueCell(t, "work_injury_applications")}
		if is.Cell != want[0] || !slices.Equal(is.Cells, want) || is.Severity != catalogue.SeverityWarning {
			t.Errorf("issue = %+v, want cells %v", is, want)
		}
		for _, c := range want {
			if !strings.Contains(is.Message, c) {
				t.Errorf("message %q does not name %s", is.Message, c)
			}
		}
		if strings.Contains(is.Message, "说明栏已填写") {
			t.Errorf("message claims an explanation: %q", is.Message)
		}
	})
	t.Run("implausible explained", func(t *testing.T) {
		res := fill(t, map[string]any{"work_injury_recognised": 400, "work_injury_not_recognised": 60,
			rdExplainCell(t, "work_injury_applications"): "上年度结转 45 件于本年度作出决定"})
		got := rdFind(res.Warnings, "sum_exceeds")
		if !res.OK() || len(got) != 1 {
			t.Fatalf("errors:%s\nwarnings:%s", rdIssues(res.Errors), rdIssues(res.Warnings))
		}
		if !strings.Contains(got[0].Message, "说明栏已填写原因：「上年度结转 45 件于本年度作出决定」") {
			t.Errorf("message does not mention the explanation: %q", got[0].Message)
		}
		if e := res.Return.Explanations["work_injury_applications"]; e != "上年度结转 45 件于本年度作出决定" {
			t.Errorf("explanation = %q", e)
		}
	})
	t.Run("flag against last year", func(t *testing.T) {
		in := rdInput(t)
		in.LastYear = catalogue.Values{"review_cases": {Number: decimal.NewFromInt(4)}}
		cells := map[string]any{}
		for k, v := range base {
			cells[k] = v
		}
		res := rdParse(t, rdWith(t, rdTemplate(t, in), rdSet(cells)), rdExpect(in))
		got := rdFind(res.Warnings, "change_vs_last_year")
		if !res.OK() || len(got) != 1 || got[0].Cell != rdValueCell(t, "review_cases") {
			t.Fatalf("errors:%s\nwarnings:%s", rdIssues(res.Errors), rdIssues(res.Warnings))
		}
	})
}

func TestParseTables(t *testing.T) {
	in := rdInput(t)
	cells := rdFullCells()
	for k, v := range map[string]any{
		// a blank row in between, then a problem with a text date and an
		// ongoing one without a date
		"存在问题!B5": "规范性文件清理不及时", "存在问题!H5": " 立行立改 ",
		"存在问题!B6": "普法宣传针对性不强", "存在问题!H6": "长期坚持", "存在问题!G6": "2025年12月31日",
		"存在问题!B9": "执法记录仪配备不足", "存在问题!H9": "限期整改", "存在问题!G9": "2025/9/30",
		"下一年度安排!B3": "加强法治队伍建设", "下一年度安排!E3": "2025-10-01",
		"下一年度安排!B4": "推进政务公开标准化",
	} {
		cells[k] = v
	}
	res := rdParse(t, rdWith(t, rdTemplate(t, in), rdSet(cells)), rdExpect(in))
	if !res.OK() {
		t.Fatalf("errors:%s", rdIssues(res.Errors))
	}
	want := []excelreturn.Problem{
		{Row: 5, Description: "规范性文件清理不及时", Category: "立行立改"},
		{Row: 6, Description: "普法宣传针对性不强", Category: "长期坚持", Due: "2025-12-31"},
		{Row: 9, Description: "执法记录仪配备不足", Category: "限期整改", Due: "2025-09-30"},
	}
	if !slices.Equal(res.Return.Problems, want) {
		t.Errorf("problems = %+v\nwant %+v", res.Return.Problems, want)
	}
	wantPlans := []excelreturn.Plan{{Row: 3, Task: "加强法治队伍建设", Due: "2025-10-01"}, {Row: 4, Task: "推进政务公开标准化"}}
	if !slices.Equal(res.Return.Plans, wantPlans) {
		t.Errorf("plans = %+v\nwant %+v", res.Return.Plans, wantPlans)
	}
}

func TestParsePhones(t *testing.T) {
	in := rdInput(t)
	tpl := rdTemplate(t, in)
	for _, tc := range []struct {
		phone string
		ok    bool
	}{
		{"0576-85123456", true},
		{"13812345678", true},
		{"０５７６－８５１２３４５６", true},
		{"(0576) 8512 3456", true},
		{"0576-85123456 转 801", true},
		{"0576-85123456 ext. 801", true},
		{"+86 138 1234 5678", true},
		{"0576-85123456、13812345678", true},
		{"85123", false},
		{"王芳", false},
		{"见附件", false},
		{"0576-8512345A", false},
	} {
		t.Run(tc.phone, func(t *testing.T) {
			cells := rdFullCells()
			cells["基本信息!B5"] = tc.phone
			res := rdParse(t, rdWith(t, tpl, rdSet(cells)), rdExpect(in))
			bad := rdFind(res.Errors, "invalid_phone")
			if tc.ok != (len(bad) == 0) {
				t.Fatalf("phone %q: errors:%s", tc.phone, rdIssues(res.Errors))
			}
			if !tc.ok && (bad[0].Cell != "B5" || bad[0].Sheet != excelreturn.SheetInfo || !strings.Contains(bad[0].Message, tc.phone)) {
				t.Errorf("issue = %+v", bad[0])
			}
		})
	}
}

// lawcycle check reads any template against the built-in catalogue it
// names, blank templates included.
func TestParseBlankTemplateResolved(t *testing.T) {
	blank := excelreturn.TemplateInput{Catalogue: rdCatalogue(t), GeneratedAt: time.Date(2025, 1, 6, 0, 0, 0, 0, time.UTC)}
	cells := rdFullCells()
	cells["基本信息!B2"] = "临海市人力资源和社会保障局"
	cells["基本信息!B3"] = " " + strings.ToLower(rdCreditCode(t))
	data := rdWith(t, rdTemplate(t, blank), rdSet(cells))
	exp := excelreturn.Expect{Resolve: catalogue.Builtin().ComposeLabel}
	res := rdParse(t, data, exp)
	if !res.OK() {
		t.Fatalf("errors:%s", rdIssues(res.Errors))
	}
	rdWantValues(t, res.Return.Values, rdFull)
	if res.Return.Info.CreditCode != rdCreditCode(t) {
		t.Errorf("credit code = %q", res.Return.Info.CreditCode)
	}
	// The same blank template is refused for a cycle.
	res = rdParse(t, data, rdExpect(rdInput(t)))
	if len(rdFind(res.Errors, "blank_template")) != 1 || res.Return != nil {
		t.Fatalf("blank template for a cycle: %s", rdIssues(res.Errors))
	}
}

// A bureau that fixes its annotated copy and uploads it again is read
// like the template: the 错误清单 sheet, fills and comments are ignored.
func TestParseAnnotatedCopyAgain(t *testing.T) {
	in := rdInput(t)
	cells := rdFullCells()
	cells["arbitration_mediated"] = 290
	data := rdWith(t, rdTemplate(t, in), rdSet(cells))
	res := rdParse(t, data, rdExpect(in))
	if res.OK() {
		t.Fatal("want errors")
	}
	ann, err := excelreturn.Annotate(data, append(res.Errors, res.Warnings...))
	if err != nil {
		t.Fatal(err)
	}
	fixed := rdWith(t, ann, rdSet(map[string]any{"arbitration_mediated": 150}))
	res = rdParse(t, fixed, rdExpect(in))
	if !res.OK() || len(res.Warnings) > 0 {
		t.Fatalf("errors:%s\nwarnings:%s", rdIssues(res.Errors), rdIssues(res.Warnings))
	}
	rdWantValues(t, res.Return.Values, rdFull)
}

func TestParseZeroLimitsUseDefaults(t *testing.T) {
	in := rdInput(t)
	exp := rdExpect(in)
	exp.Limits = excelreturn.Limits{}
	if res := rdParse(t, rdFilled(t), exp); !res.OK() {
		t.Fatalf("errors:%s", rdIssues(res.Errors))
	}
}

func TestParseNeedsCatalogueOrResolver(t *testing.T) {
	data := rdFilled(t)
	if _, err := excelreturn.Parse(bytes.NewReader(data), int64(len(data)), excelreturn.Expect{}); err == nil {
		t.Fatal("Parse without catalogue or resolver: want an internal error")
	}
}

// Some generators write worksheets with a namespace prefix on every
// element (<x:row>, <x:c>), comments and CDATA sections. The cell kinds
// the reader needs (here: a formula never calculated, a number in CDATA)
// are still found.
func TestParsePrefixedWorksheetXML(t *testing.T) {
	in := rdInput(t)
	cells := rdFullCells()
	cells["litigation_cases"] = rdFormula("SUM(D12:D15)")
	data := rdWith(t, rdTemplate(t, in), rdSet(cells))
	tagRE := regexp.MustCompile(`<(/?)([A-Za-z])`)
	cdata := regexp.MustCompile(`(<c r="` + rdValueCell(t, "review_cases") + `"[^>]*>)<v>12</v>`)
	data = rdRezip(t, data, func(name string, b []byte) []byte {
		if name != rdIndicatorPart {
			return b
		}
		if !cdata.Match(b) {
			t.Fatal("fixture: review_cases cell not found")
		}
		b = cdata.ReplaceAll(b, []byte(`$1<!-- a > b --><v><![CDATA[12]]></v>`))
		b = tagRE.ReplaceAll(b, []byte("<${1}x:$2"))
		return bytes.Replace(b, []byte(`<x:worksheet `), []byte(`<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" `), 1)
	})
	res := rdParse(t, data, rdExpect(in))
	got := rdFind(res.Errors, "formula_without_value")
	if len(got) != 1 || got[0].Cell != rdValueCell(t, "litigation_cases") {
		t.Fatalf("errors:%s", rdIssues(res.Errors))
	}
	if len(res.Errors) != 1 {
		t.Errorf("more errors than the formula:%s", rdIssues(res.Errors))
	}
	if v := res.Return.Values["review_cases"]; !v.Number.Equal(decimal.NewFromInt(12)) {
		t.Errorf("review_cases = %v", v)
	}
}

// A formula's cached result is its value: the reader never evaluates.
func TestParseFormulaCachedValues(t *testing.T) {
	in := rdInput(t)
	data := rdThen(rdBroken(nil),
		// Excel: a number; the formula is not what counts, the result is
		rdRawCell("litigation_cases", `<c r="$CELL"><f>SUM(D12:D15)+5</f><v>14</v></c>`),
		// a text formula whose result reads as a number
		rdRawCell("review_cases", `<c r="$CELL" t="str"><f>"12"</f><v>12</v></c>`),
		// a percent computed as a fraction in a percent-formatted cell
		rdRawCell("arbitration_closure_rate", `<c r="$CELL" s="$STYLE"><f>ROUND(D72/D71,3)</f><v>0.93300000000000005</v></c>`),
	)(t)
	res := rdParse(t, data, rdExpect(in))
	if !res.OK() {
		t.Fatalf("errors:%s", rdIssues(res.Errors))
	}
	for k, want := range map[string]string{"litigation_cases": "14", "review_cases": "12", "arbitration_closure_rate": "93.3"} {
		if got := res.Return.Values[k].Number; !got.Equal(decimal.RequireFromString(want)) {
			t.Errorf("%s = %s, want %s (the cached value)", k, got, want)
		}
	}
}

// LibreOffice calculates formulas a program wrote without results when it
// opens the file, and saves the results: the reader then reads them.
func TestRoundTripLibreOfficeFormulas(t *testing.T) {
	in := rdInput(t)
	cells := rdFullCells()
	cells["litigation_closed"] = rdFormula("D13+D14+D15")               // 7+2+0
	cells["review_upheld"] = rdFormula(rdValueCell(t, "review_closed")) // 8
	data := rdWith(t, rdTemplate(t, in), rdSet(cells))
	if res := rdParse(t, data, rdExpect(in)); len(rdFind(res.Errors, "formula_without_value")) != 2 {
		t.Fatalf("before LibreOffice:%s", rdIssues(res.Errors))
	}
	res := rdParse(t, libreofficeRoundTrip(t, data), rdExpect(in))
	if !res.OK() {
		t.Fatalf("after LibreOffice:%s", rdIssues(res.Errors))
	}
	rdWantValues(t, res.Return.Values, rdFull)
}
