package excelreturn_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/lawcycle/lawcycle/catalogue"
	"github.com/lawcycle/lawcycle/excelreturn"
)

// Fuzz targets for Guard and ParseCellValue. Seeds live in
// testdata/fuzz/FuzzGuard and testdata/fuzz/FuzzParseCellValue; rewrite
// them with LAWCYCLE_WRITE_GUARD_SEEDS=1 go test -run TestWriteGuardValueSeeds ./excelreturn/
// Run: go test -run x -fuzz FuzzGuard -fuzztime 30s ./excelreturn/
//      go test -run x -fuzz FuzzParseCellValue -fuzztime 30s ./excelreturn/

// fzIndicators are the indicators FuzzParseCellValue picks from.
var fzIndicators = []*catalogue.Indicator{vlCases, vlLawyers, vlFine, vlWages, vlRatio, vlRate, vlRate0, vlDay, vlYesNo, vlCat, vlNote}

// FuzzParseCellValue: whatever a cell holds, ParseCellValue does not panic;
// an accepted value written back by FormatValue reads as itself; a number
// is never zero unless a 0 was written; blank means blank; an error never
// carries a value and always names the indicator.
func FuzzParseCellValue(f *testing.F) {
	for _, s := range fzValueSeeds() {
		f.Add(s.raw, s.kind, s.format, s.ind, s.date1904)
	}
	f.Fuzz(func(t *testing.T, raw string, kind, format, indIdx uint8, date1904 bool) {
		ind := fzIndicators[int(indIdx)%len(fzIndicators)]
		c := excelreturn.Cell{Raw: raw, Kind: excelreturn.CellKind(kind % 7), Format: excelreturn.NumFmt(format % 3),
			Formula: kind&0x80 != 0, Date1904: date1904}
		v, blank, verr := excelreturn.ParseCellValue(ind, c)
		if verr != nil {
			if blank || v != (catalogue.Value{}) {
				t.Fatalf("error %s with value %+v blank %v", verr, v, blank)
			}
			if !strings.Contains(verr.Message, "「"+ind.Name+"」") || verr.Code == "" {
				t.Fatalf("error %q does not name 「%s」", verr, ind.Name)
			}
			if !utf8.ValidString(verr.Message) {
				t.Fatalf("message is not UTF-8: %q", verr.Message)
			}
			return
		}
		if blank {
			if strings.TrimFunc(raw, fzSpace) != "" {
				t.Fatalf("%q read as blank", raw)
			}
			return
		}
		switch ind.Type {
		case catalogue.Integer, catalogue.Decimal, catalogue.Percent:
			if v.Number.IsZero() && !strings.ContainsAny(raw, "0０") {
				t.Fatalf("%q (kind %d) read as zero", raw, c.Kind)
			}
		}
		s := excelreturn.FormatValue(ind, v)
		again, blank2, verr := excelreturn.ParseCellValue(ind, excelreturn.Cell{Raw: s, Kind: excelreturn.CellText})
		if verr != nil || blank2 || vlCanon(ind, again) != vlCanon(ind, v) {
			t.Fatalf("%q → %+v → %q → %+v (blank %v, %v)", raw, v, s, again, blank2, verr)
		}
	})
}

func fzSpace(r rune) bool {
	switch r {
	case '\u00A0', '\u2007', '\u2009', '\u200A', '\u202F', '\u3000', '\u200B', '\u200C', '\u200D', '\u2060', '\uFEFF':
		return true
	}
	return strings.ContainsRune(" \t\n\v\f\r\u0085\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2008\u2028\u2029\u205F", r)
}

type fzValueSeed struct {
	raw          string
	kind, format uint8
	ind          uint8
	date1904     bool
}

