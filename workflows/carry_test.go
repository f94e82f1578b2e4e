package workflows_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"testing"

	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"github.com/lawcycle/lawcycle/wire"
	"github.com/lawcycle/lawcycle/workflows"
)

// A bureau run that continued as new under v5 carried wire.BureauCarry as
// the v5 code encoded it (testdata/v5-bureau-carry.json: every field set,
// encoded by that code's data converter). The current workflow keeps that
// struct as its state: started from the payload, it works on (reads the
// moved due dates, sends the next reminder) and continues as new again
// with every carried field handed on, changed only by what it did.
func TestV5CarryContinuesIntoTheStateStruct(t *testing.T) {
	raw, err := os.ReadFile("testdata/v5-bureau-carry.json")
	require.NoError(t, err)
	var file struct {
		Metadata map[string][]byte
		Data     json.RawMessage
	}
	require.NoError(t, json.Unmarshal(raw, &file))
	var in wire.BureauInput
	require.NoError(t, converter.GetDefaultDataConverter().FromPayload(&commonpb.Payload{Metadata: file.Metadata, Data: file.Data}, &in))
	old := *in.Carry
	require.Equal(t, wire.StageAwaitingSubmission, old.Stage)
	require.True(t, old.Refresh, "the fixture carries a pending refresh")

	var s testsuite.WorkflowTestSuite
	env := s.NewTestWorkflowEnvironment()
	env.RegisterWorkflowWithOptions(workflows.Bureau, regOpts(wire.BureauWorkflow))
	env.SetStartTime(old.SubmissionDue.AddDate(0, 0, -10))
	env.SetContinueAsNewSuggested(true)
	reminder := wire.DeadlineStep{Name: "reminder-1", At: old.SubmissionDue.AddDate(0, 0, -1), Key: "reminder-1"}
	var sent []wire.DeadlineStepRequest
	env.OnActivity(acts.RefreshDeadlines, mock.Anything, mock.Anything).Return(
		wire.ParticipantInfo{OrgCode: in.OrgCode, SubmissionDue: old.SubmissionDue, PublicationDue: old.PublicationDue}, nil)
	env.OnActivity(acts.PlanDeadline, mock.Anything, mock.Anything).Return(wire.DeadlinePlan{Steps: []wire.DeadlineStep{
		{Name: "reminder-3", At: old.SubmissionDue.AddDate(0, 0, -3), Key: "reminder-3"}, reminder,
	}}, nil)
	env.OnActivity(acts.SendDeadlineStep, mock.Anything, mock.Anything).Return(
		func(_ context.Context, req wire.DeadlineStepRequest) error { sent = append(sent, req); return nil })
	env.OnUpsertTypedSearchAttributes(mock.Anything).Return(nil).Maybe()

	env.ExecuteWorkflow(wire.BureauWorkflow, in)

	require.True(t, env.IsWorkflowCompleted())
	var can *workflow.ContinueAsNewError
	require.True(t, errors.As(env.GetWorkflowError(), &can), "want continue-as-new, got %v", env.GetWorkflowError())
	var next wire.BureauInput
	require.NoError(t, converter.GetDefaultDataConverter().FromPayloads(can.Input, &next))
	require.Len(t, sent, 1, "only the reminder not sent before is sent")
	require.Equal(t, reminder.Key, sent[0].Step.Key)
	require.Equal(t, reminder.At.UTC(), sent[0].At.UTC(), "sent at its time, in virtual time")

	want := old
	want.Refresh = false                             // the refresh was done
	want.Sent = []string{"reminder-3", "reminder-1"} // and the next reminder sent
	require.Equal(t, in.CycleID, next.CycleID)
	require.Equal(t, in.OrgCode, next.OrgCode)
	require.Equal(t, in.Year, next.Year)
	require.NotNil(t, next.Carry)
	got := *next.Carry
	require.True(t, got.SubmissionDue.Equal(want.SubmissionDue) && got.PublicationDue.Equal(want.PublicationDue))
	got.SubmissionDue, got.PublicationDue = want.SubmissionDue, want.PublicationDue
	require.Equal(t, want, got)
}
