package workflows

import (
	"errors"
	"fmt"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/lawcycle/lawcycle/wire"
)

// FanOutBatch is how many bureau workflows one run of the cycle workflow
// starts before it continues as new. Children stay pending in the parent's
// state until they complete, and bureau workflows live for months, so each
// run must stay under SPEC §3's 500 pending children; one batch costs about
// two history events per child, far below the 4,096-event ceiling.
const FanOutBatch = 400

// cycle is the cycle workflow's state.
type cycle struct {
	id     string
	status string
	notice *wire.NoticeInfo
	fanOut wire.FanOutProgress
}

// Cycle runs one office's reporting cycle: draft → open (notice issued,
// one bureau workflow per participant) → closing → closed.
//
// Closing and closing-time compilation arrive with the lifecycle work; for
// now an open cycle stays open and its bureau workflows wait.
func Cycle(ctx workflow.Context, in wire.CycleInput) error {
	c := &cycle{id: in.CycleID, status: wire.CycleDraft, notice: in.Notice, fanOut: in.FanOut}
	if c.notice != nil {
		c.status = wire.CycleOpen
	}
	if err := c.setup(ctx); err != nil {
		return err
	}

	// draft → open: issue the notice.
	if c.notice == nil {
		var notice wire.NoticeInfo
		if err := workflow.ExecuteActivity(dbActivity(ctx), a.IssueNotice, c.id).Get(ctx, &notice); err != nil {
			return fmt.Errorf("issue notice: %w", err)
		}
		c.notice, c.status = &notice, wire.CycleOpen
	}

	// open: start the bureau workflows, one batch per run.
	if !c.fanOut.Done {
		if err := c.startBatch(ctx); err != nil {
			return err
		}
		return c.continueAsNew(ctx)
	}
	if !c.fanOut.Recorded {
		err := workflow.ExecuteActivity(dbActivity(ctx), a.RecordFanOutComplete,
			wire.FanOutComplete{CycleID: c.id, Started: c.fanOut.Started}).Get(ctx, nil)
		if err != nil {
			return fmt.Errorf("record fan-out: %w", err)
		}
		c.fanOut.Recorded = true
	}

	// Wait for the cycle to close.
	return workflow.Await(ctx, func() bool { return c.status == wire.CycleClosed })
}

func (c *cycle) setup(ctx workflow.Context) error {
	if err := workflow.SetQueryHandler(ctx, wire.QueryState, func() (wire.CycleState, error) {
		return wire.CycleState{CycleID: c.id, Status: c.status, Notice: c.notice, FanOut: c.fanOut, Waiting: c.waiting()}, nil
	}); err != nil {
		return fmt.Errorf("register query: %w", err)
	}
	// The launch update completes when the notice is issued, so the API
	// answers the office with the notice in the same call that starts the
	// cycle. A repeated launch gets the same answer.
	if err := workflow.SetUpdateHandler(ctx, wire.UpdateLaunch, func(ctx workflow.Context) (wire.LaunchResult, error) {
		if err := workflow.Await(ctx, func() bool { return c.notice != nil }); err != nil {
			return wire.LaunchResult{}, err
		}
		return wire.LaunchResult{CycleID: c.id, Status: c.status, Notice: *c.notice}, nil
	}); err != nil {
		return fmt.Errorf("register launch update: %w", err)
	}
	return nil
}

func (c *cycle) waiting() string {
	switch {
	case c.notice == nil:
		return "正在印发通知"
	case !c.fanOut.Done:
		return fmt.Sprintf("正在启动各单位流程（已启动 %d 个）", c.fanOut.Started)
	default:
		return "等待各单位报送、审核和公开，直至周期关闭"
	}
}

// startBatch starts the next page of bureau workflows and waits until each
// has started. Children are abandoned on close so that continue-as-new
// leaves them running.
func (c *cycle) startBatch(ctx workflow.Context) error {
	var page wire.ParticipantPage
	req := wire.ParticipantPageRequest{CycleID: c.id, AfterOrgCode: c.fanOut.AfterOrgCode, Limit: FanOutBatch}
	if err := workflow.ExecuteActivity(dbActivity(ctx), a.ListParticipants, req).Get(ctx, &page); err != nil {
		return fmt.Errorf("list participants: %w", err)
	}
	started := make([]workflow.ChildWorkflowFuture, len(page.OrgCodes))
	for i, org := range page.OrgCodes {
		childCtx := workflow.WithChildOptions(ctx, workflow.ChildWorkflowOptions{
			WorkflowID:            wire.BureauWorkflowID(c.id, org),
			ParentClosePolicy:     enumspb.PARENT_CLOSE_POLICY_ABANDON,
			WorkflowIDReusePolicy: enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
		})
		started[i] = workflow.ExecuteChildWorkflow(childCtx, wire.BureauWorkflow, wire.BureauInput{CycleID: c.id, OrgCode: org})
	}
	for i, f := range started {
		err := f.GetChildWorkflowExecution().Get(ctx, nil)
		var already *temporal.ChildWorkflowExecutionAlreadyStartedError
		if err != nil && !errors.As(err, &already) {
			return fmt.Errorf("start bureau workflow %s: %w", page.OrgCodes[i], err)
		}
	}
	c.fanOut.Started += len(page.OrgCodes)
	if n := len(page.OrgCodes); n > 0 {
		c.fanOut.AfterOrgCode = page.OrgCodes[n-1]
	}
	c.fanOut.Done = len(page.OrgCodes) < FanOutBatch
	return nil
}

// continueAsNew hands the state to a fresh run once every update handler
// (a launch caller waiting for the notice) has answered.
func (c *cycle) continueAsNew(ctx workflow.Context) error {
	if err := workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) }); err != nil {
		return err
	}
	return workflow.NewContinueAsNewError(ctx, wire.CycleWorkflow, wire.CycleInput{
		CycleID: c.id, Notice: c.notice, FanOut: c.fanOut,
	})
}
