package activities_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/lawcycle/lawcycle/models"
	"github.com/lawcycle/lawcycle/notify"
	"github.com/lawcycle/lawcycle/wire"
)

const nextCycleID = "2026-def"

// nextCycle adds the office's 2026 cycle with rsj, in status.
func (f *fixture) nextCycle(status string) {
	f.t.Helper()
	require.NoError(f.t, f.db.Create(&models.Cycle{ID: nextCycleID, Year: 2026, Title: "2026年度法治政府建设情况报告",
		OfficeID: f.office.ID, Status: status, SubmissionDue: endOf(time.December, 31).UTC(),
		PublicationDue: endOf(time.December, 31).UTC()}).Error)
	require.NoError(f.t, f.db.Create(&models.Participant{CycleID: nextCycleID, OrgCode: "rsj", OrgID: f.orgs["rsj"].ID,
		Stage: string(wire.StagePending), SubmissionDue: endOf(time.December, 31).UTC(),
		PublicationDue: endOf(time.December, 31).UTC(), Flags: []string{}}).Error)
}

func (f *fixture) carry(itemID string, seq int) wire.RectState {
	f.t.Helper()
	st, err := f.acts.CarryRectItem(f.t.Context(), wire.RectCarryRequest{CycleID: cycleID, OrgCode: "rsj", ItemID: itemID,
		Seq: seq, At: f.clock.Now()})
	require.NoError(f.t, err)
	return st
}

