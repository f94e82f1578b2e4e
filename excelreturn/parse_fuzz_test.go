package excelreturn_test

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"

	"github.com/lawcycle/lawcycle/catalogue"
	"github.com/lawcycle/lawcycle/excelreturn"
)

// FuzzParse feeds mutated workbooks to Parse: whatever the bytes, Parse
// answers with issues, never with an internal error or a panic, and never
// with a result that says nothing. Annotate, which the server calls on the
// same upload, must not panic either.
//
// The catalogue is small so that a template stays small and each run is
// fast. Most seeds are stored (uncompressed) zips with the CRC fields
// zeroed, which archive/zip then does not verify: a mutated byte reaches
// the XML and the reader instead of failing the zip checksum.
//
// Seeds live in testdata/fuzz/FuzzParse; regenerate them with
// LAWCYCLE_WRITE_FUZZ_SEEDS=1 go test -run TestWriteFuzzSeeds ./excelreturn/
// after a layout change. Run: go test -run x -fuzz FuzzParse -fuzztime 60s ./excelreturn/

func rdFuzzCatalogue(t testing.TB) *catalogue.Catalogue {
	t.Helper()
	dec := func(s string) *decimal.Decimal { d := decimal.RequireFromString(s); return &d }
	general := &catalogue.Part{ID: "general", Kind: catalogue.KindGeneral, Version: "2025.1", Name: "模糊测试指标",
		Sections: []catalogue.Section{
			{Key: "cases", Name: "行政复议", Indicators: []catalogue.Indicator{
				{Key: "cases", Name: "行政复议案件数", Unit: "件", Type: catalogue.Integer, Required: true, Min: dec("0"), Help: "件数"},
				{Key: "closed", Name: "其中：已审结件数", Unit: "件", Type: catalogue.Integer, Min: dec("0"), Help: "件数"},
				{Key: "rate", Name: "出庭应诉率", Unit: "%", Type: catalogue.Percent, Scale: 1, Min: dec("0"), Max: dec("100"), Help: "百分比"},
			}},
			{Key: "misc", Name: "其他", Indicators: []catalogue.Indicator{
				{Key: "amount", Name: "罚款金额", Unit: "万元", Type: catalogue.Decimal, Scale: 6, Min: dec("0"), Help: "万元"},
				{Key: "day", Name: "目录公布日期", Type: catalogue.Date, Help: "日期"},
				{Key: "report", Name: "主要负责人年度述法", Type: catalogue.Choice, Choices: []string{"是", "否"}, Help: "选择"},
				{Key: "note", Name: "特色亮点", Type: catalogue.Text, Help: "文字"},
			}},
		},
		Rules: []catalogue.Rule{
			{Key: "closed_within_cases", Kind: catalogue.RuleAtMost, Severity: catalogue.SeverityError,
				Left: []string{"closed"}, Right: []string{"cases"}, Message: "审结件数不能多于案件数", Help: "其中项"},
		},
		Flags: []catalogue.Flag{
			{Key: "rate_low", Kind: catalogue.FlagThreshold, Indicator: "rate", Op: "<", Value: dec("100"), Message: "出庭应诉率未达到100%", Help: "说明"},
		},
	}
	c, err := catalogue.Compose(general, nil)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func rdFuzzInput(t testing.TB) excelreturn.TemplateInput {
	in := rdInput(t)
	in.Catalogue = rdFuzzCatalogue(t)
	in.CreditCode = ""
	in.GeneratedAt = time.Date(2025, 1, 6, 0, 0, 0, 0, time.UTC)
	return in
}

var rdFuzzCells = map[string]any{
	"基本信息!B4": "王芳", "基本信息!B5": "0576-85123456", "基本信息!B6": "李明",
	"统计指标!D4": 12, "统计指标!D5": "8件", "统计指标!D6": 0.95,
	"统计指标!D8": 23.66465, "统计指标!D9": time.Date(2024, 3, 15, 0, 0, 0, 0, time.UTC), "统计指标!D10": "是", "统计指标!D11": "“八五”普法",
	"统计指标!F6": "1 件未开庭",
	"存在问题!B3": "培训覆盖不全", "存在问题!G3": "2025年6月30日", "存在问题!H3": "限期整改",
	"下一年度安排!B3": "深化三项制度",
}

// rdStored rewrites a package with every entry stored uncompressed and
// its CRC zeroed.
func rdStored(t testing.TB, data []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range rdEntries(t, data) {
		w, err := zw.CreateRaw(&zip.FileHeader{Name: e.name, Method: zip.Store,
			CompressedSize64: uint64(len(e.data)), UncompressedSize64: uint64(len(e.data))})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(e.data); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// rdFuzzSeeds are the seed inputs by file name.
func rdFuzzSeeds(t testing.TB) map[string][]byte {
	in := rdFuzzInput(t)
	tpl := rdTemplate(t, in)
	valid := rdWith(t, tpl, rdSet(rdFuzzCells))
	with := func(over map[string]any, edits ...rdEdit) []byte {
		cells := map[string]any{}
		for k, v := range rdFuzzCells {
			cells[k] = v
		}
		for k, v := range over {
			cells[k] = v
		}
		return rdWith(t, tpl, append([]rdEdit{rdSet(cells)}, edits...)...)
	}
	return map[string][]byte{
		"valid-stored":        rdStored(t, valid),
		"valid-deflated":      valid,
		"bad-values-stored":   rdStored(t, with(map[string]any{"统计指标!D4": "十二", "统计指标!D5": 13, "统计指标!D6": "120%", "统计指标!D9": "年初", "存在问题!H3": "马上改"})),
		"row-inserted-stored": rdStored(t, with(nil, rdDo(func(f *excelize.File) error { return f.InsertRows(excelreturn.SheetIndicators, 5, 1) }))),
		"no-meta":             with(map[string]any{excelreturn.SheetMeta + "!B1": nil}),
		"not-a-zip":           []byte("PK\x03\x04 truncated"),
	}
}

func FuzzParse(f *testing.F) {
	for _, data := range rdFuzzSeeds(f) {
		f.Add(data)
	}
	in := rdFuzzInput(f)
	exp := rdExpect(in)
	keys := map[string]bool{}
	for _, ind := range in.Catalogue.Indicators() {
		keys[ind.Key] = true
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := excelreturn.Parse(bytes.NewReader(data), int64(len(data)), exp)
		if err != nil {
			t.Fatalf("internal error on a bad file: %v", err)
		}
		if res == nil {
			t.Fatal("nil result")
		}
		if res.Return == nil && len(res.Errors) == 0 {
			t.Fatal("nothing read and nothing said")
		}
		for sev, list := range map[catalogue.Severity][]excelreturn.Issue{catalogue.SeverityError: res.Errors, catalogue.SeverityWarning: res.Warnings} {
			for _, is := range list {
				if is.Code == "" || is.Message == "" || is.Severity != sev {
					t.Fatalf("malformed issue %+v", is)
				}
			}
		}
		if res.Return != nil {
			for k := range res.Return.Values {
				if !keys[k] {
					t.Fatalf("value for unknown key %q", k)
				}
			}
		}
		_, _ = excelreturn.Annotate(data, append(res.Errors, res.Warnings...))
	})
}

// rdFuzzParts are the parts FuzzParsePart replaces, by the selector byte.
var rdFuzzParts = []string{
	"xl/worksheets/sheet3.xml", // 统计指标
	"xl/worksheets/sheet6.xml", // lawcycle_meta
	"xl/worksheets/sheet2.xml", // 基本信息
	"xl/worksheets/sheet4.xml", // 存在问题
	"xl/workbook.xml",
	"xl/styles.xml",
	"xl/_rels/workbook.xml.rels",
}

// FuzzParsePart reaches what FuzzParse seldom does: most mutations of a
// whole package break the zip and stop at Guard. Here the zip stays sound
// and the fuzzed bytes are one part of a valid filled return (a worksheet,
// the workbook, the styles), so every run goes through excelize's XML
// handling, the metadata, row and cell checks.
func FuzzParsePart(f *testing.F) {
	in := rdFuzzInput(f)
	valid := rdWith(f, rdTemplate(f, in), rdSet(rdFuzzCells))
	zr, err := zip.NewReader(bytes.NewReader(valid), int64(len(valid)))
	if err != nil {
		f.Fatal(err)
	}
	type entry struct {
		name string
		data []byte
	}
	var entries []entry
	for _, zf := range zr.File {
		rc, err := zf.Open()
		if err != nil {
			f.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			f.Fatal(err)
		}
		entries = append(entries, entry{zf.Name, b})
	}
	for i, name := range rdFuzzParts {
		k := slices.IndexFunc(entries, func(e entry) bool { return e.name == name })
		if k < 0 {
			f.Fatalf("no part %s", name)
		}
		f.Add(uint8(i), entries[k].data)
	}
	exp := rdExpect(in)
	f.Fuzz(func(t *testing.T, which uint8, part []byte) {
		name := rdFuzzParts[int(which)%len(rdFuzzParts)]
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		for _, e := range entries {
			w, err := zw.CreateHeader(&zip.FileHeader{Name: e.name, Method: zip.Store})
			if err != nil {
				t.Fatal(err)
			}
			b := e.data
			if e.name == name {
				b = part
			}
			if _, err := w.Write(b); err != nil {
				t.Fatal(err)
			}
		}
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
		data := buf.Bytes()
		res, err := excelreturn.Parse(bytes.NewReader(data), int64(len(data)), exp)
		if err != nil {
			t.Fatalf("internal error on a bad %s: %v", name, err)
		}
		if res.Return == nil && len(res.Errors) == 0 {
			t.Fatal("nothing read and nothing said")
		}
		_, _ = excelreturn.Annotate(data, append(res.Errors, res.Warnings...))
	})
}

// TestWriteFuzzSeeds writes the seed corpus (see FuzzParse).
func TestWriteFuzzSeeds(t *testing.T) {
	if os.Getenv("LAWCYCLE_WRITE_FUZZ_SEEDS") == "" {
		t.Skip("set LAWCYCLE_WRITE_FUZZ_SEEDS=1 to rewrite testdata/fuzz/FuzzParse")
	}
	dir := filepath.Join("testdata", "fuzz", "FuzzParse")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, data := range rdFuzzSeeds(t) {
		body := fmt.Sprintf("go test fuzz v1\n[]byte(%q)\n", data)
		if err := os.WriteFile(filepath.Join(dir, "seed-"+name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
