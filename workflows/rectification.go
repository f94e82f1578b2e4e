package workflows

import (
	"errors"
	"fmt"

	"go.temporal.io/sdk/workflow"

	"github.com/lawcycle/lawcycle/wire"
)

// rect is the rectification item workflow's state.
type rect struct {
	in wire.RectInput
	// item is the item as the read model last answered: every activity
	// that changes it returns it.
	item wire.RectState
	seq  int
	// plan is the due date the item works to; sent the keys of its steps
	// already sent.
	plan *wire.RectPlan
	sent []string
	// busy names the action being recorded, if any: one at a time.
	busy    string
	opened  bool
	openErr error
	// closing is set by the cycle's close: the item carries over.
	closing bool
}

// Rectification carries one rectification item (整改事项, SPEC §5) through
// its cycle: opened (recorded in the ledger, the bureau told) → open →
// in_progress → closure_requested → closed (销号), or back to in_progress
// when the office rejects the closure. While the bureau owes the item its
// due date (or a 长期坚持 item its next check-in), 提醒 goes out before it,
// 督办/告诫 when it passes and 约谈/通报 when the final deadline passes too;
// a closure request pauses them. The cycle's close carries an item not
// closed into the bureau's next cycle and ends this workflow.
func Rectification(ctx workflow.Context, in wire.RectInput) error {
	r := &rect{in: in}
	if s := in.State; s != nil {
		r.restore(s)
	}
	if err := r.setup(ctx); err != nil {
		return err
	}
	if !r.opened {
		if err := r.open(ctx); err != nil {
			return err
		}
	}

	for {
		var err error
		switch {
		case r.item.Status.Final():
			// Closed (销号) or carried over: nothing more happens here.
			return workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) })
		case r.closing:
			// The cycle closed before the item was: it carries over.
			err = r.carryOver(ctx)
		case r.owesDue():
			// open or in_progress: the bureau works to the due date
			// (UpdateRectProgress, UpdateRectRequestClosure).
			err = r.owe(ctx)
		default:
			// closure_requested: the office verifies (UpdateRectVerify).
			err = r.awaitChange(ctx)
		}
		if err != nil {
			return err
		}
		if longHistory(ctx) {
			return r.continueAsNew(ctx)
		}
	}
}

func (r *rect) setup(ctx workflow.Context) error {
	if err := workflow.SetQueryHandler(ctx, wire.QueryState, r.state); err != nil {
		return fmt.Errorf("register query: %w", err)
	}
	err := errors.Join(
		workflow.SetUpdateHandler(ctx, wire.UpdateRectOpen, r.opening),
		checkedUpdate(ctx, wire.UpdateRectProgress, r.progress, r.validateProgress),
		checkedUpdate(ctx, wire.UpdateRectRequestClosure, r.requestClosure, r.validateClosure),
		checkedUpdate(ctx, wire.UpdateRectVerify, r.verify, r.validateVerify),
	)
	if err != nil {
		return fmt.Errorf("register updates: %w", err)
	}
	onSignals(ctx, r.signals())
	return nil
}

// checkedUpdate registers an update handler with its validator.
func checkedUpdate(ctx workflow.Context, name string, handler, validator any) error {
	return workflow.SetUpdateHandlerWithOptions(ctx, name, handler, workflow.UpdateHandlerOptions{Validator: validator})
}

func (r *rect) signals() []signalSetter {
	return []signalSetter{{wire.SignalRectCycleClosed, func() { r.closing = true }}}
}

// open records the item. A refusal (input the service should have
// refused) ends the workflow with nothing recorded, and answers the office's
// UpdateRectOpen with it.
func (r *rect) open(ctx workflow.Context) error {
	var st wire.RectState
	if err := workflow.ExecuteActivity(dbActivity(ctx), a.RecordRectOpen, r.in).Get(ctx, &st); err != nil {
		r.openErr = actionFailed("record item", err)
		if err := workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) }); err != nil {
			return err
		}
		return r.openErr
	}
	r.item, r.opened = st, true
	return nil
}

// opening answers UpdateRectOpen once the item is recorded; sent again to
// a running item, it answers with the item as it stands.
func (r *rect) opening(ctx workflow.Context) (wire.RectState, error) {
	if err := workflow.Await(ctx, func() bool { return r.opened || r.openErr != nil }); err != nil {
		return wire.RectState{}, err
	}
	if r.openErr != nil {
		return wire.RectState{}, r.openErr
	}
	return r.state()
}

// carryOver hands the item to the bureau's next cycle once any action
// being recorded has finished.
func (r *rect) carryOver(ctx workflow.Context) error {
	if err := workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) }); err != nil {
		return err
	}
	if r.item.Status.Final() {
		return nil
	}
	r.seq++
	req := wire.RectCarryRequest{CycleID: r.in.CycleID, OrgCode: r.in.OrgCode, ItemID: r.in.ItemID, Seq: r.seq, At: workflow.Now(ctx)}
	var st wire.RectState
	if err := workflow.ExecuteActivity(dbActivity(ctx), a.CarryRectItem, req).Get(ctx, &st); err != nil {
		return fmt.Errorf("carry item over: %w", err)
	}
	r.item = st
	return nil
}

// awaitChange waits until the item's status or due date moves or the
// cycle closes.
func (r *rect) awaitChange(ctx workflow.Context) error {
	status, due := r.item.Status, r.item.Due
	return workflow.Await(ctx, func() bool {
		return r.closing || r.item.Status != status || !r.item.Due.Equal(due)
	})
}

func (r *rect) restore(s *wire.RectRunState) {
	r.item, r.seq, r.sent, r.closing, r.opened = s.Item, s.Seq, s.Sent, s.Closing, true
	r.item.Status = s.Status
}

// longHistory reports whether a run should hand over to a new one (SPEC
// §3 caps a history at 4,096 events).
func longHistory(ctx workflow.Context) bool {
	info := workflow.GetInfo(ctx)
	return info.GetContinueAsNewSuggested() || info.GetCurrentHistoryLength() > MaxHistoryEvents
}

func (r *rect) continueAsNew(ctx workflow.Context) error {
	if err := workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) }); err != nil {
		return err
	}
	drainSignals(ctx, r.signals())
	in := r.in
	in.State = &wire.RectRunState{Status: r.item.Status, Seq: r.seq, Sent: r.sent, Item: r.item, Closing: r.closing}
	return workflow.NewContinueAsNewError(ctx, wire.RectificationWorkflow, in)
}
