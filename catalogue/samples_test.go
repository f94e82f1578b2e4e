package catalogue_test

import (
	"slices"
	"sort"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/lawcycle/lawcycle/catalogue"
)

// values turns test input into canonical values: numbers for numeric
// indicators, text for the rest. Unknown keys fail the test.
func values(t *testing.T, c *catalogue.Catalogue, in map[string]string) catalogue.Values {
	t.Helper()
	out := catalogue.Values{}
	for k, s := range in {
		ind, ok := c.Indicator(k)
		if !ok {
			t.Fatalf("no indicator %q", k)
		}
		if !ind.Type.IsNumeric() {
			out[k] = catalogue.Value{Text: s}
			continue
		}
		n, err := decimal.NewFromString(s)
		if err != nil {
			t.Fatalf("%s: %v", k, err)
		}
		out[k] = catalogue.Value{Number: n}
	}
	return out
}

// sampleReport is one report of /work/shared/samples entered as a return.
// stated holds what the report itself says (README figures and a few more
// from the report text); assumed holds only the required indicators the
// report does not state, filled with values chosen to trigger no rule, so
// every finding comes from the report's own figures.
type sampleReport struct {
	stated   map[string]string
	assumed  map[string]string
	warnings []string // expected findings, all warnings, in order
}

var samples = map[string]sampleReport{
	// 临海市人力资源和社会保障局 2021.
	"linhai": {
		stated: map[string]string{
			"review_cases":               "4",     // 行政争议9件(其中行政复议4件、行政诉讼5件)
			"litigation_cases":           "5",     //
			"review_corrected":           "0",     // 案件纠错率为零; 未出现行政复议被撤销
			"litigation_lost":            "0",     // 或行政诉讼败诉现象
			"leader_appearance_rate":     "100",   // 负责人出庭应诉率达到100%
			"wage_crime_transfers":       "5",     // 以拒不支付劳动报酬嫌犯罪移送公安部门立案查处5件
			"wage_recovered_workers":     "68",    // 为68名职工追回工资77.59万元
			"wage_recovered_amount":      "77.59", //
			"penalty_cases":              "9",     // 处理其他行政处罚(处理)案件9件
			"random_joint_inspections":   "6",     // 跨部门联合“双随机”监管6次
			"random_employers_inspected": "27",    // 检查企业27家
			"random_coverage_rate":       "100",   // “双随机”事项覆盖率达到100%
			"service_items_no_proof":     "129",   // 129个办事事项实现“无证明”办理
		},
		assumed: map[string]string{
			"party_meetings_on_law":     "2",
			"leader_law_report":         "是",
			"normative_docs_issued":     "0",
			"major_decisions_made":      "0",
			"major_enforcement_reviews": "14", // the 9 penalties and 5 transfers
			"enforcement_staff":         "20",
			"public_lawyers":            "1",
			"disclosure_requests":       "0",
			"labor_inspection_cases":    "14",
			"work_injury_applications":  "0",
			"arbitration_accepted":      "0",
		},
		// The report gives a 100% rate but neither how many cases were
		// closed nor the number of hearings attended, nor the fines.
		warnings: []string{"review_needs_closed", "litigation_needs_closed", "litigation_needs_leader_appearance", "penalty_needs_fines"},
	},
	// 广州市海珠区人力资源和社会保障局 2021 (figures 截至11月20日).
	"haizhu": {
		stated: map[string]string{
			"review_cases":                    "12",       // 作出复议答复12宗
			"review_closed":                   "8",        // 已结案8宗
			"review_upheld":                   "8",        // 维持的8宗
			"litigation_cases":                "14",       // 行政应诉案件14件
			"litigation_closed":               "9",        // 已结案9件
			"litigation_dismissed":            "7",        // 驳回诉讼请求7件
			"litigation_withdrawn":            "2",        // 撤诉处理2件
			"leader_appearance_cases":         "3",        // 负责人出庭应诉3件
			"penalty_cases":                   "10",       // 实施行政处罚10宗
			"penalty_fines":                   "23.66465", // 罚款总额23.66465万元
			"penalties_published":             "10",       // 行政处罚信息10宗
			"major_enforcement_reviews":       "24",       // 重大行政执法决定法制审核24次
			"licences_published":              "237",      // 公开行政许可信息237宗
			"public_lawyers":                  "4",        // 现有公职律师4人
			"disclosure_requests":             "5",        // 5宗政府信息依申请公开
			"disclosure_requests_withdrawn":   "2",        // 其中2宗…申请人主动撤回申请
			"normative_docs_issued":           "1",        // 《…职业技能提升行动计划若干措施》
			"normative_docs_reviewed":         "1",        // 进行了合法性审查
			"enforcement_training_sessions":   "2",        // 2场共180人次的业务培训
			"enforcement_training_attendance": "180",      //
			"enforcement_recorders":           "19",       // 配备执法记录仪19台
			"labor_inspection_cases":          "109",      // 立案处理109宗
			"random_inspections":              "4",        // “双随机、一公开”监管执法检查4次
			"random_joint_inspections":        "2",        // 跨部门随机检查2次
			"random_employers_inspected":      "129",      // 26家 + 103家
			"wage_clues":                      "1678",     // 接收平台线索1678条
			"wage_recovered_workers":          "9329",     // 为9329名劳动者追回劳动报酬等费用5937万元
			"wage_recovered_amount":           "5937",     //
			"legal_education_articles":        "23",       // 推送政策解读23篇
		},
		assumed: map[string]string{
			"party_meetings_on_law":    "2",
			"leader_law_report":        "是",
			"major_decisions_made":     "0",
			"enforcement_staff":        "30",
			"work_injury_applications": "0",
			"arbitration_accepted":     "0",
		},
		// 3 hearings attended of 14 cases, but no rate: the report does not
		// say how many cases were heard, so the rate is asked for rather
		// than guessed (3/14 would wrongly count unheard cases).
		warnings: []string{"litigation_needs_leader_appearance"},
	},
	// 广州市人力资源和社会保障局 2023.
	"guangzhou": {
		stated: map[string]string{
			"normative_docs_issued":       "4",     // 出台规范性文件4件
			"random_employers_inspected":  "900",   // 抽取900家用人单位进行劳动用工检查
			"case_files_reviewed":         "636",   // 劳动保障监察案卷评查636宗
			"wage_recovered_workers":      "17200", // 为1.72万名劳动者
			"wage_recovered_amount":       "15300", // 追回工资及补偿金约1.53亿元
			"service_items":               "131",   // 市级保留131项政务服务事项
			"service_items_online_rate":   "100",   // 100%可网办
			"law_exam_participation_rate": "100",   // 学法考试(参考率…均100%)
			"leader_law_report":           "是",     // 履行推进法治建设职责情况纳入年终述职报告
		},
		assumed: map[string]string{
			"party_meetings_on_law":     "4",
			"review_cases":              "0",
			"litigation_cases":          "0",
			"major_decisions_made":      "0",
			"major_enforcement_reviews": "0",
			"enforcement_staff":         "60",
			"public_lawyers":            "3",
			"disclosure_requests":       "0",
			"labor_inspection_cases":    "0",
			"penalty_cases":             "0",
			"work_injury_applications":  "0",
			"arbitration_accepted":      "0",
		},
	},
}

