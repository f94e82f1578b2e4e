package excelreturn_test

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/lawcycle/lawcycle/catalogue"
	"github.com/lawcycle/lawcycle/excelreturn"
)

// The corpus of bad returns: every kind of fault a bureau's file can have,
// each answered with a stable code, a message that says what is wrong in
// words the bureau understands, and the cell to fix. Files are built in Go
// from a valid filled return with one thing broken, except where only a
// real office suite makes the file (testdata/returns/).

// rdBad is one bad input and the answer it must get.
type rdBad struct {
	name    string
	data    func(t testing.TB) []byte
	expect  func(t testing.TB, e *excelreturn.Expect) // optional change of what the cycle expects
	code    string
	phrase  string // a phrase of the message
	sheet   string // "" for a file-level fault
	cell    string
	warning bool // the issue is a warning; the return is accepted
}

// rdBroken is the valid filled return with cells changed.
func rdBroken(over map[string]any, edits ...rdEdit) func(testing.TB) []byte {
	return func(t testing.TB) []byte {
		cells := rdFullCells()
		for k, v := range rdProblemCells {
			cells[k] = v
		}
		for k, v := range over {
			cells[k] = v
		}
		return rdWith(t, rdTemplate(t, rdInput(t)), append([]rdEdit{rdSet(cells)}, edits...)...)
	}
}

// rdTemplateFor is the filled return of another template input.
func rdTemplateFor(change func(in *excelreturn.TemplateInput)) func(testing.TB) []byte {
	return func(t testing.TB) []byte {
		in := rdInput(t)
		change(&in)
		return rdWith(t, rdTemplate(t, in), rdSet(rdFullCells()))
	}
}

