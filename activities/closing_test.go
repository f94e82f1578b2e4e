package activities_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/lawcycle/lawcycle/activities"
	"github.com/lawcycle/lawcycle/models"
	"github.com/lawcycle/lawcycle/wire"
)

func TestRecordBureauClosed(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		f.setFlags("rsj", activities.FlagOverdue)
		f.update("scj", map[string]any{"stage": wire.StageCompleted})
		at := cst(time.April, 10, 9, 0)
		rec := wire.BureauClosure{CycleID: cycleID, OrgCode: "rsj", Stage: wire.StageAwaitingSubmission, Round: 1, Seq: 3, At: at}
		require.NoError(t, f.acts.RecordBureauClosed(t.Context(), rec))
		require.NoError(t, f.acts.RecordBureauClosed(t.Context(), rec))
		require.Equal(t, []string{activities.FlagOverdue, activities.FlagUnfinished}, f.flags("rsj"))
		require.Equal(t, int64(3), f.participant("rsj").StageSeq)

		require.NoError(t, f.acts.RecordBureauClosed(t.Context(), wire.BureauClosure{CycleID: cycleID, OrgCode: "scj",
			Stage: wire.StageCompleted, Round: 1, Seq: 3, At: at}))
		require.Empty(t, f.flags("scj"))
		require.Equal(t, []string{"bureau.closed", "bureau.closed"}, f.actions())
		ev := f.lastEvent()
		require.Equal(t, cycleID+"/scj", ev.TargetID)
		require.JSONEq(t, `{"stage":"completed","round":1,"unfinished":false}`, ev.After)

		err := f.acts.RecordBureauClosed(t.Context(), wire.BureauClosure{CycleID: cycleID, OrgCode: "nobody", Seq: 3})
		requireFinal(t, err, "ParticipantNotFound")
	})
}

func TestCloseCycle(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		// rsj published on time, scj late (having submitted late); sfj
		// never published.
		f.setFlags("scj", activities.FlagLateSubmission)
		f.publish("rsj", cst(time.March, 20, 10, 0), "")
		f.publish("scj", cst(time.April, 2, 10, 0), "")
		want := wire.CycleOutcome{Bureaus: 3, Completed: 2, Unfinished: 1, LateSubmitted: 1, LatePublished: 1, NotPublished: 1}

		closing := wire.CycleCloseRecord{CycleID: cycleID, At: cst(time.April, 3, 9, 0),
			Request: wire.CloseRequest{Reason: "年度工作结束", By: reviewer}}
		out, err := f.acts.CloseCycle(t.Context(), closing)
		require.NoError(t, err)
		require.Equal(t, want, out)
		out, err = f.acts.CloseCycle(t.Context(), closing)
		require.NoError(t, err)
		require.Equal(t, want, out)
		var cycle models.Cycle
		require.NoError(t, f.db.Take(&cycle, "id = ?", cycleID).Error)
		require.Equal(t, models.CycleClosing, cycle.Status)
		require.True(t, cycle.ClosingAt.Equal(closing.At))
		require.Nil(t, cycle.ClosedAt)

		final := closing
		final.Final, final.At = true, cst(time.April, 3, 9, 5)
		out, err = f.acts.CloseCycle(t.Context(), final)
		require.NoError(t, err)
		require.Equal(t, want, out)
		require.NoError(t, f.db.Take(&cycle, "id = ?", cycleID).Error)
		require.Equal(t, models.CycleClosed, cycle.Status)
		require.True(t, cycle.ClosingAt.Equal(closing.At))
		require.True(t, cycle.ClosedAt.Equal(final.At))
		var stored wire.CycleOutcome
		require.NoError(t, json.Unmarshal([]byte(cycle.Outcome), &stored))
		require.Equal(t, want, stored)

		// Closed is closed: a retry answers the stored outcome even
		// though the read model moved on.
		f.update("sfj", map[string]any{"stage": wire.StageCompleted})
		out, err = f.acts.CloseCycle(t.Context(), final)
		require.NoError(t, err)
		require.Equal(t, want, out)
		require.Equal(t, []string{"publication.recorded", "publication.recorded", "cycle.closing", "cycle.closed"}, f.actions())
		ev := f.lastEvent()
		require.Equal(t, "张审核", ev.ActorName)
		require.Contains(t, ev.After, "年度工作结束")

		_, err = f.acts.CloseCycle(t.Context(), wire.CycleCloseRecord{CycleID: "nope"})
		requireFinal(t, err, "CycleNotFound")
	})
}