func TestCarryRectItemWaitsForTheNextCycle(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		starts := f.recordStarts()
		f.openItem("2025-d1", wire.RectFields{Description: "案卷不规范", Measures: "专题培训", Category: wire.RectDeadline,
			Due: wire.DueSetting{Date: "2026-03-31"}})
		f.openItem("2025-d2", wire.RectFields{Description: "栏目更新不及时", Category: wire.RectImmediate})
		f.openItem("2025-d3", wire.RectFields{Description: "行政争议高位运行", Category: wire.RectOngoing})
		_, err := f.act("2025-d1", 1, wire.RectRecord{Progress: &wire.RectProgress{Note: "已培训一次",
			Evidence: []wire.RectEvidence{f.evidenceFile("签到表.pdf")}, By: clerk}})
		require.NoError(t, err)
		_, err = f.act("2025-d2", 1, wire.RectRecord{Closure: &wire.RectProgress{Note: "已更新",
			Evidence: []wire.RectEvidence{f.evidenceFile("截图.pdf")}, By: clerk}})
		require.NoError(t, err)
		// A progress note while the closure request waits keeps it waiting.
		_, err = f.act("2025-d2", 2, wire.RectRecord{Progress: &wire.RectProgress{Note: "补充截图", By: clerk}})
		require.NoError(t, err)

		// The cycle closes; the 2026 cycle is still a draft.
		f.nextCycle(models.CycleDraft)
		f.clock.Set(cst(time.April, 10, 10, 0))
		st := f.carry("2025-d1", 2)
		require.Equal(t, wire.RectCarriedOver, st.Status)
		require.Equal(t, st, f.carry("2025-d1", 2), "a retry changes nothing")
		f.carry("2025-d2", 3)
		require.Empty(t, starts.started(), "no cycle runs to start the items in")

		var carries []models.RectCarry
		require.NoError(t, f.db.Order("id").Find(&carries).Error)
		require.Len(t, carries, 2)
		require.Equal(t, models.RectCarry{ID: carries[0].ID, OfficeID: f.office.ID, OrgCode: "rsj", ItemID: "2025-d1",
			FromCycleID: cycleID, FromYear: 2025, CarriedAt: carries[0].CarriedAt}, carries[0])
		require.Contains(t, f.history("2025-d1")[1], cycleID+" carried_over: 《"+cycleTitle+"》已关闭，该事项尚未销号（整改中），结转至下一年度继续整改")
		require.Equal(t, "【整改结转】"+cycleTitle+"已关闭：整改事项「案卷不规范」结转至下一年度", f.inbox("rsj")[3].Subject)
		require.Equal(t, string(notify.KindRectification), f.inbox("rsj")[3].Kind)

		// The 2026 cycle launches: notifying rsj starts both items there,
		// once however often the stage is recorded.
		require.NoError(t, f.db.Model(&models.Cycle{}).Where("id = ?", nextCycleID).Update("status", models.CycleOpen).Error)
		change := wire.StageChange{CycleID: nextCycleID, OrgCode: "rsj", Stage: wire.StageNotified, Seq: 1, At: cst(time.April, 20, 9, 0)}
		_, err = f.acts.RecordStage(t.Context(), change)
		require.NoError(t, err)
		_, err = f.acts.RecordStage(t.Context(), change)
		require.NoError(t, err)
		started := starts.started()
		require.Len(t, started, 2)
		require.Equal(t, &wire.RectCarry{FromCycleID: cycleID, OriginCycleID: cycleID}, started[0].Carry)
		require.Equal(t, nextCycleID, started[0].CycleID)
		require.Equal(t, "2025-d1", started[0].ItemID)
		require.Equal(t, "案卷不规范", started[0].Spec.Fields.Description)
		require.Equal(t, int64(2), f.count(&models.RectCarry{}, "adopted_by = ?", nextCycleID))

		// The items' workflows record them in the new cycle: same item,
		// source and due date, its status and evidence as they stood.
		f.clock.Set(cst(time.April, 20, 9, 1))
		for _, in := range started {
			_, err := f.acts.RecordRectOpen(t.Context(), in)
			require.NoError(t, err)
		}
		row := f.rectItem(nextCycleID, "2025-d1")
		require.Equal(t, 1, row.Serial)
		require.Equal(t, string(wire.RectInProgress), row.Status)
		require.Equal(t, cycleID, row.CarriedFrom)
		require.Equal(t, cycleID, row.OriginCycleID)
		require.Equal(t, "office", row.Source)
		require.Equal(t, "某法督〔2026〕3号", row.SourceRef)
		require.Equal(t, "专题培训", row.Measures)
		require.True(t, row.Due.Equal(endOf(time.March, 31)))
		require.Equal(t, 1, row.Evidence)
		require.Zero(t, row.Seq)
		require.Equal(t, string(wire.RectClosureRequested), f.rectItem(nextCycleID, "2025-d2").Status)
		require.Equal(t, string(wire.RectCarriedOver), f.rectItem(cycleID, "2025-d1").Status)
		require.Contains(t, f.inbox("rsj")[6].Body, "已结转至《2026年度法治政府建设情况报告》继续整改")

		// History reads across both cycles.
		f.clock.Set(cst(time.May, 6, 10, 0))
		_, err = f.acts.RecordRectAction(t.Context(), wire.RectRecord{CycleID: nextCycleID, OrgCode: "rsj", ItemID: "2025-d1", Seq: 1,
			At: f.clock.Now(), Progress: &wire.RectProgress{Note: "第二次培训完成", By: clerk}})
		require.NoError(t, err)
		history := f.history("2025-d1")
		require.Len(t, history, 3)
		require.Equal(t, cycleID+" progress: 已培训一次", history[0])
		require.Equal(t, nextCycleID+" progress: 第二次培训完成", history[2])
		require.Equal(t, int64(1), f.count(&models.RectEvidence{}, "item_id = ?", "2025-d1"))

		require.Equal(t, []string{"rect.opened", "rect.opened", "rect.opened", "rect.progress", "rect.closure_requested",
			"rect.progress", "rect.carried", "rect.carried", "rect.opened", "rect.opened", "rect.progress"}, f.actions())
	})
}