// rdZip builds a zip from names and contents, in order.
func rdZip(t testing.TB, files ...string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for i := 0; i+1 < len(files); i += 2 {
		w, err := zw.Create(files[i])
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.WriteString(w, files[i+1]); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// rdZipEntry is one entry of a package, inflated.
type rdZipEntry struct {
	name string
	data []byte
}

// rdEntries reads every entry of a package in order.
func rdEntries(t testing.TB, data []byte) []rdZipEntry {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	out := make([]rdZipEntry, 0, len(zr.File))
	for _, zf := range zr.File {
		rc, err := zf.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, rdZipEntry{zf.Name, b})
	}
	return out
}

// rdRezip copies a package, changing entries: change returns the new
// content, or nil to drop the entry; extra entries are appended.
func rdRezip(t testing.TB, data []byte, change func(name string, b []byte) []byte, extra ...string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range rdEntries(t, data) {
		zf, b := e.name, e.data
		if change != nil {
			if b = change(zf, b); b == nil {
				continue
			}
		}
		w, err := zw.Create(zf)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(b); err != nil {
			t.Fatal(err)
		}
	}
	for i := 0; i+1 < len(extra); i += 2 {
		w, err := zw.Create(extra[i])
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.WriteString(w, extra[i+1]); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// rdIndicatorPart is the worksheet part of 统计指标 in files excelize
// writes from a template (the third sheet).
const rdIndicatorPart = "xl/worksheets/sheet3.xml"

// rdRawCell replaces a cell's XML on 统计指标, for what excelize cannot
// write: error values, cached formula results, odd types. $CELL is the
// cell's reference, $STYLE its style index in the template.
func rdRawCell(key, xml string) rdPost {
	return func(t testing.TB, data []byte) []byte {
		cell := rdValueCell(t, key)
		re := regexp.MustCompile(`<c r="` + cell + `"[^>]*?(/>|>.*?</c>)`)
		return rdRezip(t, data, func(name string, b []byte) []byte {
			if name != rdIndicatorPart {
				return b
			}
			if !re.Match(b) {
				t.Fatalf("cell %s not in %s", cell, name)
			}
			style := regexp.MustCompile(`<c r="` + cell + `"[^>]*?\bs="(\d+)"`).FindSubmatch(b)
			repl := strings.ReplaceAll(xml, "$CELL", cell)
			if style != nil {
				repl = strings.ReplaceAll(repl, "$STYLE", string(style[1]))
			}
			return re.ReplaceAll(b, []byte(repl))
		})
	}
}

type rdPost func(t testing.TB, data []byte) []byte

func rdThen(build func(testing.TB) []byte, posts ...rdPost) func(testing.TB) []byte {
	return func(t testing.TB) []byte {
		data := build(t)
		for _, p := range posts {
			data = p(t, data)
		}
		return data
	}
}

// rdSwapRows swaps the contents of two rows of a sheet (columns A to H).
func rdSwapRows(sheet string, a, b int) rdEdit {
	return func(t testing.TB, f *excelize.File) {
		t.Helper()
		for c := 'A'; c <= 'H'; c++ {
			ca, cb := string(c)+strconv.Itoa(a), string(c)+strconv.Itoa(b)
			va, _ := f.GetCellValue(sheet, ca, excelize.Options{RawCellValue: true})
			vb, _ := f.GetCellValue(sheet, cb, excelize.Options{RawCellValue: true})
			if err := f.SetCellValue(sheet, ca, vb); err != nil {
				t.Fatal(err)
			}
			if err := f.SetCellValue(sheet, cb, va); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func rdDo(fn func(f *excelize.File) error) rdEdit {
	return func(t testing.TB, f *excelize.File) {
		t.Helper()
		if err := fn(f); err != nil {
			t.Fatal(err)
		}
	}
}

// rdOldCatalogue is the built-in catalogue as version 2024.1 of both
// parts, one indicator fewer: what last year's templates were made from.
func rdOldCatalogue(t testing.TB) *catalogue.Catalogue {
	t.Helper()
	load := func(id string) *catalogue.Part {
		src, ok := catalogue.BuiltinSource(id)
		if !ok {
			t.Fatalf("no builtin %s", id)
		}
		p, err := catalogue.Load(src, id+".yaml")
		if err != nil {
			t.Fatal(err)
		}
		p.Version = "2024.1"
		return p
	}
	general, hrss := load("general"), load("hrss")
	for si := range general.Sections {
		s := &general.Sections[si]
		for ii := range s.Indicators {
			if s.Indicators[ii].Key == "enforcement_recorders" {
				s.Indicators = append(s.Indicators[:ii], s.Indicators[ii+1:]...)
				break
			}
		}
	}
	c, err := catalogue.Compose(general, hrss)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// rdEncrypted is the filled return saved with a password to open.
func rdEncrypted(t testing.TB) []byte {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(rdFilled(t)))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var buf bytes.Buffer
	if err := f.Write(&buf, excelize.Options{Password: "123456"}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// rdBomb is a package whose worksheet unzips to 64 MiB of blanks from a
// few tens of kilobytes.
func rdBomb(t testing.TB) []byte {
	t.Helper()
	data := rdFilled(t)
	return rdRezip(t, data, func(name string, b []byte) []byte {
		if name == rdIndicatorPart {
			return append(b[:len(b):len(b)], bytes.Repeat([]byte(" "), 64<<20)...)
		}
		return b
	})
}

// rdMacro is the filled return turned into a macro-enabled workbook.
func rdMacro(t testing.TB) []byte {
	t.Helper()
	return rdRezip(t, rdFilled(t), func(name string, b []byte) []byte {
		if name == "[Content_Types].xml" {
			return bytes.ReplaceAll(b, []byte("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"),
				[]byte("application/vnd.ms-excel.sheet.macroEnabled.main+xml"))
		}
		return b
	}, "xl/vbaProject.bin", "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 not really a VBA project")
}

const rdDocxContentTypes = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`

const rdDocxRels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`

const rdDocxBody = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>临海市人力资源和社会保障局2024年度法治政府建设年度报告</w:t></w:r></w:p></w:body></w:document>`

func rdCorpus() []rdBad {
	tooMany := map[string]any{}
	for i := 0; i <= excelreturn.MaxProblems; i++ {
		row := strconv.Itoa(excelreturn.ProblemFirstRow + i)
		tooMany["存在问题!B"+row] = "问题" + row
		tooMany["存在问题!H"+row] = "长期坚持"
	}
	return []rdBad{
		// ---- the file itself ----
		{name: "empty file", data: func(testing.TB) []byte { return nil },
			code: "empty_file", phrase: "空"},
		{name: "text file", data: func(testing.TB) []byte { return []byte("单位名称,填报人\n临海市人社局,王芳\n") },
			code: "not_xlsx", phrase: ".xlsx"},
		{name: "legacy xls saved by LibreOffice", data: func(t testing.TB) []byte { return rdReadFile(t, "testdata/returns/legacy.xls") },
			code: "legacy_xls", phrase: ".xls"},
		{name: "encrypted workbook", data: rdEncrypted,
			code: "encrypted", phrase: "密码"},
		{name: "oversized", data: rdFilled,
			expect: func(_ testing.TB, e *excelreturn.Expect) { e.Limits.MaxFileSize = 10 << 10 },
			code:   "file_too_large", phrase: "10 KB"},
		{name: "zip bomb", data: rdBomb,
			code: "zip_bomb", phrase: "解压"},
		{name: "macro-enabled workbook", data: rdMacro,
			code: "macro", phrase: "宏"},
		{name: "word document", data: func(t testing.TB) []byte {
			return rdZip(t, "[Content_Types].xml", rdDocxContentTypes, "_rels/.rels", rdDocxRels, "word/document.xml", rdDocxBody)
		}, code: "not_xlsx", phrase: "Word"},
		{name: "zip of other files", data: func(t testing.TB) []byte {
			return rdZip(t, "填报说明.txt", "请填写附件中的表格", "data.csv", "1,2,3")
		}, code: "not_xlsx", phrase: ".xlsx"},
		{name: "truncated download", data: func(t testing.TB) []byte { d := rdFilled(t); return d[:len(d)/2] },
			code: "file_corrupt", phrase: "不完整"},

		// ---- whose template is it ----
		{name: "no metadata sheet", data: rdBroken(nil, rdDo(func(f *excelize.File) error { return f.DeleteSheet(excelreturn.SheetMeta) })),
			code: "not_a_template", phrase: "下载本单位的填报模板"},
		{name: "metadata damaged", data: rdBroken(map[string]any{excelreturn.SheetMeta + "!B1": nil}),
			code: "not_a_template", phrase: "模板标识已损坏"},
		{name: "other template format", data: rdBroken(map[string]any{excelreturn.SheetMeta + "!B1": "lawcycle-return/0"}),
			code: "template_format", phrase: "lawcycle-return/0"},
		{name: "another bureau's template", data: rdTemplateFor(func(in *excelreturn.TemplateInput) {
			in.OrgCode, in.OrgName = "haizhu-hrss", "广州市海珠区人力资源和社会保障局"
		}), code: "other_org", phrase: "该填报表是「广州市海珠区人力资源和社会保障局」的模板，不是本单位「临海市人力资源和社会保障局」的"},
		{name: "another cycle's template", data: rdTemplateFor(func(in *excelreturn.TemplateInput) {
			in.CycleID, in.CycleYear, in.CycleTitle = "cyc-2023-linhai", 2023, "临海市2023年度法治政府建设年度报告"
		}), code: "other_cycle", phrase: "文件是「临海市2023年度法治政府建设年度报告」的模板，本次报送的是2024年度的报告"},
		{name: "blank template for a cycle", data: rdTemplateFor(func(in *excelreturn.TemplateInput) {
			in.CycleID, in.CycleYear, in.CycleTitle, in.OrgCode, in.OrgName, in.CreditCode = "", 0, "", "", "", ""
		}), code: "blank_template", phrase: "空白模板"},
		{name: "older catalogue version", data: func(t testing.TB) []byte {
			return rdTemplateFor(func(in *excelreturn.TemplateInput) { in.Catalogue = rdOldCatalogue(t) })(t)
		}, code: "catalogue_version", phrase: "旧版本的指标体系（general@2024.1+hrss@2024.1），本周期使用的是 general@2025.1+hrss@2025.1"},
		{name: "catalogue unknown to lawcycle check", data: func(t testing.TB) []byte {
			return rdTemplateFor(func(in *excelreturn.TemplateInput) { in.Catalogue = rdOldCatalogue(t) })(t)
		}, expect: func(_ testing.TB, e *excelreturn.Expect) {
			*e = excelreturn.Expect{Resolve: catalogue.Builtin().ComposeLabel}
		}, code: "catalogue_unknown", phrase: "「general@2024.1+hrss@2024.1」在本系统中不存在"},
		{name: "fingerprint tampered", data: rdBroken(map[string]any{excelreturn.SheetMeta + "!B8": strings.Repeat("0", 64)}),
			code: "structure_changed", phrase: "结构校验码不符"},
		{name: "metadata rows tampered", data: rdBroken(map[string]any{excelreturn.SheetMeta + "!B12": 99}),
			code: "structure_changed", phrase: "结构"},

		// ---- sheets ----
		{name: "统计指标 renamed", data: rdBroken(nil, rdDo(func(f *excelize.File) error { return f.SetSheetName(excelreturn.SheetIndicators, "Sheet1") })),
			code: "sheet_renamed", phrase: "工作表「统计指标」被改名为「Sheet1」，请改回原名", sheet: "Sheet1"},
		{name: "存在问题 renamed", data: rdBroken(nil, rdDo(func(f *excelize.File) error { return f.SetSheetName(excelreturn.SheetProblems, "问题清单") })),
			code: "sheet_renamed", phrase: "工作表「存在问题」被改名为「问题清单」", sheet: "问题清单"},
		{name: "存在问题 deleted", data: rdBroken(nil, rdDo(func(f *excelize.File) error { return f.DeleteSheet(excelreturn.SheetProblems) })),
			code: "sheet_missing", phrase: "缺少工作表「存在问题」", sheet: excelreturn.SheetProblems},
		{name: "基本信息 deleted", data: rdBroken(nil, rdDo(func(f *excelize.File) error { return f.DeleteSheet(excelreturn.SheetInfo) })),
			code: "sheet_missing", phrase: "缺少工作表「基本信息」", sheet: excelreturn.SheetInfo},
		{name: "填报说明 deleted", data: rdBroken(nil, rdDo(func(f *excelize.File) error { return f.DeleteSheet(excelreturn.SheetGuide) })),
			code: "sheet_missing", phrase: "缺少工作表「填报说明」", sheet: excelreturn.SheetGuide, warning: true},

		// ---- rows and columns ----
		{name: "indicator rows swapped", data: rdBroken(nil, rdSwapRows(excelreturn.SheetIndicators, 7, 8)),
			code: "row_mismatch", phrase: "第7行应为「行政复议案件数」，实际为「其中：行政复议已审结件数」：指标行被移动、插入或删除", sheet: excelreturn.SheetIndicators, cell: "B7"},
		{name: "blank row inserted", data: rdBroken(nil, rdDo(func(f *excelize.File) error { return f.InsertRows(excelreturn.SheetIndicators, 12, 1) })),
			code: "row_mismatch", phrase: "第12行应为「其中：行政应诉已审结件数」，实际为空行", sheet: excelreturn.SheetIndicators, cell: "B12"},
		{name: "row inserted above a section", data: rdBroken(nil, rdDo(func(f *excelize.File) error { return f.InsertRows(excelreturn.SheetIndicators, 18, 1) })),
			code: "row_mismatch", phrase: "第19行应为「制发行政规范性文件件数」，实际为「行政规范性文件」", sheet: excelreturn.SheetIndicators, cell: "B19"},
		{name: "indicator row deleted", data: rdBroken(nil, rdDo(func(f *excelize.File) error { return f.RemoveRow(excelreturn.SheetIndicators, 9) })),
			code: "row_mismatch", phrase: "第9行应为「其中：复议维持件数」，实际为「其中：复议被纠错件数」", sheet: excelreturn.SheetIndicators, cell: "B9"},
		{name: "last indicator row deleted", data: rdBroken(nil, rdDo(func(f *excelize.File) error { return f.RemoveRow(excelreturn.SheetIndicators, 80) })),
			code: "row_mismatch", phrase: "第80行应为「实现“无证明”办理事项数」，实际为空行", sheet: excelreturn.SheetIndicators, cell: "B80"},
		{name: "基本信息 row deleted", data: rdBroken(nil, rdDo(func(f *excelize.File) error { return f.RemoveRow(excelreturn.SheetInfo, 3) })),
			code: "row_mismatch", phrase: "第3行应为「统一社会信用代码」，实际为「填报人」", sheet: excelreturn.SheetInfo, cell: "A3"},
		{name: "存在问题 column inserted", data: rdBroken(nil, rdDo(func(f *excelize.File) error { return f.InsertCols(excelreturn.SheetProblems, "C", 1) })),
			code: "header_changed", phrase: "列被插入、删除或移动", sheet: excelreturn.SheetProblems, cell: "A2"},
		{name: "figures typed below the table", data: rdBroken(map[string]any{"统计指标!D85": 12, "统计指标!F90": "另有 3 件"}),
			code: "content_outside_table", phrase: "指标表格以下的 2 行（自 D85 起）", sheet: excelreturn.SheetIndicators, cell: "D85", warning: true},

		// ---- indicator cells ----
		{name: "formula without cached value", data: rdBroken(map[string]any{"litigation_cases": rdFormula("SUM(D12:D15)")}),
			code: "formula_without_value", phrase: "没有保存公式的计算结果", sheet: excelreturn.SheetIndicators, cell: "D11"},
		{name: "#DIV/0! error value", data: rdThen(rdBroken(nil), rdRawCell("litigation_cases", `<c r="$CELL" t="e"><f>D12/0</f><v>#DIV/0!</v></c>`)),
			code: "error_value", phrase: "#DIV/0!", sheet: excelreturn.SheetIndicators, cell: "D11"},
		{name: "#N/A error value", data: rdThen(rdBroken(nil), rdRawCell("review_cases", `<c r="$CELL" t="e"><v>#N/A</v></c>`)),
			code: "error_value", phrase: "#N/A", sheet: excelreturn.SheetIndicators, cell: "D7"},
		{name: "boolean in a count", data: rdBroken(map[string]any{"review_cases": true}),
			code: "not_a_number", phrase: "逻辑值（TRUE/FALSE），不是数字", sheet: excelreturn.SheetIndicators, cell: "D7"},
		{name: "words in a count", data: rdBroken(map[string]any{"review_cases": "十二件"}),
			code: "not_a_number", phrase: "十二件", sheet: excelreturn.SheetIndicators, cell: "D7"},
		{name: "text in a count", data: rdBroken(map[string]any{"litigation_cases": "无"}),
			code: "not_a_number", phrase: "无", sheet: excelreturn.SheetIndicators, cell: "D11"},
		{name: "negative count", data: rdBroken(map[string]any{"review_corrected": -1}),
			code: "out_of_range", phrase: "不能为负数，当前填写的是-1件（D10）", sheet: excelreturn.SheetIndicators, cell: "D10"},
		{name: "fraction in a count", data: rdBroken(map[string]any{"public_lawyers": 3.5}),
			code: "not_an_integer", phrase: "整数", sheet: excelreturn.SheetIndicators, cell: "D37"},
		{name: "too many decimals", data: rdBroken(map[string]any{"work_injury_avg_days": 18.55}),
			code: "too_many_decimals", phrase: "最多保留 1 位小数", sheet: excelreturn.SheetIndicators, cell: "D69"},
		{name: "percent above 100", data: rdBroken(map[string]any{"random_coverage_rate": "120%"}),
			code: "out_of_range", phrase: "120%", sheet: excelreturn.SheetIndicators, cell: "D59"},
		{name: "impossible date", data: rdBroken(map[string]any{"major_decisions_catalogue_date": "2024-13-45"}),
			code: "invalid_date", phrase: "2024-13-45", sheet: excelreturn.SheetIndicators, cell: "D26"},
		{name: "words in a date", data: rdBroken(map[string]any{"legal_education_plan_date": "年初"}),
			code: "invalid_date", phrase: "年初", sheet: excelreturn.SheetIndicators, cell: "D41"},
		{name: "choice not offered", data: rdBroken(map[string]any{"leader_law_report": "部分"}),
			code: "invalid_choice", phrase: "部分", sheet: excelreturn.SheetIndicators, cell: "D5"},
		{name: "required figure blank", data: rdBroken(map[string]any{"review_cases": nil}),
			code: "required_missing", phrase: "「行政复议案件数」是必填项", sheet: excelreturn.SheetIndicators, cell: "D7"},
		{name: "其中 larger than its whole", data: rdBroken(map[string]any{"review_closed": 13}),
			code: "sum_exceeds", phrase: "（D8、D7）", sheet: excelreturn.SheetIndicators, cell: "D8"},
		{name: "认定 + 不予认定 > 受理", data: rdBroken(map[string]any{"work_injury_recognised": 400, "work_injury_not_recognised": 60}),
			code: "sum_exceeds", phrase: "（D67、D68、D66）", sheet: excelreturn.SheetIndicators, cell: "D67", warning: true},

		// ---- 基本信息 ----
		{name: "preparer blank", data: rdBroken(map[string]any{"基本信息!B4": nil}),
			code: "required_missing", phrase: "「填报人」为必填项", sheet: excelreturn.SheetInfo, cell: "B4"},
		{name: "phone not a phone", data: rdBroken(map[string]any{"基本信息!B5": "办公室"}),
			code: "invalid_phone", phrase: "「办公室」不像电话号码", sheet: excelreturn.SheetInfo, cell: "B5"},
		{name: "org name changed", data: rdBroken(map[string]any{"基本信息!B2": "临海市人社局"}),
			code: "org_name_changed", phrase: "单位名称应为「临海市人力资源和社会保障局」", sheet: excelreturn.SheetInfo, cell: "B2"},
		{name: "credit code wrong on a blank template", data: func(t testing.TB) []byte {
			blank := excelreturn.TemplateInput{Catalogue: rdCatalogue(t), GeneratedAt: time.Date(2025, 1, 6, 0, 0, 0, 0, time.UTC)}
			cells := rdFullCells()
			cells["基本信息!B2"], cells["基本信息!B3"] = "临海市人力资源和社会保障局", "11331082002590718X"
			return rdWith(t, rdTemplate(t, blank), rdSet(cells))
		}, expect: func(_ testing.TB, e *excelreturn.Expect) {
			*e = excelreturn.Expect{Resolve: catalogue.Builtin().ComposeLabel}
		}, code: "invalid_credit_code", phrase: "校验位错误", sheet: excelreturn.SheetInfo, cell: "B3"},

		// ---- 存在问题 and 下一年度安排 ----
		{name: "problem without description", data: rdBroken(map[string]any{"存在问题!B3": nil}),
			code: "required_missing", phrase: "没有「问题描述」，请填写", sheet: excelreturn.SheetProblems, cell: "B3"},
		{name: "problem without category", data: rdBroken(map[string]any{"存在问题!H3": nil}),
			code: "required_missing", phrase: "没有选择「类别」", sheet: excelreturn.SheetProblems, cell: "H3"},
		{name: "problem category unknown", data: rdBroken(map[string]any{"存在问题!H3": "马上就改"}),
			code: "invalid_category", phrase: "「马上就改」", sheet: excelreturn.SheetProblems, cell: "H3"},
		{name: "限期整改 without deadline", data: rdBroken(map[string]any{"存在问题!G3": nil}),
			code: "required_missing", phrase: "请填写「计划完成时限」", sheet: excelreturn.SheetProblems, cell: "G3"},
		{name: "deadline not a date", data: rdBroken(map[string]any{"存在问题!G3": "年底前"}),
			code: "invalid_date", phrase: "年底前", sheet: excelreturn.SheetProblems, cell: "G3"},
		{name: "too many problems", data: rdBroken(tooMany),
			code: "too_many_rows", phrase: fmt.Sprintf("最多填写 %d 行问题", excelreturn.MaxProblems), sheet: excelreturn.SheetProblems,
			cell: "B" + strconv.Itoa(excelreturn.ProblemFirstRow+excelreturn.MaxProblems)},
		{name: "plan without task", data: rdBroken(map[string]any{"下一年度安排!B3": nil}),
			code: "required_missing", phrase: "没有「工作安排」，请填写", sheet: excelreturn.SheetPlans, cell: "B3"},
	}
}

func rdReadFile(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestParseCorpus(t *testing.T) {
	corpus := rdCorpus()
	if len(corpus) < 40 {
		t.Fatalf("corpus has %d cases, want at least 40", len(corpus))
	}
	for _, tc := range corpus {
		t.Run(tc.name, func(t *testing.T) {
			data := tc.data(t)
			exp := rdExpect(rdInput(t))
			if tc.expect != nil {
				tc.expect(t, &exp)
			}
			res := rdParse(t, data, exp)
			list := res.Errors
			if tc.warning {
				list = res.Warnings
				if !res.OK() {
					t.Errorf("a warning case was refused:%s", rdIssues(res.Errors))
				}
			} else if res.OK() {
				t.Errorf("accepted; warnings:%s", rdIssues(res.Warnings))
			}
			var found *excelreturn.Issue
			for i := range list {
				if list[i].Code == tc.code && (tc.cell == "" || list[i].Cell == tc.cell) {
					found = &list[i]
					break
				}
			}
			if found == nil {
				t.Fatalf("no %s issue at %q\nerrors:%s\nwarnings:%s", tc.code, tc.cell, rdIssues(res.Errors), rdIssues(res.Warnings))
			}
			if !strings.Contains(found.Message, tc.phrase) {
				t.Errorf("message %q does not say %q", found.Message, tc.phrase)
			}
			if found.Sheet != tc.sheet {
				t.Errorf("sheet = %q, want %q", found.Sheet, tc.sheet)
			}
			wantSev := catalogue.SeverityError
			if tc.warning {
				wantSev = catalogue.SeverityWarning
			}
			if found.Severity != wantSev {
				t.Errorf("severity = %q, want %q", found.Severity, wantSev)
			}
			if tc.sheet == excelreturn.SheetIndicators && tc.code != "content_outside_table" && (found.Indicator == "" || found.IndicatorName == "") {
				t.Errorf("value issue without indicator: %+v", *found)
			}
			if tc.sheet == "" {
				// a file-level fault: nothing else to say, nothing read
				if res.Return != nil || len(res.Errors) != 1 {
					t.Errorf("file-level fault: return %v, errors:%s", res.Return != nil, rdIssues(res.Errors))
				}
			}
			if !strings.ContainsAny(found.Message, "请") && !tc.warning {
				t.Errorf("message %q does not say what to do", found.Message)
			}
		})
	}
}
