package catalogue_test

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/lawcycle/lawcycle/catalogue"
)

// complete fills every required indicator with a neutral value (0, the
// first choice) so a test sees only the findings its own values cause.
func complete(c *catalogue.Catalogue, over map[string]string) map[string]string {
	in := map[string]string{}
	for _, ind := range c.Indicators() {
		if !ind.Required {
			continue
		}
		if ind.Type == catalogue.Choice {
			in[ind.Key] = ind.Choices[0]
		} else {
			in[ind.Key] = "0"
		}
	}
	for k, v := range over {
		if v == "" {
			delete(in, k)
			continue
		}
		in[k] = v
	}
	return in
}

func TestCheckCompleteReturnIsClean(t *testing.T) {
	c := hrssCatalogue(t)
	if f := c.Check(values(t, c, complete(c, nil)), nil); len(f) != 0 {
		t.Errorf("findings on a complete return of zeros: %+v", f)
	}
}

type wantFinding struct {
	rule       string
	severity   catalogue.Severity
	indicators []string
	message    []string // fragments the message must contain
}

func assertFindings(t *testing.T, got []catalogue.Finding, want []wantFinding) {
	t.Helper()
	if len(got) != len(want) {
		for _, f := range got {
			t.Logf("got %s %s %v %s", f.Rule, f.Severity, f.Indicators, f.Message)
		}
		t.Fatalf("%d findings, want %d", len(got), len(want))
	}
	for i, w := range want {
		g := got[i]
		if g.Rule != w.rule || g.Severity != w.severity || !slices.Equal(g.Indicators, w.indicators) {
			t.Errorf("finding %d = %s %s %v, want %s %s %v", i, g.Rule, g.Severity, g.Indicators, w.rule, w.severity, w.indicators)
		}
		for _, m := range w.message {
			if !strings.Contains(g.Message, m) {
				t.Errorf("finding %d message %q\nlacks %q", i, g.Message, m)
			}
		}
		if !strings.HasSuffix(g.Message, "。") {
			t.Errorf("finding %d message is not a full sentence: %q", i, g.Message)
		}
	}
}

func TestCheckIndicator(t *testing.T) {
	c := hrssCatalogue(t)
	tests := []struct {
		name   string
		values map[string]string
		want   []wantFinding
	}{
		{"required count missing", map[string]string{"review_cases": ""},
			[]wantFinding{{"required", catalogue.SeverityError, []string{"review_cases"}, []string{"「行政复议案件数」是必填项，尚未填写。没有发生的请填 0"}}}},
		{"required choice missing", map[string]string{"leader_law_report": ""},
			[]wantFinding{{"required", catalogue.SeverityError, []string{"leader_law_report"}, []string{"「主要负责人年度述法」是必填项，尚未选择。请从「是」、「否」中选择一项"}}}},
		{"choice only spaces is blank", map[string]string{"leader_law_report": "  "},
			[]wantFinding{{"required", catalogue.SeverityError, []string{"leader_law_report"}, []string{"尚未选择"}}}},
		{"negative count", map[string]string{"review_cases": "-1"},
			[]wantFinding{{"bounds", catalogue.SeverityError, []string{"review_cases"}, []string{"「行政复议案件数」不能为负数，当前填写的是-1件"}}}},
		{"count not whole", map[string]string{"review_cases": "2.5"},
			[]wantFinding{{"scale", catalogue.SeverityError, []string{"review_cases"}, []string{"「行政复议案件数」应为整数，当前填写的是2.5件"}}}},
		{"trailing zeros are whole", map[string]string{"review_cases": "3.000", "review_closed": "3"}, nil},
		{"amount beyond scale", map[string]string{"penalty_fines": "1.1234567"},
			[]wantFinding{{"scale", catalogue.SeverityError, []string{"penalty_fines"}, []string{"「罚款金额」最多保留6位小数，当前填写的是1.1234567万元"}}}},
		{"amount at scale", map[string]string{"penalty_fines": "23.664650"}, nil},
		{"percent above 100", map[string]string{"leader_appearance_rate": "120"},
			[]wantFinding{{"bounds", catalogue.SeverityError, []string{"leader_appearance_rate"}, []string{"是百分比，应在0%到100%之间，当前填写的是120%"}}}},
		{"percent beyond scale", map[string]string{"leader_appearance_rate": "95.55"},
			[]wantFinding{{"scale", catalogue.SeverityError, []string{"leader_appearance_rate"}, []string{"最多保留1位小数，当前填写的是95.55%"}}}},
		{"percent 100 is fine", map[string]string{"leader_appearance_rate": "100", "litigation_cases": "1", "litigation_closed": "1", "leader_appearance_cases": "1"}, nil},
		{"choice not listed", map[string]string{"leader_law_report": "有"},
			[]wantFinding{{"choice", catalogue.SeverityError, []string{"leader_law_report"}, []string{"只能选择「是」或「否」，当前填写的是「有」"}}}},
		{"bad date", map[string]string{"legal_education_plan_date": "2025-02-30"},
			[]wantFinding{{"type", catalogue.SeverityError, []string{"legal_education_plan_date"}, []string{"「年度普法工作计划印发日期」不是有效的日期，当前填写的是「2025-02-30」"}}}},
		{"good date", map[string]string{"legal_education_plan_date": "2025-02-28"}, nil},
		{"free text", map[string]string{"legal_advisers": "2", "legal_adviser_firms": "浙江某某律师事务所"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assertFindings(t, c.Check(values(t, c, complete(c, tt.values)), nil), tt.want)
		})
	}
}

