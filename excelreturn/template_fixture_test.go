package excelreturn_test

import (
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/lawcycle/lawcycle/catalogue"
	"github.com/lawcycle/lawcycle/excelreturn"
)

// The writer's tests build their catalogue in Go: a general part of seven
// sections and an hrss sector part, 60 indicators of every type, shaped on
// the sample reports in /work/shared/samples. Helpers here are prefixed tpl
// so they cannot clash with the reader's tests in the same package.

func tplDec(s string) *decimal.Decimal {
	d := decimal.RequireFromString(s)
	return &d
}

// tplCount is a count (件, 人, 次, 家): an integer not below zero.
func tplCount(key, name, unit string, required bool, help string) catalogue.Indicator {
	return catalogue.Indicator{Key: key, Name: name, Unit: unit, Type: catalogue.Integer, Min: tplDec("0"), Required: required, Help: help}
}

func tplPercent(key, name string, help string) catalogue.Indicator {
	return catalogue.Indicator{Key: key, Name: name, Unit: "%", Type: catalogue.Percent, Scale: 2, Min: tplDec("0"), Max: tplDec("100"), Required: true, Help: help}
}

func tplMoney(key, name string, scale int, help string) catalogue.Indicator {
	return catalogue.Indicator{Key: key, Name: name, Unit: "万元", Type: catalogue.Decimal, Scale: scale, Min: tplDec("0"), Help: help}
}

