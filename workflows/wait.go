package workflows

import (
	"time"

	"go.temporal.io/sdk/workflow"
)

// Versions of how a workflow waits, told apart with workflow.GetVersion.
const (
	// cancelWaitTimerChange names the change that cancels the timer of a
	// wait cut short. Before it (workflow.DefaultVersion) the timer stayed
	// pending until its instant, as workflow.AwaitWithTimeout leaves it by
	// default: a bureau returned round after round, or whose due date moved,
	// kept one pending timer per abandoned wait, and each fired a workflow
	// task later for nothing.
	cancelWaitTimerChange = "cancel-wait-timer"
	cancelWaitTimerV1     = 1
)

// sleepUnless sleeps for d unless wake becomes true first, and reports
// whether it did; when both happen at once the sleep has ended, as
// workflow.AwaitWithTimeout decides.
func sleepUnless(ctx workflow.Context, d time.Duration, wake func() bool) (bool, error) {
	if workflow.GetVersion(ctx, cancelWaitTimerChange, workflow.DefaultVersion, cancelWaitTimerV1) == workflow.DefaultVersion {
		return workflow.AwaitWithTimeout(ctx, d, wake)
	}
	if wake() {
		return true, nil
	}
	timerCtx, cancel := workflow.WithCancel(ctx)
	defer cancel()
	timer := workflow.NewTimer(timerCtx, d)
	if err := workflow.Await(ctx, func() bool { return timer.IsReady() || wake() }); err != nil {
		return false, err
	}
	if timer.IsReady() {
		return false, timer.Get(ctx, nil)
	}
	return true, nil
}
