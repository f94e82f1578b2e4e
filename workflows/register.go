package workflows

import (
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/lawcycle/lawcycle/activities"
	"github.com/lawcycle/lawcycle/wire"
)

// Register registers every workflow under its stable name, and acts' methods
// as activities, on a worker or a replayer.
func Register(w worker.Registry, acts *activities.Activities) {
	RegisterWorkflows(w)
	w.RegisterActivity(acts)
}

// RegisterWorkflows registers the workflows only, as a replayer needs.
func RegisterWorkflows(w worker.WorkflowRegistry) {
	w.RegisterWorkflowWithOptions(Cycle, workflow.RegisterOptions{Name: wire.CycleWorkflow})
	w.RegisterWorkflowWithOptions(Bureau, workflow.RegisterOptions{Name: wire.BureauWorkflow})
	w.RegisterWorkflowWithOptions(Rectification, workflow.RegisterOptions{Name: wire.RectificationWorkflow})
}
