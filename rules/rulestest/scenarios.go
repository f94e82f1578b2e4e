// Package rulestest holds the bureau situations the rulebook refuses, one
// per refusal it knows. The workflow's validator test and the service's
// pre-check test run the same table, each through its own layer, and both
// must answer with the rule's code and reason (docs/architecture.md#rulebook).
package rulestest

import (
	"github.com/lawcycle/lawcycle/rules"
	"github.com/lawcycle/lawcycle/wire"
)

// Actions a scenario tries.
const (
	Submit           = "submit"
	Review           = "review"
	RequestExtension = "request_extension"
	Extend           = "extend"
	DecideExtension  = "decide_extension"
	Publish          = "publish"
)

// Scenario is one bureau situation and one action tried in it.
type Scenario struct {
	Name   string
	Action string
	Facts  rules.Bureau
	// ByBureau: the bureau's own staff acts (review, extend and decide
	// refuse it).
	ByBureau bool
	// Round of a submission, Version of a review, Kind of an extension, ID
	// of a decided request.
	Round   int
	Version int
	Kind    wire.DeadlineKind
	ID      uint
	// WorkflowOnly: the situation reaches only the workflow: an action
	// being recorded, which the read model cannot show, or the bureau
	// acting on itself, which the service refuses earlier by role
	// (rules.Allowed) before any state is asked.
	WorkflowOnly bool
	// ServiceOnly: the workflow never runs in it (a draft cycle).
	ServiceOnly bool
}

// Want is the rulebook's answer to s.
func (s Scenario) Want() *rules.Refusal {
	switch s.Action {
	case Submit:
		return rules.MaySubmit(s.Facts, s.Round)
	case Review:
		return rules.MayReview(s.Facts, s.ByBureau, s.Version)
	case RequestExtension:
		return rules.MayRequestExtension(s.Facts, s.Kind)
	case Extend:
		return rules.MayExtend(s.Facts, s.ByBureau, s.Kind)
	case DecideExtension:
		return rules.MayDecideExtension(s.Facts, s.ByBureau, s.ID)
	case Publish:
		return rules.MayPublish(s.Facts)
	}
	panic("rulestest: unknown action " + s.Action)
}

func bureau(stage wire.Stage, round, version int) rules.Bureau {
	return rules.Bureau{Cycle: wire.CycleOpen, Stage: stage, Round: round, Version: version}
}

func with(b rules.Bureau, f func(*rules.Bureau)) rules.Bureau {
	f(&b)
	return b
}

var (
	awaiting   = bureau(wire.StageAwaitingSubmission, 1, 0)
	returned   = bureau(wire.StageAwaitingSubmission, 2, 1)
	underRev   = bureau(wire.StageUnderReview, 1, 1)
	publishing = bureau(wire.StageAwaitingPublication, 1, 1)
	completed  = bureau(wire.StageCompleted, 1, 1)
	pending    = &wire.PendingExtension{ID: 7, Kind: wire.DeadlineSubmission, Round: 1}
)

// Scenarios lists one situation per refusal of the bureau's actions.
func Scenarios() []Scenario {
	closed := func(b rules.Bureau) rules.Bureau {
		return with(b, func(b *rules.Bureau) { b.Cycle = wire.CycleClosed })
	}
	return []Scenario{
		{Name: "busy", Action: Submit, Round: 1, Facts: with(awaiting, func(b *rules.Bureau) { b.Busy = "审核" }), WorkflowOnly: true},
		{Name: "cycle draft", Action: Submit, Round: 0, Facts: with(bureau(wire.StagePending, 0, 0), func(b *rules.Bureau) { b.Cycle = wire.CycleDraft }), ServiceOnly: true},
		{Name: "cycle closed: submit", Action: Submit, Round: 1, Facts: closed(awaiting)},
		{Name: "cycle closed: review", Action: Review, Version: 1, Facts: closed(underRev)},
		{Name: "cycle closed: publish", Action: Publish, Facts: closed(publishing)},
		{Name: "cycle closed: review of nothing submitted", Action: Review, Facts: closed(awaiting)},
		{Name: "cycle draft: review", Action: Review, Facts: with(bureau(wire.StagePending, 0, 0), func(b *rules.Bureau) { b.Cycle = wire.CycleDraft }), ServiceOnly: true},
		{Name: "under review", Action: Submit, Round: 1, Facts: underRev},
		{Name: "submit when completed", Action: Submit, Round: 1, Facts: completed},
		{Name: "review own organisation", Action: Review, Version: 1, Facts: underRev, ByBureau: true, WorkflowOnly: true},
		{Name: "nothing to review", Action: Review, Facts: awaiting},
		{Name: "returned", Action: Review, Version: 1, Facts: returned},
		{Name: "already approved", Action: Review, Version: 1, Facts: publishing},
		{Name: "stale version", Action: Review, Version: 1, Facts: bureau(wire.StageUnderReview, 2, 2)},
		{Name: "second extension request", Action: RequestExtension, Kind: wire.DeadlinePublication, Facts: with(returned, func(b *rules.Bureau) { b.Pending = pending })},
		{Name: "no submission deadline owed", Action: RequestExtension, Kind: wire.DeadlineSubmission, Facts: underRev},
		{Name: "no publication deadline owed", Action: Extend, Kind: wire.DeadlinePublication, Facts: completed},
		{Name: "extend own deadline", Action: Extend, Kind: wire.DeadlineSubmission, Facts: awaiting, ByBureau: true, WorkflowOnly: true},
		{Name: "unknown deadline", Action: Extend, Kind: "review", Facts: awaiting},
		{Name: "decide own request", Action: DecideExtension, ID: 7, Facts: with(awaiting, func(b *rules.Bureau) { b.Pending = pending }), ByBureau: true, WorkflowOnly: true},
		{Name: "decided already", Action: DecideExtension, ID: 7, Facts: awaiting},
		{Name: "published already", Action: Publish, Facts: completed},
		{Name: "publish before approval", Action: Publish, Facts: underRev},
		{Name: "stale round", Action: Submit, Round: 1, Facts: returned, WorkflowOnly: true},
		{Name: "not notified", Action: Submit, Round: 1, Facts: bureau(wire.StageNotified, 1, 0)},
	}
}
