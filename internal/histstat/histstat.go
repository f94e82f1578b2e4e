// Package histstat measures workflow executions against the limits of docs/architecture.md#scale-limits:
// history length and pending operations (children, activities, timers) per
// run, across continue-as-new.
package histstat

import (
	"context"
	"fmt"
	"slices"

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
	// MaxPendingActivities is the highest number of activity tasks
	// scheduled and not yet closed at any point in the run. Local
	// activities are markers, not pending operations, so they do not count.
	MaxPendingActivities int
	// MaxPendingTimers is the highest number of timers started and not yet
	// fired or canceled at any point in the run.
	MaxPendingTimers int
	// MaxPendingOps is the highest sum of pending children, activities and
	// timers at any one point: the server holds all three in the
	// execution's mutable state at once, so the sum is what docs/domain.md#bureau-stages bounds.
	MaxPendingOps int
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
		run, links, err := readRun(ctx, c, workflowID, runID)
		if err != nil {
			return nil, err
		}
		runs = append(runs, run)
		runID = links.next
	}
	return runs, nil
}

// RunsFromCurrent returns the same runs as Runs without a visibility
// query: it starts from the current run and follows the chain back
// through each run's predecessor. Visibility queries are the slow part of
// reading thousands of workflows on an embedded server's SQLite.
func RunsFromCurrent(ctx context.Context, c client.Client, workflowID string) ([]Run, error) {
	desc, err := c.DescribeWorkflowExecution(ctx, workflowID, "")
	if err != nil {
		return nil, fmt.Errorf("describe %s: %w", workflowID, err)
	}
	var runs []Run
	for runID := desc.GetWorkflowExecutionInfo().GetExecution().GetRunId(); runID != ""; {
		run, links, err := readRun(ctx, c, workflowID, runID)
		if err != nil {
			return nil, err
		}
		runs = append(runs, run)
		runID = links.prev
	}
	slices.Reverse(runs)
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

// runLinks are a run's neighbours in its continue-as-new chain.
type runLinks struct{ prev, next string }

func readRun(ctx context.Context, c client.Client, workflowID, runID string) (Run, runLinks, error) {
	run := Run{RunID: runID}
	var links runLinks
	var children, activities, timers int
	it := c.GetWorkflowHistory(ctx, workflowID, runID, false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	for it.HasNext() {
		ev, err := it.Next()
		if err != nil {
			return run, links, fmt.Errorf("read history of %s/%s: %w", workflowID, runID, err)
		}
		run.Events++
		switch ev.GetEventType() {
		case enumspb.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED:
			children++
			run.ChildIDs = append(run.ChildIDs, ev.GetStartChildWorkflowExecutionInitiatedEventAttributes().GetWorkflowId())
		case enumspb.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_FAILED,
			enumspb.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_COMPLETED,
			enumspb.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_FAILED,
			enumspb.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_CANCELED,
			enumspb.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_TERMINATED,
			enumspb.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_TIMED_OUT:
			children--
		case enumspb.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
			activities++
		case enumspb.EVENT_TYPE_ACTIVITY_TASK_COMPLETED,
			enumspb.EVENT_TYPE_ACTIVITY_TASK_FAILED,
			enumspb.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT,
			enumspb.EVENT_TYPE_ACTIVITY_TASK_CANCELED:
			activities--
		case enumspb.EVENT_TYPE_TIMER_STARTED:
			timers++
		case enumspb.EVENT_TYPE_TIMER_FIRED, enumspb.EVENT_TYPE_TIMER_CANCELED:
			timers--
		case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED:
			links.prev = ev.GetWorkflowExecutionStartedEventAttributes().GetContinuedExecutionRunId()
		case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW:
			links.next = ev.GetWorkflowExecutionContinuedAsNewEventAttributes().GetNewExecutionRunId()
		}
		run.MaxPendingChildren = max(run.MaxPendingChildren, children)
		run.MaxPendingActivities = max(run.MaxPendingActivities, activities)
		run.MaxPendingTimers = max(run.MaxPendingTimers, timers)
		run.MaxPendingOps = max(run.MaxPendingOps, children+activities+timers)
	}
	return run, links, nil
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