// tplParts returns fresh general and hrss parts; callers may change them
// before composing.
func tplParts() (*catalogue.Part, *catalogue.Part) {
	general := &catalogue.Part{
		ID: "general", Kind: catalogue.KindGeneral, Version: "2025.1", Name: "法治政府建设通用指标",
		Sections: []catalogue.Section{
			{Key: "review", Name: "行政复议与应诉", Help: "本年度 1 月 1 日至 12 月 31 日的案件数。", Indicators: []catalogue.Indicator{
				tplCount("review_received", "行政复议申请件数", "件", true, "本单位作为被申请人收到的行政复议申请。"),
				tplCount("review_accepted", "其中：受理件数", "件", true, "已受理的行政复议申请。"),
				tplCount("review_corrected", "其中：被纠错件数", "件", true, "被撤销、变更、确认违法或责令履行的件数。"),
				tplCount("litigation_cases", "行政应诉件数", "件", true, "本单位作为被告的一审行政诉讼案件。"),
				tplCount("litigation_lost", "其中：败诉件数", "件", true, ""),
				tplCount("litigation_leader", "负责人出庭应诉件数", "件", true, "主要负责人或分管负责人出庭应诉的件数。"),
				tplPercent("litigation_leader_rate", "负责人出庭应诉率", "出庭应诉件数除以开庭审理件数。"),
				tplCount("litigation_closed", "行政应诉结案件数", "件", false, ""),
			}},
			{Key: "normative", Name: "规范性文件", Indicators: []catalogue.Indicator{
				tplCount("norm_issued", "出台规范性文件件数", "件", true, "以本单位名义印发的行政规范性文件。"),
				tplCount("norm_reviewed", "其中：经合法性审核件数", "件", true, ""),
				tplCount("norm_filed", "报送备案件数", "件", true, ""),
				tplCount("norm_cleaned", "清理规范性文件件数", "件", false, ""),
				{Key: "norm_cleanup_date", Name: "最近一次集中清理完成日期", Type: catalogue.Date, Help: "没有集中清理的留空。"},
				tplCount("norm_abolished", "其中：废止件数", "件", false, ""),
			}},
			{Key: "decisions", Name: "重大行政决策", Indicators: []catalogue.Indicator{
				tplCount("decisions_made", "作出重大行政决策件数", "件", true, ""),
				tplCount("decisions_hearing", "其中：组织听证件数", "件", false, ""),
				tplCount("decisions_expert", "其中：专家论证件数", "件", false, ""),
				tplCount("decisions_legal_review", "其中：经合法性审查件数", "件", true, ""),
				{Key: "decisions_catalogue_published", Name: "是否公布年度重大行政决策事项目录", Type: catalogue.Choice, Choices: []string{"是", "否", "不适用"}, Required: true, Help: "按规定向社会公布目录的选“是”。"},
			}},
			{Key: "enforcement", Name: "行政执法三项制度", Indicators: []catalogue.Indicator{
				tplCount("penalty_cases", "行政处罚案件数", "件", true, "本年度作出处罚决定的案件。"),
				tplMoney("penalty_amount", "罚没款金额", 5, "以万元为单位，如 23.66465。"),
				tplCount("legal_review_major", "重大执法决定法制审核件数", "次", true, ""),
				tplCount("transfer_police", "移送公安机关案件数", "件", false, ""),
				tplCount("random_inspections", "双随机抽查次数", "次", true, ""),
				tplCount("random_enterprises", "双随机抽查企业数", "家", false, ""),
				tplCount("joint_inspections", "跨部门联合双随机抽查次数", "次", false, ""),
				tplCount("case_files_reviewed", "执法案卷评查件数", "件", false, ""),
				tplPercent("case_files_pass_rate", "执法案卷评查合格率", "合格案卷数除以评查案卷数。"),
				tplCount("licences_published", "公开行政许可件数", "件", false, ""),
			}},
			{Key: "staff", Name: "执法队伍", Indicators: []catalogue.Indicator{
				tplCount("enforcement_staff", "持证执法人员数", "人", true, ""),
				tplCount("staff_trained", "参加执法培训人数", "人", false, ""),
				tplCount("public_lawyers", "公职律师人数", "人", false, ""),
				tplCount("legal_advisers", "法律顾问人数", "人", false, ""),
				tplPercent("exam_pass_rate", "国家工作人员学法考试通过率", ""),
			}},
			{Key: "legal_education", Name: "普法", Indicators: []catalogue.Indicator{
				tplCount("pufa_events", "开展普法活动次数", "次", true, ""),
				tplCount("pufa_participants", "普法活动参与人数", "人", false, ""),
				tplCount("leader_study_sessions", "党组（党委）理论学习中心组学法次数", "次", true, ""),
				{Key: "pufa_highlight", Name: "普法工作特色亮点", Type: catalogue.Text, Help: "简要描述，300 字以内为宜。"},
			}},
			{Key: "disclosure", Name: "政务公开", Indicators: []catalogue.Indicator{
				tplCount("disclosure_requests", "依申请公开件数", "件", true, ""),
				tplCount("disclosure_replied", "其中：按期答复件数", "件", true, ""),
				tplCount("disclosure_reviews", "因政府信息公开引发的行政复议件数", "件", false, ""),
				tplCount("active_disclosures", "主动公开政府信息条数", "条", false, ""),
				{Key: "report_published_on", Name: "上年度法治政府建设报告公开日期", Type: catalogue.Date, Required: true, Help: "在门户网站公开的日期。"},
			}},
		},
		Rules: []catalogue.Rule{
			{Key: "review_accepted_le_received", Kind: catalogue.RuleAtMost, Severity: catalogue.SeverityError, Left: []string{"review_accepted"}, Right: []string{"review_received"},
				Message: "行政复议受理件数不能大于申请件数。", Help: "“其中”项是申请件数的一部分。"},
			{Key: "litigation_lost_le_cases", Kind: catalogue.RuleAtMost, Severity: catalogue.SeverityError, Left: []string{"litigation_lost"}, Right: []string{"litigation_cases"},
				Message: "败诉件数不能大于行政应诉件数。", Help: "“其中”项是应诉件数的一部分。"},
			{Key: "leader_le_cases", Kind: catalogue.RuleAtMost, Severity: catalogue.SeverityWarning, Left: []string{"litigation_leader"}, Right: []string{"litigation_cases"},
				Message: "负责人出庭应诉件数大于行政应诉件数。", Help: "上年立案、本年开庭的案件会出现这种情况，请在说明列注明。"},
			{Key: "norm_review_required", Kind: catalogue.RuleRequires, Severity: catalogue.SeverityError, If: "norm_issued", Then: []string{"norm_reviewed"},
				Message: "出台了规范性文件，须填写经合法性审核件数。", Help: "规范性文件出台前必须经过合法性审核。"},
		},
		Flags: []catalogue.Flag{
			{Key: "leader_rate_below_100", Kind: catalogue.FlagThreshold, Indicator: "litigation_leader_rate", Op: "<", Value: tplDec("100"),
				Message: "负责人出庭应诉率低于 100%。", Help: "出庭应诉率是考核指标，低于 100% 的请说明原因。"},
			{Key: "change_50", Kind: catalogue.FlagChange, Ratio: tplDec("0.5"),
				Message: "与上年相比变化超过 ±50%。", Help: "大幅变化可能是统计口径不同，请核实并说明。"},
		},
	}
	hrss := &catalogue.Part{
		ID: "hrss", Kind: catalogue.KindSector, Version: "2025.1", Name: "人力资源和社会保障",
		Sections: []catalogue.Section{
			{Key: "hrss_wages", Name: "根治欠薪", Indicators: []catalogue.Indicator{
				tplCount("wage_cases", "查处欠薪案件数", "件", true, ""),
				tplCount("wage_workers", "为劳动者追回工资人数", "人", true, ""),
				tplMoney("wage_recovered", "追回工资及补偿金", 2, "如 77.59。"),
				tplCount("wage_blacklist", "列入拖欠农民工工资失信联合惩戒名单单位数", "家", false, ""),
			}},
			{Key: "hrss_disputes", Name: "劳动人事争议与工伤认定", Indicators: []catalogue.Indicator{
				tplCount("arbitration_cases", "劳动人事争议仲裁受理件数", "件", true, ""),
				tplCount("arbitration_closed", "仲裁结案件数", "件", true, ""),
				tplPercent("mediation_rate", "调解成功率", ""),
				tplCount("injury_received", "工伤认定受理件数", "件", true, ""),
				tplCount("injury_recognised", "认定工伤件数", "件", true, ""),
				tplCount("injury_rejected", "不予认定件数", "件", true, ""),
				{Key: "injury_days", Name: "工伤认定平均办结天数", Unit: "天", Type: catalogue.Decimal, Scale: 1, Min: tplDec("0"), Max: tplDec("60"), Help: "法定时限 60 日。"},
				{Key: "arbitration_channel", Name: "仲裁“互联网+调解”平台使用情况", Type: catalogue.Choice, Choices: []string{"已全面使用", "部分使用", "未使用"}},
				tplCount("labour_inspections", "劳动保障监察检查用人单位数", "家", false, ""),
			}},
		},
		Rules: []catalogue.Rule{
			{Key: "injury_sum", Kind: catalogue.RuleAtMost, Severity: catalogue.SeverityWarning,
				Left: []string{"injury_recognised", "injury_rejected"}, Right: []string{"injury_received"},
				Message: "认定工伤与不予认定件数之和大于受理件数。", Help: "上年受理、本年作出决定的案件会出现这种情况，请在说明列注明。"},
		},
	}
	return general, hrss
}

