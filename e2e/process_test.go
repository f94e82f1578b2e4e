package e2e

import (
	"context"
	"net/http"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"

	"github.com/lawcycle/lawcycle/internal/histstat"
	"github.com/lawcycle/lawcycle/internal/testdb"
	"github.com/lawcycle/lawcycle/wire"
)

var (
	devAPIPattern      = regexp.MustCompile(`API:\s+(http://[0-9.:]+)/api/v1`)
	devTemporalPattern = regexp.MustCompile(`Temporal:\s+([0-9.]+:\d+)`)
	temporalPattern    = regexp.MustCompile(`temporal listening on ([0-9.]+:\d+)`)
	serverPattern      = regexp.MustCompile(`lawcycle server listening.*url=(http://[0-9.:]+)`)
	workerPattern      = regexp.MustCompile(`lawcycle worker running`)
)

const processToken = "lc_process_test_token_0123456789"

func startDev(t *testing.T, dataDir string) (*proc, httpClient, client.Client) {
	t.Helper()
	p := startProc(t, "lawcycle dev", []string{
		"LAWCYCLE_HTTP_ADDR=127.0.0.1:0", "LAWCYCLE_ADMIN_TOKEN=" + processToken,
	}, "dev", "--data", dataDir, "--temporal-port", "0")
	base := p.waitOutput(devAPIPattern, 2*time.Minute)
	addr := p.waitOutput(devTemporalPattern, time.Second)
	c, err := client.Dial(client.Options{HostPort: addr, Logger: quietSDKLogger{}})
	require.NoError(t, err)
	t.Cleanup(c.Close)
	api := httpClient{t: t, base: base, token: processToken}
	require.Equal(t, http.StatusOK, api.do("GET", "/readyz", nil, &map[string]any{}))
	return p, api, c
}

// Stopping `lawcycle dev` with Ctrl-C and starting it again on the same
// data dir keeps every cycle and bureau, and running workflows resume:
// a launch interrupted by the stop completes after the restart.
func TestDevRestartKeepsCyclesAndWorkflows(t *testing.T) {
	t.Parallel()
	dataDir := filepath.Join(t.TempDir(), "data")
	dev, api, tc := startDev(t, dataDir)

	codes := api.seed("fzb", 3)
	settled := api.createCycle("fzb", codes)
	require.Equal(t, http.StatusOK, api.do("POST", "/api/v1/cycles/"+settled+"/launch", nil, &map[string]any{}))
	waitFor(t, 30*time.Second, "settled cycle in awaiting_submission", func() bool {
		return api.cycle(settled).Progress["awaiting_submission"] == 3
	})

	// A second, larger launch is cut off by the stop.
	many := api.seed("big", 600)
	inflight := api.createCycle("big", many)
	require.Equal(t, http.StatusOK, api.do("POST", "/api/v1/cycles/"+inflight+"/launch", nil, &map[string]any{}))
	before := api.cycle(inflight).Progress["awaiting_submission"]
	dev.stop(time.Minute)
	tc.Close()
	t.Logf("stopped with %d of %d bureaus of the in-flight launch in awaiting_submission", before, len(many))

	_, api, tc = startDev(t, dataDir)
	v := api.cycle(settled)
	require.Equal(t, "open", v.Status)
	require.Equal(t, int64(3), v.Progress["awaiting_submission"])
	require.NotNil(t, v.Notice)
	// The query needs a worker: it proves the restarted worker serves the old workflows.
	requireAwaitingSubmission(t, tc, settled, codes)
	ctx := context.Background()
	waitFor(t, 2*time.Minute, "interrupted launch to finish after restart", func() bool {
		return api.cycle(inflight).Progress["awaiting_submission"] == int64(len(many))
	})
	desc, err := tc.DescribeWorkflowExecution(ctx, wire.CycleWorkflowID(settled), "")
	require.NoError(t, err)
	require.Equal(t, enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING, desc.WorkflowExecutionInfo.Status)
}

// The production topology on one machine: embedded Temporal alone, then
// `lawcycle migrate`, `lawcycle worker` and `lawcycle server` as separate
// processes on PostgreSQL. The worker is killed with SIGKILL in the middle
// of a launch and another takes over; every bureau ends up started and
// recorded exactly once.
func TestProductionTopologySurvivesWorkerKill(t *testing.T) {
	t.Parallel()
	_, databaseURL := testdb.PostgresSchema(t)
	dataDir := t.TempDir()

	temporal := startProc(t, "lawcycle temporal", nil, "temporal", "--data", dataDir, "--port", "0")
	addr := temporal.waitOutput(temporalPattern, 2*time.Minute)
	env := []string{"DATABASE_URL=" + databaseURL, "TEMPORAL_ADDRESS=" + addr, "LAWCYCLE_ADMIN_TOKEN=" + processToken}

	migrate := startProc(t, "lawcycle migrate", env, "migrate")
	<-migrate.Done()
	require.NoError(t, migrate.Err(), migrate.Output())

	worker1 := startProc(t, "lawcycle worker #1", env, "worker")
	worker1.waitOutput(workerPattern, time.Minute)
	server := startProc(t, "lawcycle server", append(env, "LAWCYCLE_HTTP_ADDR=127.0.0.1:0"), "server")
	api := httpClient{t: t, base: server.waitOutput(serverPattern, time.Minute), token: processToken}
	require.Equal(t, http.StatusOK, api.do("GET", "/readyz", nil, &map[string]any{}))

	const n = 1500
	codes := api.seed("prod", n)
	id := api.createCycle("prod", codes)
	require.Equal(t, http.StatusOK, api.do("POST", "/api/v1/cycles/"+id+"/launch", nil, &map[string]any{}))
	waitFor(t, time.Minute, "launch under way", func() bool {
		return api.cycle(id).Progress["awaiting_submission"] >= 50
	})
	worker1.Kill()
	killedAt := api.cycle(id).Progress["awaiting_submission"]
	t.Logf("worker killed with %d of %d bureaus in awaiting_submission", killedAt, n)
	require.Less(t, killedAt, int64(n), "the kill should land mid-launch")

	worker2 := startProc(t, "lawcycle worker #2", env, "worker")
	worker2.waitOutput(workerPattern, time.Minute)
	waitFor(t, 5*time.Minute, "launch to complete on the new worker", func() bool {
		return api.cycle(id).Progress["awaiting_submission"] == n
	})
	v := api.cycle(id)
	require.Equal(t, int64(n), v.Progress["awaiting_submission"])
	var total int64
	for _, c := range v.Progress {
		total += c
	}
	require.Equal(t, int64(n), total, "every bureau present exactly once in the read model")

	tc, err := client.Dial(client.Options{HostPort: addr, Logger: quietSDKLogger{}})
	require.NoError(t, err)
	defer tc.Close()
	waitFor(t, time.Minute, "fan-out recorded", func() bool { return api.cycle(id).FannedOutAt != nil })
	runs, err := histstat.Runs(context.Background(), tc, wire.CycleWorkflowID(id))
	require.NoError(t, err)
	started := map[string]int{}
	for _, r := range runs {
		for _, child := range r.ChildIDs {
			started[child]++
		}
	}
	require.Len(t, started, n)
	for _, code := range codes {
		require.Equal(t, 1, started[wire.BureauWorkflowID(id, code)], "bureau workflow %s started once", code)
	}
	server.stop(30 * time.Second)
	worker2.stop(30 * time.Second)
	temporal.stop(30 * time.Second)
}
