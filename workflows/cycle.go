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
// run must stay under the 500 pending children of docs/architecture.md#scale-limits; one batch costs about
// two history events per child, far below the 4,096-event ceiling.
const FanOutBatch = 400

// cycle is the cycle workflow's state. Its durable part is the input it
// continues as new with (the notice, the fan-out cursor) and the carried
// status, due dates and milestones, wire.CycleCarry, kept as one struct and
// handed over whole; only the action being recorded lives in a run alone.
type cycle struct {
	in wire.CycleInput
	wire.CycleCarry
	// busy names the office action being recorded, if any.
	busy string
}

// Cycle runs one office's reporting cycle (docs/domain.md#cycle-statuses): draft → open (notice
// issued, one bureau workflow per participant) → closing (the publication
// deadline passed; compliance compiled) → closed (the office closed it:
// outcome compiled, every bureau still waiting stopped). At each deadline
// it compiles the milestone list for the office.
func Cycle(ctx workflow.Context, in wire.CycleInput) error {
	c := &cycle{in: in, CycleCarry: wire.CycleCarry{Status: wire.CycleDraft}}
	if n := in.Notice; n != nil {
		c.Status, c.SubmissionDue, c.PublicationDue = wire.CycleOpen, n.SubmissionDue, n.PublicationDue
	}
	if k := in.Carry; k != nil {
		c.CycleCarry = *k
	}
	if c.Milestones == nil {
		c.Milestones = map[wire.DeadlineKind]time.Time{}
	}
	if err := c.setup(ctx); err != nil {
		return err
	}
	c.Lifecycle = int(workflow.GetVersion(ctx, cycleLifecycleChange, workflow.DefaultVersion, cycleLifecycleV1))

	// draft → open: issue the notice.
	if c.in.Notice == nil {
		var notice wire.NoticeInfo
		if err := workflow.ExecuteActivity(dbActivity(ctx), a.IssueNotice, c.in.CycleID).Get(ctx, &notice); err != nil {
			return fmt.Errorf("issue notice: %w", err)
		}
		c.in.Notice, c.Status = &notice, wire.CycleOpen
		c.SubmissionDue, c.PublicationDue = notice.SubmissionDue, notice.PublicationDue
	}
	if err := c.upsertSearch(ctx); err != nil {
		return err
	}

	// open: start the bureau workflows, one batch per run.
	if !c.in.FanOut.Done {
		if err := c.startBatch(ctx); err != nil {
			return err
		}
		return c.continueAsNew(ctx)
	}
	if !c.in.FanOut.Recorded {
		err := workflow.ExecuteActivity(dbActivity(ctx), a.RecordFanOutComplete,
			wire.FanOutComplete{CycleID: c.in.CycleID, Started: c.in.FanOut.Started}).Get(ctx, nil)
		if err != nil {
			return fmt.Errorf("record fan-out: %w", err)
		}
		c.in.FanOut.Recorded = true
	}

	// open → closing → closed: compile each deadline's milestone when it
	// passes, until the office closes the cycle (UpdateCloseCycle).
	for c.Status != wire.CycleClosed {
		if c.legacy() {
			if err := workflow.Await(ctx, func() bool { return c.Status == wire.CycleClosed }); err != nil {
				return err
			}
			break
		}
		if err := c.nextMilestone(ctx); err != nil {
			return err
		}
		if c.Status != wire.CycleClosed && historyIsLong(ctx) {
			return c.continueAsNew(ctx)
		}
	}
	return handlersDone(ctx)
}

func (c *cycle) setup(ctx workflow.Context) error {
	if err := workflow.SetQueryHandler(ctx, wire.QueryState, c.state); err != nil {
		return fmt.Errorf("register query: %w", err)
	}
	// The launch update completes when the notice is issued, so the API
	// answers the office with the notice in the same call that starts the
	// cycle. A repeated launch gets the same answer.
	if err := workflow.SetUpdateHandler(ctx, wire.UpdateLaunch, func(ctx workflow.Context) (wire.LaunchResult, error) {
		if err := workflow.Await(ctx, func() bool { return c.in.Notice != nil }); err != nil {
			return wire.LaunchResult{}, err
		}
		return wire.LaunchResult{CycleID: c.in.CycleID, Status: c.Status, Notice: *c.in.Notice}, nil
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
		CycleID: c.in.CycleID, Status: c.Status, Notice: c.in.Notice, FanOut: c.in.FanOut, Waiting: c.waiting(),
		SubmissionDue: c.SubmissionDue, PublicationDue: c.PublicationDue, Milestones: c.Milestones,
	}, nil
}

func (c *cycle) waiting() string {
	switch {
	case c.busy != "":
		return "正在" + c.busy
	case c.in.Notice == nil:
		return "正在印发通知"
	case !c.in.FanOut.Done:
		return fmt.Sprintf("正在启动各单位流程（已启动 %d 个）", c.in.FanOut.Started)
	case c.Status == wire.CycleClosed:
		return "周期已关闭"
	case c.Status == wire.CycleClosing:
		return "公开截止时间已过，已汇总公开情况；等待法治办关闭周期"
	case c.Milestones[wire.DeadlineSubmission].IsZero():
		return "等待各单位报送，报送截止时间" + c.SubmissionDue.In(chinaTime).Format("2006年1月2日 15:04")
	default:
		return "等待各单位审核和公开，公开截止时间" + c.PublicationDue.In(chinaTime).Format("2006年1月2日 15:04")
	}
}

func (c *cycle) upsertSearch(ctx workflow.Context) error {
	if c.legacy() {
		return nil
	}
	attrs := []temporal.SearchAttributeUpdate{
		wire.SearchCycleID.ValueSet(c.in.CycleID), wire.SearchStage.ValueSet(c.Status),
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
	req := wire.ParticipantPageRequest{CycleID: c.in.CycleID, AfterOrgCode: c.in.FanOut.AfterOrgCode, Limit: FanOutBatch}
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
	c.in.FanOut.Started += len(page.OrgCodes)
	if n := len(page.OrgCodes); n > 0 {
		c.in.FanOut.AfterOrgCode = page.OrgCodes[n-1]
	}
	c.in.FanOut.Done = len(page.OrgCodes) < FanOutBatch
	return nil
}

// continueAsNew hands the state to a fresh run once every update handler
// (a launch caller waiting for the notice, an extension) has answered.
func (c *cycle) continueAsNew(ctx workflow.Context) error {
	if err := handlersDone(ctx); err != nil {
		return err
	}
	in := c.in
	in.Carry = nil
	if c.carriesState() {
		carry := c.CycleCarry
		in.Carry = &carry
	}
	return workflow.NewContinueAsNewError(ctx, wire.CycleWorkflow, in)
}
