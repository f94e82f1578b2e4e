package activities_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/lawcycle/lawcycle/models"
	"github.com/lawcycle/lawcycle/notify"
	"github.com/lawcycle/lawcycle/wire"
)

// rectSettings gives the fixture's cycle three reminders and a final
// deadline three working days after the due day.
func (f *fixture) rectSettings() {
	f.t.Helper()
	s := f.cycle.Settings
	s.RectReminderWorkdays, s.RectSuperviseWorkdays = []int{5, 2, 1}, 3
	require.NoError(f.t, f.db.Model(&models.Cycle{}).Where("id = ?", cycleID).Update("settings", s).Error)
}

func (f *fixture) planItem(itemID string) wire.RectPlan {
	f.t.Helper()
	plan, err := f.acts.PlanRectDeadline(f.t.Context(), wire.RectPlanRequest{CycleID: cycleID, OrgCode: "rsj", ItemID: itemID, From: f.clock.Now()})
	require.NoError(f.t, err)
	return plan
}

func (f *fixture) sendStep(itemID string, plan wire.RectPlan, name string, at time.Time) wire.RectState {
	f.t.Helper()
	for _, s := range plan.Steps {
		if s.Name == name {
			st, err := f.acts.SendRectStep(f.t.Context(), wire.RectStepRequest{CycleID: cycleID, OrgCode: "rsj", ItemID: itemID,
				Plan: plan, Step: s, At: at})
			require.NoError(f.t, err)
			return st
		}
	}
	f.t.Fatalf("plan has no step %s", name)
	return wire.RectState{}
}

func stepTimes(p wire.RectPlan) []string {
	out := make([]string, len(p.Steps))
	for i, s := range p.Steps {
		out[i] = fmt.Sprintf("%s %s", s.Name, s.At.In(cstZone).Format("01-02 15:04:05"))
	}
	return out
}

var cstZone = time.FixedZone("CST", 8*3600)

func TestPlanRectDeadline(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		f.rectSettings()
		f.openItem("2025-d1", wire.RectFields{Description: "案卷不规范", Category: wire.RectDeadline, Due: wire.DueSetting{Date: "2026-02-25"}})
		// 5 working days before 2月25日 is 2月11日, 2 the make-up Saturday
		// 2月14日, 1 is 2月24日; the final deadline, 3 working days after the
		// due day, the make-up Saturday 2月28日.
		plan := f.planItem("2025-d1")
		require.Equal(t, []string{
			"reminder-5 02-11 09:00:00", "reminder-2 02-14 09:00:00", "reminder-1 02-24 09:00:00",
			"supervise 02-26 00:00:00", "summon 03-01 00:00:00",
		}, stepTimes(plan))
		require.True(t, plan.Due.Equal(endOf(time.February, 25)))
		require.True(t, plan.FinalDue.Equal(endOf(time.February, 28)))
		require.Equal(t, "cycle/"+cycleID+"/bureau/rsj/rect/2025-d1/c0/20260225T155959Z/supervise", plan.Steps[3].Key)

		// Planned later, past reminders are left out.
		f.clock.Set(cst(time.February, 14, 10, 0))
		require.Equal(t, []string{"reminder-1 02-24 09:00:00", "supervise 02-26 00:00:00", "summon 03-01 00:00:00"},
			stepTimes(f.planItem("2025-d1")))

		// An item opened after its due date (a problem planned for last
		// year) gets its final deadline counted from today (2月14日).
		f.openItem("2025-d2", wire.RectFields{Description: "普法宣传不足", Category: wire.RectDeadline, Due: wire.DueSetting{Date: "2025-12-31"}})
		plan = f.planItem("2025-d2")
		require.Equal(t, []string{"supervise 01-01 00:00:00", "summon 02-27 00:00:00"}, stepTimes(plan))
		require.True(t, plan.FinalDue.Equal(endOf(time.February, 26)))

		// A 长期坚持 item's check-in numbers its keys.
		f.openItem("2025-d3", wire.RectFields{Description: "行政争议高位运行", Category: wire.RectOngoing})
		plan = f.planItem("2025-d3")
		require.Equal(t, 1, plan.CheckIn)
		require.Contains(t, plan.Steps[0].Key, "/rect/2025-d3/c1/")
	})
}

