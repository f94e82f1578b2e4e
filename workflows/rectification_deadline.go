package workflows

import (
	"fmt"
	"slices"

	"go.temporal.io/sdk/workflow"

	"github.com/lawcycle/lawcycle/wire"
)

// owesDue reports whether the bureau works to the item's due date now: a
// closure request pauses it while the office verifies.
func (r *rect) owesDue() bool {
	return (r.Item.Status == wire.RectOpen || r.Item.Status == wire.RectInProgress) && !r.Item.Due.IsZero()
}

// owe works toward the item's current due date for one step: it plans the
// steps when the due date (or the check-in) is new, then sleeps until the
// next step and sends it, unless the item moves first. It returns after
// each step, so the caller can look at the close and continue-as-new.
func (r *rect) owe(ctx workflow.Context) error {
	if p := r.plan; p == nil || !p.Due.Equal(r.Item.Due) || p.CheckIn != r.Item.CheckIn {
		if err := r.planDue(ctx); err != nil {
			return err
		}
	}
	status, due, checkIn := r.Item.Status, r.Item.Due, r.Item.CheckIn
	moved := func() bool {
		return r.Closing || r.Item.Status != status || !r.Item.Due.Equal(due) || r.Item.CheckIn != checkIn
	}
	var next *wire.DeadlineStep
	for i := range r.plan.Steps {
		if !slices.Contains(r.Sent, r.plan.Steps[i].Key) {
			next = &r.plan.Steps[i]
			break
		}
	}
	if next == nil {
		// Every step sent (约谈/通报): the office acts outside the system.
		return workflow.Await(ctx, moved)
	}
	if wait := next.At.Sub(workflow.Now(ctx)); wait > 0 {
		if stop, err := sleepUnless(ctx, wait, moved); err != nil || stop {
			return err
		}
	}
	req := wire.RectStepRequest{CycleID: r.in.CycleID, OrgCode: r.in.OrgCode, ItemID: r.in.ItemID,
		Plan: *r.plan, Step: *next, At: workflow.Now(ctx)}
	var st wire.RectState
	if err := workflow.ExecuteActivity(dbActivity(ctx), a.SendRectStep, req).Get(ctx, &st); err != nil {
		return fmt.Errorf("send %s: %w", next.Name, err)
	}
	r.Sent = append(r.Sent, next.Key)
	r.take(st)
	return nil
}

// planDue asks for the steps of the item's current due date. Steps
// already sent stay sent (their keys name the due date), so a re-plan
// after continue-as-new sends nothing twice.
func (r *rect) planDue(ctx workflow.Context) error {
	req := wire.RectPlanRequest{CycleID: r.in.CycleID, OrgCode: r.in.OrgCode, ItemID: r.in.ItemID,
		CheckIn: r.Item.CheckIn, Due: r.Item.Due, From: workflow.Now(ctx)}
	var plan wire.RectPlan
	if err := workflow.ExecuteActivity(dbActivity(ctx), a.PlanRectDeadline, req).Get(ctx, &plan); err != nil {
		return fmt.Errorf("plan due date: %w", err)
	}
	// The plan is for the due date asked about, whatever the activity
	// echoed: a mismatch would re-plan forever.
	plan.Due, plan.CheckIn = req.Due, req.CheckIn
	r.Sent = slices.DeleteFunc(r.Sent, func(key string) bool {
		return !slices.ContainsFunc(plan.Steps, func(s wire.DeadlineStep) bool { return s.Key == key })
	})
	r.plan = &plan
	return nil
}

// take adopts the item as an activity answered it, unless an action
// recorded meanwhile answered with a newer row: a step sent while the
// bureau's closure request was being recorded must not undo it.
func (r *rect) take(st wire.RectState) {
	if st.Seq >= r.Item.Seq {
		r.Item = st
	}
}
