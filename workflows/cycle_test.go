package workflows_test

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"github.com/lawcycle/lawcycle/wire"
	"github.com/lawcycle/lawcycle/workflows"
)

// fakeCycle plays the database side of a cycle for the test environment.
type fakeCycle struct {
	orgs        []string
	notices     int
	started     map[string]int
	fanOutCalls int
}

func newFakeCycle(n int) *fakeCycle {
	f := &fakeCycle{started: map[string]int{}}
	for i := range n {
		f.orgs = append(f.orgs, fmt.Sprintf("b%05d", i))
	}
	sort.Strings(f.orgs)
	return f
}

func (f *fakeCycle) page(_ context.Context, req wire.ParticipantPageRequest) (wire.ParticipantPage, error) {
	i := sort.SearchStrings(f.orgs, req.AfterOrgCode)
	if i < len(f.orgs) && f.orgs[i] == req.AfterOrgCode {
		i++
	}
	end := min(i+req.Limit, len(f.orgs))
	return wire.ParticipantPage{OrgCodes: append([]string(nil), f.orgs[i:end]...)}, nil
}

// runCycle executes the cycle workflow run after run, following each
// continue-as-new with a fresh environment as the server would, and
// returns the inputs of every run and the children each run started.
func runCycle(t *testing.T, f *fakeCycle, cycleID string) (inputs []wire.CycleInput, childrenPerRun []int) {
	t.Helper()
	in := wire.CycleInput{CycleID: cycleID}
	for run := 0; run < 100; run++ {
		inputs = append(inputs, in)
		var s testsuite.WorkflowTestSuite
		env := s.NewTestWorkflowEnvironment()
		env.RegisterWorkflowWithOptions(workflows.Cycle, regOpts(wire.CycleWorkflow))
		env.RegisterWorkflowWithOptions(workflows.Bureau, regOpts(wire.BureauWorkflow))
		env.OnActivity(acts.IssueNotice, mock.Anything, cycleID).Return(
			func(context.Context, string) (wire.NoticeInfo, error) {
				f.notices++
				return wire.NoticeInfo{ID: 1, DocNo: "法治办〔2025〕1号", Title: "通知"}, nil
			})
		env.OnActivity(acts.ListParticipants, mock.Anything, mock.Anything).Return(f.page)
		env.OnActivity(acts.RecordFanOutComplete, mock.Anything, mock.Anything).Return(
			func(_ context.Context, in wire.FanOutComplete) error {
				f.fanOutCalls++
				require.Equal(t, len(f.orgs), in.Started)
				return nil
			})
		children := 0
		env.OnWorkflow(wire.BureauWorkflow, mock.Anything, mock.Anything).Return(
			func(_ workflow.Context, in wire.BureauInput) error {
				f.started[in.OrgCode]++
				children++
				return nil
			})
		waiting := false
		env.RegisterDelayedCallback(func() {
			v, err := env.QueryWorkflow(wire.QueryState)
			require.NoError(t, err)
			var st wire.CycleState
			require.NoError(t, v.Get(&st))
			waiting = st.FanOut.Done && st.FanOut.Recorded
			env.CancelWorkflow()
		}, 24*time.Hour)
		env.ExecuteWorkflow(wire.CycleWorkflow, in)
		childrenPerRun = append(childrenPerRun, children)

		var can *workflow.ContinueAsNewError
		err := env.GetWorkflowError()
		if !errors.As(err, &can) {
			require.True(t, waiting, "final run should wait with fan-out recorded; error: %v", err)
			return inputs, childrenPerRun
		}
		require.NoError(t, converter.GetDefaultDataConverter().FromPayloads(can.Input, &in))
	}
	t.Fatal("cycle workflow never settled")
	return nil, nil
}

// A cycle of 2,500 bureaus starts every bureau workflow exactly once, never
// more than FanOutBatch per run, and issues one notice.
func TestCycleFansOutInBoundedBatches(t *testing.T) {
	f := newFakeCycle(2500)
	inputs, perRun := runCycle(t, f, "2024-fanout")

	require.Equal(t, 1, f.notices)
	require.Equal(t, 1, f.fanOutCalls)
	require.Len(t, f.started, 2500)
	for org, n := range f.started {
		require.Equal(t, 1, n, "bureau %s started %d times", org, n)
	}
	for i, n := range perRun {
		require.LessOrEqual(t, n, workflows.FanOutBatch, "run %d started %d children", i, n)
	}
	// ceil(2500/400) = 7 batch runs, then the waiting run.
	require.Len(t, inputs, 8)
	last := inputs[len(inputs)-1]
	require.True(t, last.FanOut.Done)
	require.Equal(t, 2500, last.FanOut.Started)
	require.NotNil(t, last.Notice)
}

// A bureau count that is an exact multiple of the batch ends cleanly on an
// empty page.
func TestCycleFanOutExactMultiple(t *testing.T) {
	f := newFakeCycle(2 * workflows.FanOutBatch)
	inputs, perRun := runCycle(t, f, "2024-exact")
	require.Len(t, f.started, 2*workflows.FanOutBatch)
	require.Equal(t, []int{workflows.FanOutBatch, workflows.FanOutBatch, 0, 0}, perRun)
	require.Len(t, inputs, 4)
}

// The launch update answers with the notice once it is issued.
func TestCycleLaunchUpdateReturnsNotice(t *testing.T) {
	var s testsuite.WorkflowTestSuite
	env := s.NewTestWorkflowEnvironment()
	env.RegisterWorkflowWithOptions(workflows.Cycle, regOpts(wire.CycleWorkflow))
	env.RegisterWorkflowWithOptions(workflows.Bureau, regOpts(wire.BureauWorkflow))
	issued := time.Date(2025, 1, 10, 2, 0, 0, 0, time.UTC)
	env.OnActivity(acts.IssueNotice, mock.Anything, "2024-launch").After(time.Minute).Return(
		wire.NoticeInfo{ID: 7, DocNo: "法治办〔2025〕3号", Title: "关于报送2024年度法治政府建设情况报告的通知", IssuedAt: issued}, nil)
	env.OnActivity(acts.ListParticipants, mock.Anything, mock.Anything).Return(wire.ParticipantPage{OrgCodes: []string{"a", "b"}}, nil)
	env.OnWorkflow(wire.BureauWorkflow, mock.Anything, mock.Anything).Return(nil)

	var result wire.LaunchResult
	var updateErr error
	done := false
	env.RegisterDelayedCallback(func() {
		env.UpdateWorkflow(wire.UpdateLaunch, "launch-1", &testsuite.TestUpdateCallback{
			OnAccept: func() {},
			OnReject: func(err error) { updateErr = err },
			OnComplete: func(v interface{}, err error) {
				done = true
				updateErr = err
				if err == nil {
					result = v.(wire.LaunchResult)
				}
			},
		})
	}, 0)
	env.ExecuteWorkflow(wire.CycleWorkflow, wire.CycleInput{CycleID: "2024-launch"})

	require.True(t, done, "launch update never completed")
	require.NoError(t, updateErr)
	require.Equal(t, "open", result.Status)
	require.Equal(t, "法治办〔2025〕3号", result.Notice.DocNo)
	require.True(t, result.Notice.IssuedAt.Equal(issued))
	var can *workflow.ContinueAsNewError
	require.ErrorAs(t, env.GetWorkflowError(), &can, "the first run continues as new after its batch")
}
