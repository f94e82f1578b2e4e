package workflows

import (
	"fmt"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/lawcycle/lawcycle/wire"
)

// bureau is the bureau workflow's state. The durable part is one
// serializable struct, wire.BureauCarry, handed whole to the next run on
// continue-as-new, so a field added to it cannot be forgotten in the
// carry; the rest lives only as long as a run.
type bureau struct {
	in wire.BureauInput
	wire.BureauCarry
	// busy names the human action being recorded, if any: a bureau takes
	// one at a time, so a second click is refused, not queued. No action
	// is in flight when a run continues as new.
	busy string
	// plan is the deadline the bureau works to; each run plans it again
	// from the due dates it carries and keeps the steps already Sent.
	plan *wire.DeadlinePlan
	// woken is set once a legacy execution has had a reason to plan; a run
	// that continued as new has been woken already.
	woken bool
	// closed is set once the close is recorded, and the run ends.
	closed bool
}

// Bureau carries one bureau through a cycle (docs/domain.md#bureau-stages): notified →
// awaiting_submission → under_review → (returned: awaiting_submission of
// the next round) → approved → awaiting_publication → completed. Every
// stage change is written to the read model by an activity; due dates are
// computed by activities, and the workflow only sleeps until the steps of
// the deadline the bureau currently owes (reminders, overdue notice,
// escalation). The cycle's close ends it wherever it stands.
func Bureau(ctx workflow.Context, in wire.BureauInput) error {
	b := &bureau{in: in, BureauCarry: wire.BureauCarry{Stage: wire.StagePending}}
	if c := in.Carry; c != nil {
		b.BureauCarry, b.woken = *c, true
	}
	if err := b.setup(ctx); err != nil {
		return err
	}
	if in.Carry == nil {
		b.Lifecycle = int(workflow.GetVersion(ctx, lifecycleChange, workflow.DefaultVersion, lifecycleV1))
		if err := b.upsertIdentity(ctx); err != nil {
			return err
		}

		// notified: the notice reaches the bureau.
		if err := b.enter(ctx, wire.StageNotified); err != nil {
			return err
		}
		// awaiting_submission, round 1.
		b.Round = 1
		if err := b.enter(ctx, wire.StageAwaitingSubmission); err != nil {
			return err
		}
	}

	for {
		var err error
		switch {
		case b.Closing:
			return b.close(ctx)
		case b.Stage == wire.StageAwaitingSubmission:
			// The bureau fills its return and submits it (UpdateSubmit).
			err = b.owe(ctx, wire.DeadlineSubmission)
		case b.Stage == wire.StageUnderReview:
			// A reviewer approves or returns it (UpdateReview).
			err = workflow.Await(ctx, func() bool { return b.Stage != wire.StageUnderReview || b.Closing })
		case b.Stage == wire.StageApproved:
			// Findings become rectification items; the bureau moves on to
			// publication at once.
			err = b.enter(ctx, wire.StageAwaitingPublication)
		case b.Stage == wire.StageAwaitingPublication:
			// The bureau records its published report (UpdatePublish).
			err = b.owe(ctx, wire.DeadlinePublication)
		case b.Stage == wire.StageCompleted:
			return handlersDone(ctx)
		default:
			return temporal.NewNonRetryableApplicationError(fmt.Sprintf("bureau in unexpected stage %q", b.Stage), "BadStage", nil)
		}
		if err != nil {
			return err
		}
		if historyIsLong(ctx) {
			return b.continueAsNew(ctx)
		}
	}
}

