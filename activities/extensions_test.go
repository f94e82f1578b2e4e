package activities_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/lawcycle/lawcycle/activities"
	"github.com/lawcycle/lawcycle/models"
	"github.com/lawcycle/lawcycle/notify"
	"github.com/lawcycle/lawcycle/wire"
)

var bureauUser = wire.Actor{Name: "李填报", Role: wire.ActorRoleBureau, OrgCode: "rsj", RequestID: "req-2"}

func TestRecordExtensionRequestApproved(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		f.setFlags("rsj", activities.FlagOverdue, activities.FlagEscalated)
		base := wire.ExtensionRecord{CycleID: cycleID, OrgCode: "rsj", Round: 1, CurrentDue: submissionDue}

		// Five working days after Monday 3月2日: 3日 to 9日.
		ask := base
		ask.At = cst(time.March, 3, 10, 0)
		ask.Request = &wire.ExtensionRequest{Kind: wire.DeadlineSubmission, Until: wire.DueSetting{Workdays: 5},
			Reason: "主要负责人出差，报告待审定", By: bureauUser}
		res, err := f.acts.RecordExtension(t.Context(), ask)
		require.NoError(t, err)
		require.Equal(t, wire.ExtensionPending, res.Status)
		require.True(t, res.Due.IsZero())
		again, err := f.acts.RecordExtension(t.Context(), ask)
		require.NoError(t, err)
		require.Equal(t, res, again)
		require.Equal(t, int64(1), f.count(&models.Extension{}))

		var row models.Extension
		require.NoError(t, f.db.Take(&row, res.ID).Error)
		require.Equal(t, "5个工作日", row.Requested)
		require.True(t, row.PreviousDue.Equal(submissionDue))
		require.Equal(t, []string{activities.FlagOverdue, activities.FlagEscalated, activities.FlagExtensionRequested}, f.flags("rsj"))
		officeInbox := f.inbox("fzb")
		require.Len(t, officeInbox, 1)
		require.Equal(t, string(notify.KindExtension), officeInbox[0].Kind)
		require.Equal(t, "【延期申请】某县人力资源和社会保障局申请延长报送期限", officeInbox[0].Subject)
		require.Contains(t, officeInbox[0].Body, "由2026年3月2日（星期一）延至2026年3月9日（星期一），即顺延5个工作日。")
		require.Contains(t, officeInbox[0].Body, "主要负责人出差，报告待审定")

		// A second request while the first waits is refused.
		second := ask
		second.At = cst(time.March, 3, 11, 0)
		_, err = f.acts.RecordExtension(t.Context(), second)
		requireRefused(t, err, "等待法治办审批，请勿重复申请")

		// The office approves, moving the date to 3月10日 instead.
		decide := base
		decide.At = cst(time.March, 4, 9, 30)
		decide.Decision = &wire.ExtensionDecision{ID: res.ID, Approve: true, Due: wire.DueSetting{Date: "2026-03-10"},
			Reason: "同意", By: reviewer}
		res, err = f.acts.RecordExtension(t.Context(), decide)
		require.NoError(t, err)
		require.Equal(t, wire.ExtensionApproved, res.Status)
		require.True(t, res.Due.Equal(endOf(time.March, 10)))
		require.Empty(t, res.DueWarnings)
		again, err = f.acts.RecordExtension(t.Context(), decide)
		require.NoError(t, err)
		require.Equal(t, res, again)

		require.True(t, f.participant("rsj").SubmissionDue.Equal(endOf(time.March, 10)))
		require.Equal(t, []string{activities.FlagExtended}, f.flags("rsj"))
		require.NoError(t, f.db.Take(&row, res.ID).Error)
		require.Equal(t, "张审核", row.DecidedBy)
		require.Equal(t, "同意", row.DecisionComment)
		inbox := f.inbox("rsj")
		require.Len(t, inbox, 1)
		require.Equal(t, "【延期】"+cycleTitle+"：延期申请已批准", inbox[0].Subject)
		require.Contains(t, inbox[0].Body, "截止日期由2026年3月2日（星期一）延至2026年3月10日（星期二）")
		require.Equal(t, []string{"extension.requested", "extension.approved"}, f.actions())

		// Decided is decided.
		refuse := decide
		refuse.Decision = &wire.ExtensionDecision{ID: res.ID, Approve: false, By: reviewer}
		_, err = f.acts.RecordExtension(t.Context(), refuse)
		requireRefused(t, err, "已处理或已撤销，不能再次审批")
		refuse.OrgCode = "scj"
		_, err = f.acts.RecordExtension(t.Context(), refuse)
		requireRefused(t, err, "不存在")
	})
}

