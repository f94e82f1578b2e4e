package rules

import "github.com/lawcycle/lawcycle/wire"

// Owes reports whether a bureau in stage still owes the deadline of kind
// (docs/domain.md#deadlines): the submission from the notice until it
// submits in the round; the publication from the notice until it
// publishes. An extension makes sense only for a deadline owed, and a
// reminder or escalation step is sent only for one.
func Owes(stage wire.Stage, kind wire.DeadlineKind) bool {
	switch kind {
	case wire.DeadlineSubmission:
		return stage == wire.StageNotified || stage == wire.StageAwaitingSubmission
	case wire.DeadlinePublication:
		return stage != wire.StagePending && stage != wire.StageCompleted && stage.Valid()
	}
	return false
}

// WorkingTo is the deadline a bureau in stage is working to now: the one
// whose reminders run and whose overdue flags an extension of it clears.
// The submission from the notice until it submits, the publication from
// its approval until it publishes; "" while under review, before the
// notice and when completed.
func WorkingTo(stage wire.Stage) wire.DeadlineKind {
	switch stage {
	case wire.StageNotified, wire.StageAwaitingSubmission:
		return wire.DeadlineSubmission
	case wire.StageApproved, wire.StageAwaitingPublication:
		return wire.DeadlinePublication
	}
	return ""
}
