package workflows_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/temporal"
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
	noReminders(env)
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

// noReminders plans deadlines without steps: these tests are about the
// stages, the lifecycle tests about reminders.
func noReminders(env *testsuite.TestWorkflowEnvironment) {
	env.OnActivity(acts.PlanDeadline, mock.Anything, mock.Anything).Return(
		func(_ context.Context, req wire.DeadlinePlanRequest) (wire.DeadlinePlan, error) {
			return wire.DeadlinePlan{Kind: req.Kind, Round: req.Round, Due: req.Due}, nil
		})
}

// submitOutcome collects what a test update callback saw.
type submitOutcome struct {
	rejected error
	result   wire.SubmitResult
	failed   error
	done     bool
}

func sendSubmit(env *testsuite.TestWorkflowEnvironment, id string, req wire.SubmitRequest) *submitOutcome {
	out := &submitOutcome{}
	env.UpdateWorkflow(wire.UpdateSubmit, id, &testsuite.TestUpdateCallback{
		OnAccept: func() {},
		OnReject: func(err error) { out.rejected, out.done = err, true },
		OnComplete: func(v interface{}, err error) {
			out.done, out.failed = true, err
			if err == nil {
				out.result = v.(wire.SubmitResult)
			}
		},
	}, req)
	return out
}

func TestBureauSubmitMovesToUnderReviewAndRefusesASecond(t *testing.T) {
	var s testsuite.WorkflowTestSuite
	env := s.NewTestWorkflowEnvironment()
	env.RegisterWorkflowWithOptions(workflows.Bureau, regOpts(wire.BureauWorkflow))
	noReminders(env)
	env.OnActivity(acts.RecordStage, mock.Anything, mock.Anything).Return(
		func(_ context.Context, ch wire.StageChange) (wire.ParticipantInfo, error) {
			return wire.ParticipantInfo{OrgCode: ch.OrgCode}, nil
		})
	var records []wire.SubmissionRecord
	env.OnActivity(acts.RecordSubmission, mock.Anything, mock.Anything).Return(
		func(_ context.Context, rec wire.SubmissionRecord) (wire.SubmitResult, error) {
			records = append(records, rec)
			return wire.SubmitResult{Version: len(records), Round: rec.Request.Round, Stage: wire.StageUnderReview}, nil
		})

	req := wire.SubmitRequest{Round: 1, FileSHA: "f1", FileName: "报表.xlsx", ReturnSHA: "r1", Catalogue: "general@2025.1",
		By: wire.Actor{UserID: 7, Name: "rsj-user", Role: "bureau", OrgCode: "rsj"}}
	var wrongRound, first, second *submitOutcome
	var state wire.BureauState
	env.RegisterDelayedCallback(func() {
		wrongRound = sendSubmit(env, "u0", wire.SubmitRequest{Round: 2, FileSHA: "f0", ReturnSHA: "r0"})
	}, time.Hour)
	env.RegisterDelayedCallback(func() { first = sendSubmit(env, "u1", req) }, 2*time.Hour)
	env.RegisterDelayedCallback(func() {
		second = sendSubmit(env, "u2", wire.SubmitRequest{Round: 1, FileSHA: "f2", ReturnSHA: "r2"})
		v, err := env.QueryWorkflow(wire.QueryState)
		require.NoError(t, err)
		require.NoError(t, v.Get(&state))
		env.CancelWorkflow()
	}, 3*time.Hour)
	env.ExecuteWorkflow(wire.BureauWorkflow, wire.BureauInput{CycleID: "2024-abcdef", OrgCode: "rsj"})

	require.True(t, wrongRound.done)
	require.ErrorContains(t, wrongRound.rejected, "该报表针对第2轮，而当前是第1轮")

	require.True(t, first.done)
	require.NoError(t, first.rejected)
	require.NoError(t, first.failed)
	require.Equal(t, wire.SubmitResult{Version: 1, Round: 1, Stage: wire.StageUnderReview}, first.result)
	require.Len(t, records, 1)
	require.Equal(t, req, records[0].Request)
	require.Equal(t, int64(3), records[0].Seq, "the submission write follows notified (1) and awaiting_submission (2)")
	require.Equal(t, "rsj", records[0].OrgCode)

	require.True(t, second.done)
	require.ErrorContains(t, second.rejected, "已报送，正在审核中")
	require.Equal(t, wire.StageUnderReview, state.Stage)
	require.Contains(t, state.Waiting, "第1版报表已报送，等待法治办审核")
}

// A submission whose recording fails leaves the bureau awaiting submission,
// able to try again.
func TestBureauSubmitFailureKeepsAwaitingSubmission(t *testing.T) {
	var s testsuite.WorkflowTestSuite
	env := s.NewTestWorkflowEnvironment()
	env.RegisterWorkflowWithOptions(workflows.Bureau, regOpts(wire.BureauWorkflow))
	noReminders(env)
	env.OnActivity(acts.RecordStage, mock.Anything, mock.Anything).Return(wire.ParticipantInfo{OrgCode: "rsj"}, nil)
	env.OnActivity(acts.RecordSubmission, mock.Anything, mock.Anything).Return(wire.SubmitResult{},
		temporal.NewNonRetryableApplicationError("parsed return not stored", "ReturnMissing", nil)).Once()
	env.OnActivity(acts.RecordSubmission, mock.Anything, mock.Anything).Return(
		wire.SubmitResult{Version: 1, Round: 1, Stage: wire.StageUnderReview}, nil).Once()

	var failed, retried *submitOutcome
	env.RegisterDelayedCallback(func() {
		failed = sendSubmit(env, "u1", wire.SubmitRequest{Round: 1, FileSHA: "f", ReturnSHA: "missing"})
	}, time.Hour)
	env.RegisterDelayedCallback(func() {
		retried = sendSubmit(env, "u2", wire.SubmitRequest{Round: 1, FileSHA: "f", ReturnSHA: "r"})
	}, 2*time.Hour)
	env.RegisterDelayedCallback(env.CancelWorkflow, 3*time.Hour)
	env.ExecuteWorkflow(wire.BureauWorkflow, wire.BureauInput{CycleID: "2024-abcdef", OrgCode: "rsj"})

	require.True(t, failed.done)
	require.NoError(t, failed.rejected)
	require.ErrorContains(t, failed.failed, "parsed return not stored")
	require.True(t, retried.done)
	require.NoError(t, retried.failed)
	require.Equal(t, 1, retried.result.Version)
}
