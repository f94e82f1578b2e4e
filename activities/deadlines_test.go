package activities_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/lawcycle/lawcycle/activities"
	"github.com/lawcycle/lawcycle/calendar"
	"github.com/lawcycle/lawcycle/models"
	"github.com/lawcycle/lawcycle/notify"
	"github.com/lawcycle/lawcycle/wire"
)

// The scenario's dates rest on the official 2026 arrangement; check it
// before trusting the expected steps below.
func TestSpringFestival2026(t *testing.T) {
	t.Parallel()
	a, ok := calendar.BuiltinArrangement(2026)
	require.True(t, ok)
	var festival calendar.Holiday
	for _, h := range a.Holidays {
		if h.Name == "春节" {
			festival = h
		}
	}
	require.Equal(t, calendar.NewDate(2026, 2, 15), festival.From)
	require.Equal(t, calendar.NewDate(2026, 2, 23), festival.To)
	var makeups []calendar.Date
	for _, m := range a.Makeups {
		if m.Name == "春节" {
			makeups = append(makeups, m.Date)
		}
	}
	require.Equal(t, []calendar.Date{calendar.NewDate(2026, 2, 14), calendar.NewDate(2026, 2, 28)}, makeups)
}

func TestPlanDeadline(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		key := func(due time.Time, round int, step string) string {
			return wire.DeadlineStepKey(cycleID, "rsj", wire.DeadlineSubmission, round, due, step)
		}
		plan := func(req wire.DeadlinePlanRequest) wire.DeadlinePlan {
			t.Helper()
			p, err := f.acts.PlanDeadline(t.Context(), req)
			require.NoError(t, err)
			return p
		}
		req := wire.DeadlinePlanRequest{CycleID: cycleID, OrgCode: "rsj", Kind: wire.DeadlineSubmission, Round: 1,
			Due: submissionDue, From: cst(time.February, 1, 9, 0)}

		// Counting back from Monday 3月2日: Saturday 2月28日 is worked
		// (1), then 2月27日 (2), 26日, 25日 and 24日 (5), the first day
		// after the festival. Escalation counts on: 3月3日, 4日, 5日.
		want := wire.DeadlinePlan{Kind: wire.DeadlineSubmission, Round: 1, Due: submissionDue, Steps: []wire.DeadlineStep{
			{Name: "reminder-5", At: cst(time.February, 24, 9, 0).UTC(), Key: key(submissionDue, 1, "reminder-5")},
			{Name: "reminder-2", At: cst(time.February, 27, 9, 0).UTC(), Key: key(submissionDue, 1, "reminder-2")},
			{Name: "reminder-1", At: cst(time.February, 28, 9, 0).UTC(), Key: key(submissionDue, 1, "reminder-1")},
			{Name: wire.StepOverdue, At: cst(time.March, 3, 0, 0).UTC(), Key: key(submissionDue, 1, wire.StepOverdue)},
			{Name: wire.StepEscalation, At: cst(time.March, 5, 9, 0).UTC(), Key: key(submissionDue, 1, wire.StepEscalation)},
		}}
		got := plan(req)
		require.Equal(t, want, got)
		require.Equal(t, got, plan(req), "the same request plans the same steps")

		// Reminders whose moment passed before the deadline was set are
		// left out; the overdue notice and the escalation never are.
		late := req
		late.From = cst(time.February, 27, 9, 0)
		require.Equal(t, []string{"reminder-1", wire.StepOverdue, wire.StepEscalation}, stepNames(plan(late)))

		// Due the day after the festival: the one working day before it is
		// the make-up Saturday 2月14日, the second Friday 2月13日.
		resubmit := endOf(time.February, 24)
		early := wire.DeadlinePlanRequest{CycleID: cycleID, OrgCode: "rsj", Kind: wire.DeadlineSubmission, Round: 2,
			Due: resubmit, From: cst(time.February, 1, 9, 0)}
		steps := plan(early).Steps
		require.Equal(t, []string{"reminder-5", "reminder-2", "reminder-1", wire.StepOverdue, wire.StepEscalation}, stepNames(plan(early)))
		require.Equal(t, cst(time.February, 10, 9, 0).UTC(), steps[0].At)
		require.Equal(t, cst(time.February, 13, 9, 0).UTC(), steps[1].At)
		require.Equal(t, cst(time.February, 14, 9, 0).UTC(), steps[2].At)
		require.Equal(t, cst(time.February, 27, 9, 0).UTC(), steps[4].At)
		require.Equal(t, key(resubmit, 2, "reminder-1"), steps[2].Key)

		// A reminder on the due day itself, duplicates counted once.
		require.NoError(t, f.db.Model(&models.Cycle{}).Where("id = ?", cycleID).
			Update("settings", models.CycleSettings{ReminderWorkdays: []int{0, 1, 1}, EscalateAfterWorkdays: 1}).Error)
		onDay := plan(req)
		require.Equal(t, []string{"reminder-1", "reminder-0", wire.StepOverdue, wire.StepEscalation}, stepNames(onDay))
		require.Equal(t, cst(time.March, 2, 9, 0).UTC(), onDay.Steps[1].At)
		require.Equal(t, cst(time.March, 3, 9, 0).UTC(), onDay.Steps[3].At)

		_, err := f.acts.PlanDeadline(t.Context(), wire.DeadlinePlanRequest{CycleID: "nope", Kind: wire.DeadlineSubmission, Due: submissionDue})
		requireFinal(t, err, "CycleNotFound")
	})
}

