package rules_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/lawcycle/lawcycle/rules"
	"github.com/lawcycle/lawcycle/rules/rulestest"
	"github.com/lawcycle/lawcycle/wire"
)

// Every refusal the bureau rules can give has a scenario, so the layer
// tests that run the table cover the whole rulebook.
func TestScenariosCoverEveryBureauRefusal(t *testing.T) {
	all := []rules.Code{
		rules.CodeBusy, rules.CodeCycleDraft, rules.CodeCycleClosed, rules.CodeNotNotified, rules.CodeUnderReview,
		rules.CodeStage, rules.CodeStaleRound, rules.CodeOwnOrganisation, rules.CodeNothingToReview, rules.CodeReturned,
		rules.CodeAlreadyApproved, rules.CodeStaleVersion, rules.CodeExtensionKind, rules.CodeExtensionPending,
		rules.CodeExtensionDecided, rules.CodeNoDeadline, rules.CodeAlreadyPublished, rules.CodeNotYetPublishable,
	}
	seen := map[rules.Code]bool{}
	for _, s := range rulestest.Scenarios() {
		r := s.Want()
		require.NotNil(t, r, "scenario %q is allowed; every scenario is a refusal", s.Name)
		require.NotEmpty(t, r.Reason, s.Name)
		seen[r.Code] = true
	}
	for _, c := range all {
		require.True(t, seen[c], "no scenario gives %q", c)
	}
}

func TestOwes(t *testing.T) {
	sub, pub := wire.DeadlineSubmission, wire.DeadlinePublication
	for _, tc := range []struct {
		stage    wire.Stage
		sub, pub bool
	}{
		{wire.StagePending, false, false},
		{wire.StageNotified, true, true},
		{wire.StageAwaitingSubmission, true, true},
		{wire.StageUnderReview, false, true},
		{wire.StageApproved, false, true},
		{wire.StageAwaitingPublication, false, true},
		{wire.StageCompleted, false, false},
		{"unknown", false, false},
	} {
		require.Equal(t, tc.sub, rules.Owes(tc.stage, sub), "%s owes submission", tc.stage)
		require.Equal(t, tc.pub, rules.Owes(tc.stage, pub), "%s owes publication", tc.stage)
		require.False(t, rules.Owes(tc.stage, "review"), "%s owes an unknown deadline", tc.stage)
	}
	require.Equal(t, wire.DeadlineSubmission, rules.WorkingTo(wire.StageAwaitingSubmission))
	require.Equal(t, wire.DeadlinePublication, rules.WorkingTo(wire.StageAwaitingPublication))
	require.Equal(t, wire.DeadlineSubmission, rules.WorkingTo(wire.StageNotified))
	require.Equal(t, wire.DeadlinePublication, rules.WorkingTo(wire.StageApproved))
	for _, st := range []wire.Stage{wire.StagePending, wire.StageUnderReview, wire.StageCompleted} {
		require.Equal(t, wire.DeadlineKind(""), rules.WorkingTo(st), st)
	}
}

func TestAllowedByRole(t *testing.T) {
	for _, tc := range []struct {
		role   rules.Role
		access rules.Access
		ok     bool
	}{
		{rules.RolePlatformAdmin, rules.AccessReview, true},
		{rules.RoleBureau, rules.AccessReview, false},
		{rules.RoleViewer, rules.AccessRead, true},
		{rules.RoleViewer, rules.AccessSubmit, false},
		{rules.RoleReviewer, rules.AccessDecide, false},
		{rules.RoleAdmin, rules.AccessDecide, true},
		// Only the bureau asks for 销号, not even the platform admin.
		{rules.RolePlatformAdmin, rules.AccessRectClosure, false},
		{rules.RoleBureau, rules.AccessRectClosure, true},
		{"stranger", rules.AccessRead, false},
	} {
		r := rules.Allowed(tc.role, tc.access)
		if tc.ok {
			require.Nil(t, r, "%s access %d", tc.role, tc.access)
			continue
		}
		require.NotNil(t, r, "%s access %d", tc.role, tc.access)
		require.Equal(t, rules.KindRole, r.Kind)
		require.NotEmpty(t, r.Reason)
	}
}

func TestFirstAndCycleRunning(t *testing.T) {
	require.Nil(t, rules.First(nil, nil))
	r := rules.CycleRunning(wire.CycleClosed, "报送")
	require.Equal(t, "周期已关闭，不能报送", r.Reason)
	require.Same(t, r, rules.First(nil, r, rules.CycleRunning(wire.CycleDraft, "报送")))
	require.Nil(t, rules.CycleRunning(wire.CycleClosing, "报送"), "a closing cycle still takes late work")
}
