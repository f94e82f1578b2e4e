package workflows

import "go.temporal.io/sdk/workflow"

// handlersDone waits until every update and signal handler has finished,
// so that no caller is left without its answer when a run returns or
// continues as new.
func handlersDone(ctx workflow.Context) error {
	return workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) })
}

// historyIsLong reports whether a run should hand over to a new one:
// rounds, reminders, extensions and check-ins have no fixed bound, while a
// history is capped at MaxHistoryEvents (docs/architecture.md#scale-limits);
// the server may suggest it earlier.
func historyIsLong(ctx workflow.Context) bool {
	info := workflow.GetInfo(ctx)
	return info.GetContinueAsNewSuggested() || info.GetCurrentHistoryLength() > MaxHistoryEvents
}
