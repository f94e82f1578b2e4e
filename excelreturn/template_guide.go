package excelreturn

import (
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/lawcycle/lawcycle/catalogue"
	"github.com/lawcycle/lawcycle/internal/chinatime"
)

// Column widths of 填报说明: item or severity, text, reason.
var guideWidths = []float64{10, 70, 56}

// severityText is how a severity reads in the template.
func severityText(s catalogue.Severity) string {
	if s == catalogue.SeverityError {
		return "错误"
	}
	return "提醒"
}

// guideSteps is how to fill the return, one paragraph each.
func guideSteps() []string {
	return []string{
		"请只在浅黄色底色的单元格中填写；其他单元格已锁定。把鼠标停在单元格上（或选中单元格）可看到该项的填报说明和要求。",
		"“" + SheetInfo + "”：填写填报人、联系电话和主要负责人；单位名称和统一社会信用代码已预填，如有错误请联系法治办。",
		"“" + SheetIndicators + "”：在“本年度数值”列按“单位”列的单位填写，只填数字，不带单位，不使用公式；金额单位为万元的按万元填写。“上年度数值”供对照，不能修改。",
		"百分比直接填写百分数，如 95%（单元格已设为百分比格式，100% 保存为 1）。",
		"日期按“年-月-日”填写，如 2025-06-30。",
		"名称前带 * 的为必填项；本年度没有发生的事项填 0，不要留空。",
		"系统检查分两种：“错误”必须改正后才能报送；“提醒”不影响报送，但请在该行“说明”列写明原因（如案件从上年结转、统计口径变化），供审核人员参考。",
		"“" + SheetProblems + "”：每行填写一个问题及其原因、整改措施、责任部门、责任人、计划完成时限，并从下拉列表选择类别（" + strings.Join(ProblemCategories, "、") + "）。没有的行留空。",
		"“" + SheetPlans + "”：每行填写一项下一年度工作安排。",
		"请勿修改工作表名称，不要增加、删除、移动工作表或插入、删除行列，不要整行复制粘贴（会覆盖单元格的检查设置）。",
		"填好后以 Excel 工作簿（.xlsx）格式保存上传（WPS、LibreOffice 请选择“.xlsx”格式），不要另存为 .xls、.et 或 PDF，不要加密或设置打开密码。",
	}
}

func (t *templateWriter) guideSheet(sw *excelize.StreamWriter) error {
	st := t.st
	if err := setWidths(sw, guideWidths...); err != nil {
		return err
	}
	r := &rowWriter{sw: sw}
	text := func(s string) *excelize.Cell { return t.cell(st.guideText, s) }
	// line writes one paragraph across B:C.
	line := func(lead, s string) error {
		if err := sw.MergeCell(cellRef(2, r.row+1), cellRef(3, r.row+1)); err != nil {
			return err
		}
		return r.write(rowHeight(cellText{s, guideWidths[1] + guideWidths[2]}), text(lead), text(s))
	}
	heading := func(s string) error {
		r.skip()
		return r.write(24, t.cell(st.guideHead, s))
	}

	if err := sw.MergeCell("A1", "C1"); err != nil {
		return err
	}
	if err := r.write(32, t.cell(st.title, t.title()+"填报表 填报说明"), t.cell(st.title, nil), t.cell(st.title, nil)); err != nil {
		return err
	}
	in := t.in
	cycle := in.CycleTitle
	if in.CycleID == "" {
		cycle = "空白模板（仅供试填和检查，不能作为正式报送）"
	}
	if in.CycleYear > 0 {
		cycle += "（" + strconv.Itoa(in.CycleYear) + " 年度）"
	}
	org := in.OrgName
	if in.CreditCode != "" {
		org += "（统一社会信用代码 " + in.CreditCode + "）"
	}
	inds := t.cat.Indicators()
	facts := [][2]string{
		{"填报周期", cycle},
		{"填报单位", org},
		{"指标体系", t.cat.Label() + "，共 " + strconv.Itoa(len(t.sections)) + " 个部分、" + strconv.Itoa(len(inds)) + " 项指标"},
		{"生成时间", chinatime.In(in.GeneratedAt).Format("2006-01-02 15:04")},
	}
	for _, f := range facts {
		if f[1] == "" {
			continue
		}
		if err := line(f[0], f[1]); err != nil {
			return err
		}
	}

	if err := heading("一、填报方法"); err != nil {
		return err
	}
	steps := append(guideSteps(), t.cat.Help...)
	for i, s := range steps {
		if err := line(strconv.Itoa(i+1)+".", s); err != nil {
			return err
		}
	}

	if err := heading("二、指标构成"); err != nil {
		return err
	}
	for _, s := range t.sections {
		desc := s.Section.Name + "（" + strconv.Itoa(len(s.Indicators)) + " 项，第 " + s.Code + " 部分）"
		if s.Section.Help != "" {
			desc += "：" + s.Section.Help
		}
		if err := line(s.Code, desc); err != nil {
			return err
		}
	}

	if err := heading("三、检查规则"); err != nil {
		return err
	}
	if err := r.write(22, t.cell(st.header, "类型"), t.cell(st.header, "规则"), t.cell(st.header, "为什么")); err != nil {
		return err
	}
	rule := func(sev, msg, why string) error {
		h := rowHeight(cellText{msg, guideWidths[1]}, cellText{why, guideWidths[2]})
		return r.write(h, t.cell(st.code, sev), t.cell(st.label, msg), t.cell(st.label, why))
	}
	builtin := [][3]string{
		{"错误", "数值类型不符：整数项填了小数或文字，百分比、日期无法识别，选择项不在下拉列表中。", "无法识别的数值不能当作 0 处理，必须改正。"},
		{"错误", "超出范围：如件数、人数为负数，百分比超过 100%，或超出“填报要求”列写明的范围。", "诚实的报表不会出现这样的数值。"},
		{"错误", "带 * 的必填项未填写。", "必填项是汇总和审核所必需的。"},
	}
	for _, b := range builtin {
		if err := rule(b[0], b[1], b[2]); err != nil {
			return err
		}
	}
	for _, ru := range t.cat.Rules {
		if err := rule(severityText(ru.Severity), ru.Message, ru.Help); err != nil {
			return err
		}
	}
	for _, fl := range t.cat.Flags {
		if err := rule(severityText(catalogue.SeverityWarning), fl.Message, fl.Help); err != nil {
			return err
		}
	}

	// The whole help of every indicator: the input prompt shows only its
	// first sentence.
	if err := heading("四、指标解释"); err != nil {
		return err
	}
	if err := r.write(22, t.cell(st.header, "编号"), t.cell(st.header, "指标"), t.cell(st.header, "填报说明")); err != nil {
		return err
	}
	for _, s := range t.sections {
		for _, ir := range s.Indicators {
			ind := ir.Indicator
			help := ind.Help
			if help == "" {
				help = requirementText(ind)
			}
			name := ind.Name
			if ind.Unit != "" {
				name += "（" + ind.Unit + "）"
			}
			h := rowHeight(cellText{name, guideWidths[1]}, cellText{help, guideWidths[2]})
			if err := r.write(h, t.cell(st.code, ir.Code), t.cell(st.label, name), t.cell(st.label, help)); err != nil {
				return err
			}
		}
	}
	return t.f.ProtectSheet(SheetGuide, userProtection())
}
