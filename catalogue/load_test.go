package catalogue_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lawcycle/lawcycle/catalogue"
)

func readFixture(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "load", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// lineOf returns the text of a 1-based line of a fixture.
func lineOf(data []byte, line int) string {
	lines := strings.Split(string(data), "\n")
	if line < 1 || line > len(lines) {
		return ""
	}
	return lines[line-1]
}

func TestLoadRejects(t *testing.T) {
	tests := []struct {
		file string
		path string
		// lineHas must appear on the reported line, which pins the line
		// without hard-coding numbers into the table.
		lineHas string
		message string
	}{
		{"unknown_field.yaml", "sections[0].indicators[0].unitt", "unitt:", "未知字段「unitt」：请检查拼写；指标可用的字段有 key、name、unit、type"},
		{"bad_id.yaml", "id", "id: HRSS-1", "id「HRSS-1」不合规：只能用小写英文字母、数字和下划线"},
		{"general_wrong_id.yaml", "id", "id: common", "通用指标（kind: general）的 id 必须是 general，当前为「common」"},
		{"bad_kind.yaml", "kind", "kind: industry", "kind「industry」无效：只能是 general（通用指标）或 sector（行业指标）"},
		{"bad_version.yaml", "version", `version: "2025"`, "version「2025」格式不对：应为“年份.序号”"},
		{"dup_section_key.yaml", "sections[1].key", "key: review", "分组 key「review」重复：与 sections[0] 相同"},
		{"dup_indicator_key.yaml", "sections[0].indicators[2].key", "key: review_cases", "指标 key「review_cases」重复：与 sections[0].indicators[0] 相同"},
		{"bad_unit.yaml", "sections[0].indicators[0].unit", "unit: 吨", "单位「吨」不在允许范围内：只能是 件、宗、人、人次、万元、元、%、次、家、个、项、篇、场、天 之一，或者不填"},
		{"bad_type.yaml", "sections[0].indicators[0].type", "type: number", "type「number」无效：只能是 integer（整数）"},
		{"scale_on_integer.yaml", "sections[0].indicators[0].scale", "scale: 2", "只有小数（decimal）和百分比（percent）指标可以设置 scale（小数位数）；整数（integer）指标请删除 scale"},
		{"min_gt_max.yaml", "sections[0].indicators[0].min", "min: 10", "min 10 大于 max 5：下限不能大于上限"},
		{"percent_over_100.yaml", "sections[0].indicators[2].max", "max: 120", "百分比的 max 必须在 0 到 100 之间，当前为 120"},
		{"choice_without_choices.yaml", "sections[0].indicators[2].choices", "key: leader_law_report", "选项（choice）指标必须列出 choices，例如 [是, 否]"},
		{"choices_on_integer.yaml", "sections[0].indicators[0].choices", "choices:", "只有选项（choice）指标可以设置 choices"},
		{"missing_help.yaml", "sections[0].indicators[1].help", "key: review_closed", "指标「其中：已审结件数」缺少填报说明（help）"},
		{"rule_bad_kind.yaml", "rules[0].kind", "kind: at_least", "规则类型 kind「at_least」无效：只能是 at_most"},
		{"at_most_without_right.yaml", "rules[0].right", "key: closed_within_cases", "at_most 规则缺少 right"},
		{"requires_without_then.yaml", "rules[0].then", "key: closed_within_cases", "requires 规则缺少 then"},
		{"bad_severity.yaml", "rules[0].severity", "severity: fatal", "severity「fatal」无效：只能是 error（阻止报送）或 warning（允许报送但须说明）"},
		{"unknown_reference.yaml", "rules[0].left[0]", "left: [review_closd]", "引用的指标「review_closd」不存在"},
		{"duplicate_check_key.yaml", "flags[0].key", "key: closed_within_cases", "审核提示 key「closed_within_cases」重复：与 rules[0].key 相同"},
		{"bad_number.yaml", "sections[0].indicators[0].min", "min: abc", "「abc」不是数字：min 应填数字"},
		{"syntax.yaml", "", "indicators:", "YAML 格式错误：这里不能出现“字段: 值”"},
		{"english_name.yaml", "sections[0].indicators[0].name", "name: Review cases", "指标名称「Review cases」不是中文"},
		{"flag_severity.yaml", "flags[0].severity", "severity: warning", "审核提示（flags）总是警告，不能设置 severity"},
		{"required_yes.yaml", "sections[0].indicators[0].required", "required: 是", "值「是」的类型不对：这里应填 true 或 false"},
		{"change_without_ratio.yaml", "flags[0].ratio", "key: review_change", "change 提示缺少 ratio"},
		{"threshold_on_text.yaml", "flags[0].indicator", "indicator: adviser_firms", "审核提示只能用于数值指标，「adviser_firms」是文本（text）指标"},
		{"two_documents.yaml", "", "---", "文件只能包含一个 YAML 文档"},
		{"empty.yaml", "", "", "文件是空的"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			data := readFixture(t, tt.file)
			p, err := catalogue.Load(data, tt.file)
			if err == nil {
				t.Fatalf("loaded %s@%s, want an error", p.ID, p.Version)
			}
			var le *catalogue.LoadError
			if !errors.As(err, &le) {
				t.Fatalf("error %T %v, want *LoadError", err, err)
			}
			if le.File != tt.file {
				t.Errorf("File = %q, want %q", le.File, tt.file)
			}
			// Each fixture has exactly one fault, and one fault must give one
			// problem, not a cascade.
			if len(le.Problems) != 1 {
				t.Fatalf("%d problems, want 1:\n%v", len(le.Problems), err)
			}
			pr := le.Problems[0]
			if pr.Path != tt.path {
				t.Errorf("Path = %q, want %q", pr.Path, tt.path)
			}
			if !strings.Contains(pr.Message, tt.message) {
				t.Errorf("Message = %q\nwant it to contain %q", pr.Message, tt.message)
			}
			if tt.lineHas != "" && !strings.Contains(lineOf(data, pr.Line), tt.lineHas) {
				t.Errorf("Line = %d (%q), want the line with %q", pr.Line, lineOf(data, pr.Line), tt.lineHas)
			}
			if !strings.Contains(err.Error(), pr.Message) {
				t.Errorf("Error() does not carry the message:\n%s", err)
			}
		})
	}
}

