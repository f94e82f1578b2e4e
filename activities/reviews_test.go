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

func TestRecordReviewReturn(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		f.submit("rsj", 1, 1)
		f.update("rsj", map[string]any{"stage": wire.StageUnderReview, "stage_seq": 3})
		f.setFlags("rsj", activities.FlagWarnings, activities.FlagOverdue, activities.FlagEscalated, activities.FlagExtended)
		// Returned on Thursday 2月12日: five working days are 13日, the
		// make-up Saturday 14日, then 24日, 25日 and 26日.
		rec := wire.ReviewRecord{CycleID: cycleID, OrgCode: "rsj", Round: 1, Seq: 4, At: cst(time.February, 12, 10, 0),
			Request: wire.ReviewRequest{Version: 1, Decision: wire.ReviewReturn, By: reviewer, Comments: []wire.ReviewComment{
				{Indicator: "xzfy_slj", Message: "行政复议受理件数与上年差异过大，请核实"},
				{Section: "problems", Message: "存在问题未写明整改时限"},
				{Message: "请补充主要负责人履职情况"},
			}}}
		res, err := f.acts.RecordReview(t.Context(), rec)
		require.NoError(t, err)
		resubmit := endOf(time.February, 26)
		require.Equal(t, wire.ReviewResult{ReviewID: res.ReviewID, Version: 1, Decision: wire.ReviewReturn,
			Stage: wire.StageAwaitingSubmission, Round: 2, SubmissionDue: resubmit.UTC()}, res)

		again, err := f.acts.RecordReview(t.Context(), rec)
		require.NoError(t, err)
		require.Equal(t, res, again, "a retry answers what the first attempt did")
		require.Equal(t, int64(1), f.count(&models.Review{}))
		require.Equal(t, int64(3), f.count(&models.ReviewComment{}))

		var comments []models.ReviewComment
		require.NoError(t, f.db.Order("position").Find(&comments).Error)
		require.Equal(t, 1, comments[0].Position)
		require.Equal(t, "xzfy_slj", comments[0].Indicator)
		require.Equal(t, "problems", comments[1].Section)
		require.Equal(t, 3, comments[2].Position)
		require.Equal(t, res.ReviewID, comments[2].ReviewID)

		p := f.participant("rsj")
		require.Equal(t, string(wire.StageAwaitingSubmission), p.Stage)
		require.Equal(t, 2, p.Round)
		require.Equal(t, int64(4), p.StageSeq)
		require.True(t, p.SubmissionDue.Equal(resubmit))
		require.Equal(t, []string{activities.FlagExtended}, f.flags("rsj"))

		inbox := f.inbox("rsj")
		require.Len(t, inbox, 1)
		require.Equal(t, string(notify.KindReturned), inbox[0].Kind)
		require.Equal(t, "【退回修改】"+cycleTitle+"：第1版报送被退回", inbox[0].Subject)
		require.Contains(t, inbox[0].Body, "于2026年2月26日（星期四）前重新报送（第2轮）")
		require.Contains(t, inbox[0].Body, "1. 【指标 xzfy_slj】行政复议受理件数与上年差异过大，请核实")
		require.Contains(t, inbox[0].Body, "2. 【部分 problems】存在问题未写明整改时限")
		require.Contains(t, inbox[0].Body, "3. 请补充主要负责人履职情况")

		require.Equal(t, []string{"review.returned"}, f.actions())
		ev := f.lastEvent()
		require.Equal(t, "张审核", ev.ActorName)
		require.Equal(t, wire.ActorRoleReviewer, ev.ActorRole)
		require.Equal(t, "req-1", ev.RequestID)
		require.Equal(t, "submission", ev.TargetType)
		require.Equal(t, cycleID+"/rsj/v1", ev.TargetID)

		// Approving the version already returned is refused.
		approve := rec
		approve.Request = wire.ReviewRequest{Version: 1, Decision: wire.ReviewApprove, By: reviewer}
		_, err = f.acts.RecordReview(t.Context(), approve)
		requireRefused(t, err, "第1版已于2026年2月12日审核为“退回修改”，不能再审核为“审核通过”")

		// Round 2: version 2 arrives. Reviewing version 1 or a version
		// that does not exist is refused; version 2 is approved.
		f.submit("rsj", 2, 2)
		f.update("rsj", map[string]any{"stage": wire.StageUnderReview, "stage_seq": 6})
		approve.Round, approve.Seq, approve.At = 2, 7, cst(time.February, 25, 15, 0)
		approve.Request.Version = 3
		_, err = f.acts.RecordReview(t.Context(), approve)
		requireRefused(t, err, "某县人力资源和社会保障局没有第3版报送")
		approve.Request.Version = 2
		res, err = f.acts.RecordReview(t.Context(), approve)
		require.NoError(t, err)
		require.Equal(t, wire.StageApproved, res.Stage)
		require.Equal(t, 2, res.Round)
		require.True(t, res.SubmissionDue.IsZero())
		p = f.participant("rsj")
		require.Equal(t, string(wire.StageApproved), p.Stage)
		require.Equal(t, 2, p.Round)
		inbox = f.inbox("rsj")
		require.Len(t, inbox, 2)
		require.Equal(t, string(notify.KindApproved), inbox[1].Kind)
		require.Contains(t, inbox[1].Body, "请于2026年3月31日（星期二）前向社会公开")
		require.Equal(t, []string{"review.returned", "review.approved"}, f.actions())
	})
}

