package api_test

import (
	"context"
	"strings"
	"sync"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"

	"github.com/lawcycle/lawcycle/internal/temporaltest"
	"github.com/lawcycle/lawcycle/wire"
)

// fakeTemporal stands in for the Temporal client: it answers the
// readiness check, the bureau state query and the lifecycle updates with
// canned results, and records every update it is sent, so tests can tell
// what reached the workflows and what was refused before.
type fakeTemporal struct {
	temporaltest.Healthy
	mu      sync.Mutex
	updates []client.UpdateWorkflowOptions
	// starts are the workflows started with an update, in the order of
	// updates sent that way.
	starts []fakeStart
	// results answers updates by name; refuse, when set, refuses every
	// update as a validator would.
	results map[string]any
	refuse  string
	// state answers the state query; nil answers with the bureau waiting
	// for its first return. queryErr, when set, fails the query.
	state    *wire.BureauState
	queryErr error
	// completed keeps each accepted update's result by workflow and
	// update ID, as Temporal does, for a retried request to find.
	completed map[[2]string]any
}

func (f *fakeTemporal) UpdateWorkflow(_ context.Context, o client.UpdateWorkflowOptions) (client.WorkflowUpdateHandle, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.updates = append(f.updates, o)
	if f.refuse != "" {
		return temporaltest.UpdateHandle{Err: temporal.NewApplicationError(f.refuse, wire.RefusedErrorType)}, nil
	}
	if f.completed == nil {
		f.completed = map[[2]string]any{}
	}
	f.completed[[2]string{o.WorkflowID, o.UpdateID}] = f.results[o.UpdateName]
	return temporaltest.UpdateHandle{Result: f.results[o.UpdateName]}, nil
}

// GetWorkflowUpdateHandle finds an update accepted before, or answers
// NotFound as Temporal does for one it never accepted.
func (f *fakeTemporal) GetWorkflowUpdateHandle(o client.GetWorkflowUpdateHandleOptions) client.WorkflowUpdateHandle {
	f.mu.Lock()
	defer f.mu.Unlock()
	res, ok := f.completed[[2]string{o.WorkflowID, o.UpdateID}]
	if !ok {
		return temporaltest.UpdateHandle{Err: serviceerror.NewNotFound("update not found")}
	}
	return temporaltest.UpdateHandle{Result: res}
}

// fakeStart is a workflow start sent with an update.
type fakeStart struct {
	client.WithStartWorkflowOperation
	options  client.StartWorkflowOptions
	workflow any
	args     []any
}

func (f *fakeTemporal) NewWithStartWorkflowOperation(o client.StartWorkflowOptions, workflow any, args ...any) client.WithStartWorkflowOperation {
	return fakeStart{options: o, workflow: workflow, args: args}
}

// UpdateWithStartWorkflow records the start and sends the update to the
// workflow it names, as UpdateWorkflow does.
func (f *fakeTemporal) UpdateWithStartWorkflow(ctx context.Context, o client.UpdateWithStartWorkflowOptions) (client.WorkflowUpdateHandle, error) {
	start := o.StartWorkflowOperation.(fakeStart)
	f.mu.Lock()
	f.starts = append(f.starts, start)
	f.mu.Unlock()
	u := o.UpdateOptions
	u.WorkflowID = start.options.ID
	return f.UpdateWorkflow(ctx, u)
}

// started lists the workflows started with an update so far.
func (f *fakeTemporal) started() []fakeStart {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]fakeStart(nil), f.starts...)
}

// sent lists the updates sent so far.
func (f *fakeTemporal) sent() []client.UpdateWorkflowOptions {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]client.UpdateWorkflowOptions(nil), f.updates...)
}

func (f *fakeTemporal) QueryWorkflow(_ context.Context, workflowID, _, queryType string, _ ...any) (converter.EncodedValue, error) {
	if f.queryErr != nil {
		return nil, f.queryErr
	}
	if queryType != wire.QueryState {
		return nil, temporal.NewApplicationError("unknown query "+queryType, "QueryNotFound")
	}
	st := f.state
	if st == nil {
		rest, _ := strings.CutPrefix(workflowID, "cycle/")
		cycleID, org, _ := strings.Cut(rest, "/bureau/")
		st = &wire.BureauState{CycleID: cycleID, OrgCode: org, Stage: wire.StageAwaitingSubmission, Round: 1,
			CanSubmit: true, Waiting: "等待本单位报送第1轮报表"}
	}
	return temporaltest.Value{V: st}, nil
}
