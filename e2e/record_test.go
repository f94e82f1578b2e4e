package e2e

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/encoding/protojson"
	"gorm.io/gorm"

	"github.com/lawcycle/lawcycle/catalogue"
	"github.com/lawcycle/lawcycle/internal/apitest"
	"github.com/lawcycle/lawcycle/internal/histstat"
	"github.com/lawcycle/lawcycle/internal/returntest"
	"github.com/lawcycle/lawcycle/internal/testdb"
	"github.com/lawcycle/lawcycle/wire"
)

// TestRecordReplayFixtures writes histories of real executions for the
// replay tests in package workflows. It runs only when asked:
//
//	LAWCYCLE_RECORD_HISTORIES=../workflows/testdata/histories go test ./e2e -run TestRecordReplayFixtures
//
// Record a new set whenever workflow code changes behaviour, under a new
// version prefix, and keep the old files: they are what running cycles
// look like.
func TestRecordReplayFixtures(t *testing.T) {
	dir := os.Getenv("LAWCYCLE_RECORD_HISTORIES")
	if dir == "" {
		t.Skip("set LAWCYCLE_RECORD_HISTORIES to a directory to record replay fixtures")
	}
	prefix := os.Getenv("LAWCYCLE_RECORD_PREFIX")
	if prefix == "" {
		prefix = "v1"
	}
	s := newStack(t, testdb.SQLite(t))
	codes := s.seed("fzb", 3)
	id := s.createCycle("fzb", codes)
	r := s.api.Do("POST", "/api/v1/cycles/"+id+"/launch", nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	waitFor(t, 30*time.Second, "fan-out recorded", func() bool { return s.cycle(id).FannedOutAt != nil })
	waitFor(t, 30*time.Second, "bureaus settled", func() bool { return s.cycle(id).Progress["awaiting_submission"] == 3 })

	// One bureau submits a valid return (the office on its behalf).
	submitted := codes[1]
	path := "/api/v1/cycles/" + id + "/bureaus/" + submitted
	r = s.api.Do("GET", path+"/template", nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	cat, err := catalogue.Builtin().ComposeFor("")
	require.NoError(t, err)
	filled, err := returntest.Fill(r.Body, returntest.Filled{Values: returntest.Plausible(cat), Info: returntest.Info})
	require.NoError(t, err)
	r = s.api.Upload("POST", path+"/submissions", apitest.Multipart{{Field: "file", Name: "报表.xlsx", Data: filled}})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Body))

	ctx := context.Background()
	runs, err := histstat.Runs(ctx, temporalClient, wire.CycleWorkflowID(id))
	require.NoError(t, err)
	require.Len(t, runs, 2, "one batch run and the waiting run")
	writeHistory(t, dir, prefix+"-cycle-launch-batch", wire.CycleWorkflowID(id), runs[0].RunID)
	writeHistory(t, dir, prefix+"-cycle-open-waiting", wire.CycleWorkflowID(id), runs[1].RunID)
	writeHistory(t, dir, prefix+"-bureau-awaiting-submission", wire.BureauWorkflowID(id, codes[0]), "")
	writeHistory(t, dir, prefix+"-bureau-submitted", wire.BureauWorkflowID(id, submitted), "")
}

// recordFixtures writes the histories of real runs as replay fixtures
// for package workflows when LAWCYCLE_RECORD_HISTORIES names a directory
// (SQLite runs only, so one file per fixture): each workflow of fixtures
// (name → workflow ID) under "{prefix}-{name}.json", and every run of the
// cycle cycleID, if given. LAWCYCLE_RECORD_PREFIX overrides the prefix:
//
//	LAWCYCLE_RECORD_HISTORIES=$PWD/workflows/testdata/histories LAWCYCLE_RECORD_PREFIX=v5 \
//	  go test ./e2e -run 'TestLifecycleOverHTTP/sqlite|TestRectificationOverHTTP/sqlite'
func recordFixtures(t *testing.T, db *gorm.DB, prefix string, fixtures map[string]string, cycleID string) {
	t.Helper()
	dir := os.Getenv("LAWCYCLE_RECORD_HISTORIES")
	if dir == "" || db.Dialector.Name() != "sqlite" {
		return
	}
	if p := os.Getenv("LAWCYCLE_RECORD_PREFIX"); p != "" {
		prefix = p
	}
	for name, id := range fixtures {
		writeHistory(t, dir, prefix+"-"+name, id, "")
	}
	if cycleID != "" {
		writeCycleRuns(t, dir, prefix+"-cycle", cycleID)
	}
}

// writeHistory writes one run's history as dir/name.json.
func writeHistory(t *testing.T, dir, name, workflowID, runID string) {
	t.Helper()
	h, err := histstat.History(context.Background(), temporalClient, workflowID, runID)
	require.NoError(t, err)
	raw, err := protojson.MarshalOptions{Indent: "  "}.Marshal(h)
	require.NoError(t, err)
	require.NoError(t, os.MkdirAll(dir, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, name+".json"), raw, 0o644))
}

// writeCycleRuns writes every run of a cycle's workflow, numbered.
func writeCycleRuns(t *testing.T, dir, name, cycleID string) {
	t.Helper()
	runs, err := histstat.Runs(context.Background(), temporalClient, wire.CycleWorkflowID(cycleID))
	require.NoError(t, err)
	for i, r := range runs {
		writeHistory(t, dir, fmt.Sprintf("%s-run%d", name, i+1), wire.CycleWorkflowID(cycleID), r.RunID)
	}
}
