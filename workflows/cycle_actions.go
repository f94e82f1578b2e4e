package workflows

import (
	"fmt"
	"strings"
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/lawcycle/lawcycle/wire"
)

// nextMilestone sleeps until the next deadline of the cycle whose
// milestone is not compiled yet and compiles it, unless the due date
// moves or the cycle closes first. Passing the publication deadline moves
// the cycle to closing.
func (c *cycle) nextMilestone(ctx workflow.Context) error {
	kind, due := c.pendingMilestone()
	if kind == "" {
		// Both compiled: the office closes the cycle, or extends a deadline
		// (which clears its milestone).
		return workflow.Await(ctx, func() bool {
			k, _ := c.pendingMilestone()
			return c.Status == wire.CycleClosed || k != ""
		})
	}
	moved := func() bool { return c.Status == wire.CycleClosed || !c.due(kind).Equal(due) }
	if wait := due.Sub(workflow.Now(ctx)); wait > 0 {
		ok, err := sleepUnless(ctx, wait, moved)
		if err != nil || ok {
			return err
		}
	}
	req := wire.MilestoneRequest{CycleID: c.in.CycleID, Kind: kind, Due: due, At: workflow.Now(ctx)}
	if err := workflow.ExecuteActivity(dbActivity(ctx), a.CompileMilestone, req).Get(ctx, nil); err != nil {
		return fmt.Errorf("compile %s milestone: %w", kind, err)
	}
	c.Milestones[kind] = due
	if kind == wire.DeadlinePublication && c.Status == wire.CycleOpen {
		c.Status = wire.CycleClosing
		return c.upsertSearch(ctx)
	}
	return nil
}

// pendingMilestone is the earliest deadline whose milestone was not
// compiled for its current due date.
func (c *cycle) pendingMilestone() (wire.DeadlineKind, time.Time) {
	for _, kind := range []wire.DeadlineKind{wire.DeadlineSubmission, wire.DeadlinePublication} {
		if due := c.due(kind); !due.IsZero() && !c.Milestones[kind].Equal(due) {
			return kind, due
		}
	}
	return "", time.Time{}
}

func (c *cycle) due(kind wire.DeadlineKind) time.Time {
	if kind == wire.DeadlinePublication {
		return c.PublicationDue
	}
	return c.SubmissionDue
}

// begin marks an office action as being recorded; see bureau.begin.
func (c *cycle) begin(action string) (func(), error) {
	if err := c.validateAction(); err != nil {
		return nil, err
	}
	c.busy = action
	return func() { c.busy = "" }, nil
}

func (c *cycle) validateAction() error {
	switch {
	case c.busy != "":
		return refusal(fmt.Sprintf("本周期正在%s，请稍候刷新查看结果", c.busy))
	case c.in.Notice == nil:
		return refusal("周期尚未启动")
	case !c.in.FanOut.Done:
		return refusal(fmt.Sprintf("正在启动各单位流程（已启动 %d 个），请稍后再试", c.in.FanOut.Started))
	case c.Status == wire.CycleClosed:
		return refusal("本周期已关闭")
	}
	return nil
}

func (c *cycle) validateExtend(req wire.CycleExtension) error {
	if err := c.validateAction(); err != nil {
		return err
	}
	switch {
	case !req.Kind.Valid():
		return refusal("延期事项只能是“报送”或“公开”")
	case strings.TrimSpace(req.Date) == "":
		return refusal("请填写延期后的截止日期")
	case strings.TrimSpace(req.Reason) == "":
		return refusal("请说明延期理由")
	}
	return nil
}

// extend moves a deadline of the whole cycle, then tells every bureau that
// may owe it to read its due date again (they re-plan their reminders).
// A deadline whose milestone was compiled gets compiled again at the new
// due date, and a closing cycle whose publication deadline moves is open
// again.
func (c *cycle) extend(ctx workflow.Context, req wire.CycleExtension) (wire.CycleExtensionResult, error) {
	done, err := c.begin("延期")
	if err != nil {
		return wire.CycleExtensionResult{}, err
	}
	defer done()
	rec := wire.CycleExtensionRecord{CycleID: c.in.CycleID, Extension: req, At: workflow.Now(ctx)}
	var res wire.CycleExtensionResult
	if err := workflow.ExecuteActivity(dbActivity(ctx), a.ExtendCycle, rec).Get(ctx, &res); err != nil {
		return wire.CycleExtensionResult{}, actionFailed("extend cycle", err)
	}
	if req.Kind == wire.DeadlinePublication {
		c.PublicationDue = res.Due
		if c.Status == wire.CycleClosing {
			c.Status = wire.CycleOpen
			if err := c.upsertSearch(ctx); err != nil {
				return wire.CycleExtensionResult{}, err
			}
		}
	} else {
		c.SubmissionDue = res.Due
	}
	b := wire.BroadcastRequest{CycleID: c.in.CycleID, Signal: wire.SignalDeadlinesChanged}
	if req.Kind == wire.DeadlineSubmission {
		b.OnlyStages = []wire.Stage{wire.StageNotified, wire.StageAwaitingSubmission}
	}
	if err := workflow.ExecuteActivity(broadcastActivity(ctx), a.BroadcastToBureaus, b).Get(ctx, nil); err != nil {
		return wire.CycleExtensionResult{}, fmt.Errorf("tell bureaus: %w", err)
	}
	return res, nil
}

func (c *cycle) validateClose(req wire.CloseRequest) error {
	if err := c.validateAction(); err != nil {
		return err
	}
	if strings.TrimSpace(req.Reason) == "" && c.Status == wire.CycleOpen {
		return refusal("公开截止时间未到，提前关闭周期须说明理由")
	}
	return nil
}

// close compiles the outcome, stops every bureau still waiting (each
// records how it stood) and closes the cycle.
func (c *cycle) close(ctx workflow.Context, req wire.CloseRequest) (wire.CloseResult, error) {
	done, err := c.begin("关闭周期")
	if err != nil {
		return wire.CloseResult{}, err
	}
	defer done()
	rec := wire.CycleCloseRecord{CycleID: c.in.CycleID, Request: req, At: workflow.Now(ctx)}
	if err := workflow.ExecuteActivity(dbActivity(ctx), a.CloseCycle, rec).Get(ctx, nil); err != nil {
		return wire.CloseResult{}, actionFailed("begin closing", err)
	}
	if c.Status == wire.CycleOpen {
		c.Status = wire.CycleClosing
		if err := c.upsertSearch(ctx); err != nil {
			return wire.CloseResult{}, err
		}
	}
	b := wire.BroadcastRequest{CycleID: c.in.CycleID, Signal: wire.SignalCycleClosed}
	if err := workflow.ExecuteActivity(broadcastActivity(ctx), a.BroadcastToBureaus, b).Get(ctx, nil); err != nil {
		return wire.CloseResult{}, fmt.Errorf("stop bureaus: %w", err)
	}
	rec.Final, rec.At = true, workflow.Now(ctx)
	var outcome wire.CycleOutcome
	if err := workflow.ExecuteActivity(dbActivity(ctx), a.CloseCycle, rec).Get(ctx, &outcome); err != nil {
		return wire.CloseResult{}, actionFailed("close", err)
	}
	c.Status = wire.CycleClosed
	if err := c.upsertSearch(ctx); err != nil {
		return wire.CloseResult{}, err
	}
	return wire.CloseResult{Status: c.Status, Outcome: outcome}, nil
}
