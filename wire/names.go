// Package wire holds what crosses the Temporal boundary: workflow and
// handler names, workflow-ID builders, and the payload types. Payloads are
// separate from the GORM models so that a schema change never changes a
// payload already recorded in a running workflow's history.
package wire

// TaskQueue is the one queue lawcycle's workers poll.
const TaskQueue = "lawcycle"

// Workflow type names, registered explicitly so renaming a Go function
// never orphans running executions.
const (
	CycleWorkflow  = "Cycle"
	BureauWorkflow = "Bureau"
)

// Update and query names.
const (
	// UpdateLaunch is sent with the start of the cycle workflow; it
	// completes once the notice is issued and returns it.
	UpdateLaunch = "launch"
	// QueryState returns a workflow's state (CycleState or BureauState).
	QueryState = "state"

	// Bureau workflow updates besides UpdateSubmit (wire/submission.go).
	UpdateReview           = "review"            // ReviewRequest → ReviewResult
	UpdateRequestExtension = "request_extension" // ExtensionRequest → ExtensionResult
	UpdateDecideExtension  = "decide_extension"  // ExtensionDecision → ExtensionResult
	UpdateExtend           = "extend"            // BureauExtension → ExtensionResult
	UpdatePublish          = "publish"           // PublishRequest → PublishResult

	// Cycle workflow updates besides UpdateLaunch.
	UpdateExtendCycle = "extend_cycle" // CycleExtension → CycleExtensionResult
	UpdateCloseCycle  = "close"        // CloseRequest → CloseResult

	// Signals the cycle workflow sends, through an activity, to each of its
	// bureau workflows. They carry no payload: a bureau reads its new due
	// dates from the read model (SignalDeadlinesChanged), or records how it
	// stood and ends (SignalCycleClosed).
	SignalDeadlinesChanged = "deadlines_changed"
	SignalCycleClosed      = "cycle_closed"
)

// CycleWorkflowID is "cycle/{cycleID}" (docs/architecture.md#workflow-ids).
func CycleWorkflowID(cycleID string) string { return "cycle/" + cycleID }

// BureauWorkflowID is "cycle/{cycleID}/bureau/{orgCode}" (docs/architecture.md#workflow-ids).
func BureauWorkflowID(cycleID, orgCode string) string {
	return "cycle/" + cycleID + "/bureau/" + orgCode
}

// RectificationWorkflowID is "cycle/{cycleID}/bureau/{orgCode}/rect/{itemID}" (docs/architecture.md#workflow-ids).
func RectificationWorkflowID(cycleID, orgCode, itemID string) string {
	return BureauWorkflowID(cycleID, orgCode) + "/rect/" + itemID
}
