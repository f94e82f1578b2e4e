package workflows_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/testsuite"

	"github.com/lawcycle/lawcycle/wire"
	"github.com/lawcycle/lawcycle/workflows"
)

// An open cycle compiles the submission milestone at the (extended)
// submission deadline and the compliance list at the publication deadline,
// which moves it to closing; the office's close stops every bureau still
// waiting and closes it.
func TestCycleMilestonesExtensionAndClose(t *testing.T) {
	t.Parallel()
	var s testsuite.WorkflowTestSuite
	env := s.NewTestWorkflowEnvironment()
	env.SetStartTime(lcStart)
	env.RegisterWorkflowWithOptions(workflows.Cycle, regOpts(wire.CycleWorkflow))

	var milestones []wire.MilestoneRequest
	env.OnActivity(acts.CompileMilestone, mock.Anything, mock.Anything).Return(
		func(_ context.Context, req wire.MilestoneRequest) (wire.MilestoneResult, error) {
			milestones = append(milestones, req)
			return wire.MilestoneResult{Listed: 1}, nil
		})
	env.OnActivity(acts.ExtendCycle, mock.Anything, mock.Anything).Return(
		func(_ context.Context, rec wire.CycleExtensionRecord) (wire.CycleExtensionResult, error) {
			require.Equal(t, "2026-03-06", rec.Extension.Date)
			return wire.CycleExtensionResult{Kind: rec.Extension.Kind, Due: endOf(time.March, 6), Bureaus: 3}, nil
		})
	var broadcasts []wire.BroadcastRequest
	env.OnActivity(acts.BroadcastToBureaus, mock.Anything, mock.Anything).Return(
		func(_ context.Context, req wire.BroadcastRequest) (wire.BroadcastResult, error) {
			broadcasts = append(broadcasts, req)
			return wire.BroadcastResult{Signalled: 3}, nil
		})
	var closes []wire.CycleCloseRecord
	env.OnActivity(acts.CloseCycle, mock.Anything, mock.Anything).Return(
		func(_ context.Context, rec wire.CycleCloseRecord) (wire.CycleOutcome, error) {
			closes = append(closes, rec)
			return wire.CycleOutcome{Bureaus: 3, Completed: 1, Unfinished: 2, NotPublished: 2}, nil
		})

	send := func(when time.Time, name, id string, arg any) *outcome {
		out := &outcome{}
		env.RegisterDelayedCallback(func() {
			env.UpdateWorkflow(name, id, &testsuite.TestUpdateCallback{
				OnAccept: func() {},
				OnReject: func(err error) { out.rejected, out.done = err, true },
				OnComplete: func(v any, err error) {
					out.done, out.failed, out.value = true, err, v
				},
			}, arg)
		}, when.Sub(lcStart))
		return out
	}
	noReason := send(at(time.February, 20, 10, 0), wire.UpdateCloseCycle, "c0", wire.CloseRequest{By: admin})
	extend := send(at(time.February, 20, 11, 0), wire.UpdateExtendCycle, "e1",
		wire.CycleExtension{Kind: wire.DeadlineSubmission, Date: "2026-03-06", Reason: "春节假期较长", By: admin})
	var closing wire.CycleState
	env.RegisterDelayedCallback(func() {
		v, err := env.QueryWorkflow(wire.QueryState)
		require.NoError(t, err)
		require.NoError(t, v.Get(&closing))
	}, at(time.April, 1, 9, 0).Sub(lcStart))
	closed := send(at(time.April, 2, 10, 0), wire.UpdateCloseCycle, "c1", wire.CloseRequest{By: admin})

	notice := &wire.NoticeInfo{ID: 1, DocNo: "某法办〔2026〕1号", Title: "通知", IssuedAt: lcStart,
		SubmissionDue: endOf(time.February, 25), PublicationDue: endOf(time.March, 31)}
	env.ExecuteWorkflow(wire.CycleWorkflow, wire.CycleInput{CycleID: lcCycle, Year: 2025, Notice: notice,
		FanOut: wire.FanOutProgress{Started: 3, Done: true, Recorded: true}})

	require.True(t, env.IsWorkflowCompleted())
	require.NoError(t, env.GetWorkflowError())
	require.ErrorContains(t, noReason.rejected, "提前关闭周期须说明理由")
	requireDone(t, extend, closed)
	// Closed, the workflow has ended: a later update finds no execution
	// (the API answers that the cycle is closed).

	// The submission milestone waited for the extended due date.
	require.Len(t, milestones, 2)
	require.Equal(t, wire.DeadlineSubmission, milestones[0].Kind)
	require.True(t, milestones[0].At.Equal(endOf(time.March, 6)), "compiled at %s", milestones[0].At.In(cst))
	require.Equal(t, wire.DeadlinePublication, milestones[1].Kind)
	require.True(t, milestones[1].At.Equal(endOf(time.March, 31)), "compiled at %s", milestones[1].At.In(cst))
	require.Equal(t, wire.CycleClosing, closing.Status)

	require.Equal(t, []wire.BroadcastRequest{
		{CycleID: lcCycle, Signal: wire.SignalDeadlinesChanged, OnlyStages: []wire.Stage{wire.StageNotified, wire.StageAwaitingSubmission}},
		{CycleID: lcCycle, Signal: wire.SignalCycleClosed},
	}, broadcasts)
	require.Len(t, closes, 2)
	require.False(t, closes[0].Final)
	require.True(t, closes[1].Final)
	res := closed.value.(wire.CloseResult)
	require.Equal(t, wire.CycleClosed, res.Status)
	require.Equal(t, 2, res.Outcome.Unfinished)
}
