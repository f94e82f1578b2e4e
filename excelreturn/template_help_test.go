package excelreturn_test

import (
	"strings"
	"testing"

	"github.com/lawcycle/lawcycle/excelreturn"
)

// The catalogue parts' general instructions are on 填报说明, general part
// first, so a bureau reads them where it reads how to fill.
func TestGuideShowsPartInstructions(t *testing.T) {
	t.Parallel()
	in := tplBuiltinInput(t, "hrss")
	f := tplOpen(t, tplWrite(t, in))
	rows, err := f.GetRows(excelreturn.SheetGuide)
	if err != nil {
		t.Fatal(err)
	}
	var text strings.Builder
	for _, row := range rows {
		text.WriteString(strings.Join(row, " "))
		text.WriteString("\n")
	}
	if len(in.Catalogue.Help) < 2 {
		t.Fatalf("expected instructions from both parts, got %d", len(in.Catalogue.Help))
	}
	last := -1
	for _, h := range in.Catalogue.Help {
		i := strings.Index(text.String(), h)
		if i < 0 {
			t.Fatalf("填报说明 lacks the part instruction %q", h)
		}
		if i < last {
			t.Fatalf("part instructions out of order")
		}
		last = i
	}
}
