package e2e

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
	"gorm.io/gorm"

	"github.com/lawcycle/lawcycle/activities"
	"github.com/lawcycle/lawcycle/api"
	"github.com/lawcycle/lawcycle/calendar/source"
	"github.com/lawcycle/lawcycle/internal/apitest"
	"github.com/lawcycle/lawcycle/service"
	"github.com/lawcycle/lawcycle/wire"
	"github.com/lawcycle/lawcycle/workflows"
)

const adminToken = "lc_e2e_admin_token_0123456789"

// stack is one lawcycle: API, worker and database, on the shared server.
type stack struct {
	t   *testing.T
	db  *gorm.DB
	api apitest.Client
}

func newStack(t *testing.T, db *gorm.DB) *stack {
	t.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	queue := "e2e-" + strings.NewReplacer("/", "-", " ", "-").Replace(t.Name())
	w := worker.New(temporalClient, queue, worker.Options{})
	workflows.Register(w, &activities.Activities{DB: db, Logger: log,
		Calendars: source.New(db), Temporal: temporalClient})
	require.NoError(t, w.Start())
	t.Cleanup(w.Stop)

	svc := &service.Service{DB: db, Temporal: temporalClient, Logger: log, TaskQueue: queue}
	_, err := svc.EnsureAdmin(t.Context(), "", adminToken)
	require.NoError(t, err)
	app := api.New(api.Deps{Service: svc, DB: db, Temporal: temporalClient, Logger: log})
	return &stack{t: t, db: db, api: apitest.Client{T: t, App: app, Token: adminToken}}
}

// seed creates an office and n bureaus (codes b00000…) and returns the codes.
func (s *stack) seed(office string, n int) []string {
	s.t.Helper()
	orgs := []map[string]any{{"code": office, "name": office + "法治办", "kind": "office"}}
	codes := make([]string, n)
	for i := range n {
		codes[i] = fmt.Sprintf("%s-b%05d", office, i)
		orgs = append(orgs, map[string]any{"code": codes[i], "name": fmt.Sprintf("第%d局", i), "kind": "bureau", "parent_code": office})
	}
	r := s.api.Do("POST", "/api/v1/orgs", orgs)
	require.Equal(s.t, http.StatusCreated, r.Status, string(r.Body))
	return codes
}

type cycleView struct {
	ID       string           `json:"id"`
	Status   string           `json:"status"`
	Progress map[string]int64 `json:"progress"`
	Notice   *struct {
		DocNo string `json:"doc_no"`
	} `json:"notice"`
	FannedOutAt *time.Time `json:"fanned_out_at"`
}

func (s *stack) createCycle(office string, bureaus []string) string {
	s.t.Helper()
	r := s.api.Do("POST", "/api/v1/cycles", map[string]any{
		"year": 2025, "office_code": office, "bureau_codes": bureaus,
		"submission_due": "2027-03-01", "publication_due": "2027-03-31",
	})
	require.Equal(s.t, http.StatusCreated, r.Status, string(r.Body))
	var v cycleView
	r.JSON(s.t, &v)
	require.Equal(s.t, "draft", v.Status)
	return v.ID
}

// launchCycle creates a cycle of the office's bureaus, launches it and
// waits until every bureau awaits its submission.
func (s *stack) launchCycle(office string, bureaus []string) string {
	s.t.Helper()
	id := s.createCycle(office, bureaus)
	r := s.api.Do("POST", "/api/v1/cycles/"+id+"/launch", nil)
	require.Equal(s.t, http.StatusOK, r.Status, string(r.Body))
	waitFor(s.t, 30*time.Second, "bureaus awaiting submission", func() bool {
		return s.cycle(id).Progress["awaiting_submission"] == int64(len(bureaus))
	})
	return id
}

func (s *stack) cycle(id string) cycleView {
	s.t.Helper()
	r := s.api.Do("GET", "/api/v1/cycles/"+id, nil)
	require.Equal(s.t, http.StatusOK, r.Status, string(r.Body))
	var v cycleView
	r.JSON(s.t, &v)
	return v
}

// waitFor polls until cond holds or the deadline passes.
func waitFor(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", timeout, what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// requireAwaitingSubmission checks that each bureau's workflow runs under
// its documented ID (docs/architecture.md#workflow-ids) and answers the state query (which needs a live worker) with
// awaiting_submission.
func requireAwaitingSubmission(t *testing.T, c client.Client, cycleID string, codes []string) {
	t.Helper()
	ctx := context.Background()
	for _, code := range codes {
		desc, err := c.DescribeWorkflowExecution(ctx, wire.BureauWorkflowID(cycleID, code), "")
		require.NoError(t, err)
		require.Equal(t, enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING, desc.WorkflowExecutionInfo.Status)
		q, err := c.QueryWorkflow(ctx, wire.BureauWorkflowID(cycleID, code), "", wire.QueryState)
		require.NoError(t, err)
		var st wire.BureauState
		require.NoError(t, q.Get(&st))
		require.Equal(t, wire.StageAwaitingSubmission, st.Stage, code)
	}
}
