// Command lawcycle-bench measures lawcycle against baselines run on the
// same machine in the same run (BENCHMARKS.md). It drives a built
// `lawcycle` binary as a separate process, as an office would run it.
package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/lawcycle/lawcycle/internal/bench"
)

func main() {
	// SIGTERM too: a run left to nohup or timeout must still stop the
	// `lawcycle dev` it started and remove its data dir.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	root := &cobra.Command{Use: "lawcycle-bench", SilenceUsage: true}
	root.AddCommand(launchCommand(), readsCommand(), lifecycleCommand(), baselineCommand())
	if err := root.ExecuteContext(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "lawcycle-bench:", err)
		os.Exit(1)
	}
}

func launchCommand() *cobra.Command {
	var bin, sizes string
	cmd := &cobra.Command{
		Use:   "launch",
		Short: "cycle launch vs the same number of empty workflows, on `lawcycle dev`'s embedded server",
		RunE: func(cmd *cobra.Command, _ []string) error {
			out := cmd.OutOrStdout()
			fmt.Fprintln(out, "| bureaus | empty workflows | launch | ratio | cycle runs | max history events | max pending children | bureau history events | peak RSS during launch | peak RSS of process |")
			fmt.Fprintln(out, "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
			for _, s := range strings.Split(sizes, ",") {
				n, err := strconv.Atoi(strings.TrimSpace(s))
				if err != nil {
					return err
				}
				r, err := bench.RunLaunch(cmd.Context(), bin, n, os.Stderr)
				if err != nil {
					return err
				}
				fmt.Fprintf(out, "| %d | %.1f s | %.1f s | %.2f× | %d | %d | %d | %d | %d MiB | %d MiB |\n",
					r.Bureaus, r.EmptyWorkflows.Seconds(), r.Launch.Seconds(), r.Ratio(), r.CycleRuns,
					r.MaxHistoryEvents, r.MaxPendingChildren, r.BureauHistory, r.PeakRSSLaunch>>20, r.PeakRSSProcess>>20)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&bin, "bin", "./lawcycle", "lawcycle binary")
	cmd.Flags().StringVar(&sizes, "bureaus", "1000,10000", "comma-separated cycle sizes")
	return cmd
}

func readsCommand() *cobra.Command {
	o := bench.ReadOptions{}
	var engines string
	cmd := &cobra.Command{
		Use:   "reads",
		Short: "GET /cycles/{id} and /bureaus under loopback load vs the same SQL through a bare pool",
		RunE: func(cmd *cobra.Command, _ []string) error {
			self, err := os.Executable()
			if err != nil {
				return err
			}
			o.SelfBin = self
			out := cmd.OutOrStdout()
			var rows []bench.ReadResult
			for _, e := range strings.Split(engines, ",") {
				opts := o
				if strings.TrimSpace(e) == "postgres" {
					opts.DatabaseURL = os.Getenv("LAWCYCLE_BENCH_POSTGRES_URL")
					if opts.DatabaseURL == "" {
						opts.DatabaseURL = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
					}
				}
				r, err := bench.RunReads(cmd.Context(), opts, os.Stderr)
				if err != nil {
					return err
				}
				rows = append(rows, r...)
			}
			fmt.Fprintf(out, "| engine | endpoint | lawcycle req/s | baseline req/s | throughput ratio | lawcycle p99 | baseline p99 | p99 ratio |\n")
			fmt.Fprintf(out, "|---|---|---:|---:|---:|---:|---:|---:|\n")
			for _, r := range rows {
				fmt.Fprintf(out, "| %s | %s | %.1f | %.1f | %.2f× | %.1f ms | %.1f ms | %.2f× |\n", r.Engine, r.Endpoint,
					r.API.RPS(), r.Baseline.RPS(), r.ThroughputRatio(),
					float64(r.API.P99.Microseconds())/1000, float64(r.Baseline.P99.Microseconds())/1000, r.P99Ratio())
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&o.Bin, "bin", "./lawcycle", "lawcycle binary")
	cmd.Flags().IntVar(&o.Bureaus, "bureaus", 10000, "bureaus in the cycle")
	cmd.Flags().StringVar(&engines, "engines", "sqlite,postgres", "sqlite, postgres or both")
	cmd.Flags().IntVar(&o.Concurrency, "concurrency", 8, "concurrent clients")
	cmd.Flags().DurationVar(&o.Duration, "duration", 10*time.Second, "measured time per target per round")
	cmd.Flags().IntVar(&o.Rounds, "rounds", 2, "alternating rounds")
	cmd.Flags().StringVar(&o.BaselineTransport, "baseline-transport", "nethttp",
		"the baseline's HTTP server: nethttp, or fiber (the same handler behind lawcycle's server, to tell the transport's cost from lawcycle's)")
	cmd.Flags().StringVar(&o.Topology, "topology", "dev", "dev (everything in one process) or server (lawcycle server, Temporal apart)")
	return cmd
}

func baselineCommand() *cobra.Command {
	var databaseURL, dataDir, transport string
	cmd := &cobra.Command{
		Use:    "baseline-server",
		Hidden: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			b, err := bench.OpenBaseline(databaseURL, dataDir)
			if err != nil {
				return err
			}
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "baseline listening on http://%s\n", ln.Addr())
			switch transport {
			case "nethttp":
				return b.Serve(ln)
			case "fiber":
				return b.ServeFiber(ln)
			}
			return fmt.Errorf("unknown --transport %q (nethttp or fiber)", transport)
		},
	}
	cmd.Flags().StringVar(&databaseURL, "database-url", "", "as DATABASE_URL")
	cmd.Flags().StringVar(&dataDir, "data", "", "data dir (SQLite)")
	cmd.Flags().StringVar(&transport, "transport", "nethttp", "nethttp or fiber")
	return cmd
}
