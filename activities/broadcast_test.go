package activities_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/testsuite"

	"github.com/lawcycle/lawcycle/activities"
	"github.com/lawcycle/lawcycle/models"
	"github.com/lawcycle/lawcycle/wire"
)

// signals is a Temporal client that records signals; fail decides the
// answer per workflow ID (nil: delivered).
type signals struct {
	client.Client
	fail func(workflowID string) error

	mu  sync.Mutex
	ids []string
}

func (s *signals) SignalWorkflow(_ context.Context, workflowID, runID, name string, _ any) error {
	if runID != "" || name != wire.SignalCycleClosed {
		return fmt.Errorf("unexpected signal %q to run %q", name, runID)
	}
	if s.fail != nil {
		if err := s.fail(workflowID); err != nil {
			return err
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ids = append(s.ids, workflowID)
	return nil
}

func (s *signals) got() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.ids...)
}

// bigCycle adds n bureaus b0000… to the cycle, every tenth of them
// completed.
func bigCycle(t *testing.T, f *fixture, n int) []string {
	t.Helper()
	codes := make([]string, n)
	rows := make([]models.Participant, n)
	for i := range n {
		codes[i] = fmt.Sprintf("b%04d", i)
		stage := wire.StageAwaitingSubmission
		if i%10 == 0 {
			stage = wire.StageCompleted
		}
		rows[i] = models.Participant{CycleID: cycleID, OrgCode: codes[i], OrgID: f.office.ID, Stage: string(stage),
			SubmissionDue: submissionDue.UTC(), PublicationDue: publicationDue.UTC(), Flags: []string{}}
	}
	require.NoError(t, f.db.CreateInBatches(rows, 200).Error)
	return codes
}

// progress mirrors the activity's heartbeat details.
type progress struct {
	AfterOrgCode string
	Signalled    int
	Items        bool
	AfterItemRow uint
	ItemsSignals int
}

func broadcast(t *testing.T, acts *activities.Activities, from any, req wire.BroadcastRequest) (wire.BroadcastResult, any, error) {
	t.Helper()
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestActivityEnvironment()
	env.RegisterActivity(acts)
	if from != nil {
		env.SetHeartbeatDetails(from)
	}
	var last any
	env.SetOnActivityHeartbeatListener(func(_ *activity.Info, details converter.EncodedValues) {
		var p progress
		require.NoError(t, details.Get(&p))
		last = p
	})
	val, err := env.ExecuteActivity(acts.BroadcastToBureaus, req)
	if err != nil {
		return wire.BroadcastResult{}, last, err
	}
	var res wire.BroadcastResult
	require.NoError(t, val.Get(&res))
	return res, last, nil
}

func TestBroadcastToBureaus(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		all := append(bigCycle(t, f, 1200), "rsj", "scj", "sfj")
		req := wire.BroadcastRequest{CycleID: cycleID, Signal: wire.SignalCycleClosed}

		// Everyone, in code order; a finished workflow is skipped.
		sig := &signals{fail: func(id string) error {
			if id == wire.BureauWorkflowID(cycleID, "scj") {
				return serviceerror.NewNotFound("workflow execution already completed")
			}
			return nil
		}}
		f.acts.Temporal = sig
		res, _, err := broadcast(t, f.acts, nil, req)
		require.NoError(t, err)
		require.Equal(t, len(all)-1, res.Signalled)
		require.Len(t, sig.got(), len(all)-1)
		require.Equal(t, wire.BureauWorkflowID(cycleID, "b0000"), sig.got()[0])

		// Only some stages.
		sig = &signals{}
		f.acts.Temporal = sig
		res, _, err = broadcast(t, f.acts, nil, wire.BroadcastRequest{CycleID: cycleID, Signal: wire.SignalCycleClosed,
			OnlyStages: []wire.Stage{wire.StageCompleted}})
		require.NoError(t, err)
		require.Equal(t, 120, res.Signalled)

		// A failure in the second page: the retry resumes after the first
		// page's heartbeat and signals each later bureau once more at most.
		sig = &signals{fail: func(id string) error {
			if id == wire.BureauWorkflowID(cycleID, "b0700") {
				return errors.New("frontend unavailable")
			}
			return nil
		}}
		f.acts.Temporal = sig
		_, last, err := broadcast(t, f.acts, nil, req)
		require.ErrorContains(t, err, "frontend unavailable")
		require.Equal(t, progress{AfterOrgCode: "b0499", Signalled: 500}, last)
		require.Len(t, sig.got(), 700)

		sig = &signals{}
		f.acts.Temporal = sig
		res, _, err = broadcast(t, f.acts, last, req)
		require.NoError(t, err)
		require.Equal(t, len(all), res.Signalled)
		require.Len(t, sig.got(), len(all)-500)
		require.Equal(t, wire.BureauWorkflowID(cycleID, "b0500"), sig.got()[0])
	})
}
