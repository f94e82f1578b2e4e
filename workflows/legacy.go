package workflows

import "go.temporal.io/sdk/workflow"

// The branches that keep executions recorded by earlier versions of the
// workflow code running as they were recorded (docs/architecture.md#versioning).
// New behaviour goes behind a workflow.GetVersion change named here; the
// replay fixtures under testdata/histories prove the old paths still replay.

// Versions of the bureau workflow, told apart with workflow.GetVersion.
const (
	// lifecycleChange names the change that added deadlines, reminders,
	// review, extensions, publication, close and search attributes.
	// Executions started before it (workflow.DefaultVersion) run the new
	// handlers too but set no search attributes, and plan no reminders until
	// a deadline change wakes them: their recorded histories wait without
	// any command after entering awaiting_submission.
	lifecycleChange = "lifecycle"
	lifecycleV1     = 1
)

// Versions of the cycle workflow, told apart with workflow.GetVersion.
const (
	// cycleLifecycleChange names the change that added the deadline
	// milestones, extension and close, and search attributes. Runs
	// recorded before it wait for the close without a timer.
	cycleLifecycleChange = "cycle-lifecycle"
	cycleLifecycleV1     = 1
)

// legacy reports whether the bureau's execution started before the
// lifecycle change: it sets no search attributes and plans no reminders
// until something wakes it.
func (b *bureau) legacy() bool { return b.Lifecycle < lifecycleV1 }

// awaitLegacyWake holds a legacy execution where its recorded history
// waited without a command, until an event that was not in it (the bureau
// moved on, the cycle closed, due dates changed) gives it a reason to
// plan. woke is false when the bureau left the stage meanwhile; a current
// execution, or one woken before, goes on at once.
func (b *bureau) awaitLegacyWake(ctx workflow.Context, left func() bool) (woke bool, err error) {
	if !b.legacy() || b.woken {
		return true, nil
	}
	if err := workflow.Await(ctx, func() bool { return left() || b.Refresh }); err != nil {
		return false, err
	}
	if left() {
		return false, nil
	}
	b.woken = true
	return true, nil
}

// legacy reports whether the cycle's execution started before the cycle
// lifecycle change: it waits for the close without milestones or search
// attributes.
func (c *cycle) legacy() bool { return c.Lifecycle < cycleLifecycleV1 }

// carriesState reports whether a run continuing as new hands over the
// carried state. Runs during the fan-out, and legacy runs, never did: their
// next run starts again from the notice, as recorded.
func (c *cycle) carriesState() bool { return c.in.FanOut.Done && !c.legacy() }