// readmeFigures is every figure /work/shared/samples/README.md quotes, with
// the indicators it belongs to. A figure that is a sum (行政争议 = 复议 +
// 诉讼, 纠错 = 复议被纠错 + 诉讼败诉) lists its terms.
var readmeFigures = []struct {
	report string
	quote  string
	keys   []string
	value  string
}{
	{"linhai", "行政争议 9 件", []string{"review_cases", "litigation_cases"}, "9"},
	{"linhai", "行政复议 4", []string{"review_cases"}, "4"},
	{"linhai", "行政诉讼 5", []string{"litigation_cases"}, "5"},
	{"linhai", "纠错 0", []string{"review_corrected", "litigation_lost"}, "0"},
	{"linhai", "负责人出庭应诉率 100%", []string{"leader_appearance_rate"}, "100"},
	{"linhai", "移送公安 5 件", []string{"wage_crime_transfers"}, "5"},
	{"linhai", "为 68 名职工", []string{"wage_recovered_workers"}, "68"},
	{"linhai", "追回工资 77.59 万元", []string{"wage_recovered_amount"}, "77.59"},
	{"linhai", "其他行政处罚 9 件", []string{"penalty_cases"}, "9"},
	{"linhai", "跨部门联合双随机 6 次", []string{"random_joint_inspections"}, "6"},
	{"linhai", "检查企业 27 家", []string{"random_employers_inspected"}, "27"},

	{"haizhu", "行政复议答复 12 宗", []string{"review_cases"}, "12"},
	{"haizhu", "(复议)结案 8", []string{"review_closed"}, "8"},
	{"haizhu", "维持 8", []string{"review_upheld"}, "8"},
	{"haizhu", "行政应诉 14 件", []string{"litigation_cases"}, "14"},
	{"haizhu", "(应诉)结案 9", []string{"litigation_closed"}, "9"},
	{"haizhu", "驳回 7", []string{"litigation_dismissed"}, "7"},
	{"haizhu", "撤诉 2", []string{"litigation_withdrawn"}, "2"},
	{"haizhu", "负责人出庭 3", []string{"leader_appearance_cases"}, "3"},
	{"haizhu", "行政处罚 10 宗", []string{"penalty_cases"}, "10"},
	{"haizhu", "罚款 23.66465 万元", []string{"penalty_fines"}, "23.66465"},
	{"haizhu", "重大执法决定法制审核 24 次", []string{"major_enforcement_reviews"}, "24"},
	{"haizhu", "公开行政许可 237 宗", []string{"licences_published"}, "237"},
	{"haizhu", "公职律师 4 人", []string{"public_lawyers"}, "4"},
	{"haizhu", "依申请公开 5 宗", []string{"disclosure_requests"}, "5"},

	{"guangzhou", "出台规范性文件 4 件", []string{"normative_docs_issued"}, "4"},
	{"guangzhou", "双随机抽取 900 家", []string{"random_employers_inspected"}, "900"},
	{"guangzhou", "案卷评查 636 宗", []string{"case_files_reviewed"}, "636"},
	{"guangzhou", "1.72 万名劳动者", []string{"wage_recovered_workers"}, "17200"},
	{"guangzhou", "追回工资及补偿金约 1.53 亿元", []string{"wage_recovered_amount"}, "15300"},
}

