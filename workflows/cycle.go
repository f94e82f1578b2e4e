package workflows

import (
	"errors"
	"fmt"
	"time"

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

// Versions of the cycle workflow, told apart with workflow.GetVersion.
const (
	// cycleLifecycleChange names the change that added the deadline
	// milestones, extension and close, and search attributes. Runs
	// recorded before it wait for the close without a timer.
	cycleLifecycleChange = "cycle-lifecycle"
	cycleLifecycleV1     = 1
)

// cycle is the cycle workflow's state.
type cycle struct {
	in        wire.CycleInput
	lifecycle workflow.Version
	status    string
	notice    *wire.NoticeInfo
	fanOut    wire.FanOutProgress
	// Due dates of the whole cycle, and the milestones compiled (by kind,
	// with the due date they were compiled for).
	submissionDue  time.Time
	publicationDue time.Time
	milestones     map[wire.DeadlineKind]time.Time
	// busy names the office action being recorded, if any.
	busy string
}

// Cycle runs one office's reporting cycle (SPEC §3): draft → open (notice
// issued, one bureau workflow per participant) → closing (the publication
// deadline passed; compliance compiled) → closed (the office closed it:
// outcome compiled, every bureau still waiting stopped). At each deadline
// it compiles the milestone list for the office.
func Cycle(ctx workflow.Context, in wire.CycleInput) error {
	c := &cycle{in: in, status: wire.CycleDraft, notice: in.Notice, fanOut: in.FanOut, milestones: map[wire.DeadlineKind]time.Time{}}
	if c.notice != nil {
		c.status = wire.CycleOpen
		c.submissionDue, c.publicationDue = c.notice.SubmissionDue, c.notice.PublicationDue
	}
	if k := in.Carry; k != nil {
		c.status, c.submissionDue, c.publicationDue = k.Status, k.SubmissionDue, k.PublicationDue
		if k.Milestones != nil {
			c.milestones = k.Milestones
		}
	}
	if err := c.setup(ctx); err != nil {
		return err
	}
	c.lifecycle = workflow.GetVersion(ctx, cycleLifecycleChange, workflow.DefaultVersion, cycleLifecycleV1)

	// draft → open: issue the notice.
	if c.notice == nil {
		var notice wire.NoticeInfo
		if err := workflow.ExecuteActivity(dbActivity(ctx), a.IssueNotice, c.in.CycleID).Get(ctx, &notice); err != nil {
			return fmt.Errorf("issue notice: %w", err)
		}
		c.notice, c.status = &notice, wire.CycleOpen
		c.submissionDue, c.publicationDue = notice.SubmissionDue, notice.PublicationDue
	}
	if err := c.upsertSearch(ctx); err != nil {
		return err
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
			wire.FanOutComplete{CycleID: c.in.CycleID, Started: c.fanOut.Started}).Get(ctx, nil)
		if err != nil {
			return fmt.Errorf("record fan-out: %w", err)
		}
		c.fanOut.Recorded = true
	}

	// open → closing → closed: compile each deadline's milestone when it
	// passes, until the office closes the cycle (UpdateCloseCycle).
	for c.status != wire.CycleClosed {
		if c.lifecycle < cycleLifecycleV1 {
			if err := workflow.Await(ctx, func() bool { return c.status == wire.CycleClosed }); err != nil {
				return err
			}
			break
		}
		if err := c.nextMilestone(ctx); err != nil {
			return err
		}
		if c.status != wire.CycleClosed && c.historyIsLong(ctx) {
			return c.continueAsNew(ctx)
		}
	}
	return workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) })
}

func (c *cycle) setup(ctx workflow.Context) error {
	if err := workflow.SetQueryHandler(ctx, wire.QueryState, c.state); err != nil {
		return fmt.Errorf("register query: %w", err)
	}
	// The launch update completes when the notice is issued, so the API
	// answers the office with the notice in the same call that starts the
	// cycle. A repeated launch gets the same answer.
	if err := workflow.SetUpdateHandler(ctx, wire.UpdateLaunch, func(ctx workflow.Context) (wire.LaunchResult, error) {
		if err := workflow.Await(ctx, func() bool { return c.notice != nil }); err != nil {
			return wire.LaunchResult{}, err
		}
		return wire.LaunchResult{CycleID: c.in.CycleID, Status: c.status, Notice: *c.notice}, nil
	}); err != nil {
		return fmt.Errorf("register launch update: %w", err)
	}
	if err := workflow.SetUpdateHandlerWithOptions(ctx, wire.UpdateExtendCycle, c.extend,
		workflow.UpdateHandlerOptions{Validator: c.validateExtend}); err != nil {
		return fmt.Errorf("register extend update: %w", err)
	}
	if err := workflow.SetUpdateHandlerWithOptions(ctx, wire.UpdateCloseCycle, c.close,
		workflow.UpdateHandlerOptions{Validator: c.validateClose}); err != nil {
		return fmt.Errorf("register close update: %w", err)
	}
	return nil
}

