package workflows

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"
)

// A wait cut short cancels its timer, so the timer never fires later for
// nothing; a wait that runs out is ended by its timer.
func TestSleepUnlessCancelsTheTimerOfAWaitCutShort(t *testing.T) {
	for _, tc := range []struct {
		name     string
		wakeAt   time.Duration
		woken    bool
		canceled int
	}{
		{"woken", time.Minute, true, 1},
		{"slept", 2 * time.Hour, false, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var suite testsuite.WorkflowTestSuite
			env := suite.NewTestWorkflowEnvironment()
			wf := func(ctx workflow.Context) (bool, error) {
				wake := false
				workflow.Go(ctx, func(ctx workflow.Context) {
					workflow.GetSignalChannel(ctx, "wake").Receive(ctx, nil)
					wake = true
				})
				woken, err := sleepUnless(ctx, time.Hour, func() bool { return wake })
				if err != nil {
					return false, err
				}
				return woken, workflow.Sleep(ctx, 3*time.Hour)
			}
			env.RegisterWorkflowWithOptions(wf, workflow.RegisterOptions{Name: "wait"})
			var fired []time.Duration
			durations := map[string]time.Duration{}
			canceled := 0
			env.SetOnTimerScheduledListener(func(id string, d time.Duration) { durations[id] = d })
			env.SetOnTimerFiredListener(func(id string) { fired = append(fired, durations[id]) })
			env.SetOnTimerCanceledListener(func(string) { canceled++ })
			env.RegisterDelayedCallback(func() { env.SignalWorkflow("wake", nil) }, tc.wakeAt)
			env.ExecuteWorkflow("wait")
			require.True(t, env.IsWorkflowCompleted())
			require.NoError(t, env.GetWorkflowError())
			var woken bool
			require.NoError(t, env.GetWorkflowResult(&woken))
			require.Equal(t, tc.woken, woken)
			require.Equal(t, tc.canceled, canceled)
			if tc.woken {
				require.Equal(t, []time.Duration{3 * time.Hour}, fired, "the hour's timer never fires")
			} else {
				require.Equal(t, []time.Duration{time.Hour, 3 * time.Hour}, fired)
			}
		})
	}
}