func TestCheckRules(t *testing.T) {
	c := hrssCatalogue(t)
	tests := []struct {
		name   string
		values map[string]string
		want   []wantFinding
	}{
		// No honest return can close more cases than it has.
		{"impossible: closed beyond cases", map[string]string{"review_cases": "8", "review_closed": "9"},
			[]wantFinding{{"review_closed_within_cases", catalogue.SeverityError, []string{"review_closed", "review_cases"},
				[]string{"「其中：行政复议已审结件数」（9件）多于「行政复议案件数」（8件）", "不能多于复议案件数", "请核对并改正"}}}},
		{"impossible: outcomes beyond closed, blank part left out", map[string]string{
			"litigation_cases": "14", "litigation_closed": "9", "litigation_dismissed": "7", "litigation_withdrawn": "3",
			"leader_appearance_cases": "3", "leader_appearance_rate": "100"},
			[]wantFinding{{"litigation_outcomes_within_closed", catalogue.SeverityError,
				[]string{"litigation_dismissed", "litigation_withdrawn", "litigation_closed"},
				[]string{"「其中：驳回原告诉讼请求件数」（7件）、「其中：原告撤诉件数」（3件）合计10件多于「其中：行政应诉已审结件数」（9件）"}}}},
		{"equal is fine", map[string]string{"review_cases": "8", "review_closed": "8", "review_upheld": "8"}, nil},
		// Carried-over cases make this possible: a warning naming all three.
		{"implausible: decisions beyond applications", map[string]string{
			"work_injury_applications": "10", "work_injury_recognised": "8", "work_injury_not_recognised": "4"},
			[]wantFinding{{"work_injury_decisions_within_applications", catalogue.SeverityWarning,
				[]string{"work_injury_recognised", "work_injury_not_recognised", "work_injury_applications"},
				[]string{"「认定（视同）工伤件数」（8件）、「不予认定（视同）工伤件数」（4件）合计12件多于「受理工伤认定申请件数」（10件）", "请在说明栏中说明原因"}}}},
		{"implausible: leader appearances beyond cases", map[string]string{
			"litigation_cases": "2", "litigation_closed": "2", "leader_appearance_cases": "3", "leader_appearance_rate": "100"},
			[]wantFinding{{"leader_appearance_within_litigation", catalogue.SeverityWarning,
				[]string{"leader_appearance_cases", "litigation_cases"}, []string{"「行政机关负责人出庭应诉件数」（3件）多于「行政应诉案件数」（2件）"}}}},
		// A sector rule may compare against a general indicator.
		{"cross-part: penalties not all published", map[string]string{
			"penalty_cases": "10", "penalty_fines": "23.66465", "labor_inspection_cases": "12", "penalties_published": "7"},
			[]wantFinding{{"penalties_all_published", catalogue.SeverityWarning, []string{"penalty_cases", "penalties_published"}, []string{"（10件）多于", "（7件）"}}}},
		// Blank is not zero: no whole, no comparison.
		{"blank whole skips the rule", map[string]string{"random_joint_inspections": "6"}, nil},
		{"blank parts skip the rule", map[string]string{"review_cases": "3", "review_closed": "2"}, nil},
		// A value that failed its own check is not compared again.
		{"failed value is not compared", map[string]string{"review_cases": "8", "review_closed": "9.5"},
			[]wantFinding{{"scale", catalogue.SeverityError, []string{"review_closed"}, []string{"应为整数"}}}},
		{"requires: positive count needs follow-ups", map[string]string{"litigation_cases": "5", "litigation_closed": "5"},
			[]wantFinding{{"litigation_needs_leader_appearance", catalogue.SeverityWarning,
				[]string{"litigation_cases", "leader_appearance_cases", "leader_appearance_rate"},
				[]string{"已填写「行政应诉案件数」（5件），但「行政机关负责人出庭应诉件数」、「行政机关负责人出庭应诉率」未填写", "请补填"}}}},
		{"requires: zero triggers nothing", map[string]string{"litigation_cases": "0"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assertFindings(t, c.Check(values(t, c, complete(c, tt.values)), nil), tt.want)
		})
	}
}

