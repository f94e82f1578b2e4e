package excelreturn_test

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/lawcycle/lawcycle/excelreturn"
)

// Parse against the floor of what any reader of the same file must pay:
// excelize.OpenReader with the same limits, then the bare Rows iterator
// over every sheet reading every column of every row. Targets: Parse runs
// at ≥ 70% of the baseline's throughput and peaks at ≤ 1.3× its memory.
//
// Two files:
//   - Return: the filled return of a 人社局 (67 indicators, one problem,
//     one plan), what the server reads on every upload.
//   - Stress: the same return with rdStressRows rows pasted below the
//     indicators on 统计指标 (a detail table a bureau pasted under the
//     figures: 序号, a case name, a number, a note). This is the path
//     that must stream: Parse reads every one of those rows to tell the
//     bureau how many rows lie outside the table, and the worksheet XML
//     (about 20 MB) is above MaxXMLSize, so excelize streams it from a
//     temporary file. 存在问题 would not do: the reader stops at
//     MaxProblems rows by design.
//
// Memory: B/op is what a run allocates in total; the peak is what matters
// for a server reading many uploads at once. The benchmarks report the
// peak of live heap objects sampled every 100µs (peak-heap-MB), and
// TestParsePeakRSS measures the peak resident set (VmHWM) of a child
// process that does nothing but one Parse or one baseline read.

const rdStressRows = 100_000

// rdStressCache keeps the stress file for the process: building it takes
// longer than parsing it.
var rdStressCache struct {
	sync.Mutex
	data []byte
}

// rdStressData appends the stress rows to the filled return's 统计指标
// worksheet XML.
func rdStressData(t testing.TB) []byte {
	base := rdFilled(t)
	return rdRezip(t, base, func(name string, b []byte) []byte {
		if name != rdIndicatorPart {
			return b
		}
		end := bytes.Index(b, []byte("</sheetData>"))
		var rows bytes.Buffer
		rows.Grow(rdStressRows * 220)
		first := 100
		for i := 0; i < rdStressRows; i++ {
			r := strconv.Itoa(first + i)
			fmt.Fprintf(&rows, `<row r="%s"><c r="A%s"><v>%d</v></c><c r="B%s" t="inlineStr"><is><t>劳动保障监察案件（2024）第%d号</t></is></c><c r="D%s"><v>%d.%02d</v></c><c r="F%s" t="inlineStr"><is><t>已结案</t></is></c></row>`,
				r, r, i+1, r, i+1, r, i%977, i%100, r)
		}
		out := make([]byte, 0, len(b)+rows.Len())
		out = append(out, b[:end]...)
		out = append(out, rows.Bytes()...)
		return append(out, b[end:]...)
	})
}

func rdStress(tb testing.TB) []byte {
	tb.Helper()
	rdStressCache.Lock()
	defer rdStressCache.Unlock()
	if rdStressCache.data == nil {
		rdStressCache.data = rdStressData(tb)
	}
	return rdStressCache.data
}

// rdBaselineRows is the floor: open with the reader's limits, stream
// every sheet, read every column.
func rdBaselineRows(data []byte) (int, error) {
	lim := excelreturn.DefaultLimits()
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{
		UnzipSizeLimit: lim.MaxUnzipSize, UnzipXMLSizeLimit: lim.MaxXMLSize, RawCellValue: true,
	})
	if err != nil {
		return 0, err
	}
	defer f.Close()
	cells := 0
	for _, sheet := range f.GetSheetList() {
		rows, err := f.Rows(sheet)
		if err != nil {
			return 0, err
		}
		for rows.Next() {
			cols, err := rows.Columns()
			if err != nil {
				return 0, err
			}
			cells += len(cols)
		}
		if err := rows.Close(); err != nil {
			return 0, err
		}
	}
	return cells, nil
}

// rdPeakHeap samples the live heap while a benchmark runs.
type rdPeakHeap struct {
	stop chan struct{}
	done chan struct{}
	peak atomic.Uint64
}

func rdStartPeak() *rdPeakHeap {
	runtime.GC()
	p := &rdPeakHeap{stop: make(chan struct{}), done: make(chan struct{})}
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	base := func() uint64 { metrics.Read(s); return s[0].Value.Uint64() }
	floor := base()
	go func() {
		defer close(p.done)
		tick := time.NewTicker(100 * time.Microsecond)
		defer tick.Stop()
		for {
			select {
			case <-p.stop:
				return
			case <-tick.C:
				if v := base(); v > floor && v-floor > p.peak.Load() {
					p.peak.Store(v - floor)
				}
			}
		}
	}()
	return p
}

func (p *rdPeakHeap) report(b *testing.B) {
	close(p.stop)
	<-p.done
	b.ReportMetric(float64(p.peak.Load())/(1<<20), "peak-heap-MB")
}

