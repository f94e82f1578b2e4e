// Package histstat measures workflow executions against SPEC §3's limits:
// history length and pending children per run, across continue-as-new.
package histstat

import (
	"context"
	"fmt"

	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
)

// Run is one execution run of a workflow.
type Run struct {
	RunID string
	// Events is the history length.
	Events int
	// MaxPendingChildren is the highest number of children initiated and
	// not yet closed at any point in the run.
	MaxPendingChildren int
	// ChildIDs are the workflow IDs of every child the run initiated.
	ChildIDs []string
}

// Runs returns every run of workflowID, oldest first, by following the
// continue-as-new chain from the first run.
func Runs(ctx context.Context, c client.Client, workflowID string) ([]Run, error) {
	first, err := firstRun(ctx, c, workflowID)
	if err != nil {
		return nil, err
	}
	var runs []Run
	for runID := first; runID != ""; {
		run, next, err := readRun(ctx, c, workflowID, runID)
		if err != nil {
			return nil, err
		}
		runs = append(runs, run)
		runID = next
	}
	return runs, nil
}

func firstRun(ctx context.Context, c client.Client, workflowID string) (string, error) {
	var oldest string
	var oldestTime int64
	var token []byte
	for {
		resp, err := c.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{
			Query: fmt.Sprintf("WorkflowId = '%s'", workflowID), NextPageToken: token,
		})
		if err != nil {
			return "", fmt.Errorf("list runs of %s: %w", workflowID, err)
		}
		for _, e := range resp.Executions {
			if t := e.GetStartTime().AsTime().UnixNano(); oldest == "" || t < oldestTime {
				oldest, oldestTime = e.GetExecution().GetRunId(), t
			}
		}
		if token = resp.NextPageToken; len(token) == 0 {
			break
		}
	}
	if oldest == "" {
		return "", fmt.Errorf("no runs of %s", workflowID)
	}
	return oldest, nil
}

func readRun(ctx context.Context, c client.Client, workflowID, runID string) (Run, string, error) {
	run := Run{RunID: runID}
	next := ""
	pending := 0
	it := c.GetWorkflowHistory(ctx, workflowID, runID, false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	for it.HasNext() {
		ev, err := it.Next()
		if err != nil {
			return run, "", fmt.Errorf("read history of %s/%s: %w", workflowID, runID, err)
		}
		run.Events++
		switch ev.GetEventType() {
		case enumspb.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED:
			pending++
			run.MaxPendingChildren = max(run.MaxPendingChildren, pending)
			run.ChildIDs = append(run.ChildIDs, ev.GetStartChildWorkflowExecutionInitiatedEventAttributes().GetWorkflowId())
		case enumspb.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_FAILED,
			enumspb.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_COMPLETED,
			enumspb.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_FAILED,
			enumspb.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_CANCELED,
			enumspb.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_TERMINATED,
			enumspb.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_TIMED_OUT:
			pending--
		case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW:
			next = ev.GetWorkflowExecutionContinuedAsNewEventAttributes().GetNewExecutionRunId()
		}
	}
	return run, next, nil
}

// History returns the full history of one run, for replay fixtures.
func History(ctx context.Context, c client.Client, workflowID, runID string) (*historypb.History, error) {
	h := &historypb.History{}
	it := c.GetWorkflowHistory(ctx, workflowID, runID, false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	for it.HasNext() {
		ev, err := it.Next()
		if err != nil {
			return nil, fmt.Errorf("read history: %w", err)
		}
		h.Events = append(h.Events, ev)
	}
	return h, nil
}