func TestCheckFlags(t *testing.T) {
	c := hrssCatalogue(t)
	tests := []struct {
		name     string
		values   map[string]string
		lastYear map[string]string
		want     []wantFinding
	}{
		{"appearance rate below 100%", map[string]string{"litigation_cases": "5", "litigation_closed": "5", "leader_appearance_cases": "4", "leader_appearance_rate": "80"}, nil,
			[]wantFinding{{"leader_appearance_below_full", catalogue.SeverityWarning, []string{"leader_appearance_rate"},
				[]string{"「行政机关负责人出庭应诉率」为80%，低于100%", "请在说明栏中说明原因"}}}},
		{"work injury over 60 days", map[string]string{"work_injury_avg_days": "75.5"}, nil,
			[]wantFinding{{"work_injury_days_over_limit", catalogue.SeverityWarning, []string{"work_injury_avg_days"}, []string{"为75.5天，高于60天"}}}},
		{"increase beyond 50%", map[string]string{"review_cases": "10", "review_closed": "9"}, map[string]string{"review_cases": "4"},
			[]wantFinding{{"general_change_vs_last_year", catalogue.SeverityWarning, []string{"review_cases"},
				[]string{"「行政复议案件数」本年度为10件，上年度为4件，增加150%", "说明变化原因"}}}},
		{"decrease beyond 50%", map[string]string{"penalty_cases": "1", "penalty_fines": "0.5", "labor_inspection_cases": "3"},
			map[string]string{"penalty_cases": "4", "penalty_fines": "0.5", "labor_inspection_cases": "3"},
			[]wantFinding{{"hrss_change_vs_last_year", catalogue.SeverityWarning, []string{"penalty_cases"}, []string{"本年度为1件，上年度为4件，减少75%"}}}},
		{"amount change is rounded for people", map[string]string{"penalty_cases": "1", "penalty_fines": "23.66465", "labor_inspection_cases": "1"},
			map[string]string{"penalty_cases": "1", "penalty_fines": "10", "labor_inspection_cases": "1"},
			[]wantFinding{{"hrss_change_vs_last_year", catalogue.SeverityWarning, []string{"penalty_fines"}, []string{"本年度为23.66465万元，上年度为10万元，增加136.6%"}}}},
		{"exactly 50% is not beyond", map[string]string{"review_cases": "6", "review_closed": "6"}, map[string]string{"review_cases": "4"}, nil},
		{"last year zero is no ratio", map[string]string{"review_cases": "6", "review_closed": "6"}, map[string]string{"review_cases": "0"}, nil},
		{"last year blank", map[string]string{"review_cases": "6", "review_closed": "6"}, map[string]string{}, nil},
		{"this year blank", map[string]string{"litigation_closed": ""}, map[string]string{"litigation_closed": "40"}, nil},
		{"indicators outside the flag's list", map[string]string{"public_lawyers": "9"}, map[string]string{"public_lawyers": "1"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var last catalogue.Values
			if tt.lastYear != nil {
				last = values(t, c, tt.lastYear)
			}
			assertFindings(t, c.Check(values(t, c, complete(c, tt.values)), last), tt.want)
		})
	}
}