func TestRecordExtensionRefusedAndGranted(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		f.setFlags("scj", activities.FlagOverdue)
		base := wire.ExtensionRecord{CycleID: cycleID, OrgCode: "scj", Round: 1, CurrentDue: submissionDue}

		ask := base
		ask.At = cst(time.March, 1, 10, 0)
		ask.Request = &wire.ExtensionRequest{Kind: wire.DeadlineSubmission, Until: wire.DueSetting{Date: "2026-03-20"}, By: bureauUser}
		res, err := f.acts.RecordExtension(t.Context(), ask)
		require.NoError(t, err)

		refuse := base
		refuse.At = cst(time.March, 2, 9, 0)
		refuse.Decision = &wire.ExtensionDecision{ID: res.ID, Reason: "时间充足，请按时报送", By: reviewer}
		res, err = f.acts.RecordExtension(t.Context(), refuse)
		require.NoError(t, err)
		require.Equal(t, wire.ExtensionRefused, res.Status)
		require.True(t, res.Due.IsZero())
		require.True(t, f.participant("scj").SubmissionDue.Equal(submissionDue))
		require.Equal(t, []string{activities.FlagOverdue}, f.flags("scj"))
		inbox := f.inbox("scj")
		require.Len(t, inbox, 1)
		require.Contains(t, inbox[0].Body, "未获批准，截止日期仍为2026年3月2日（星期一）")
		require.Contains(t, inbox[0].Body, "理由：时间充足，请按时报送")

		// The office extends the bureau on its own, to a Saturday: kept as
		// given, with a warning. A retry grants nothing more.
		grant := base
		grant.At = cst(time.March, 3, 9, 0)
		grant.Grant = &wire.BureauExtension{Kind: wire.DeadlineSubmission, Until: wire.DueSetting{Date: "2026-03-07"},
			Reason: "系统故障", By: reviewer}
		res, err = f.acts.RecordExtension(t.Context(), grant)
		require.NoError(t, err)
		require.Equal(t, wire.ExtensionGranted, res.Status)
		require.True(t, res.Due.Equal(endOf(time.March, 7)))
		require.Len(t, res.DueWarnings, 1)
		require.Contains(t, res.DueWarnings[0], "不是工作日")
		again, err := f.acts.RecordExtension(t.Context(), grant)
		require.NoError(t, err)
		require.Equal(t, res, again)
		require.Equal(t, int64(2), f.count(&models.Extension{}))
		require.True(t, f.participant("scj").SubmissionDue.Equal(endOf(time.March, 7)))
		require.Equal(t, []string{activities.FlagExtended}, f.flags("scj"))
		require.Equal(t, []string{"extension.requested", "extension.refused", "extension.granted"}, f.actions())

		// A publication deadline moves the publication column only.
		pub := base
		pub.CurrentDue, pub.At = publicationDue, cst(time.March, 3, 10, 0)
		pub.Grant = &wire.BureauExtension{Kind: wire.DeadlinePublication, Until: wire.DueSetting{Workdays: 3}, By: reviewer}
		res, err = f.acts.RecordExtension(t.Context(), pub)
		require.NoError(t, err)
		require.True(t, res.Due.Equal(endOf(time.April, 3)), "3 working days after 3月31日: 4月1日, 2日, 3日")
		p := f.participant("scj")
		require.True(t, p.PublicationDue.Equal(endOf(time.April, 3)))
		require.True(t, p.SubmissionDue.Equal(endOf(time.March, 7)))

		// Refusals: not later than the current date, already past, not
		// exactly one of request, decision and grant.
		early := base
		early.At = cst(time.March, 3, 11, 0)
		early.Grant = &wire.BureauExtension{Kind: wire.DeadlineSubmission, Until: wire.DueSetting{Date: "2026-03-02"}, By: reviewer}
		_, err = f.acts.RecordExtension(t.Context(), early)
		requireRefused(t, err, "延期后的截止日期2026年3月2日不晚于当前截止日期2026年3月2日")
		early.At = cst(time.March, 12, 11, 0)
		early.Grant.Until = wire.DueSetting{Date: "2026-03-11"}
		_, err = f.acts.RecordExtension(t.Context(), early)
		requireRefused(t, err, "延期后的截止日期2026年3月11日已过")
		early.Request = &wire.ExtensionRequest{Kind: wire.DeadlineSubmission}
		_, err = f.acts.RecordExtension(t.Context(), early)
		requireFinal(t, err, "BadExtension")
		_, err = f.acts.RecordExtension(t.Context(), base)
		requireFinal(t, err, "BadExtension")
	})
}

