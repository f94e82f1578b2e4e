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
}

// Bureau carries one bureau through a cycle (SPEC §3): notified →
// awaiting_submission → under_review → approved → awaiting_publication →
// completed. Every stage change is written to the read model.
//
// Submission, review and publication arrive as updates in later work; for
// now a bureau waits in awaiting_submission.
func Bureau(ctx workflow.Context, in wire.BureauInput) error {
	b := &bureau{in: in, stage: wire.StagePending}
	if err := b.setup(ctx); err != nil {
		return err
	}

	// notified: the notice reaches the bureau.
	if err := b.enter(ctx, wire.StageNotified); err != nil {
		return err
	}

	// awaiting_submission: the bureau fills its return.
	b.round = 1
	if err := b.enter(ctx, wire.StageAwaitingSubmission); err != nil {
		return err
	}
	return workflow.Await(ctx, func() bool { return b.stage != wire.StageAwaitingSubmission })
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
	return nil
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
		return fmt.Sprintf("等待本单位报送第%d轮报表和报告（截止时间见通知）", b.round)
	default:
		return string(b.stage)
	}
}