// Findings come in catalogue order, then rules, then flags, identically on
// every run (a map of values must never leak its iteration order).
func TestCheckOrder(t *testing.T) {
	c := hrssCatalogue(t)
	in := complete(c, map[string]string{
		"arbitration_accepted":       "-3", // indicator, hrss section
		"review_cases":               "",   // indicator, general section
		"litigation_cases":           "2",  // rule: requires
		"random_inspections":         "1",  // rule: at_most (hrss)
		"random_joint_inspections":   "2",
		"random_employers_inspected": "5",
		"leader_appearance_cases":    "1",
		"leader_appearance_rate":     "50", // flag: threshold
		"penalty_cases":              "9",  // flag: change
		"penalty_fines":              "1",
		"labor_inspection_cases":     "9",
	})
	last := values(t, c, map[string]string{"penalty_cases": "2", "penalty_fines": "1", "labor_inspection_cases": "9"})
	first := c.Check(values(t, c, in), last)
	var rules []string
	for _, f := range first {
		rules = append(rules, f.Rule)
	}
	want := []string{"required", "bounds", "litigation_needs_closed", "random_joint_within_total", "leader_appearance_below_full", "hrss_change_vs_last_year"}
	if !slices.Equal(rules, want) {
		t.Fatalf("order %v, want %v", rules, want)
	}
	for i := 0; i < 50; i++ {
		if again := c.Check(values(t, c, in), last); !reflect.DeepEqual(again, first) {
			t.Fatalf("run %d differs:\n%+v\n%+v", i, again, first)
		}
	}
}

func TestFormatValue(t *testing.T) {
	c := hrssCatalogue(t)
	num := func(s string) catalogue.Value { return catalogue.Value{Number: decimal.RequireFromString(s)} }
	tests := []struct {
		key  string
		v    catalogue.Value
		want string
	}{
		{"review_cases", num("9"), "9件"},
		{"review_cases", num("9.000"), "9件"},
		{"review_cases", num("0"), "0件"},
		{"penalty_fines", num("23.664650"), "23.66465万元"},
		{"wage_recovered_amount", num("15300.000000"), "15300万元"},
		{"wage_recovered_amount", num("1.53E4"), "15300万元"},
		{"leader_appearance_rate", num("95.50"), "95.5%"},
		{"leader_appearance_rate", num("100"), "100%"},
		{"enforcement_training_attendance", num("180"), "180人次"},
		{"legal_education_plan_date", catalogue.Value{Text: "2025-03-01"}, "2025年3月1日"},
		{"legal_education_plan_date", catalogue.Value{Text: "下旬"}, "下旬"},
		{"leader_law_report", catalogue.Value{Text: "是"}, "是"},
	}
	for _, tt := range tests {
		ind, ok := c.Indicator(tt.key)
		if !ok {
			t.Fatalf("no indicator %s", tt.key)
		}
		if got := catalogue.FormatValue(ind, tt.v); got != tt.want {
			t.Errorf("FormatValue(%s, %v) = %q, want %q", tt.key, tt.v, got, tt.want)
		}
	}
}
