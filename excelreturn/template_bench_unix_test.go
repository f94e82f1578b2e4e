//go:build unix

package excelreturn_test

import (
	"io"
	"os"
	"runtime"
	"slices"
	"syscall"
	"testing"
	"time"

	"github.com/lawcycle/lawcycle/excelreturn"
)

// TestWriteTemplateCPURatio measures what BenchmarkWriteTemplate and
// BenchmarkBaselineStreamWriter compare, in a form that holds up on a small
// shared machine: process CPU time (not wall time) on one P, the two
// alternating in rounds so that load from other tenants hits both alike,
// and the median of the per-round ratios. It only runs when asked:
//
//	LAWCYCLE_BENCH_RATIO=1 go test -run CPURatio -v ./excelreturn/
func TestWriteTemplateCPURatio(t *testing.T) {
	if os.Getenv("LAWCYCLE_BENCH_RATIO") == "" {
		t.Skip("set LAWCYCLE_BENCH_RATIO=1 to measure")
	}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	in := tplBenchInputT(t)
	sheets := tplBenchCells(t, tplWrite(t, in))
	cpu := func() time.Duration {
		var ru syscall.Rusage
		if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
			t.Fatal(err)
		}
		return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	measure := func(f func() error) time.Duration {
		runtime.GC()
		start := cpu()
		for range 100 {
			if err := f(); err != nil {
				t.Fatal(err)
			}
		}
		runtime.GC() // the garbage each made is part of its cost
		return (cpu() - start) / 100
	}
	// The baseline as defined (excelize's default compression), and the
	// same baseline compressed like the template, which isolates what the
	// template's styles, validations and protection cost.
	var ratios, sameZip []float64
	var tplTotal, baseTotal, fastTotal time.Duration
	const rounds = 12
	for range rounds {
		tpl := measure(func() error { return excelreturn.WriteTemplate(io.Discard, in) })
		base := measure(func() error { return tplBareWrite(io.Discard, sheets) })
		fast := measure(func() error { return tplBareWriteZip(io.Discard, sheets, true) })
		ratios = append(ratios, float64(tpl)/float64(base))
		sameZip = append(sameZip, float64(tpl)/float64(fast))
		tplTotal += tpl
		baseTotal += base
		fastTotal += fast
	}
	median := func(r []float64) float64 { slices.Sort(r); return (r[rounds/2-1] + r[rounds/2]) / 2 }
	t.Logf("WriteTemplate / bare StreamWriter, CPU time: median %.2f (min %.2f, max %.2f); template %v, baseline %v per workbook",
		median(ratios), ratios[0], ratios[rounds-1], tplTotal/rounds, baseTotal/rounds)
	t.Logf("WriteTemplate / bare StreamWriter with the template's compression: median %.2f; baseline %v per workbook",
		median(sameZip), fastTotal/rounds)
}