func TestRecordReviewRefusals(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		rec := wire.ReviewRecord{CycleID: cycleID, OrgCode: "scj", Round: 1, Seq: 4, At: cst(time.February, 12, 10, 0),
			Request: wire.ReviewRequest{Version: 1, Decision: wire.ReviewApprove, By: reviewer}}
		_, err := f.acts.RecordReview(t.Context(), rec)
		requireRefused(t, err, "某县市场监督管理局尚未报送")

		f.submit("scj", 1, 1)
		f.submit("scj", 2, 1)
		_, err = f.acts.RecordReview(t.Context(), rec)
		requireRefused(t, err, "第1版不是某县市场监督管理局的最新报送（最新为第2版）")

		// A resubmission date already past, or not a date, is refused
		// before anything is written.
		rec.Request = wire.ReviewRequest{Version: 2, Decision: wire.ReviewReturn, By: reviewer,
			ResubmitDue: wire.DueSetting{Date: "2026-02-11"}}
		_, err = f.acts.RecordReview(t.Context(), rec)
		requireRefused(t, err, "重新报送截止日期2026年2月11日已过")
		rec.Request.ResubmitDue = wire.DueSetting{Date: "2026-02-30"}
		_, err = f.acts.RecordReview(t.Context(), rec)
		requireRefused(t, err, "2026-02-30")
		rec.Request.ResubmitDue = wire.DueSetting{}
		rec.Request.Decision = "maybe"
		_, err = f.acts.RecordReview(t.Context(), rec)
		requireRefused(t, err, "审核结论“maybe”无效")
		require.Equal(t, int64(0), f.count(&models.Review{}))
		require.Empty(t, f.actions())

		// A date on a rest day is kept as given, with a warning; a stale
		// Seq records the review without moving the read model back.
		f.update("scj", map[string]any{"stage": wire.StageUnderReview, "stage_seq": 9})
		rec.Request.Decision = wire.ReviewReturn
		rec.Request.ResubmitDue = wire.DueSetting{Date: "2026-02-22"}
		res, err := f.acts.RecordReview(t.Context(), rec)
		require.NoError(t, err)
		require.True(t, res.SubmissionDue.Equal(endOf(time.February, 22)))
		require.Len(t, res.DueWarnings, 1)
		require.Contains(t, res.DueWarnings[0], "2026年2月22日（星期日）不是工作日")
		p := f.participant("scj")
		require.Equal(t, string(wire.StageUnderReview), p.Stage)
		require.Equal(t, int64(9), p.StageSeq)
	})
}
