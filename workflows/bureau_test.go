package workflows_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/testsuite"

	"github.com/lawcycle/lawcycle/activities"
	"github.com/lawcycle/lawcycle/wire"
	"github.com/lawcycle/lawcycle/workflows"
)

var acts *activities.Activities

func TestBureauRecordsNotifiedThenAwaitingSubmission(t *testing.T) {
	var s testsuite.WorkflowTestSuite
	env := s.NewTestWorkflowEnvironment()
	env.RegisterWorkflowWithOptions(workflows.Bureau, regOpts(wire.BureauWorkflow))
	subDue := time.Date(2025, 3, 1, 15, 59, 59, 0, time.UTC)
	pubDue := time.Date(2025, 3, 31, 15, 59, 59, 0, time.UTC)
	var changes []wire.StageChange
	env.OnActivity(acts.RecordStage, mock.Anything, mock.Anything).Return(
		func(_ context.Context, ch wire.StageChange) (wire.ParticipantInfo, error) {
			changes = append(changes, ch)
			return wire.ParticipantInfo{OrgCode: ch.OrgCode, SubmissionDue: subDue, PublicationDue: pubDue}, nil
		})

	var state wire.BureauState
	env.RegisterDelayedCallback(func() {
		v, err := env.QueryWorkflow(wire.QueryState)
		require.NoError(t, err)
		require.NoError(t, v.Get(&state))
		// Nothing else will happen: end the open-ended wait.
		env.CancelWorkflow()
	}, time.Hour)
	env.ExecuteWorkflow(wire.BureauWorkflow, wire.BureauInput{CycleID: "2024-abcdef", OrgCode: "rsj"})

	require.Len(t, changes, 2)
	require.Equal(t, wire.StageNotified, changes[0].Stage)
	require.Equal(t, int64(1), changes[0].Seq)
	require.Equal(t, wire.StageAwaitingSubmission, changes[1].Stage)
	require.Equal(t, int64(2), changes[1].Seq)
	require.Equal(t, 1, changes[1].Round)
	for _, ch := range changes {
		require.Equal(t, "2024-abcdef", ch.CycleID)
		require.Equal(t, "rsj", ch.OrgCode)
	}
	require.Equal(t, wire.StageAwaitingSubmission, state.Stage)
	require.Equal(t, 1, state.Round)
	require.True(t, state.SubmissionDue.Equal(subDue))
	require.True(t, state.PublicationDue.Equal(pubDue))
	require.Contains(t, state.Waiting, "等待本单位报送第1轮")
}
