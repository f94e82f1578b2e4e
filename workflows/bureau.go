package workflows

import (
	"fmt"
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/lawcycle/lawcycle/wire"
)

// bureau is the bureau workflow's state.
type bureau struct {
	in             wire.BureauInput
	stage          wire.Stage
	round          int
	seq            int64
	submissionDue  time.Time
	publicationDue time.Time
	// version is the latest accepted submission; submitting is set while
	// one is being recorded, so a second upload is refused, not queued.
	version    int
	submitting bool
}

// Bureau carries one bureau through a cycle (SPEC §3): notified →
// awaiting_submission → under_review → approved → awaiting_publication →
// completed. Every stage change is written to the read model.
//
// Review and publication arrive in later work; for now a bureau waits in
// under_review once its return is accepted.
func Bureau(ctx workflow.Context, in wire.BureauInput) error {
	b := &bureau{in: in, stage: wire.StagePending}
	if err := b.setup(ctx); err != nil {
		return err
	}

	// notified: the notice reaches the bureau.
	if err := b.enter(ctx, wire.StageNotified); err != nil {
		return err
	}

	// awaiting_submission: the bureau fills its return and submits it
	// (UpdateSubmit moves it on).
	b.round = 1
	if err := b.enter(ctx, wire.StageAwaitingSubmission); err != nil {
		return err
	}
	if err := workflow.Await(ctx, func() bool { return b.stage != wire.StageAwaitingSubmission }); err != nil {
		return err
	}

	// under_review: a reviewer approves or returns the submission.
	if err := workflow.Await(ctx, func() bool { return b.stage != wire.StageUnderReview }); err != nil {
		return err
	}
	return workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) })
}

func (b *bureau) setup(ctx workflow.Context) error {
	if err := workflow.SetQueryHandler(ctx, wire.QueryState, func() (wire.BureauState, error) {
		return wire.BureauState{
			CycleID: b.in.CycleID, OrgCode: b.in.OrgCode, Stage: b.stage, Round: b.round,
			SubmissionDue: b.submissionDue, PublicationDue: b.publicationDue, Waiting: b.waiting(),
		}, nil
	}); err != nil {
		return fmt.Errorf("register query: %w", err)
	}
	if err := workflow.SetUpdateHandlerWithOptions(ctx, wire.UpdateSubmit, b.submit,
		workflow.UpdateHandlerOptions{Validator: b.validateSubmit}); err != nil {
		return fmt.Errorf("register submit: %w", err)
	}
	return nil
}

// validateSubmit refuses, before anything is written to history, a
// submission the bureau's stage does not allow.
func (b *bureau) validateSubmit(req wire.SubmitRequest) error {
	switch {
	case b.submitting:
		return refusal("本单位的另一份报表正在提交，请稍候刷新查看结果，不要重复提交")
	case b.stage == wire.StagePending || b.stage == wire.StageNotified:
		return refusal("通知尚未送达本单位，暂不能报送")
	case b.stage == wire.StageUnderReview:
		return refusal(fmt.Sprintf("第%d轮报表（第%d版）已报送，正在审核中；审核退回后才能再次报送", b.round, b.version))
	case b.stage != wire.StageAwaitingSubmission:
		return refusal(fmt.Sprintf("当前阶段为「%s」，不再接受报表", b.stage.Label()))
	case req.Round != b.round:
		return refusal(fmt.Sprintf("该报表针对第%d轮，而当前是第%d轮；请按最新要求重新报送", req.Round, b.round))
	case req.FileSHA == "" || req.ReturnSHA == "":
		return refusal("报表文件缺失")
	}
	return nil
}

// submit records the accepted return as the next version and moves the
// bureau to under_review.
func (b *bureau) submit(ctx workflow.Context, req wire.SubmitRequest) (wire.SubmitResult, error) {
	b.submitting = true
	defer func() { b.submitting = false }()
	b.seq++
	rec := wire.SubmissionRecord{CycleID: b.in.CycleID, OrgCode: b.in.OrgCode, Request: req, Seq: b.seq, At: workflow.Now(ctx)}
	var res wire.SubmitResult
	if err := workflow.ExecuteActivity(dbActivity(ctx), a.RecordSubmission, rec).Get(ctx, &res); err != nil {
		return wire.SubmitResult{}, fmt.Errorf("record submission: %w", err)
	}
	b.version = res.Version
	b.stage = wire.StageUnderReview
	return res, nil
}

// enter moves the bureau to stage and records it in the read model.
func (b *bureau) enter(ctx workflow.Context, stage wire.Stage) error {
	b.seq++
	change := wire.StageChange{
		CycleID: b.in.CycleID, OrgCode: b.in.OrgCode, Stage: stage, Round: b.round,
		Seq: b.seq, At: workflow.Now(ctx),
	}
	var info wire.ParticipantInfo
	if err := workflow.ExecuteLocalActivity(readModelWrite(ctx), a.RecordStage, change).Get(ctx, &info); err != nil {
		return fmt.Errorf("record stage %s: %w", stage, err)
	}
	b.stage = stage
	b.submissionDue, b.publicationDue = info.SubmissionDue, info.PublicationDue
	return nil
}

func (b *bureau) waiting() string {
	switch b.stage {
	case wire.StagePending, wire.StageNotified:
		return "正在向本单位送达通知"
	case wire.StageAwaitingSubmission:
		if b.submitting {
			return fmt.Sprintf("第%d轮报表正在提交", b.round)
		}
		return fmt.Sprintf("等待本单位报送第%d轮报表和报告（截止时间见通知）", b.round)
	case wire.StageUnderReview:
		return fmt.Sprintf("第%d版报表已报送，等待审核", b.version)
	default:
		return b.stage.Label()
	}
}
