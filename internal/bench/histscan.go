package bench

import (
	"context"
	"sync"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/lawcycle/lawcycle/internal/histstat"
)

// HistoryMax is the worst run among a set of workflow executions, measured
// against the limits of docs/architecture.md#scale-limits (4,096 events, 500 pending operations).
type HistoryMax struct {
	Workflows, Runs int
	// MaxEvents is the longest history of any run; MaxEventsID names it.
	MaxEvents   int
	MaxEventsID string
	// MaxPending is the most children, activities and timers pending at
	// once in any run; MaxPendingID names it. The per-kind maxima may
	// come from different runs.
	MaxPending    int
	MaxPendingID  string
	MaxChildren   int
	MaxActivities int
	MaxTimers     int
}

func (h *HistoryMax) add(id string, runs []histstat.Run) {
	h.Workflows++
	h.Runs += len(runs)
	for _, r := range runs {
		if r.Events > h.MaxEvents {
			h.MaxEvents, h.MaxEventsID = r.Events, id
		}
		if r.MaxPendingOps > h.MaxPending {
			h.MaxPending, h.MaxPendingID = r.MaxPendingOps, id
		}
		h.MaxChildren = max(h.MaxChildren, r.MaxPendingChildren)
		h.MaxActivities = max(h.MaxActivities, r.MaxPendingActivities)
		h.MaxTimers = max(h.MaxTimers, r.MaxPendingTimers)
	}
}

// scanHistories reads every run of every workflow in ids from workers
// goroutines: few, because every read lands on the embedded server's
// single SQLite.
func scanHistories(ctx context.Context, c client.Client, ids []string, workers int) (HistoryMax, error) {
	var mu sync.Mutex
	var h HistoryMax
	err := parallel(len(ids), workers, func(i int) error {
		runs, err := readRuns(ctx, c, ids[i])
		if err != nil {
			return err
		}
		mu.Lock()
		h.add(ids[i], runs)
		mu.Unlock()
		return nil
	})
	return h, err
}

// readRuns reads a workflow's runs, trying again a few times: on a shared
// two-core machine a read can outlast the client's RPC timeout, and one
// slow read must not throw away a run of half an hour.
func readRuns(ctx context.Context, c client.Client, id string) ([]histstat.Run, error) {
	var err error
	for attempt := range 3 {
		var runs []histstat.Run
		if runs, err = histstat.RunsFromCurrent(ctx, c, id); err == nil {
			return runs, nil
		}
		select {
		case <-time.After(time.Duration(attempt+1) * 5 * time.Second):
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	return nil, err
}