func (b *bureau) setup(ctx workflow.Context) error {
	if err := workflow.SetQueryHandler(ctx, wire.QueryState, b.state); err != nil {
		return fmt.Errorf("register query: %w", err)
	}
	updates := []struct {
		name      string
		handler   any
		validator any
	}{
		{wire.UpdateSubmit, b.submit, b.validateSubmit},
		{wire.UpdateReview, b.review, b.validateReview},
		{wire.UpdateRequestExtension, b.requestExtension, b.validateExtensionRequest},
		{wire.UpdateDecideExtension, b.decideExtension, b.validateExtensionDecision},
		{wire.UpdateExtend, b.extend, b.validateExtend},
		{wire.UpdatePublish, b.publish, b.validatePublish},
	}
	for _, u := range updates {
		if err := workflow.SetUpdateHandlerWithOptions(ctx, u.name, u.handler,
			workflow.UpdateHandlerOptions{Validator: u.validator}); err != nil {
			return fmt.Errorf("register %s: %w", u.name, err)
		}
	}
	onSignals(ctx, b.signals())
	return nil
}

func (b *bureau) signals() []signalSetter {
	return []signalSetter{
		{wire.SignalDeadlinesChanged, func() { b.Refresh = true }},
		{wire.SignalCycleClosed, func() { b.Closing = true }},
	}
}

// enter moves the bureau to stage and records it in the read model.
func (b *bureau) enter(ctx workflow.Context, stage wire.Stage) error {
	b.Seq++
	change := wire.StageChange{
		CycleID: b.in.CycleID, OrgCode: b.in.OrgCode, Stage: stage, Round: b.Round,
		Seq: b.Seq, At: workflow.Now(ctx),
	}
	var info wire.ParticipantInfo
	if err := workflow.ExecuteLocalActivity(readModelWrite(ctx), a.RecordStage, change).Get(ctx, &info); err != nil {
		return fmt.Errorf("record stage %s: %w", stage, err)
	}
	b.Stage = stage
	b.SubmissionDue, b.PublicationDue = info.SubmissionDue, info.PublicationDue
	return b.upsertStage(ctx)
}

// moved records a stage an activity already wrote to the read model.
func (b *bureau) moved(ctx workflow.Context, stage wire.Stage) error {
	b.Stage = stage
	return b.upsertStage(ctx)
}

func (b *bureau) upsertIdentity(ctx workflow.Context) error {
	if b.legacy() {
		return nil
	}
	attrs := []temporal.SearchAttributeUpdate{
		wire.SearchCycleID.ValueSet(b.in.CycleID), wire.SearchOrgCode.ValueSet(b.in.OrgCode),
	}
	if b.in.Year > 0 {
		attrs = append(attrs, wire.SearchYear.ValueSet(int64(b.in.Year)))
	}
	if err := workflow.UpsertTypedSearchAttributes(ctx, attrs...); err != nil {
		return fmt.Errorf("set search attributes: %w", err)
	}
	return nil
}

func (b *bureau) upsertStage(ctx workflow.Context) error {
	if b.legacy() {
		return nil
	}
	if err := workflow.UpsertTypedSearchAttributes(ctx, wire.SearchStage.ValueSet(string(b.Stage))); err != nil {
		return fmt.Errorf("set stage search attribute: %w", err)
	}
	return nil
}

// close records how the bureau stood when the cycle closed and ends it.
func (b *bureau) close(ctx workflow.Context) error {
	if err := handlersDone(ctx); err != nil {
		return err
	}
	b.Seq++
	rec := wire.BureauClosure{CycleID: b.in.CycleID, OrgCode: b.in.OrgCode, Stage: b.Stage, Round: b.Round, Seq: b.Seq, At: workflow.Now(ctx)}
	if err := workflow.ExecuteActivity(dbActivity(ctx), a.RecordBureauClosed, rec).Get(ctx, nil); err != nil {
		return fmt.Errorf("record closure: %w", err)
	}
	b.closed = true
	return nil
}

func (b *bureau) continueAsNew(ctx workflow.Context) error {
	if err := handlersDone(ctx); err != nil {
		return err
	}
	drainSignals(ctx, b.signals())
	in := b.in
	carry := b.BureauCarry
	in.Carry = &carry
	return workflow.NewContinueAsNewError(ctx, wire.BureauWorkflow, in)
}
