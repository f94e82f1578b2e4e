package excelreturn_test

import (
	"strings"
	"testing"

	"github.com/lawcycle/lawcycle/catalogue"
	"github.com/lawcycle/lawcycle/excelreturn"
)

// Indicators of every type and the units real returns use (samples/).
var (
	vlCases   = &catalogue.Indicator{Key: "cases", Name: "行政复议案件数", Unit: "件", Type: catalogue.Integer}
	vlLawyers = &catalogue.Indicator{Key: "lawyers", Name: "公职律师人数", Unit: "人", Type: catalogue.Integer}
	vlFirms   = &catalogue.Indicator{Key: "firms", Name: "检查企业数", Unit: "家", Type: catalogue.Integer}
	vlTimes   = &catalogue.Indicator{Key: "times", Name: "跨部门联合双随机次数", Unit: "次", Type: catalogue.Integer}
	vlFine    = &catalogue.Indicator{Key: "fine", Name: "罚款金额", Unit: "万元", Type: catalogue.Decimal, Scale: 6}
	vlWages   = &catalogue.Indicator{Key: "wages", Name: "追回工资金额", Unit: "万元", Type: catalogue.Decimal, Scale: 2}
	vlRatio   = &catalogue.Indicator{Key: "ratio", Name: "案卷合格系数", Type: catalogue.Decimal}
	vlRate    = &catalogue.Indicator{Key: "rate", Name: "负责人出庭应诉率", Unit: "%", Type: catalogue.Percent, Scale: 2}
	vlRate0   = &catalogue.Indicator{Key: "rate0", Name: "执法人员持证率", Unit: "%", Type: catalogue.Percent}
	vlDay     = &catalogue.Indicator{Key: "day", Name: "权责清单公布日期", Type: catalogue.Date}
	vlYesNo   = &catalogue.Indicator{Key: "report", Name: "主要负责人年度述法", Type: catalogue.Choice, Choices: []string{"是", "否"}}
	vlCat     = &catalogue.Indicator{Key: "cat", Name: "整改类别", Type: catalogue.Choice, Choices: []string{"立行立改", "限期整改", "长期坚持"}}
	vlNote    = &catalogue.Indicator{Key: "note", Name: "特色亮点", Type: catalogue.Text}
)

func vlText(s string) excelreturn.Cell { return excelreturn.Cell{Raw: s, Kind: excelreturn.CellText} }
func vlNum(s string) excelreturn.Cell  { return excelreturn.Cell{Raw: s, Kind: excelreturn.CellNumber} }
func vlPct(s string) excelreturn.Cell {
	return excelreturn.Cell{Raw: s, Kind: excelreturn.CellNumber, Format: excelreturn.NumFmtPercent}
}
func vlDate(s string) excelreturn.Cell {
	return excelreturn.Cell{Raw: s, Kind: excelreturn.CellNumber, Format: excelreturn.NumFmtDate}
}

// vlCanon is a value as the tests compare it.
func vlCanon(ind *catalogue.Indicator, v catalogue.Value) string {
	switch ind.Type {
	case catalogue.Integer, catalogue.Decimal, catalogue.Percent:
		return v.Number.String()
	default:
		return v.Text
	}
}

const vlBlank = "<blank>"