func (c *cycle) state() (wire.CycleState, error) {
	return wire.CycleState{
		CycleID: c.in.CycleID, Status: c.status, Notice: c.notice, FanOut: c.fanOut, Waiting: c.waiting(),
		SubmissionDue: c.submissionDue, PublicationDue: c.publicationDue, Milestones: c.milestones,
	}, nil
}

func (c *cycle) waiting() string {
	switch {
	case c.busy != "":
		return "正在" + c.busy
	case c.notice == nil:
		return "正在印发通知"
	case !c.fanOut.Done:
		return fmt.Sprintf("正在启动各单位流程（已启动 %d 个）", c.fanOut.Started)
	case c.status == wire.CycleClosed:
		return "周期已关闭"
	case c.status == wire.CycleClosing:
		return "公开截止时间已过，已汇总公开情况；等待法治办关闭周期"
	case c.milestones[wire.DeadlineSubmission].IsZero():
		return "等待各单位报送，报送截止时间" + c.submissionDue.In(chinaTime).Format("2006年1月2日 15:04")
	default:
		return "等待各单位审核和公开，公开截止时间" + c.publicationDue.In(chinaTime).Format("2006年1月2日 15:04")
	}
}

func (c *cycle) upsertSearch(ctx workflow.Context) error {
	if c.lifecycle < cycleLifecycleV1 {
		return nil
	}
	attrs := []temporal.SearchAttributeUpdate{
		wire.SearchCycleID.ValueSet(c.in.CycleID), wire.SearchStage.ValueSet(c.status),
	}
	if c.in.Year > 0 {
		attrs = append(attrs, wire.SearchYear.ValueSet(int64(c.in.Year)))
	}
	if err := workflow.UpsertTypedSearchAttributes(ctx, attrs...); err != nil {
		return fmt.Errorf("set search attributes: %w", err)
	}
	return nil
}

// startBatch starts the next page of bureau workflows and waits until each
// has started. Children are abandoned on close so that continue-as-new
// leaves them running.
func (c *cycle) startBatch(ctx workflow.Context) error {
	var page wire.ParticipantPage
	req := wire.ParticipantPageRequest{CycleID: c.in.CycleID, AfterOrgCode: c.fanOut.AfterOrgCode, Limit: FanOutBatch}
	if err := workflow.ExecuteActivity(dbActivity(ctx), a.ListParticipants, req).Get(ctx, &page); err != nil {
		return fmt.Errorf("list participants: %w", err)
	}
	started := make([]workflow.ChildWorkflowFuture, len(page.OrgCodes))
	for i, org := range page.OrgCodes {
		childCtx := workflow.WithChildOptions(ctx, workflow.ChildWorkflowOptions{
			WorkflowID:            wire.BureauWorkflowID(c.in.CycleID, org),
			ParentClosePolicy:     enumspb.PARENT_CLOSE_POLICY_ABANDON,
			WorkflowIDReusePolicy: enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
		})
		started[i] = workflow.ExecuteChildWorkflow(childCtx, wire.BureauWorkflow,
			wire.BureauInput{CycleID: c.in.CycleID, OrgCode: org, Year: c.in.Year})
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

func (c *cycle) historyIsLong(ctx workflow.Context) bool {
	info := workflow.GetInfo(ctx)
	return info.GetContinueAsNewSuggested() || info.GetCurrentHistoryLength() > MaxHistoryEvents
}

// continueAsNew hands the state to a fresh run once every update handler
// (a launch caller waiting for the notice, an extension) has answered.
func (c *cycle) continueAsNew(ctx workflow.Context) error {
	if err := workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) }); err != nil {
		return err
	}
	in := wire.CycleInput{CycleID: c.in.CycleID, Year: c.in.Year, Notice: c.notice, FanOut: c.fanOut}
	if c.fanOut.Done && c.lifecycle >= cycleLifecycleV1 {
		in.Carry = &wire.CycleCarry{
			Status: c.status, SubmissionDue: c.submissionDue, PublicationDue: c.publicationDue,
			Milestones: c.milestones, Lifecycle: int(c.lifecycle),
		}
	}
	return workflow.NewContinueAsNewError(ctx, wire.CycleWorkflow, in)
}