func stepNames(p wire.DeadlinePlan) []string {
	names := make([]string, len(p.Steps))
	for i, s := range p.Steps {
		names[i] = s.Name
	}
	return names
}

func TestSendDeadlineStep(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		f.setFlags("rsj", activities.FlagWarnings)
		plan, err := f.acts.PlanDeadline(t.Context(), wire.DeadlinePlanRequest{CycleID: cycleID, OrgCode: "rsj",
			Kind: wire.DeadlineSubmission, Round: 1, Due: submissionDue, From: cst(time.February, 1, 9, 0)})
		require.NoError(t, err)
		send := func(step wire.DeadlineStep) {
			t.Helper()
			req := wire.DeadlineStepRequest{CycleID: cycleID, OrgCode: "rsj", Kind: wire.DeadlineSubmission, Round: 1,
				Due: submissionDue, Step: step, At: step.At}
			require.NoError(t, f.acts.SendDeadlineStep(t.Context(), req))
		}

		// The first reminder, sent twice (a retry): one notification.
		send(plan.Steps[0])
		send(plan.Steps[0])
		inbox := f.inbox("rsj")
		require.Len(t, inbox, 1)
		n := inbox[0]
		require.Equal(t, string(notify.KindReminder), n.Kind)
		require.Equal(t, plan.Steps[0].Key+"/bureau", n.IdempotencyKey)
		require.Equal(t, "【提醒】"+cycleTitle+"：报送截止日期为2026年3月2日", n.Subject)
		require.Contains(t, n.Body, "某县人力资源和社会保障局")
		require.Contains(t, n.Body, "2026年3月2日（星期一），距截止还有5个工作日")
		require.Equal(t, "/cycles/"+cycleID+"/bureaus/rsj", n.Link)
		require.Equal(t, int64(1), f.count(&models.DeadlineStep{}))
		require.Equal(t, []string{"deadline.reminder"}, f.actions())
		ev := f.lastEvent()
		require.Equal(t, "participant", ev.TargetType)
		require.Equal(t, cycleID+"/rsj", ev.TargetID)
		require.Equal(t, "fzb", ev.OrgCode)
		require.JSONEq(t, `{"kind":"submission","round":1,"due":"2026-03-02T15:59:59Z","step":"reminder-5"}`, ev.After)
		require.Equal(t, []string{activities.FlagWarnings}, f.flags("rsj"))

		// Overdue: the bureau is told and flagged.
		send(plan.Steps[3])
		inbox = f.inbox("rsj")
		require.Len(t, inbox, 2)
		require.Equal(t, string(notify.KindOverdue), inbox[1].Kind)
		require.Contains(t, inbox[1].Subject, "【逾期】")
		require.Contains(t, inbox[1].Body, "逾期3个工作日仍未完成的，将报某县委全面依法治县委员会办公室督办")
		require.Equal(t, []string{activities.FlagWarnings, activities.FlagOverdue}, f.flags("rsj"))

		// Escalation on 3月5日: the office is told (督办), with a copy to
		// the bureau; sent twice, it stays one of each.
		send(plan.Steps[4])
		send(plan.Steps[4])
		officeInbox := f.inbox("fzb")
		require.Len(t, officeInbox, 1)
		require.Equal(t, string(notify.KindEscalation), officeInbox[0].Kind)
		require.Equal(t, plan.Steps[4].Key+"/office", officeInbox[0].IdempotencyKey)
		require.Equal(t, "【督办】某县人力资源和社会保障局报送已逾期3个工作日", officeInbox[0].Subject)
		require.Contains(t, officeInbox[0].Body, "某县人力资源和社会保障局（rsj）")
		require.Equal(t, "/cycles/"+cycleID+"/bureaus/rsj", officeInbox[0].Link)
		inbox = f.inbox("rsj")
		require.Len(t, inbox, 3)
		require.Equal(t, string(notify.KindEscalation), inbox[2].Kind)
		require.Contains(t, inbox[2].Body, "已报某县委全面依法治县委员会办公室督办")
		require.Equal(t, []string{activities.FlagWarnings, activities.FlagOverdue, activities.FlagEscalated}, f.flags("rsj"))
		require.Equal(t, []string{"deadline.reminder", "deadline.overdue", "deadline.escalated"}, f.actions())
		require.Equal(t, int64(3), f.count(&models.DeadlineStep{}))

		// A resubmission round names its round.
		resubmit := endOf(time.March, 9)
		require.NoError(t, f.db.Model(&models.Participant{}).Where("cycle_id = ? AND org_code = ?", cycleID, "scj").
			Updates(map[string]any{"round": 2, "submission_due": resubmit.UTC()}).Error)
		step := wire.DeadlineStep{Name: "reminder-1", At: cst(time.March, 6, 9, 0),
			Key: wire.DeadlineStepKey(cycleID, "scj", wire.DeadlineSubmission, 2, resubmit, "reminder-1")}
		require.NoError(t, f.acts.SendDeadlineStep(t.Context(), wire.DeadlineStepRequest{CycleID: cycleID, OrgCode: "scj",
			Kind: wire.DeadlineSubmission, Round: 2, Due: resubmit, Step: step, At: step.At}))
		scj := f.inbox("scj")
		require.Len(t, scj, 1)
		require.Contains(t, scj[0].Subject, "重新报送（第2轮）截止日期为2026年3月9日")
		require.Contains(t, scj[0].Body, "距截止还有1个工作日")

		// A step of a deadline the bureau no longer owes (it submitted while
		// the step was on its way, or the due date moved) is dropped.
		require.NoError(t, f.db.Model(&models.Participant{}).Where("cycle_id = ? AND org_code = ?", cycleID, "sfj").
			Update("stage", string(wire.StageUnderReview)).Error)
		require.NoError(t, f.acts.SendDeadlineStep(t.Context(), wire.DeadlineStepRequest{CycleID: cycleID, OrgCode: "sfj",
			Kind: wire.DeadlineSubmission, Round: 1, Due: submissionDue, Step: plan.Steps[3], At: plan.Steps[3].At}))
		require.NoError(t, f.acts.SendDeadlineStep(t.Context(), wire.DeadlineStepRequest{CycleID: cycleID, OrgCode: "scj",
			Kind: wire.DeadlineSubmission, Round: 2, Due: endOf(time.March, 20), Step: step, At: step.At}))
		require.Empty(t, f.inbox("sfj"))
		require.Len(t, f.inbox("scj"), 1)
		require.Equal(t, int64(4), f.count(&models.DeadlineStep{}))

		err = f.acts.SendDeadlineStep(t.Context(), wire.DeadlineStepRequest{CycleID: cycleID, OrgCode: "rsj",
			Kind: wire.DeadlineSubmission, Round: 1, Due: submissionDue, Step: wire.DeadlineStep{Name: "later", Key: "k"}})
		requireFinal(t, err, "BadDeadlineStep")
		err = f.acts.SendDeadlineStep(t.Context(), wire.DeadlineStepRequest{CycleID: cycleID, OrgCode: "nobody",
			Kind: wire.DeadlineSubmission, Round: 1, Due: submissionDue, Step: plan.Steps[1]})
		requireFinal(t, err, "ParticipantNotFound")
	})
}