func TestParseCellValueAccepts(t *testing.T) {
	tests := []struct {
		ind  *catalogue.Indicator
		cell excelreturn.Cell
		want string
	}{
		// blanks are blank, never zero
		{vlCases, vlText(""), vlBlank},
		{vlCases, vlText("   "), vlBlank},
		{vlCases, vlText("\u00a0\u3000\t"), vlBlank},
		{vlCases, vlText("\u200b"), vlBlank},
		{vlCases, excelreturn.Cell{}, vlBlank},
		{vlCases, excelreturn.Cell{Raw: "", Kind: excelreturn.CellText, Formula: true}, vlBlank}, // =IF(…,"",…)
		{vlDay, vlText(" "), vlBlank},
		{vlYesNo, vlText(""), vlBlank},
		{vlNote, vlText("  "), vlBlank},

		// integers as numbers and as text
		{vlCases, vlNum("9"), "9"},
		{vlCases, vlNum("0"), "0"},
		{vlCases, vlText("0"), "0"},
		{vlCases, vlNum("12.000000000000002"), "12"},
		{vlCases, vlNum("1.2E1"), "12"},
		{vlCases, vlNum("-3"), "-3"}, // bounds are catalogue.Check's concern
		{vlCases, vlText("12"), "12"},
		{vlCases, vlText(" 12 "), "12"},
		{vlCases, vlText("'12"), "12"},
		{vlCases, vlText("+12"), "12"},
		{vlCases, vlText("-12"), "-12"},
		{vlCases, vlText("−12"), "-12"},
		{vlCases, vlText("１２"), "12"},
		{vlCases, vlText("－１２"), "-12"},
		{vlCases, vlText("１２３，４５６"), "123456"},
		{vlCases, vlText("1,234"), "1234"},
		{vlCases, vlText("1，234"), "1234"},
		{vlCases, vlText("1 234"), "1234"},
		{vlCases, vlText("1\u2009234"), "1234"},
		{vlCases, vlText("1\u00a0234\u00a0567"), "1234567"},
		{vlCases, vlText("12.0"), "12"},
		{vlCases, vlText("9件"), "9"},
		{vlCases, vlText("9 件"), "9"},
		{vlCases, vlText("9件 "), "9"},
		{vlCases, vlText("12宗"), "12"},
		{vlCases, vlText("3起"), "3"},
		{vlCases, vlText("９件"), "9"},
		{vlCases, vlText("1E3"), "1000"},
		{vlLawyers, vlText("3人"), "3"},
		{vlLawyers, vlText("4名"), "4"},
		{vlLawyers, vlText("1.72万人"), "17200"},
		{vlLawyers, vlText("1.72万"), "17200"},
		{vlFirms, vlText("27家"), "27"},
		{vlFirms, vlText("9900户"), "9900"},
		{vlTimes, vlText("6次"), "6"},
		{vlTimes, vlNum("6"), "6"},

		// money in 万元
		{vlFine, vlNum("23.664650000000002"), "23.66465"},
		{vlFine, vlNum("23.66465"), "23.66465"},
		{vlFine, vlText("23.66465"), "23.66465"},
		{vlFine, vlText("23.66465万元"), "23.66465"},
		{vlFine, vlText("236646.5元"), "23.66465"},
		{vlFine, vlText("236,646.5元"), "23.66465"},
		{vlFine, vlText("747万元"), "747"},
		{vlFine, vlText("747万"), "747"},
		{vlFine, vlText("1.53亿元"), "15300"},
		{vlFine, vlText("1.53亿"), "15300"},
		{vlFine, vlText("￥747万元"), "747"},
		{vlFine, vlText("¥ 7,470,000元"), "747"},
		{vlFine, vlText("５９３７万元"), "5937"},
		{vlFine, vlText("3179.4"), "3179.4"},
		{vlFine, vlNum("1E-3"), "0.001"},
		{vlFine, vlText("1元"), "0.0001"},
		{vlFine, vlText("0.00"), "0"},
		{vlWages, vlNum("77.59"), "77.59"},
		{vlWages, vlNum("77.590000000000003"), "77.59"},
		{vlWages, vlNum("0.30000000000000004"), "0.3"},
		{vlWages, vlText("77.59万元"), "77.59"},
		{vlWages, vlText("１０２６．５３"), "1026.53"},
		{vlRatio, vlText("1.2345"), "1.2345"},

		// percentages, canonical in percentage points
		{vlRate, vlText("100%"), "100"},
		{vlRate, vlText("95%"), "95"},
		{vlRate, vlText("95.5%"), "95.5"},
		{vlRate, vlText("96.18 %"), "96.18"},
		{vlRate, vlText("１００％"), "100"},
		{vlRate, vlText("120%"), "120"},
		{vlRate, vlText("0%"), "0"},
		{vlRate, vlText("0.5%"), "0.5"},
		{vlRate, vlText("100"), "100"},
		{vlRate, vlText("95"), "95"},
		{vlRate, vlText("1"), "100"},
		{vlRate, vlText("0.955"), "95.5"},
		{vlRate, vlNum("1"), "100"},
		{vlRate, vlNum("0.9618"), "96.18"},
		{vlRate, vlNum("0.96179999999999999"), "96.18"},
		{vlRate, vlNum("100"), "100"},
		{vlRate, vlNum("97.01"), "97.01"},
		{vlRate, vlPct("1"), "100"},
		{vlRate, vlPct("0.955"), "95.5"},
		{vlRate, vlPct("0.01"), "1"},
		{vlRate, vlPct("1.2"), "120"},
		{vlRate, vlPct("0"), "0"},
		{vlRate0, vlText("92.345%"), "92.345"},
		{vlRate, excelreturn.Cell{Raw: "0.21428571428571427", Kind: excelreturn.CellNumber, Format: excelreturn.NumFmtPercent, Formula: true}, "21.43"},
		{vlRate, excelreturn.Cell{Raw: "0.21428571428571427", Kind: excelreturn.CellNumber, Formula: true}, "21.43"},
		{vlRate0, excelreturn.Cell{Raw: "0.21428571428571427", Kind: excelreturn.CellNumber, Formula: true}, "21.4285714286"},
		{vlWages, excelreturn.Cell{Raw: "23.66465", Kind: excelreturn.CellNumber, Formula: true}, "23.66"},
		{vlWages, excelreturn.Cell{Raw: "-23.665", Kind: excelreturn.CellNumber, Formula: true}, "-23.67"},

		// dates
		{vlDay, vlDate("45642"), "2024-12-16"},
		{vlDay, vlNum("45642"), "2024-12-16"},
		{vlDay, vlDate("45642.75"), "2024-12-16"},
		{vlDay, excelreturn.Cell{Raw: "44180", Kind: excelreturn.CellNumber, Format: excelreturn.NumFmtDate, Date1904: true}, "2024-12-16"},
		{vlDay, vlDate("18264"), "1950-01-01"},
		{vlDay, vlDate("73415"), "2100-12-31"},
		{vlDay, vlNum("20241216"), "2024-12-16"},
		{vlDay, vlText("2024-12-16"), "2024-12-16"},
		{vlDay, vlText("2024-1-6"), "2024-01-06"},
		{vlDay, vlText("2024/12/16"), "2024-12-16"},
		{vlDay, vlText("2024.12.16"), "2024-12-16"},
		{vlDay, vlText("2024年12月16日"), "2024-12-16"},
		{vlDay, vlText("2024 年 12 月 16 日"), "2024-12-16"},
		{vlDay, vlText("2024年1月6号"), "2024-01-06"},
		{vlDay, vlText("20241216"), "2024-12-16"},
		{vlDay, vlText("２０２４－１２－１６"), "2024-12-16"},
		{vlDay, vlText("２０２４年１２月１６日"), "2024-12-16"},
		{vlDay, vlText("2024-12-16 00:00:00"), "2024-12-16"},
		{vlDay, vlText("2024年12月16日 14:30"), "2024-12-16"},
		{vlDay, vlText("2024-02-29"), "2024-02-29"},
		{vlDay, excelreturn.Cell{Raw: "2024-12-16T00:00:00Z", Kind: excelreturn.CellISODate}, "2024-12-16"},
		{vlDay, excelreturn.Cell{Raw: "2024-12-16T08:00:00", Kind: excelreturn.CellISODate}, "2024-12-16"},

		// choices, in the catalogue's spelling
		{vlYesNo, vlText("是"), "是"},
		{vlYesNo, vlText(" 否 "), "否"},
		{vlYesNo, vlText("是\u3000"), "是"},
		{vlCat, vlText("限期整改"), "限期整改"},
		{vlCat, vlText("限期 整改"), "限期整改"},

		// text, trimmed and otherwise as written
		{vlNote, vlText("  “三项制度”全覆盖  "), "“三项制度”全覆盖"},
		{vlNote, vlText("１２３"), "１２３"},
		{vlNote, vlNum("0.30000000000000004"), "0.3"},
		{vlNote, vlDate("45642"), "2024-12-16"},
		{vlNote, excelreturn.Cell{Raw: "1", Kind: excelreturn.CellBool}, "TRUE"},
	}
	if len(tests) < 80 {
		t.Fatalf("only %d rows", len(tests))
	}
	for _, tt := range tests {
		v, blank, verr := excelreturn.ParseCellValue(tt.ind, tt.cell)
		name := tt.ind.Name + " " + tt.cell.Raw
		if verr != nil {
			t.Errorf("%s: unexpected error %s", name, verr)
			continue
		}
		got := vlCanon(tt.ind, v)
		if blank {
			got = vlBlank
			if v != (catalogue.Value{}) {
				t.Errorf("%s: blank with a value %+v", name, v)
			}
		}
		if got != tt.want {
			t.Errorf("%s (kind %d): got %q, want %q", name, tt.cell.Kind, got, tt.want)
		}
	}
}