func TestLoadReportsEveryProblem(t *testing.T) {
	data := readFixture(t, "many_problems.yaml")
	_, err := catalogue.Load(data, "many_problems.yaml")
	var le *catalogue.LoadError
	if !errors.As(err, &le) {
		t.Fatalf("error %v, want *LoadError", err)
	}
	want := []struct{ path, message string }{
		{"kind", "kind「industry」无效"},
		{"sections[0].indicators[0].unit", "单位「吨」不在允许范围内"},
		{"sections[0].indicators[1].help", "缺少填报说明（help）"},
	}
	if len(le.Problems) != len(want) {
		t.Fatalf("%d problems, want %d:\n%v", len(le.Problems), len(want), err)
	}
	msg := err.Error()
	if !strings.Contains(msg, "many_problems.yaml 有 3 处问题") {
		t.Errorf("Error() does not count the problems:\n%s", msg)
	}
	for i, w := range want {
		pr := le.Problems[i]
		if pr.Path != w.path || !strings.Contains(pr.Message, w.message) {
			t.Errorf("problem %d = %s %q, want %s %q", i, pr.Path, pr.Message, w.path, w.message)
		}
		if !strings.Contains(msg, pr.Message) {
			t.Errorf("Error() leaves out problem %d:\n%s", i, msg)
		}
		// Problems are listed in file order, so the admin fixes them top down.
		if i > 0 && pr.Line < le.Problems[i-1].Line {
			t.Errorf("problem %d on line %d comes after line %d", i, pr.Line, le.Problems[i-1].Line)
		}
	}
}

func TestLoadValid(t *testing.T) {
	p, err := catalogue.Load(readFixture(t, "valid_general.yaml"), "valid_general.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if p.ID != "general" || p.Kind != catalogue.KindGeneral || p.Version != "2025.1" {
		t.Errorf("part = %s %s %s", p.ID, p.Kind, p.Version)
	}
	for _, ind := range p.Sections[0].Indicators {
		if ind.Section != "review" {
			t.Errorf("%s.Section = %q, want review", ind.Key, ind.Section)
		}
	}
}

// A sector part may name general indicators: Load accepts what it cannot
// see, and Compose decides.
func TestSectorReferencesResolvedByCompose(t *testing.T) {
	general, ok := catalogue.Builtin().Latest(catalogue.GeneralID)
	if !ok {
		t.Fatal("no builtin general part")
	}
	tests := []struct {
		file    string
		wantErr string
	}{
		{"sector_refers_general.yaml", ""},
		{"sector_unknown_reference.yaml", `unknown indicator "penalties_publishd"`},
		{"sector_duplicate_key.yaml", `indicator key "review_cases" appears twice`},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			sector, err := catalogue.Load(readFixture(t, tt.file), tt.file)
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			c, err := catalogue.Compose(general, sector)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("Compose: %v", err)
				}
				if _, ok := c.Indicator("demo_penalties"); !ok {
					t.Error("sector indicator missing from the composition")
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("Compose error = %v, want %q", err, tt.wantErr)
			}
		})
	}
}
