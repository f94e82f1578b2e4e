package excelreturn_test

import (
	"bytes"
	"io"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/lawcycle/lawcycle/excelreturn"
)

// BENCHMARKS target: writing a template takes at most 1.3× what a bare
// StreamWriter takes to write the same cells into the same sheets, without
// styles, validations, protection or properties. Compare:
//
//	go test -run x -bench . -benchmem -count 5 ./excelreturn/

// tplBenchInput is the representative input: the built-in general + hrss
// catalogue with a value for last year on every indicator.
func tplBenchInput(b *testing.B) excelreturn.TemplateInput { return tplBuiltinInput(b, "hrss") }

func tplBenchInputT(t testing.TB) excelreturn.TemplateInput { return tplBuiltinInput(t, "hrss") }

func BenchmarkWriteTemplate(b *testing.B) {
	in := tplBenchInput(b)
	b.ReportAllocs()
	for b.Loop() {
		if err := excelreturn.WriteTemplate(io.Discard, in); err != nil {
			b.Fatal(err)
		}
	}
}

// tplBenchSheet is one sheet's cell values, rows from 1, nil for blanks.
type tplBenchSheet struct {
	name string
	rows [][]any
}

// tplBenchCells reads back every value a template holds, numbers as
// numbers, so the baseline writes exactly the same cells.
func tplBenchCells(b testing.TB, data []byte) []tplBenchSheet {
	f := tplOpen(b, data)
	var sheets []tplBenchSheet
	for _, name := range f.GetSheetList() {
		rows, err := f.GetRows(name, excelize.Options{RawCellValue: true})
		if err != nil {
			b.Fatal(err)
		}
		s := tplBenchSheet{name: name}
		for r, row := range rows {
			out := make([]any, len(row))
			for c, v := range row {
				if v == "" {
					continue
				}
				cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
				typ, err := f.GetCellType(name, cell)
				if err != nil {
					b.Fatal(err)
				}
				out[c] = v
				if typ == excelize.CellTypeNumber || typ == excelize.CellTypeUnset {
					if n, err := strconv.ParseFloat(v, 64); err == nil {
						out[c] = n
					}
				}
			}
			s.rows = append(s.rows, out)
		}
		sheets = append(sheets, s)
	}
	return sheets
}

// tplBareWrite writes the cells with a bare StreamWriter per sheet, with
// excelize's default compression.
func tplBareWrite(w io.Writer, sheets []tplBenchSheet) error {
	return tplBareWriteZip(w, sheets, false)
}

// tplBareWriteZip is tplBareWrite, optionally compressing as the template
// does (excelreturn.FastZip), to separate layout cost from compression.
func tplBareWriteZip(w io.Writer, sheets []tplBenchSheet, fast bool) error {
	f := excelize.NewFile()
	defer func() { _ = f.Close() }()
	if fast {
		f.SetZipWriter(excelreturn.FastZip)
	}
	for i, s := range sheets {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", s.name); err != nil {
				return err
			}
		} else if _, err := f.NewSheet(s.name); err != nil {
			return err
		}
	}
	for _, s := range sheets {
		sw, err := f.NewStreamWriter(s.name)
		if err != nil {
			return err
		}
		for r, row := range s.rows {
			if err := sw.SetRow("A"+strconv.Itoa(r+1), row); err != nil {
				return err
			}
		}
		if err := sw.Flush(); err != nil {
			return err
		}
	}
	_, err := f.WriteTo(w)
	return err
}

func BenchmarkBaselineStreamWriter(b *testing.B) {
	sheets := tplBenchCells(b, tplWrite(b, tplBenchInput(b)))
	b.ReportAllocs()
	for b.Loop() {
		if err := tplBareWrite(io.Discard, sheets); err != nil {
			b.Fatal(err)
		}
	}
}

// The baseline writes the same values the template holds.
func TestBaselineWritesTheSameCells(t *testing.T) {
	data := tplWrite(t, tplBenchInputT(t))
	var buf bytes.Buffer
	if err := tplBareWrite(&buf, tplBenchCells(t, data)); err != nil {
		t.Fatal(err)
	}
	tf, bf := tplOpen(t, data), tplOpen(t, buf.Bytes())
	if got, want := strings.Join(bf.GetSheetList(), ","), strings.Join(tf.GetSheetList(), ","); got != want {
		t.Fatalf("baseline sheets %s, want %s", got, want)
	}
	for _, name := range tf.GetSheetList() {
		want, _ := tf.GetRows(name, excelize.Options{RawCellValue: true})
		got, _ := bf.GetRows(name, excelize.Options{RawCellValue: true})
		if len(got) != len(want) {
			t.Errorf("%s: %d rows, want %d", name, len(got), len(want))
			continue
		}
		for i := range want {
			if strings.Join(got[i], "\t") != strings.Join(want[i], "\t") {
				t.Errorf("%s row %d: %q, want %q", name, i+1, got[i], want[i])
			}
		}
	}
}