func TestRefreshDeadlines(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		f.clock.Set(cst(time.March, 4, 10, 0))
		f.setFlags("rsj", activities.FlagWarnings, activities.FlagOverdue, activities.FlagEscalated)
		req := wire.ParticipantRequest{CycleID: cycleID, OrgCode: "rsj"}

		// Still overdue: the flags stay.
		info, err := f.acts.RefreshDeadlines(t.Context(), req)
		require.NoError(t, err)
		require.True(t, info.SubmissionDue.Equal(submissionDue))
		require.True(t, info.PublicationDue.Equal(publicationDue))
		require.Equal(t, "rsj", info.OrgCode)
		require.Equal(t, []string{activities.FlagWarnings, activities.FlagOverdue, activities.FlagEscalated}, f.flags("rsj"))

		// Moved into the future (a cycle extension): no longer overdue.
		f.update("rsj", map[string]any{"submission_due": endOf(time.March, 9).UTC()})
		info, err = f.acts.RefreshDeadlines(t.Context(), req)
		require.NoError(t, err)
		require.True(t, info.SubmissionDue.Equal(endOf(time.March, 9)))
		require.Equal(t, []string{activities.FlagWarnings}, f.flags("rsj"))

		// A bureau under review owes nothing: its flags are left alone.
		f.update("scj", map[string]any{"stage": wire.StageUnderReview, "submission_due": endOf(time.March, 9).UTC()})
		f.setFlags("scj", activities.FlagOverdue)
		_, err = f.acts.RefreshDeadlines(t.Context(), wire.ParticipantRequest{CycleID: cycleID, OrgCode: "scj"})
		require.NoError(t, err)
		require.Equal(t, []string{activities.FlagOverdue}, f.flags("scj"))

		_, err = f.acts.RefreshDeadlines(t.Context(), wire.ParticipantRequest{CycleID: cycleID, OrgCode: "nobody"})
		requireFinal(t, err, "ParticipantNotFound")
	})
}