func TestSendRectStepEscalates(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		f.rectSettings()
		f.openItem("2025-d1", wire.RectFields{Description: "案卷不规范", Category: wire.RectDeadline, Due: wire.DueSetting{Date: "2026-02-25"}})
		plan := f.planItem("2025-d1")

		st := f.sendStep("2025-d1", plan, "reminder-5", cst(time.February, 11, 9, 0))
		require.Equal(t, 1, st.Level)
		f.sendStep("2025-d1", plan, "reminder-5", cst(time.February, 11, 9, 0))
		require.Equal(t, int64(1), f.count(&models.DeadlineStep{}), "a step happens once")

		st = f.sendStep("2025-d1", plan, "supervise", cst(time.February, 26, 0, 0))
		require.Equal(t, 2, st.Level)
		require.True(t, st.FinalDue.Equal(endOf(time.February, 28)))
		// A reminder arriving after the 督办 is dropped.
		st = f.sendStep("2025-d1", plan, "reminder-1", cst(time.February, 26, 0, 1))
		require.Equal(t, 2, st.Level)
		st = f.sendStep("2025-d1", plan, "summon", cst(time.March, 1, 0, 0))
		require.Equal(t, 3, st.Level)

		var steps []models.DeadlineStep
		require.NoError(t, f.db.Order("id").Find(&steps).Error)
		require.Len(t, steps, 3)
		require.Equal(t, "rectification", steps[1].Kind)
		require.Equal(t, "supervise", steps[1].Step)
		require.True(t, steps[1].Due.Equal(endOf(time.February, 25)))
		row := f.rectItem(cycleID, "2025-d1")
		require.Equal(t, 3, row.Level)
		require.True(t, row.FinalDue.Equal(endOf(time.February, 28)))

		bureau := f.inbox("rsj")
		require.Len(t, bureau, 4, "opened, reminder, 督办, 约谈")
		require.Equal(t, string(notify.KindReminder), bureau[1].Kind)
		require.Equal(t, "【整改提醒】"+cycleTitle+"：整改事项「案卷不规范」整改时限为2026年2月25日", bureau[1].Subject)
		require.Contains(t, bureau[1].Body, "整改时限为2026年2月25日（星期三），距截止还有5个工作日")
		require.Equal(t, string(notify.KindEscalation), bureau[2].Kind)
		require.Contains(t, bureau[2].Body, "现予督办（告诫），请于2026年2月28日（星期六）前完成整改")
		require.Equal(t, "【约谈通报】"+cycleTitle+"：整改事项「案卷不规范」督办期限已过仍未完成", bureau[3].Subject)
		office := f.inbox("fzb")
		require.Len(t, office, 1)
		require.Contains(t, office[0].Body, "某县人力资源和社会保障局（rsj）整改事项（编号2025-d1）「案卷不规范」（限期整改）的整改时限为2026年2月25日（星期三），督办最后期限2026年2月28日（星期六）已过")
		require.Equal(t, []string{"rect.opened", "rect.reminder", "rect.supervised", "rect.summoned"}, f.actions())
	})
}

func TestSendRectStepDropsWhatTheItemNoLongerOwes(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		f.openItem("2025-d1", wire.RectFields{Description: "案卷不规范", Category: wire.RectDeadline, Due: wire.DueSetting{Date: "2026-02-25"}})
		plan := f.planItem("2025-d1")
		_, err := f.act("2025-d1", 1, wire.RectRecord{Closure: &wire.RectProgress{Note: "已整改", By: clerk,
			Evidence: []wire.RectEvidence{f.evidenceFile("整改报告.pdf")}}})
		require.NoError(t, err)
		st := f.sendStep("2025-d1", plan, "supervise", cst(time.February, 26, 0, 0))
		require.Equal(t, wire.RectClosureRequested, st.Status)
		require.Zero(t, st.Level)

		// A plan for a due date the item no longer has.
		moved := plan
		moved.Due = endOf(time.February, 20).UTC()
		_, err = f.act("2025-d1", 2, wire.RectRecord{Verification: &wire.RectVerification{Reason: "材料不全", By: reviewer}})
		require.NoError(t, err)
		f.sendStep("2025-d1", moved, "supervise", cst(time.February, 26, 0, 0))
		require.Equal(t, int64(0), f.count(&models.DeadlineStep{}))

		err = f.viaTemporal(f.acts.SendRectStep, wire.RectStepRequest{CycleID: cycleID, OrgCode: "rsj", ItemID: "2025-d1",
			Plan: plan, Step: wire.DeadlineStep{Name: "overdue", Key: "k"}})
		require.ErrorContains(t, err, "unknown step")
	})
}