// tplCatalogue is the composed general + hrss catalogue.
func tplCatalogue(t testing.TB) *catalogue.Catalogue {
	t.Helper()
	general, hrss := tplParts()
	c, err := catalogue.Compose(general, hrss)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// tplInput is the template input of 临海市人力资源和社会保障局 for 2024.
func tplInput(t testing.TB) excelreturn.TemplateInput {
	return excelreturn.TemplateInput{
		Catalogue:  tplCatalogue(t),
		CycleID:    "c-2024-linhai",
		CycleYear:  2024,
		CycleTitle: "临海市2024年度法治政府建设年度报告",
		OrgCode:    "linhai-hrss",
		OrgName:    "临海市人力资源和社会保障局",
		CreditCode: "11331082002590718C",
		LastYear: catalogue.Values{
			"review_received":        {Number: decimal.NewFromInt(4)},
			"litigation_cases":       {Number: decimal.NewFromInt(5)},
			"litigation_leader_rate": {Number: decimal.NewFromInt(100)},
			"penalty_amount":         {Number: decimal.RequireFromString("23.66465")},
			"wage_recovered":         {Number: decimal.RequireFromString("77.59")},
			"report_published_on":    {Text: "2023-03-28"},
			"arbitration_channel":    {Text: "部分使用"},
			"pufa_highlight":         {Text: "“八五”普法中期评估获评优秀"},
			"mediation_rate":         {Number: decimal.RequireFromString("87.5")},
		},
		GeneratedAt: time.Date(2025, 1, 6, 9, 30, 0, 0, time.UTC),
	}
}

// tplBuiltinInput is a template input on the built-in catalogue for a
// sector ("" for the general part alone), with a plausible value for last
// year on every indicator.
func tplBuiltinInput(t testing.TB, sector string) excelreturn.TemplateInput {
	t.Helper()
	c, err := catalogue.Builtin().ComposeFor(sector)
	if err != nil {
		t.Fatal(err)
	}
	last := catalogue.Values{}
	for i, ind := range c.Indicators() {
		switch ind.Type {
		case catalogue.Integer:
			last[ind.Key] = catalogue.Value{Number: decimal.NewFromInt(int64(3 * i))}
		case catalogue.Decimal:
			last[ind.Key] = catalogue.Value{Number: decimal.RequireFromString("77.59")}
		case catalogue.Percent:
			last[ind.Key] = catalogue.Value{Number: decimal.RequireFromString("87.5")}
		case catalogue.Date:
			last[ind.Key] = catalogue.Value{Text: "2024-03-28"}
		case catalogue.Choice:
			last[ind.Key] = catalogue.Value{Text: ind.Choices[0]}
		default:
			last[ind.Key] = catalogue.Value{Text: "“八五”普法中期评估获评优秀"}
		}
	}
	in := tplInput(t)
	in.Catalogue = c
	in.LastYear = last
	return in
}
