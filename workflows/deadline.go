package workflows

import (
	"fmt"
	"slices"
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/lawcycle/lawcycle/wire"
)

// owe works toward the deadline of kind for one step: it reads due dates
// that moved in the read model, plans the deadline's steps when the
// deadline is new, then sleeps until the next step and sends it, unless
// the bureau moves on, the due date moves or the cycle closes first. It
// returns after each step, so the caller can look at close and
// continue-as-new between steps.
func (b *bureau) owe(ctx workflow.Context, kind wire.DeadlineKind) error {
	stage, round := b.Stage, b.Round
	left := func() bool { return b.Stage != stage || b.Round != round || b.Closing }
	if woke, err := b.awaitLegacyWake(ctx, left); err != nil || !woke {
		return err
	}
	if b.Refresh {
		if err := b.refreshDeadlines(ctx); err != nil {
			return err
		}
	}
	if p := b.plan; p == nil || p.Kind != kind || p.Round != round || !p.Due.Equal(b.due(kind)) {
		if err := b.planDeadline(ctx, kind); err != nil {
			return err
		}
	}
	changed := func() bool { return left() || b.Refresh || !b.plan.Due.Equal(b.due(kind)) }
	if changed() {
		return nil
	}
	next := b.nextStep()
	if next == nil {
		// Every step sent: the bureau is escalated and the office acts.
		return workflow.Await(ctx, changed)
	}
	if wait := next.At.Sub(workflow.Now(ctx)); wait > 0 {
		moved, err := sleepUnless(ctx, wait, changed)
		if err != nil || moved {
			return err
		}
	}
	req := wire.DeadlineStepRequest{
		CycleID: b.in.CycleID, OrgCode: b.in.OrgCode, Kind: kind, Round: round,
		Due: b.plan.Due, Step: *next, At: workflow.Now(ctx),
	}
	if err := workflow.ExecuteActivity(dbActivity(ctx), a.SendDeadlineStep, req).Get(ctx, nil); err != nil {
		return fmt.Errorf("send %s: %w", next.Name, err)
	}
	b.Sent = append(b.Sent, next.Key)
	return nil
}

// due is the due date of kind the bureau works to.
func (b *bureau) due(kind wire.DeadlineKind) time.Time {
	if kind == wire.DeadlinePublication {
		return b.PublicationDue
	}
	return b.SubmissionDue
}

func (b *bureau) setDue(kind wire.DeadlineKind, at time.Time) {
	if at.IsZero() {
		return
	}
	if kind == wire.DeadlinePublication {
		b.PublicationDue = at
	} else {
		b.SubmissionDue = at
	}
}

// refreshDeadlines reads due dates moved by a cycle extension.
func (b *bureau) refreshDeadlines(ctx workflow.Context) error {
	// Cleared first: a signal arriving during the read asks for another.
	b.Refresh = false
	var info wire.ParticipantInfo
	req := wire.ParticipantRequest{CycleID: b.in.CycleID, OrgCode: b.in.OrgCode}
	if err := workflow.ExecuteActivity(dbActivity(ctx), a.RefreshDeadlines, req).Get(ctx, &info); err != nil {
		return fmt.Errorf("refresh due dates: %w", err)
	}
	b.SubmissionDue, b.PublicationDue = info.SubmissionDue, info.PublicationDue
	return nil
}

// planDeadline asks for the steps of the current deadline of kind. Steps
// of the same deadline already sent stay sent (their keys name the
// deadline), so a re-plan after continue-as-new sends nothing twice.
func (b *bureau) planDeadline(ctx workflow.Context, kind wire.DeadlineKind) error {
	req := wire.DeadlinePlanRequest{
		CycleID: b.in.CycleID, OrgCode: b.in.OrgCode, Kind: kind, Round: b.Round,
		Due: b.due(kind), From: workflow.Now(ctx),
	}
	var plan wire.DeadlinePlan
	if err := workflow.ExecuteActivity(dbActivity(ctx), a.PlanDeadline, req).Get(ctx, &plan); err != nil {
		return fmt.Errorf("plan %s deadline: %w", kind, err)
	}
	// The plan is for the deadline asked about, whatever the activity
	// echoed: a mismatch would re-plan forever.
	plan.Kind, plan.Round, plan.Due = req.Kind, req.Round, req.Due
	var kept []string
	for _, s := range plan.Steps {
		if slices.Contains(b.Sent, s.Key) {
			kept = append(kept, s.Key)
		}
	}
	b.plan, b.Sent = &plan, kept
	return nil
}

func (b *bureau) nextStep() *wire.DeadlineStep {
	for i := range b.plan.Steps {
		if !slices.Contains(b.Sent, b.plan.Steps[i].Key) {
			return &b.plan.Steps[i]
		}
	}
	return nil
}
