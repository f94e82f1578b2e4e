package bench

import (
	"context"
	"fmt"
	"io"
	"regexp"
	"sync"
	"sync/atomic"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/lawcycle/lawcycle/internal/histstat"
	"github.com/lawcycle/lawcycle/internal/proc"
	"github.com/lawcycle/lawcycle/wire"
)

// LaunchResult compares a cycle launch with starting as many empty
// workflows on the same embedded server.
type LaunchResult struct {
	Bureaus            int
	EmptyWorkflows     time.Duration
	Launch             time.Duration
	CycleRuns          int
	MaxHistoryEvents   int
	MaxPendingChildren int
	BureauHistory      int
	PeakRSSLaunch      int64
	PeakRSSProcess     int64
}

// Ratio is launch time over baseline time.
func (r LaunchResult) Ratio() float64 { return r.Launch.Seconds() / r.EmptyWorkflows.Seconds() }

const benchToken = "lc_bench_token_0123456789abcdef"

var (
	apiPattern      = regexp.MustCompile(`API:\s+(http://[0-9.:]+)/api/v1`)
	temporalPattern = regexp.MustCompile(`Temporal:\s+([0-9.]+:\d+)`)
)

// emptyWorkflow is the baseline: a workflow that does nothing.
func emptyWorkflow(workflow.Context) error { return nil }

// RunLaunch starts `bin dev` on a fresh data dir, times n empty workflows
// (started by 32 concurrent clients, until all complete), then a launch of
// an n-bureau cycle (until every bureau is in awaiting_submission).
func RunLaunch(ctx context.Context, bin string, n int, log io.Writer) (LaunchResult, error) {
	res := LaunchResult{Bureaus: n}
	dev, err := startDev(bin)
	if err != nil {
		return res, err
	}
	defer dev.Stop()
	c := dev.Temporal

	// Baseline: n empty workflows on the same server, run by an in-process
	// worker on its own task queue.
	w := worker.New(c, "bench-empty", worker.Options{})
	w.RegisterWorkflowWithOptions(emptyWorkflow, workflow.RegisterOptions{Name: "Empty"})
	if err := w.Start(); err != nil {
		return res, err
	}
	res.EmptyWorkflows, err = runEmpty(ctx, c, n)
	w.Stop()
	if err != nil {
		return res, err
	}
	fmt.Fprintf(log, "  %d empty workflows: %s\n", n, res.EmptyWorkflows.Round(time.Millisecond))

	api := dev.API
	id, err := api.SeedAndCreate(ctx, "bench", n)
	if err != nil {
		return res, err
	}
	pid := dev.Pid()
	var peak atomic.Int64
	stopSampling := sampleRSS(pid, &peak)
	start := time.Now()
	if err := api.Do(ctx, "POST", "/api/v1/cycles/"+id+"/launch", nil, nil); err != nil {
		stopSampling()
		return res, err
	}
	if err := api.WaitProgress(ctx, id, "awaiting_submission", n, 30*time.Minute); err != nil {
		stopSampling()
		return res, err
	}
	res.Launch = time.Since(start)
	stopSampling()
	res.PeakRSSLaunch = peak.Load()
	_, res.PeakRSSProcess, _ = proc.Memory(pid)
	fmt.Fprintf(log, "  launch of %d bureaus: %s\n", n, res.Launch.Round(time.Millisecond))

	runs, err := histstat.Runs(ctx, c, wire.CycleWorkflowID(id))
	if err != nil {
		return res, err
	}
	res.CycleRuns = len(runs)
	for _, r := range runs {
		res.MaxHistoryEvents = max(res.MaxHistoryEvents, r.Events)
		res.MaxPendingChildren = max(res.MaxPendingChildren, r.MaxPendingChildren)
	}
	bureau, err := histstat.Runs(ctx, c, wire.BureauWorkflowID(id, "bench-00000"))
	if err != nil {
		return res, err
	}
	res.BureauHistory = bureau[0].Events
	return res, nil
}

func runEmpty(ctx context.Context, c client.Client, n int) (time.Duration, error) {
	start := time.Now()
	runs := make([]client.WorkflowRun, n)
	err := parallel(n, 32, func(i int) error {
		run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
			ID: fmt.Sprintf("bench-empty-%d-%d", start.UnixNano(), i), TaskQueue: "bench-empty",
		}, "Empty")
		runs[i] = run
		return err
	})
	if err != nil {
		return 0, err
	}
	if err := parallel(n, 32, func(i int) error { return runs[i].Get(ctx, nil) }); err != nil {
		return 0, err
	}
	return time.Since(start), nil
}

// parallel calls fn(0..n-1) from workers goroutines and returns the first error.
func parallel(n, workers int, fn func(i int) error) error {
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1) - 1); i < n; i = int(next.Add(1) - 1) {
				if err := fn(i); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	select {
	case err := <-errs:
		return err
	default:
		return nil
	}
}

// sampleRSS records the highest resident set of pid every 100ms.
func sampleRSS(pid int, peak *atomic.Int64) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for {
			if rss, _, err := proc.Memory(pid); err == nil && rss > peak.Load() {
				peak.Store(rss)
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() { close(done); wg.Wait() }
}

type silent struct{}

func (silent) Debug(string, ...interface{}) {}
func (silent) Info(string, ...interface{})  {}
func (silent) Warn(string, ...interface{})  {}
func (silent) Error(string, ...interface{}) {}
