package ledgerxlsx_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/lawcycle/lawcycle/internal/ledgerxlsx"
)

func rows(rs ...ledgerxlsx.Row) func(func(ledgerxlsx.Row) error) error {
	return func(yield func(ledgerxlsx.Row) error) error {
		for _, r := range rs {
			if err := yield(r); err != nil {
				return err
			}
		}
		return nil
	}
}

// A ledger without items is still the ledger: title, legend and headers;
// a cell longer than Excel allows is cut with a note, not refused.
func TestWriteEmptyAndOverlong(t *testing.T) {
	var buf bytes.Buffer
	if err := ledgerxlsx.Write(&buf, ledgerxlsx.Ledger{Title: "台账", Note: "截至今日。", Each: rows()}); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	got, err := f.GetRows(ledgerxlsx.Sheet)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != ledgerxlsx.HeaderRow || got[0][0] != "台账" || !strings.HasSuffix(got[1][1], "截至今日。") {
		t.Fatalf("empty ledger rows = %q", got)
	}

	buf.Reset()
	long := strings.Repeat("进", 40000)
	if err := ledgerxlsx.Write(&buf, ledgerxlsx.Ledger{Title: "台账", Each: rows(ledgerxlsx.Row{Serial: 1, Progress: long})}); err != nil {
		t.Fatal(err)
	}
	f, err = excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	v, err := f.GetCellValue(ledgerxlsx.Sheet, "I4")
	if err != nil {
		t.Fatal(err)
	}
	if n := utf8.RuneCountInString(v); n != 32767 || !strings.HasSuffix(v, "完整记录请在系统中查看）") {
		t.Errorf("clipped cell: %d characters, ends %q", n, string([]rune(v)[n-20:]))
	}
}

// A failure reading the rows fails the workbook.
func TestWriteStopsOnRowError(t *testing.T) {
	boom := errors.New("database went away")
	err := ledgerxlsx.Write(&bytes.Buffer{}, ledgerxlsx.Ledger{Title: "台账",
		Each: func(yield func(ledgerxlsx.Row) error) error { return boom }})
	if !errors.Is(err, boom) {
		t.Fatalf("Write = %v, want %v", err, boom)
	}
}