func TestCarryRectItemStartsInARunningCycle(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		starts := f.recordStarts()
		f.openItem("2025-d1", wire.RectFields{Description: "案卷不规范", Category: wire.RectImmediate})
		f.openItem("2025-d2", wire.RectFields{Description: "已整改的事项", Category: wire.RectImmediate})
		_, err := f.act("2025-d2", 1, wire.RectRecord{Closure: &wire.RectProgress{By: clerk, Evidence: []wire.RectEvidence{f.evidenceFile("a.pdf")}}})
		require.NoError(t, err)
		_, err = f.act("2025-d2", 2, wire.RectRecord{Verification: &wire.RectVerification{Close: true, By: reviewer}})
		require.NoError(t, err)

		f.nextCycle(models.CycleOpen)
		f.carry("2025-d1", 1)
		st := f.carry("2025-d2", 3)
		require.Equal(t, wire.RectClosed, st.Status, "a closed item stays closed")
		started := starts.started()
		require.Len(t, started, 1)
		require.Equal(t, wire.RectInput{CycleID: nextCycleID, OrgCode: "rsj", ItemID: "2025-d1",
			Spec:  wire.RectSpec{Source: wire.RectFromOffice, SourceRef: "某法督〔2026〕3号", Fields: wire.RectFields{Description: "案卷不规范", Category: wire.RectImmediate}},
			Carry: &wire.RectCarry{FromCycleID: cycleID, OriginCycleID: cycleID}}, started[0])
		var carry models.RectCarry
		require.NoError(t, f.db.Take(&carry).Error)
		require.Equal(t, nextCycleID, carry.AdoptedBy)
		_, err = f.acts.RecordRectOpen(t.Context(), started[0])
		require.NoError(t, err)
		require.Equal(t, string(wire.RectOpen), f.rectItem(nextCycleID, "2025-d1").Status)
	})
}

func TestBroadcastCycleClosedReachesOpenItems(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		starts := f.recordStarts()
		f.openItem("2025-d1", wire.RectFields{Description: "案卷不规范", Category: wire.RectImmediate})
		f.openItem("2025-d2", wire.RectFields{Description: "已结转", Category: wire.RectImmediate})
		f.openItem("2025-d3", wire.RectFields{Description: "行政争议高位运行", Category: wire.RectOngoing})
		f.carry("2025-d2", 1)
		res, _, err := broadcast(t, f.acts, nil, wire.BroadcastRequest{CycleID: cycleID, Signal: wire.SignalCycleClosed})
		require.NoError(t, err)
		require.Equal(t, 3, res.Signalled)
		require.Equal(t, []string{
			"cycle_closed " + wire.BureauWorkflowID(cycleID, "rsj"),
			"cycle_closed " + wire.BureauWorkflowID(cycleID, "scj"),
			"cycle_closed " + wire.BureauWorkflowID(cycleID, "sfj"),
			"cycle_closed " + wire.RectificationWorkflowID(cycleID, "rsj", "2025-d1"),
			"cycle_closed " + wire.RectificationWorkflowID(cycleID, "rsj", "2025-d3"),
		}, starts.signalled())

		// Other broadcasts are for bureaus only.
		starts.Reset()
		_, _, err = broadcast(t, f.acts, nil, wire.BroadcastRequest{CycleID: cycleID, Signal: wire.SignalDeadlinesChanged})
		require.NoError(t, err)
		require.Len(t, starts.signalled(), 3)
	})
}

func TestBroadcastToItemsResumesAfterItsHeartbeat(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		rows := make([]models.RectItem, 600)
		now := f.clock.Now()
		for i := range rows {
			rows[i] = models.RectItem{CycleID: cycleID, OrgCode: "rsj", ItemID: fmt.Sprintf("2025-d%d", i+1), OrgID: f.orgs["rsj"].ID,
				Serial: i + 1, Source: "office", OriginCycleID: cycleID, Description: "事项", Category: "immediate",
				Status: string(wire.RectOpen), CreatedAt: now, UpdatedAt: now}
		}
		require.NoError(t, f.db.CreateInBatches(rows, 200).Error)
		failing := wire.RectificationWorkflowID(cycleID, "rsj", "2025-d550")
		sig := &signals{fail: func(id string) error {
			if id == failing {
				return errors.New("frontend unavailable")
			}
			return nil
		}}
		f.acts.Temporal = sig
		req := wire.BroadcastRequest{CycleID: cycleID, Signal: wire.SignalCycleClosed}
		_, last, err := broadcast(t, f.acts, nil, req)
		require.ErrorContains(t, err, "frontend unavailable")
		require.Equal(t, progress{AfterOrgCode: "sfj", Signalled: 3, Items: true, AfterItemRow: rows[499].ID, ItemsSignals: 500}, last)

		// The retry signals no bureau again and resumes after item 500.
		sig = &signals{}
		f.acts.Temporal = sig
		res, _, err := broadcast(t, f.acts, last, req)
		require.NoError(t, err)
		require.Equal(t, 3, res.Signalled)
		require.Len(t, sig.got(), 100)
		require.Equal(t, wire.RectificationWorkflowID(cycleID, "rsj", "2025-d501"), sig.got()[0])
	})
}
