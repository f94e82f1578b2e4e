package workflows

import (
	"errors"
	"fmt"

	"go.temporal.io/sdk/workflow"

	"github.com/lawcycle/lawcycle/wire"
)

// rect is the rectification item workflow's state. The durable part is
// one serializable struct, wire.RectRunState, handed whole to the next run
// on continue-as-new; the rest lives only as long as a run.
type rect struct {
	in wire.RectInput
	wire.RectRunState
	// plan is the due date the item works to; each run plans it again and
	// keeps the steps already Sent.
	plan *wire.RectPlan
	// busy names the action being recorded, if any: one at a time.
	busy    string
	opened  bool
	openErr error
}

// Rectification carries one rectification item (整改事项, docs/domain.md#rectification) through
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
		// A run that continued as new opened the item already.
		r.RectRunState, r.opened = *s, true
		r.Item.Status = s.Status
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
		case r.Item.Status.Final():
			// Closed (销号) or carried over: nothing more happens here.
			return handlersDone(ctx)
		case r.Closing:
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
		if historyIsLong(ctx) {
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
	return []signalSetter{{wire.SignalRectCycleClosed, func() { r.Closing = true }}}
}

// open records the item. A refusal (input the service should have
// refused) ends the workflow with nothing recorded, and answers the office's
// UpdateRectOpen with it.
func (r *rect) open(ctx workflow.Context) error {
	var st wire.RectState
	if err := workflow.ExecuteActivity(dbActivity(ctx), a.RecordRectOpen, r.in).Get(ctx, &st); err != nil {
		r.openErr = actionFailed("record item", err)
		if err := handlersDone(ctx); err != nil {
			return err
		}
		return r.openErr
	}
	r.Item, r.opened = st, true
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
	if err := handlersDone(ctx); err != nil {
		return err
	}
	if r.Item.Status.Final() {
		return nil
	}
	r.Seq++
	req := wire.RectCarryRequest{CycleID: r.in.CycleID, OrgCode: r.in.OrgCode, ItemID: r.in.ItemID, Seq: r.Seq, At: workflow.Now(ctx)}
	var st wire.RectState
	if err := workflow.ExecuteActivity(dbActivity(ctx), a.CarryRectItem, req).Get(ctx, &st); err != nil {
		return fmt.Errorf("carry item over: %w", err)
	}
	r.Item = st
	return nil
}

// awaitChange waits until the item's status or due date moves or the
// cycle closes.
func (r *rect) awaitChange(ctx workflow.Context) error {
	status, due := r.Item.Status, r.Item.Due
	return workflow.Await(ctx, func() bool {
		return r.Closing || r.Item.Status != status || !r.Item.Due.Equal(due)
	})
}

func (r *rect) continueAsNew(ctx workflow.Context) error {
	if err := handlersDone(ctx); err != nil {
		return err
	}
	drainSignals(ctx, r.signals())
	in := r.in
	state := r.RectRunState
	state.Status = r.Item.Status
	in.State = &state
	return workflow.NewContinueAsNewError(ctx, wire.RectificationWorkflow, in)
}