func TestExtendCycle(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		// rsj still owes its first submission; scj has submitted; sfj was
		// extended on its own beyond the new date.
		f.update("scj", map[string]any{"stage": wire.StageUnderReview})
		f.update("sfj", map[string]any{"submission_due": endOf(time.March, 20).UTC()})
		rec := wire.CycleExtensionRecord{CycleID: cycleID, At: cst(time.March, 1, 10, 0),
			Extension: wire.CycleExtension{Kind: wire.DeadlineSubmission, Date: "2026-03-09", Reason: "系统升级", By: reviewer}}
		res, err := f.acts.ExtendCycle(t.Context(), rec)
		require.NoError(t, err)
		require.Equal(t, wire.CycleExtensionResult{Kind: wire.DeadlineSubmission, Due: endOf(time.March, 9).UTC(), Bureaus: 1}, res)
		again, err := f.acts.ExtendCycle(t.Context(), rec)
		require.NoError(t, err)
		require.Equal(t, res, again)

		var cycle models.Cycle
		require.NoError(t, f.db.Take(&cycle, "id = ?", cycleID).Error)
		require.True(t, cycle.SubmissionDue.Equal(endOf(time.March, 9)))
		require.True(t, f.participant("rsj").SubmissionDue.Equal(endOf(time.March, 9)))
		require.True(t, f.participant("scj").SubmissionDue.Equal(submissionDue))
		require.True(t, f.participant("sfj").SubmissionDue.Equal(endOf(time.March, 20)))
		var ext models.CycleExtension
		require.NoError(t, f.db.Take(&ext).Error)
		require.Equal(t, 1, ext.Bureaus)
		require.True(t, ext.PreviousDue.Equal(submissionDue))
		require.Equal(t, "系统升级", ext.Reason)
		require.Len(t, f.notifications(), 1)
		inbox := f.inbox("rsj")
		require.Len(t, inbox, 1)
		require.Equal(t, "【延期】"+cycleTitle+"：报送截止日期延至2026年3月9日", inbox[0].Subject)
		require.Contains(t, inbox[0].Body, "由2026年3月2日（星期一）统一延至2026年3月9日（星期一）")
		require.Equal(t, []string{"cycle.extended"}, f.actions())
		require.Equal(t, "cycle", f.lastEvent().TargetType)

		_, err = f.acts.ExtendCycle(t.Context(), wire.CycleExtensionRecord{CycleID: cycleID, At: rec.At,
			Extension: wire.CycleExtension{Kind: wire.DeadlineSubmission, Date: "2026-03-05", By: reviewer}})
		requireRefused(t, err, "新的报送截止日期2026年3月5日不晚于当前截止日期2026年3月9日")
		_, err = f.acts.ExtendCycle(t.Context(), wire.CycleExtensionRecord{CycleID: cycleID, At: cst(time.March, 12, 10, 0),
			Extension: wire.CycleExtension{Kind: wire.DeadlineSubmission, Date: "2026-03-11", By: reviewer}})
		requireRefused(t, err, "新的报送截止日期2026年3月11日已过")

		// Publication: every bureau not completed, to a Saturday, warned.
		f.update("sfj", map[string]any{"stage": wire.StageCompleted})
		res, err = f.acts.ExtendCycle(t.Context(), wire.CycleExtensionRecord{CycleID: cycleID, At: rec.At,
			Extension: wire.CycleExtension{Kind: wire.DeadlinePublication, Date: "2026-04-11", By: reviewer}})
		require.NoError(t, err)
		require.Equal(t, 2, res.Bureaus)
		require.Len(t, res.DueWarnings, 1)
		require.Contains(t, res.DueWarnings[0], "2026年4月11日（星期六）不是工作日")
		require.True(t, f.participant("scj").PublicationDue.Equal(endOf(time.April, 11)))
		require.True(t, f.participant("sfj").PublicationDue.Equal(publicationDue))
		require.Len(t, f.notifications(), 3)
	})
}
