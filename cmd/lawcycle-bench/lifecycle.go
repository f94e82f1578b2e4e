package main

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/lawcycle/lawcycle/internal/bench"
)

func lifecycleCommand() *cobra.Command {
	o := bench.LifecycleOptions{}
	cmd := &cobra.Command{
		Use:   "lifecycle",
		Short: "submit, review and deadline timers among many open bureau workflows vs one, on `lawcycle dev`'s embedded server",
		RunE: func(cmd *cobra.Command, _ []string) error {
			r, err := bench.RunLifecycle(cmd.Context(), o, os.Stderr)
			if err != nil {
				return err
			}
			printLifecycle(cmd.OutOrStdout(), o, r)
			return nil
		},
	}
	cmd.Flags().StringVar(&o.Bin, "bin", "./lawcycle", "lawcycle binary")
	cmd.Flags().IntVar(&o.Bureaus, "bureaus", 10000, "bureaus in the large cycle")
	cmd.Flags().IntVar(&o.Samples, "samples", 100, "submit/review pairs timed on each side")
	cmd.Flags().DurationVar(&o.DueIn, "due-in", 40*time.Minute, "the large cycle's submission deadline, after its creation: past its launch and the timed calls")
	cmd.Flags().Uint64Var(&o.Seed, "seed", 1, "picks the sampled bureaus and their review decisions")
	cmd.Flags().DurationVar(&o.Poll, "poll", 100*time.Millisecond, "how often timer progress is read")
	cmd.Flags().IntVar(&o.ScanWorkers, "scan-workers", 4, "concurrent history reads")
	return cmd
}

func printLifecycle(out io.Writer, o bench.LifecycleOptions, r bench.LifecycleResult) {
	ms := func(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }
	fmt.Fprintf(out, "%d bureaus launched in %.1f s; %d samples per side\n\n", r.Bureaus, r.Launch.Seconds(), o.Samples)
	fmt.Fprintln(out, "| call | median, 1 open bureau | median, N open | median ratio | p95, 1 open | p95, N open | p95 ratio |")
	fmt.Fprintln(out, "|---|---:|---:|---:|---:|---:|---:|")
	row := func(name string, one, many bench.Latency, ratio func() (float64, float64)) {
		m, p := ratio()
		fmt.Fprintf(out, "| %s | %s | %s | %.2f× | %s | %s | %.2f× |\n", name, ms(one.Median), ms(many.Median), m, ms(one.P95), ms(many.P95), p)
	}
	row("submit", r.SubmitOne, r.SubmitMany, r.SubmitRatio)
	row(fmt.Sprintf("review (%d returns / %d approvals at N)", r.ReturnMany.N, r.ReviewMany.N-r.ReturnMany.N), r.ReviewOne, r.ReviewMany, r.ReviewRatio)
	row("review, returns only", r.ReviewOne, r.ReturnMany, r.ReturnRatio)
	fmt.Fprintln(out)
	fmt.Fprintln(out, "| 1 open bureau | submit median | submit p95 | review median | review p95 |")
	fmt.Fprintln(out, "|---|---:|---:|---:|---:|")
	fmt.Fprintf(out, "| first %d rounds | %s | %s | %s | %s |\n", r.SubmitOneFirst.N,
		ms(r.SubmitOneFirst.Median), ms(r.SubmitOneFirst.P95), ms(r.ReviewOneFirst.Median), ms(r.ReviewOneFirst.P95))
	fmt.Fprintf(out, "| last %d rounds | %s | %s | %s | %s |\n", r.SubmitOneLast.N,
		ms(r.SubmitOneLast.Median), ms(r.SubmitOneLast.P95), ms(r.ReviewOneLast.Median), ms(r.ReviewOneLast.P95))
	fmt.Fprintln(out)
	fmt.Fprintln(out, "| timers due at one instant | bare timers | overdue notices | ratio | bare timers set late |")
	fmt.Fprintln(out, "|---:|---:|---:|---:|---:|")
	fmt.Fprintf(out, "| %d | %.1f s | %.1f s | %.2f× | %d |\n", r.Overdue.Timers, r.BareTimers.Elapsed.Seconds(), r.Overdue.Elapsed.Seconds(), r.TimerRatio(), r.BareTimers.Late)
	fmt.Fprintln(out)
	fmt.Fprintln(out, "| executions | workflows | runs | max history events / run | max pending operations / run | max pending children | max pending activities | max pending timers |")
	fmt.Fprintln(out, "|---|---:|---:|---:|---:|---:|---:|---:|")
	hist := func(name string, h bench.HistoryMax) {
		fmt.Fprintf(out, "| %s | %d | %d | %d | %d | %d | %d | %d |\n", name, h.Workflows, h.Runs, h.MaxEvents, h.MaxPending, h.MaxChildren, h.MaxActivities, h.MaxTimers)
	}
	hist("cycle/{id}", r.CycleHist)
	hist("bureau workflows of the cycle", r.BureauHist)
	hist(fmt.Sprintf("the 1-bureau baseline (%d rounds)", o.Samples+1), r.BaselineHist)
	fmt.Fprintf(out, "\nlongest history: %s; most pending: %s\n", r.BureauHist.MaxEventsID, r.BureauHist.MaxPendingID)
}
