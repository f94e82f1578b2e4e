// Package temporaltest fakes the Temporal client for tests of code that
// starts and signals workflows: a Recorder keeps every call and answers it
// as a server that has the workflows would.
package temporaltest

import (
	"context"
	"sync"

	"go.temporal.io/sdk/client"
)

// Start is one recorded workflow start.
type Start struct {
	Options  client.StartWorkflowOptions
	Workflow any
	Args     []any
}

// Signal is one recorded signal.
type Signal struct {
	WorkflowID, RunID, Name string
	Arg                     any
}

// Recorder records starts and signals. Methods it does not implement
// panic through the nil embedded client, so a test notices what it did
// not expect.
type Recorder struct {
	client.Client

	mu      sync.Mutex
	starts  []Start
	signals []Signal
}

// ExecuteWorkflow records the start; the run it returns is nil, which the
// callers under test do not use.
func (r *Recorder) ExecuteWorkflow(_ context.Context, opts client.StartWorkflowOptions, workflow any, args ...any) (client.WorkflowRun, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.starts = append(r.starts, Start{Options: opts, Workflow: workflow, Args: args})
	return nil, nil
}

// SignalWorkflow records the signal as delivered.
func (r *Recorder) SignalWorkflow(_ context.Context, workflowID, runID, name string, arg any) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.signals = append(r.signals, Signal{WorkflowID: workflowID, RunID: runID, Name: name, Arg: arg})
	return nil
}

// Starts lists the starts so far, in order.
func (r *Recorder) Starts() []Start {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Start(nil), r.starts...)
}

// Signals lists the signals so far, in order.
func (r *Recorder) Signals() []Signal {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Signal(nil), r.signals...)
}

// Reset forgets what was recorded.
func (r *Recorder) Reset() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.starts, r.signals = nil, nil
}
