package excelreturn

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/lawcycle/lawcycle/catalogue"
)

// errStop ends reading after a fault that makes the rest of the file
// meaningless (another bureau's template, no metadata sheet); the issues
// are already recorded.
var errStop = errors.New("return refused")

// maxMetaRows bounds the metadata sheet's indicator rows, far above any
// catalogue, so a doctored metadata sheet cannot grow the reader's maps.
const maxMetaRows = 10000

// readMeta reads the hidden metadata sheet: the fixed keys and, under the
// MetaRowsMarker row, the row of every indicator on 统计指标.
func (p *parser) readMeta() (Meta, map[string]int, error) {
	var meta Meta
	if !p.sheets[SheetMeta] {
		p.fail(fileIssue(CodeNotATemplate,
			"这不是本系统生成的填报表（缺少模板标识），无法识别所属周期和单位。请登录系统下载本单位的填报模板，在模板中填写后上传，不要使用自制表格或从其他文件复制的工作表。"))
		return meta, nil, errStop
	}
	kv := map[string]string{}
	rows := map[string]int{}
	inRows := false
	if err := p.eachRow(SheetMeta, func(_ int, cols []string) bool {
		k, v := col(cols, 0), col(cols, 1)
		if !inRows {
			if k == MetaRowsMarker {
				inRows = true
			} else if k != "" {
				kv[k] = v
			}
			return len(kv) < maxMetaRows
		}
		if k == "" {
			return false
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			n = -1
		}
		rows[k] = n
		return len(rows) < maxMetaRows
	}); err != nil {
		return meta, nil, err
	}
	if len(p.res.Errors) > 0 {
		return meta, nil, errStop
	}
	meta = Meta{
		Format:      kv[MetaFormat],
		CycleID:     kv[MetaCycleID],
		CycleTitle:  kv[MetaCycleTitle],
		OrgCode:     kv[MetaOrgCode],
		OrgName:     kv[MetaOrgName],
		Catalogue:   kv[MetaCatalogue],
		Fingerprint: kv[MetaFingerprint],
	}
	if y, err := strconv.ParseFloat(kv[MetaCycleYear], 64); err == nil && y > 0 && y < 10000 {
		meta.CycleYear = int(y)
	}
	switch {
	case meta.Format == "" || !inRows:
		p.fail(fileIssue(CodeNotATemplate,
			"填报表的模板标识已损坏，无法识别所属周期和单位。请登录系统重新下载本单位的填报模板，把数据复制到新模板后上传。"))
		return meta, nil, errStop
	case meta.Format != FormatID:
		p.fail(fileIssue(CodeTemplateFormat, fmt.Sprintf(
			"填报表的模板格式为「%s」，本系统使用「%s」，可能是旧版系统生成的模板。请登录系统重新下载填报模板，把数据复制到新模板后上传。",
			meta.Format, FormatID)))
		return meta, nil, errStop
	}
	return meta, rows, nil
}

// checkMeta compares what the template says it is with what the caller
// expects and settles the catalogue the values are read with.
func (p *parser) checkMeta(meta Meta, rows map[string]int) error {
	exp := p.exp
	if exp.CycleID != "" {
		switch {
		case meta.CycleID == "":
			p.fail(fileIssue(CodeBlankTemplate,
				"这是空白模板（仅供试填和检查），没有绑定报告周期和单位，不能用于正式报送。请登录系统下载本单位本周期的填报模板，把数据复制到新模板后上传。"))
		case meta.CycleID != exp.CycleID:
			p.fail(fileIssue(CodeOtherCycle, fmt.Sprintf(
				"该填报表属于另一个报告周期：文件是「%s」的模板，本次报送的是%s。请登录系统下载本周期的填报模板，把数据复制到新模板后上传。",
				cycleName(meta.CycleTitle, meta.CycleYear, meta.CycleID), expectedCycle(exp))))
		}
	}
	if exp.OrgCode != "" && meta.CycleID != "" && meta.OrgCode != exp.OrgCode {
		p.fail(fileIssue(CodeOtherOrg, fmt.Sprintf(
			"该填报表是「%s」的模板，不是本单位「%s」的。各单位的模板预填了本单位信息，不能混用。请登录系统下载本单位的填报模板填写后上传。",
			orgName(meta.OrgName, meta.OrgCode), orgName(exp.OrgName, exp.OrgCode))))
	}
	if len(p.res.Errors) > 0 {
		return errStop
	}

	cat := exp.Catalogue
	if cat == nil {
		if exp.Resolve == nil {
			return errors.New("expect: neither a catalogue nor a resolver")
		}
		if meta.Catalogue == "" {
			p.fail(fileIssue(CodeNotATemplate,
				"填报表的模板标识不完整（缺少指标体系版本），无法读取。请登录系统重新下载填报模板，把数据复制到新模板后上传。"))
			return errStop
		}
		c, err := exp.Resolve(meta.Catalogue)
		if err != nil || c == nil {
			p.fail(fileIssue(CodeCatalogueUnknown, fmt.Sprintf(
				"该填报表使用的指标体系「%s」在本系统中不存在，可能来自其他系统或已停用的版本。请登录系统重新下载填报模板，把数据复制到新模板后上传。",
				meta.Catalogue)))
			return errStop
		}
		cat = c
	}
	fp := Fingerprint(cat)
	if meta.Catalogue != cat.Label() && meta.Fingerprint != fp {
		// Same fingerprint, other label: a version that changed only
		// rules or help texts reads the same cells the same way, so the
		// template is still good; the values are checked by the
		// cycle's catalogue below.
		p.fail(fileIssue(CodeCatalogueVersion, fmt.Sprintf(
			"该填报表使用的是%s的指标体系（%s），本周期使用的是 %s。指标有增减或调整，旧模板不能再用。请登录系统下载新版填报模板，把已填的数据复制到新模板后上传。",
			versionWord(meta.Catalogue, cat.Label()), labelText(meta.Catalogue), cat.Label())))
		return errStop
	}
	if meta.Fingerprint != fp || !sameRows(rows, IndicatorRows(cat)) {
		p.fail(fileIssue(CodeStructureChanged,
			"填报表的结构与系统模板不一致（结构校验码不符），模板可能被修改过，或是用其他工具重新制作的。请登录系统重新下载填报模板，把数据复制到新模板后上传。"))
		return errStop
	}
	p.cat = cat
	return nil
}