func TestParseCellValueRefuses(t *testing.T) {
	tests := []struct {
		ind    *catalogue.Indicator
		cell   excelreturn.Cell
		code   string
		phrase string
	}{
		// the example of the brief, word for word
		{vlCases, vlText("约10件"), excelreturn.CodeNotANumber, "「行政复议案件数」应为整数（件），但填写的是“约10件”；"},
		{vlCases, vlText("约10件"), excelreturn.CodeNotANumber, "请填写确切的数字，如 10"},
		{vlCases, vlText("无"), excelreturn.CodeNotANumber, "如果本年度没有发生，请填 0"},
		{vlCases, vlText("没有"), excelreturn.CodeNotANumber, "请填 0"},
		{vlCases, vlText("/"), excelreturn.CodeNotANumber, "请填 0"},
		{vlCases, vlText("—"), excelreturn.CodeNotANumber, "请填 0"},
		{vlCases, vlText("-"), excelreturn.CodeNotANumber, "请填 0"},
		{vlCases, vlText("十二"), excelreturn.CodeNotANumber, "请用阿拉伯数字填写"},
		{vlCases, vlText("零"), excelreturn.CodeNotANumber, "请用阿拉伯数字填写"},
		{vlCases, vlText("十2"), excelreturn.CodeNotANumber, "请用阿拉伯数字填写"},
		{vlCases, vlText("若干"), excelreturn.CodeNotANumber, "请只填数字"},
		{vlCases, vlText("TRUE"), excelreturn.CodeNotANumber, "请只填数字"},
		{vlCases, vlText("10件左右"), excelreturn.CodeNotANumber, "约数"},
		{vlCases, vlText("10余件"), excelreturn.CodeNotANumber, "约数"},
		{vlCases, vlText("10多"), excelreturn.CodeNotANumber, "约数"},
		{vlCases, vlText("80+"), excelreturn.CodeNotANumber, "约数"},
		{vlCases, vlText(">5"), excelreturn.CodeNotANumber, "约数"},
		{vlCases, vlText("近20"), excelreturn.CodeNotANumber, "约数"},
		{vlCases, vlText("3-5"), excelreturn.CodeNotANumber, "范围"},
		{vlCases, vlText("3~5件"), excelreturn.CodeNotANumber, "范围"},
		{vlCases, vlText("3至5"), excelreturn.CodeNotANumber, "范围"},
		{vlCases, vlText("4+5"), excelreturn.CodeNotANumber, "只能填一个数字"},
		{vlCases, vlText("4、5"), excelreturn.CodeNotANumber, "只能填一个数字"},
		{vlCases, vlText("9（其中复议4件）"), excelreturn.CodeNotANumber, "分项情况请写在“说明”栏"},
		{vlCases, vlText("12 5"), excelreturn.CodeNotANumber, "数字中间有空格"},
		{vlCases, vlText("1,23"), excelreturn.CodeNotANumber, "千位分隔符"},
		{vlCases, vlText("1234,567"), excelreturn.CodeNotANumber, "千位分隔符"},
		{vlCases, vlText("1,234 567"), excelreturn.CodeNotANumber, "千位分隔符不一致"},
		{vlCases, vlText("--5"), excelreturn.CodeNotANumber, "正负号有误"},
		{vlCases, vlText("+-5"), excelreturn.CodeNotANumber, "正负号有误"},
		{vlCases, vlText("5-"), excelreturn.CodeNotANumber, "正负号有误"},
		{vlCases, vlText("1.2.3"), excelreturn.CodeNotANumber, "多个小数点"},
		{vlCases, vlText("12件（含撤回）"), excelreturn.CodeNotANumber, "数字后面有多余的文字“(含撤回)”"},
		{vlCases, vlText("共12"), excelreturn.CodeNotANumber, "数字前面有多余的文字"},
		{vlCases, vlText("2024-12-16"), excelreturn.CodeNotANumber, "这是一个日期"},
		{vlCases, vlText("1E30"), excelreturn.CodeNotANumber, "超出了可以处理的范围"},
		{vlCases, vlText("12345678901234567890"), excelreturn.CodeNotANumber, "超出了可以处理的范围"},
		{vlCases, vlText("3.5件"), excelreturn.CodeNotAnInteger, "「行政复议案件数」应为整数（件），但填写的是“3.5件”；请填写整数"},
		{vlCases, vlNum("3.5"), excelreturn.CodeNotAnInteger, "请填写整数"},
		{vlCases, vlNum("1E-3"), excelreturn.CodeNotAnInteger, "请填写整数"},
		{vlCases, excelreturn.Cell{Raw: "3.5", Kind: excelreturn.CellNumber, Formula: true}, excelreturn.CodeNotAnInteger, "请填写整数"},
		{vlWages, excelreturn.Cell{Raw: "1E-3", Kind: excelreturn.CellNumber, Formula: true}, excelreturn.CodeTooManyDecimals, "最多保留 2 位小数"},
		{vlRate, excelreturn.Cell{Raw: "0.21428571428571427", Kind: excelreturn.CellText, Formula: true}, excelreturn.CodeTooManyDecimals, "请四舍五入为 21.43%"},
		{vlLawyers, vlText("1.72345万人"), excelreturn.CodeNotAnInteger, "请填写整数"},
		{vlCases, vlText("5人"), excelreturn.CodeUnitMismatch, "「行政复议案件数」的单位是“件”，但填写的是“5人”"},
		{vlLawyers, vlText("5件"), excelreturn.CodeUnitMismatch, "单位是“人”"},
		{vlLawyers, vlText("5人次"), excelreturn.CodeUnitMismatch, "单位是“人”"},
		{vlCases, vlText("5%"), excelreturn.CodeUnitMismatch, "单位是“件”"},
		{vlFine, vlText("5件"), excelreturn.CodeUnitMismatch, "单位是“万元”"},
		{vlFine, vlText("5人"), excelreturn.CodeUnitMismatch, "单位是“万元”"},
		{vlRatio, vlText("5件"), excelreturn.CodeUnitMismatch, "没有单位"},
		{vlRate, vlText("5件"), excelreturn.CodeUnitMismatch, "单位是“%”"},
		{vlRate, vlText("5万"), excelreturn.CodeUnitMismatch, "单位是“%”"},
		{vlCases, vlText("¥5"), excelreturn.CodeUnitMismatch, "单位是“件”"},
		{vlCases, vlPct("0.5"), excelreturn.CodeUnitMismatch, "百分比格式，显示为 50%"},
		{vlWages, vlText("23.66465"), excelreturn.CodeTooManyDecimals, "「追回工资金额」最多保留 2 位小数（万元），但填写的是“23.66465”；请四舍五入为 23.66"},
		{vlWages, vlNum("23.66465"), excelreturn.CodeTooManyDecimals, "请四舍五入为 23.66"},
		{vlWages, vlText("236646.5元"), excelreturn.CodeTooManyDecimals, "最多保留 2 位小数"},
		{vlRate, vlText("95.555%"), excelreturn.CodeTooManyDecimals, "请四舍五入为 95.56%"},
		{vlRatio, vlText("0.12345678901"), excelreturn.CodeTooManyDecimals, "小数位数太多"},
		{vlCases, vlDate("45721"), excelreturn.CodeNumberAsDate, "单元格是日期格式，显示为 2025-03-05"},
		{vlRate, vlDate("45721"), excelreturn.CodeNumberAsDate, "请把单元格格式改为“常规”"},
		{vlCases, excelreturn.Cell{Raw: "2025-03-05T00:00:00Z", Kind: excelreturn.CellISODate}, excelreturn.CodeNumberAsDate, "日期"},
		{vlCases, excelreturn.Cell{Raw: "1", Kind: excelreturn.CellBool}, excelreturn.CodeNotANumber, "但填写的是“TRUE”；这是逻辑值"},
		{vlCases, excelreturn.Cell{Raw: "#DIV/0!", Kind: excelreturn.CellError, Formula: true}, excelreturn.CodeErrorValue, "公式出错，显示为 #DIV/0!（除数为 0）"},
		{vlCases, excelreturn.Cell{Raw: "#REF!", Kind: excelreturn.CellError}, excelreturn.CodeErrorValue, "#REF!"},
		{vlFine, excelreturn.Cell{Raw: "#VALUE!", Kind: excelreturn.CellError}, excelreturn.CodeErrorValue, "#VALUE!"},
		{vlDay, excelreturn.Cell{Raw: "#N/A", Kind: excelreturn.CellError}, excelreturn.CodeErrorValue, "#N/A"},
		{vlNote, excelreturn.Cell{Raw: "#NAME?", Kind: excelreturn.CellError}, excelreturn.CodeErrorValue, "#NAME?"},
		{vlCases, vlText("#DIV/0!"), excelreturn.CodeErrorValue, "#DIV/0!"},
		{vlCases, excelreturn.Cell{Kind: excelreturn.CellFormulaNoValue, Formula: true}, excelreturn.CodeFormulaNoValue, "没有保存公式的计算结果"},
		{vlCases, excelreturn.Cell{Kind: excelreturn.CellNumber, Formula: true}, excelreturn.CodeFormulaNoValue, "没有保存公式的计算结果"},
		{vlDay, vlText("2024-02-30"), excelreturn.CodeInvalidDate, "2024年2月没有30日"},
		{vlDay, vlText("2023-02-29"), excelreturn.CodeInvalidDate, "2023年2月没有29日"},
		{vlDay, vlText("2024年13月1日"), excelreturn.CodeInvalidDate, "没有 13 月"},
		{vlDay, vlText("2024-12"), excelreturn.CodeInvalidDate, "只填到了月份"},
		{vlDay, vlText("2024年12月"), excelreturn.CodeInvalidDate, "只填到了月份"},
		{vlDay, vlText("2024年"), excelreturn.CodeInvalidDate, "只填了年份"},
		{vlDay, vlNum("2024"), excelreturn.CodeInvalidDate, "只填了年份"},
		{vlDay, vlText("12/16/2024"), excelreturn.CodeInvalidDate, "请按“年-月-日”填写"},
		{vlDay, vlText("24-12-16"), excelreturn.CodeInvalidDate, "请按“年-月-日”填写"},
		{vlDay, vlText("2024-12/16"), excelreturn.CodeInvalidDate, "分隔符不一致"},
		{vlDay, vlText("二〇二四年十二月十六日"), excelreturn.CodeInvalidDate, "请用阿拉伯数字"},
		{vlDay, vlText("45642"), excelreturn.CodeInvalidDate, "请按“年-月-日”填写"},
		{vlDay, vlText("1850-01-01"), excelreturn.CodeInvalidDate, "超出了合理范围"},
		{vlDay, vlNum("100"), excelreturn.CodeInvalidDate, "不是有效的日期"},
		{vlDay, vlDate("60"), excelreturn.CodeInvalidDate, "不是有效的日期"},
		{vlDay, vlDate("45"), excelreturn.CodeInvalidDate, "日期 1900-02-14 超出了合理范围（1950—2100 年）"},
		{vlDay, vlDate("73416"), excelreturn.CodeInvalidDate, "超出了合理范围"},
		{vlDay, vlText("1949-10-01"), excelreturn.CodeInvalidDate, "年份 1949 超出了合理范围"},
		{vlDay, vlNum("-5"), excelreturn.CodeInvalidDate, "不是有效的日期"},
		{vlDay, vlText("20240230"), excelreturn.CodeInvalidDate, "没有30日"},
		{vlDay, excelreturn.Cell{Raw: "1", Kind: excelreturn.CellBool}, excelreturn.CodeInvalidDate, "逻辑值"},
		{vlYesNo, vlText("对"), excelreturn.CodeInvalidChoice, "「主要负责人年度述法」只能从下拉列表中选择：是、否；但填写的是“对”"},
		{vlYesNo, vlText("是的"), excelreturn.CodeInvalidChoice, "请从下拉列表中选择"},
		{vlYesNo, vlText("Y"), excelreturn.CodeInvalidChoice, "是、否"},
		{vlYesNo, excelreturn.Cell{Raw: "1", Kind: excelreturn.CellBool}, excelreturn.CodeInvalidChoice, "逻辑值"},
		{vlCat, vlText("限期"), excelreturn.CodeInvalidChoice, "立行立改、限期整改、长期坚持"},
	}
	for _, tt := range tests {
		v, blank, verr := excelreturn.ParseCellValue(tt.ind, tt.cell)
		name := tt.ind.Name + " " + tt.cell.Raw
		if verr == nil {
			t.Errorf("%s: accepted as %q (blank %v), want %s", name, vlCanon(tt.ind, v), blank, tt.code)
			continue
		}
		if blank || v != (catalogue.Value{}) {
			t.Errorf("%s: error with a value %+v (blank %v)", name, v, blank)
		}
		if verr.Code != tt.code {
			t.Errorf("%s: code %s, want %s (%s)", name, verr.Code, tt.code, verr.Message)
		}
		if !strings.Contains(verr.Message, tt.phrase) {
			t.Errorf("%s: message %q lacks %q", name, verr.Message, tt.phrase)
		}
		if !strings.Contains(verr.Message, "「"+tt.ind.Name+"」") {
			t.Errorf("%s: message %q does not name the indicator", name, verr.Message)
		}
		if verr.Error() == "" {
			t.Errorf("%s: empty Error()", name)
		}
	}
}

// TestFormatValueRoundTrip: what FormatValue writes reads back as the same
// value, so a value can be shown (last year's column, the annotated copy)
// and typed back.
func TestFormatValueRoundTrip(t *testing.T) {
	cells := []struct {
		ind *catalogue.Indicator
		raw string
	}{
		{vlCases, "12"}, {vlCases, "-3"}, {vlFine, "236646.5元"}, {vlFine, "1.53亿元"}, {vlRate, "0.5%"},
		{vlRate, "1"}, {vlRate, "96.18%"}, {vlDay, "2024年12月16日"}, {vlYesNo, " 是 "}, {vlNote, " 说明 "},
	}
	for _, c := range cells {
		v, _, verr := excelreturn.ParseCellValue(c.ind, vlText(c.raw))
		if verr != nil {
			t.Fatalf("%s: %s", c.raw, verr)
		}
		s := excelreturn.FormatValue(c.ind, v)
		again, _, verr := excelreturn.ParseCellValue(c.ind, vlText(s))
		if verr != nil || vlCanon(c.ind, again) != vlCanon(c.ind, v) {
			t.Errorf("%s → %q → %+v, %v; want %+v", c.raw, s, again, verr, v)
		}
	}
}
