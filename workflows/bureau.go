package workflows

import (
	"fmt"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/lawcycle/lawcycle/wire"
)

// Versions of the bureau workflow, told apart with workflow.GetVersion.
const (
	// lifecycleChange names the change that added deadlines, reminders,
	// review, extensions, publication, close and search attributes.
	// Executions started before it (workflow.DefaultVersion) run the new
	// handlers too but set no search attributes, and plan no reminders until
	// a deadline change wakes them: their recorded histories wait without
	// any command after entering awaiting_submission.
	lifecycleChange = "lifecycle"
	lifecycleV1     = 1
)

// bureau is the bureau workflow's state.
type bureau struct {
	in             wire.BureauInput
	lifecycle      workflow.Version
	stage          wire.Stage
	round          int
	seq            int64
	submissionDue  time.Time
	publicationDue time.Time
	// version is the latest accepted submission.
	version int
	// busy names the human action being recorded, if any: a bureau takes
	// one at a time, so a second click is refused, not queued.
	busy string
	// plan is the deadline the bureau works to and sent the keys of its
	// steps already sent.
	plan *wire.DeadlinePlan
	sent []string
	// refresh is set by SignalDeadlinesChanged: due dates moved in the read
	// model (a cycle extension).
	refresh bool
	// woken is set once a legacy execution has had a reason to plan.
	woken   bool
	pending *wire.PendingExtension
	closing bool
	closed  bool
}

// Bureau carries one bureau through a cycle (SPEC §3): notified →
// awaiting_submission → under_review → (returned: awaiting_submission of
// the next round) → approved → awaiting_publication → completed. Every
// stage change is written to the read model by an activity; due dates are
// computed by activities, and the workflow only sleeps until the steps of
// the deadline the bureau currently owes (reminders, overdue notice,
// escalation). The cycle's close ends it wherever it stands.
func Bureau(ctx workflow.Context, in wire.BureauInput) error {
	b := &bureau{in: in, stage: wire.StagePending}
	if c := in.Carry; c != nil {
		b.restore(c)
	}
	if err := b.setup(ctx); err != nil {
		return err
	}
	if in.Carry == nil {
		b.lifecycle = workflow.GetVersion(ctx, lifecycleChange, workflow.DefaultVersion, lifecycleV1)
		if err := b.upsertIdentity(ctx); err != nil {
			return err
		}

		// notified: the notice reaches the bureau.
		if err := b.enter(ctx, wire.StageNotified); err != nil {
			return err
		}
		// awaiting_submission, round 1.
		b.round = 1
		if err := b.enter(ctx, wire.StageAwaitingSubmission); err != nil {
			return err
		}
	}

	for {
		var err error
		switch {
		case b.closing:
			return b.close(ctx)
		case b.stage == wire.StageAwaitingSubmission:
			// The bureau fills its return and submits it (UpdateSubmit).
			err = b.owe(ctx, wire.DeadlineSubmission)
		case b.stage == wire.StageUnderReview:
			// A reviewer approves or returns it (UpdateReview).
			err = workflow.Await(ctx, func() bool { return b.stage != wire.StageUnderReview || b.closing })
		case b.stage == wire.StageApproved:
			// Findings become rectification items; the bureau moves on to
			// publication at once.
			err = b.enter(ctx, wire.StageAwaitingPublication)
		case b.stage == wire.StageAwaitingPublication:
			// The bureau records its published report (UpdatePublish).
			err = b.owe(ctx, wire.DeadlinePublication)
		case b.stage == wire.StageCompleted:
			return workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) })
		default:
			return temporal.NewNonRetryableApplicationError(fmt.Sprintf("bureau in unexpected stage %q", b.stage), "BadStage", nil)
		}
		if err != nil {
			return err
		}
		if b.historyIsLong(ctx) {
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
		{wire.SignalDeadlinesChanged, func() { b.refresh = true }},
		{wire.SignalCycleClosed, func() { b.closing = true }},
	}
}

func (b *bureau) restore(c *wire.BureauCarry) {
	b.stage, b.round, b.seq, b.version = c.Stage, c.Round, c.Seq, c.Version
	b.submissionDue, b.publicationDue = c.SubmissionDue, c.PublicationDue
	b.lifecycle, b.sent, b.pending, b.closing, b.refresh = workflow.Version(c.Lifecycle), c.Sent, c.Pending, c.Closing, c.Refresh
	// A legacy execution that continued as new has been woken already:
	// its new run has no recorded history to stay compatible with.
	b.woken = true
}

func (b *bureau) carry() *wire.BureauCarry {
	return &wire.BureauCarry{
		Stage: b.stage, Round: b.round, Seq: b.seq, Version: b.version,
		SubmissionDue: b.submissionDue, PublicationDue: b.publicationDue,
		Lifecycle: int(b.lifecycle), Sent: b.sent, Pending: b.pending, Closing: b.closing, Refresh: b.refresh,
	}
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
	return b.upsertStage(ctx)
}

// moved records a stage an activity already wrote to the read model.
func (b *bureau) moved(ctx workflow.Context, stage wire.Stage) error {
	b.stage = stage
	return b.upsertStage(ctx)
}

func (b *bureau) upsertIdentity(ctx workflow.Context) error {
	if b.lifecycle < lifecycleV1 {
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
	if b.lifecycle < lifecycleV1 {
		return nil
	}
	if err := workflow.UpsertTypedSearchAttributes(ctx, wire.SearchStage.ValueSet(string(b.stage))); err != nil {
		return fmt.Errorf("set stage search attribute: %w", err)
	}
	return nil
}

// close records how the bureau stood when the cycle closed and ends it.
func (b *bureau) close(ctx workflow.Context) error {
	if err := workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) }); err != nil {
		return err
	}
	b.seq++
	rec := wire.BureauClosure{CycleID: b.in.CycleID, OrgCode: b.in.OrgCode, Stage: b.stage, Round: b.round, Seq: b.seq, At: workflow.Now(ctx)}
	if err := workflow.ExecuteActivity(dbActivity(ctx), a.RecordBureauClosed, rec).Get(ctx, nil); err != nil {
		return fmt.Errorf("record closure: %w", err)
	}
	b.closed = true
	return nil
}

// historyIsLong reports whether this run should hand over to a new one:
// rounds, reminders and extensions have no fixed bound, while SPEC §3
// caps a history at 4,096 events.
func (b *bureau) historyIsLong(ctx workflow.Context) bool {
	info := workflow.GetInfo(ctx)
	return info.GetContinueAsNewSuggested() || info.GetCurrentHistoryLength() > MaxHistoryEvents
}

func (b *bureau) continueAsNew(ctx workflow.Context) error {
	if err := workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) }); err != nil {
		return err
	}
	drainSignals(ctx, b.signals())
	in := b.in
	in.Carry = b.carry()
	return workflow.NewContinueAsNewError(ctx, wire.BureauWorkflow, in)
}