func rdBenchParse(b *testing.B, data []byte) {
	in := rdInput(b)
	exp := rdExpect(in)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	peak := rdStartPeak()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		res, err := excelreturn.Parse(bytes.NewReader(data), int64(len(data)), exp)
		if err != nil || !res.OK() {
			b.Fatalf("parse: %v %v", err, res.Errors)
		}
	}
	b.StopTimer()
	peak.report(b)
}

func rdBenchBaseline(b *testing.B, data []byte) {
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	peak := rdStartPeak()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := rdBaselineRows(data); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	peak.report(b)
}

func BenchmarkParseReturn(b *testing.B)        { rdBenchParse(b, rdFilled(b)) }
func BenchmarkBaselineRowsReturn(b *testing.B) { rdBenchBaseline(b, rdFilled(b)) }
func BenchmarkParseStress(b *testing.B)        { rdBenchParse(b, rdStress(b)) }
func BenchmarkBaselineRowsStress(b *testing.B) { rdBenchBaseline(b, rdStress(b)) }

// The stress file is what the benchmarks say it is: a valid return the
// reader accepts with one warning counting every pasted row.
func TestParseStressFile(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 100,000-row workbook")
	}
	data := rdStress(t)
	res := rdParse(t, data, rdExpect(rdInput(t)))
	if !res.OK() {
		t.Fatalf("errors:%s", rdIssues(res.Errors))
	}
	got := rdFind(res.Warnings, "content_outside_table")
	if len(got) != 1 || !strings.Contains(got[0].Message, strconv.Itoa(rdStressRows)+" 行") || got[0].Cell != "D100" {
		t.Fatalf("warnings:%s", rdIssues(res.Warnings))
	}
	rdWantValues(t, res.Return.Values, rdFull)
}

// rdPeakRSSEnv selects the child mode of TestParsePeakRSS.
const rdPeakRSSEnv = "LAWCYCLE_PEAK_RSS_CHILD"

// TestParsePeakRSS runs one Parse and one baseline read of the stress
// file, each in a fresh child process, and compares their peak resident
// set sizes (VmHWM). The stress file is written to a temporary file
// first, so the child's peak holds what reading costs and not what
// building the fixture cost.
func TestParsePeakRSS(t *testing.T) {
	if mode := os.Getenv(rdPeakRSSEnv); mode != "" {
		rdPeakRSSChild(t, mode)
		return
	}
	// A measurement, not a check: machines here are shared and noisy, so
	// the figure goes to BENCHMARKS.md and no threshold fails a test run.
	if os.Getenv("LAWCYCLE_BENCH_RSS") == "" {
		t.Skip("set LAWCYCLE_BENCH_RSS=1 to measure peak resident memory (runs child processes over a 100,000-row workbook)")
	}
	if rdRace {
		t.Skip("the race detector's shadow memory makes resident sizes meaningless")
	}
	if _, err := os.Stat("/proc/self/status"); err != nil {
		t.Skip("no /proc: cannot read VmHWM")
	}
	file := t.TempDir() + "/stress.xlsx"
	if err := os.WriteFile(file, rdStress(t), 0o644); err != nil {
		t.Fatal(err)
	}
	peak := map[string]float64{}
	for _, mode := range []string{"idle", "baseline", "parse"} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestParsePeakRSS$", "-test.count=1")
		cmd.Env = append(os.Environ(), rdPeakRSSEnv+"="+mode+":"+file)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s child: %v\n%s", mode, err, out)
		}
		_, after, ok := strings.Cut(string(out), "VmHWM-kB=")
		if !ok {
			t.Fatalf("%s child printed no VmHWM:\n%s", mode, out)
		}
		kb, err := strconv.ParseFloat(strings.Fields(after)[0], 64)
		if err != nil {
			t.Fatal(err)
		}
		peak[mode] = kb / 1024
	}
	ratio := peak["parse"] / peak["baseline"]
	net := (peak["parse"] - peak["idle"]) / (peak["baseline"] - peak["idle"])
	t.Logf("peak RSS: idle %.1f MB, baseline %.1f MB, parse %.1f MB; parse/baseline %.2f (above idle %.2f)",
		peak["idle"], peak["baseline"], peak["parse"], ratio, net)
}

func rdPeakRSSChild(t *testing.T, arg string) {
	mode, file, _ := strings.Cut(arg, ":")
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	switch mode {
	case "baseline":
		if _, err := rdBaselineRows(data); err != nil {
			t.Fatal(err)
		}
	case "parse":
		res, err := excelreturn.Parse(bytes.NewReader(data), int64(len(data)), rdExpect(rdInput(t)))
		if err != nil || !res.OK() {
			t.Fatalf("parse: %v %v", err, res)
		}
	}
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(status), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			fmt.Printf("VmHWM-kB=%s\n", strings.TrimSuffix(strings.TrimSpace(v), " kB"))
		}
	}
}