func TestEveryReadmeFigureHasAnIndicator(t *testing.T) {
	c := hrssCatalogue(t)
	for _, f := range readmeFigures {
		sample, ok := samples[f.report]
		if !ok {
			t.Fatalf("unknown report %q", f.report)
		}
		sum := decimal.Zero
		for _, k := range f.keys {
			ind, ok := c.Indicator(k)
			if !ok {
				t.Errorf("%s %q: no indicator %q", f.report, f.quote, k)
				continue
			}
			if !ind.Type.IsNumeric() {
				t.Errorf("%s %q: indicator %q is %s, not a number", f.report, f.quote, k, ind.Type)
			}
			s, ok := sample.stated[k]
			if !ok {
				t.Errorf("%s %q: the sample return does not enter %s", f.report, f.quote, k)
				continue
			}
			sum = sum.Add(decimal.RequireFromString(s))
		}
		if want := decimal.RequireFromString(f.value); !sum.Equal(want) {
			t.Errorf("%s %q: the sample return gives %s, want %s", f.report, f.quote, sum, want)
		}
	}
}

func TestSampleReportsPassCheck(t *testing.T) {
	c := hrssCatalogue(t)
	names := make([]string, 0, len(samples))
	for name := range samples {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		s := samples[name]
		t.Run(name, func(t *testing.T) {
			// Assumptions are limited to what the return cannot be without.
			var missing []string
			for _, ind := range c.Indicators() {
				if _, ok := s.stated[ind.Key]; ind.Required && !ok {
					missing = append(missing, ind.Key)
				}
			}
			var assumed []string
			for k := range s.assumed {
				assumed = append(assumed, k)
			}
			sort.Strings(missing)
			sort.Strings(assumed)
			if !slices.Equal(missing, assumed) {
				t.Fatalf("assumed %v\nwant exactly the required indicators the report does not state: %v", assumed, missing)
			}

			in := map[string]string{}
			for k, v := range s.stated {
				in[k] = v
			}
			for k, v := range s.assumed {
				in[k] = v
			}
			findings := c.Check(values(t, c, in), nil)
			var got []string
			for _, f := range findings {
				if f.Severity == catalogue.SeverityError {
					t.Errorf("error on a real report: %s %v %s", f.Rule, f.Indicators, f.Message)
					continue
				}
				got = append(got, f.Rule)
			}
			if !slices.Equal(got, s.warnings) {
				for _, f := range findings {
					t.Log(f.Rule, f.Indicators, f.Message)
				}
				t.Errorf("warnings %v, want %v", got, s.warnings)
			}
		})
	}
}
