package e2e

import (
	"context"
	"net/http"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/lawcycle/lawcycle/internal/histstat"
	"github.com/lawcycle/lawcycle/internal/testdb"
	"github.com/lawcycle/lawcycle/models"
	"github.com/lawcycle/lawcycle/wire"
)

// the per-execution limits of docs/architecture.md#scale-limits.
const (
	maxPendingChildren = 500
	maxHistoryEvents   = 4096
)

// A launch of 2,000+ bureaus on the embedded server: every bureau workflow
// starts exactly once, every bureau reaches awaiting_submission, and no
// run of the cycle workflow exceeds the pending-children or history limits.
// LAWCYCLE_SCALE_BUREAUS raises the count.
func TestLaunchAtScaleStaysWithinLimits(t *testing.T) {
	if testing.Short() {
		t.Skip("scale test")
	}
	n := 2100
	if v, err := strconv.Atoi(os.Getenv("LAWCYCLE_SCALE_BUREAUS")); err == nil && v > 0 {
		n = v
	}
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		s := newStack(t, db)
		codes := s.seed("big", n)
		id := s.createCycle("big", codes)
		start := time.Now()
		r := s.api.Do("POST", "/api/v1/cycles/"+id+"/launch", nil)
		require.Equal(t, http.StatusOK, r.Status, string(r.Body))
		waitFor(t, 10*time.Minute, "every bureau in awaiting_submission", func() bool {
			return s.cycle(id).Progress["awaiting_submission"] == int64(n)
		})
		t.Logf("%d bureaus reached awaiting_submission in %s", n, time.Since(start).Round(time.Millisecond))
		waitFor(t, time.Minute, "fan-out recorded", func() bool { return s.cycle(id).FannedOutAt != nil })

		runs, err := histstat.Runs(context.Background(), temporalClient, wire.CycleWorkflowID(id))
		require.NoError(t, err)
		seen := map[string]int{}
		maxEvents, maxPending := 0, 0
		for _, run := range runs {
			maxEvents = max(maxEvents, run.Events)
			maxPending = max(maxPending, run.MaxPendingChildren)
			for _, child := range run.ChildIDs {
				seen[child]++
			}
		}
		t.Logf("cycle workflow: %d runs, largest history %d events, most pending children %d", len(runs), maxEvents, maxPending)
		require.LessOrEqual(t, maxEvents, maxHistoryEvents)
		require.LessOrEqual(t, maxPending, maxPendingChildren)
		require.Len(t, seen, n, "distinct bureau workflows started")
		for _, code := range codes {
			require.Equal(t, 1, seen[wire.BureauWorkflowID(id, code)], "bureau %s", code)
		}

		// And the read model holds each bureau exactly once.
		var rows int64
		require.NoError(t, db.Model(&models.Participant{}).Where("cycle_id = ?", id).Count(&rows).Error)
		require.Equal(t, int64(n), rows)

		bureauRuns, err := histstat.Runs(context.Background(), temporalClient, wire.BureauWorkflowID(id, codes[0]))
		require.NoError(t, err)
		require.Len(t, bureauRuns, 1)
		require.LessOrEqual(t, bureauRuns[0].Events, maxHistoryEvents)
	})
}