func fzValueSeeds() []fzValueSeed {
	idx := func(ind *catalogue.Indicator) uint8 {
		for i, x := range fzIndicators {
			if x == ind {
				return uint8(i)
			}
		}
		panic(ind.Key)
	}
	text, num := uint8(excelreturn.CellText), uint8(excelreturn.CellNumber)
	return []fzValueSeed{
		{"约10件", text, 0, idx(vlCases), false},
		{"１２３，４５６", text, 0, idx(vlCases), false},
		{"1,234", text, 0, idx(vlCases), false},
		{"3-5", text, 0, idx(vlCases), false},
		{"无", text, 0, idx(vlCases), false},
		{"1.72万人", text, 0, idx(vlLawyers), false},
		{"23.664650000000002", num, 0, idx(vlFine), false},
		{"236646.5元", text, 0, idx(vlFine), false},
		{"1.53亿元", text, 0, idx(vlFine), false},
		{"1E-3", num, 0, idx(vlFine), false},
		{"77.59", num, 0, idx(vlWages), false},
		{"１００％", text, 0, idx(vlRate), false},
		{"0.955", num, 1, idx(vlRate), false},
		{"1", num, 0, idx(vlRate), false},
		{"45642", num, 2, idx(vlDay), false},
		{"44180", num, 2, idx(vlDay), true},
		{"2024年12月16日", text, 0, idx(vlDay), false},
		{"2024-02-30", text, 0, idx(vlDay), false},
		{" 是 ", text, 0, idx(vlYesNo), false},
		{"#DIV/0!", uint8(excelreturn.CellError), 0, idx(vlCases), false},
		{"", uint8(excelreturn.CellFormulaNoValue), 0, idx(vlCases), false},
		{"45721", num, 2, idx(vlCases), false},
		{"特色亮点", text, 0, idx(vlNote), false},
	}
}

// FuzzGuard: arbitrary bytes never panic Guard or CheckActualSizes, the
// guard reads a bounded number of bytes, and neither allocates in
// proportion to what the bytes claim.
func FuzzGuard(f *testing.F) {
	for _, b := range fzGuardSeeds(f) {
		f.Add(b)
	}
	lims := []excelreturn.Limits{excelreturn.DefaultLimits(),
		{MaxFileSize: 1 << 20, MaxUnzipSize: 1 << 20, MaxXMLSize: 1 << 16, MaxEntries: 8, MaxRatio: 20}}
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, lim := range lims {
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			c := &gdCounter{r: bytes.NewReader(b)}
			is := excelreturn.Guard(c, int64(len(b)), lim)
			if n := c.bytes.Load(); n > 2<<20 {
				t.Fatalf("guard read %d bytes of a %d-byte file", n, len(b))
			}
			if is != nil && (is.Code == "" || is.Message == "" || is.Severity != catalogue.SeverityError) {
				t.Fatalf("incomplete issue %+v", is)
			}
			if is == nil {
				_ = excelreturn.CheckActualSizes(bytes.NewReader(b), int64(len(b)), lim)
			}
			runtime.ReadMemStats(&after)
			if d := after.TotalAlloc - before.TotalAlloc; d > 64<<20 {
				t.Fatalf("allocated %d MB on a %d-byte file", d>>20, len(b))
			}
		}
	})
}

func fzGuardSeeds(t testing.TB) [][]byte {
	seeds := [][]byte{
		gdXLSX(t),
		gdZip(t, gdOOXML("xl/workbook.xml", "xl/vbaProject.bin")...),
		gdZip(t, gdOOXML("word/document.xml")...),
		gdZip(t),
		gdCFB(t, "EncryptionInfo", "EncryptedPackage"),
		gdCFB(t, "WordDocument"),
		[]byte("%PDF-1.7\n"),
		[]byte("<html><table><tr><td>1</td></tr></table></html>"),
		[]byte("指标,数值\n行政复议案件数,12\n"),
	}
	for _, name := range []string{"legacy-libreoffice.xls", "encrypted-libreoffice.xlsx", "plain-libreoffice.xlsx"} {
		seeds = append(seeds, gdFixture(t, name))
	}
	return seeds
}

// TestWriteGuardValueSeeds writes the seeds above as corpus files, so the
// fuzz targets start from them in CI without building them.
func TestWriteGuardValueSeeds(t *testing.T) {
	if os.Getenv("LAWCYCLE_WRITE_GUARD_SEEDS") == "" {
		t.Skip("set LAWCYCLE_WRITE_GUARD_SEEDS=1 to rewrite the seed corpora")
	}
	write := func(target string, i int, lines ...string) {
		dir := filepath.Join("testdata", "fuzz", target)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		body := "go test fuzz v1\n" + strings.Join(lines, "\n") + "\n"
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("seed-%02d", i)), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for i, s := range fzValueSeeds() {
		write("FuzzParseCellValue", i, fmt.Sprintf("string(%q)", s.raw), fmt.Sprintf("byte(%q)", rune(s.kind)),
			fmt.Sprintf("byte(%q)", rune(s.format)), fmt.Sprintf("byte(%q)", rune(s.ind)), fmt.Sprintf("bool(%v)", s.date1904))
	}
	for i, b := range fzGuardSeeds(t) {
		write("FuzzGuard", i, fmt.Sprintf("[]byte(%q)", b))
	}
}