func sameRows(got, want map[string]int) bool {
	if len(got) != len(want) {
		return false
	}
	for k, r := range want {
		if got[k] != r {
			return false
		}
	}
	return true
}

func cycleName(title string, year int, id string) string {
	switch {
	case title != "" && year > 0 && !strings.Contains(title, strconv.Itoa(year)):
		return fmt.Sprintf("%s（%d年度）", title, year)
	case title != "":
		return title
	case year > 0:
		return fmt.Sprintf("%d年度（周期 %s）", year, id)
	default:
		return "周期 " + id
	}
}

func expectedCycle(exp Expect) string {
	if exp.CycleYear > 0 {
		return fmt.Sprintf("%d年度的报告", exp.CycleYear)
	}
	return "本周期的报告"
}

func orgName(name, code string) string {
	if name != "" {
		return name
	}
	return code
}

func labelText(label string) string {
	if label == "" {
		return "版本不明"
	}
	return label
}

// versionWord compares two catalogue labels part by part ("general@2024.1+
// hrss@2024.1") and says whether the file's is older or newer.
func versionWord(file, want string) string {
	fr, err := catalogue.ParseLabel(file)
	if err != nil {
		return "另一版本"
	}
	wr, err := catalogue.ParseLabel(want)
	if err != nil {
		return "另一版本"
	}
	older, newer := false, false
	for _, w := range wr {
		for _, f := range fr {
			if f.ID != w.ID {
				continue
			}
			switch c := catalogue.CompareVersions(f.Version, w.Version); {
			case c < 0:
				older = true
			case c > 0:
				newer = true
			}
		}
	}
	switch {
	case older && !newer:
		return "旧版本"
	case newer && !older:
		return "较新版本"
	default:
		return "另一版本"
	}
}

// sheetSignature tells a template sheet by its content, so a renamed sheet
// is recognised: the cells of one row and the text they hold.
type sheetSignature struct {
	row   int
	cells []string // from column A; "" matches anything
	title bool     // match cells[0] as a substring of A (title rows)
}

var sheetSignatures = map[string]sheetSignature{
	SheetGuide:      {row: 1, cells: []string{"填报说明"}, title: true},
	SheetInfo:       {row: InfoFirstRow, cells: []string{InfoFields[0].Label}},
	SheetIndicators: {row: IndicatorHeaderRow, cells: []string{"编号", "指标名称", "单位", "本年度数值"}},
	SheetProblems:   {row: ProblemHeaderRow, cells: ProblemColumns},
	SheetPlans:      {row: PlanHeaderRow, cells: PlanColumns},
}

func (s sheetSignature) match(cols []string) bool {
	if s.title {
		return strings.Contains(col(cols, 0), s.cells[0])
	}
	for i, want := range s.cells {
		if got := strings.TrimPrefix(col(cols, i), "*"); want != "" && got != want {
			return false
		}
	}
	return true
}

// checkSheets makes sure every sheet of the template is there under its
// name. A missing sheet whose content turns up under another name was
// renamed; otherwise it was deleted. It returns the sheets that can be
// read. The instructions sheet is not read: its loss is only a warning.
func (p *parser) checkSheets() map[string]bool {
	known := map[string]bool{SheetMeta: true, SheetErrors: true}
	for name := range sheetSignatures {
		known[name] = true
	}
	var strangers []string
	for _, name := range p.f.GetSheetList() {
		if !known[name] {
			strangers = append(strangers, name)
		}
	}
	present := map[string]bool{}
	claimed := map[string]bool{}
	for _, name := range []string{SheetGuide, SheetInfo, SheetIndicators, SheetProblems, SheetPlans} {
		if p.sheets[name] {
			present[name] = true
			continue
		}
		report := p.fail
		if name == SheetGuide {
			report = p.warn
		}
		if other := p.findRenamed(name, strangers, claimed); other != "" {
			claimed[other] = true
			report(Issue{Code: CodeSheetRenamed, Sheet: other, Message: fmt.Sprintf(
				"工作表「%s」被改名为「%s」，请改回原名「%s」后再上传（工作表名称用于识别填报内容）。", name, other, name)})
			continue
		}
		report(Issue{Code: CodeSheetMissing, Sheet: name, Message: fmt.Sprintf(
			"填报表缺少工作表「%s」，可能被删除了。请使用系统下载的原模板填写，不要删除或合并工作表。", name)})
	}
	return present
}

// findRenamed looks among the sheets the template does not have for one
// that carries the signature of the missing sheet.
func (p *parser) findRenamed(missing string, strangers []string, claimed map[string]bool) string {
	sig := sheetSignatures[missing]
	for _, name := range strangers {
		if claimed[name] {
			continue
		}
		found := false
		rows, err := p.f.Rows(name)
		if err != nil {
			continue
		}
		row := 0
		for rows.Next() {
			row++
			if row < sig.row {
				continue
			}
			cols, err := rows.Columns()
			found = err == nil && sig.match(cols)
			break
		}
		_ = rows.Close()
		if found {
			return name
		}
	}
	return ""
}
