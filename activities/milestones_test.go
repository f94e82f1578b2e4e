package activities_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/lawcycle/lawcycle/models"
	"github.com/lawcycle/lawcycle/notify"
	"github.com/lawcycle/lawcycle/wire"
)

func TestCompileSubmissionMilestone(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		// scj submitted and sfj was returned (round 2): both have
		// submitted. rsj never did.
		f.submit("scj", 1, 1)
		f.update("scj", map[string]any{"stage": wire.StageUnderReview})
		f.submit("sfj", 1, 1)
		f.update("sfj", map[string]any{"round": 2})
		req := wire.MilestoneRequest{CycleID: cycleID, Kind: wire.DeadlineSubmission, Due: submissionDue, At: submissionDue.Add(time.Second)}
		res, err := f.acts.CompileMilestone(t.Context(), req)
		require.NoError(t, err)
		require.Equal(t, 1, res.Listed)
		res, err = f.acts.CompileMilestone(t.Context(), req)
		require.NoError(t, err)
		require.Equal(t, 1, res.Listed)

		var m models.Milestone
		require.NoError(t, f.db.Take(&m, "cycle_id = ? AND kind = ?", cycleID, wire.DeadlineSubmission).Error)
		require.JSONEq(t, `[{"org_code":"rsj","org_name":"某县人力资源和社会保障局","stage":"awaiting_submission","status":"missing"}]`, m.Entries)
		require.True(t, m.Due.Equal(submissionDue))
		officeInbox := f.inbox("fzb")
		require.Len(t, officeInbox, 1)
		require.Equal(t, string(notify.KindOverdue), officeInbox[0].Kind)
		require.Equal(t, "【逾期】"+cycleTitle+"：报送截止，1个单位未报送", officeInbox[0].Subject)
		require.Contains(t, officeInbox[0].Body, "1. 某县人力资源和社会保障局（待报送，未报送）")
		require.Equal(t, []string{"milestone.compiled"}, f.actions(), "compiling the same list again records nothing")

		// After a cycle extension the milestone is compiled again for
		// the new date, replacing the list.
		f.submit("rsj", 1, 1)
		later := endOf(time.March, 9)
		res, err = f.acts.CompileMilestone(t.Context(), wire.MilestoneRequest{CycleID: cycleID, Kind: wire.DeadlineSubmission,
			Due: later, At: later.Add(time.Second)})
		require.NoError(t, err)
		require.Equal(t, 0, res.Listed)
		require.Equal(t, int64(1), f.count(&models.Milestone{}))
		require.NoError(t, f.db.Take(&m, "cycle_id = ? AND kind = ?", cycleID, wire.DeadlineSubmission).Error)
		require.JSONEq(t, `[]`, m.Entries)
		require.Len(t, f.inbox("fzb"), 1, "nobody missed it: nothing to tell")
		var cycle models.Cycle
		require.NoError(t, f.db.Take(&cycle, "id = ?", cycleID).Error)
		require.Equal(t, models.CycleOpen, cycle.Status)
	})
}

func TestCompilePublicationMilestone(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		f.publish("rsj", cst(time.March, 20, 10, 0), "")
		f.publish("scj", cst(time.April, 1, 8, 0), "")
		f.update("sfj", map[string]any{"stage": wire.StageAwaitingPublication})

		at := publicationDue.Add(time.Second)
		req := wire.MilestoneRequest{CycleID: cycleID, Kind: wire.DeadlinePublication, Due: publicationDue, At: at}
		res, err := f.acts.CompileMilestone(t.Context(), req)
		require.NoError(t, err)
		require.Equal(t, 2, res.Listed)
		var m models.Milestone
		require.NoError(t, f.db.Take(&m, "cycle_id = ? AND kind = ?", cycleID, wire.DeadlinePublication).Error)
		require.JSONEq(t, `[
			{"org_code":"scj","org_name":"某县市场监督管理局","stage":"completed","status":"late"},
			{"org_code":"sfj","org_name":"某县司法局","stage":"awaiting_publication","status":"not_published"}]`, m.Entries)
		officeInbox := f.inbox("fzb")
		require.Len(t, officeInbox, 1)
		require.Contains(t, officeInbox[0].Body, "1. 某县市场监督管理局（已完成，逾期公开）\n2. 某县司法局（待公开，未公开）")

		var cycle models.Cycle
		require.NoError(t, f.db.Take(&cycle, "id = ?", cycleID).Error)
		require.Equal(t, models.CycleClosing, cycle.Status)
		require.True(t, cycle.ClosingAt.Equal(at))

		_, err = f.acts.CompileMilestone(t.Context(), wire.MilestoneRequest{CycleID: cycleID, Kind: "other"})
		requireFinal(t, err, "BadMilestone")
	})
}
