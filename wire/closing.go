package wire

import "time"

// CycleExtension moves a deadline of the whole cycle (every bureau still
// owing it whose own due date is earlier).
type CycleExtension struct {
	Kind   DeadlineKind
	Date   string // YYYY-MM-DD
	Reason string
	By     Actor
}

// CycleExtensionRecord asks the database to store a cycle extension.
type CycleExtensionRecord struct {
	CycleID   string
	Extension CycleExtension
	At        time.Time
}

// CycleExtensionResult answers UpdateExtendCycle.
type CycleExtensionResult struct {
	Kind DeadlineKind
	Due  time.Time
	// Bureaus is how many bureaus' due dates moved.
	Bureaus     int
	DueWarnings []string `json:",omitempty"`
}

// CloseRequest asks the office's cycle to close.
type CloseRequest struct {
	Reason string
	By     Actor
}

// CloseResult answers UpdateCloseCycle.
type CloseResult struct {
	Status  string
	Outcome CycleOutcome
}

// CycleOutcome counts how the bureaus stood when the cycle closed.
type CycleOutcome struct {
	Bureaus   int
	Completed int
	// Unfinished bureaus were still waiting (to submit, for review, to
	// publish) and were stopped by the close.
	Unfinished    int
	LateSubmitted int
	LatePublished int
	NotPublished  int
}

// CycleCloseRecord asks the database to compile the outcome and mark the
// cycle closing (Final false) or closed (Final true).
type CycleCloseRecord struct {
	CycleID string
	Request CloseRequest
	Final   bool
	At      time.Time
}

// MilestoneRequest asks the database to compile a deadline's milestone:
// at the submission deadline the bureaus that have not submitted, at the
// publication deadline the compliance list (late or not published); the
// office is notified, and passing the publication deadline moves the
// cycle to closing.
type MilestoneRequest struct {
	CycleID string
	Kind    DeadlineKind
	Due     time.Time
	At      time.Time
}

// MilestoneResult is the size of the compiled list.
type MilestoneResult struct {
	Listed int
}

// BroadcastRequest asks an activity to signal every bureau workflow of a
// cycle, page by page with a heartbeat cursor, so the cycle's own history
// stays small however many bureaus there are.
type BroadcastRequest struct {
	CycleID string
	Signal  string
	// OnlyStages limits the broadcast to bureaus in these stages (none: all).
	OnlyStages []Stage `json:",omitempty"`
}

// BroadcastResult counts the bureaus signalled.
type BroadcastResult struct {
	Signalled int
}

// BureauClosure records in the read model how a bureau stood when its
// cycle closed.
type BureauClosure struct {
	CycleID string
	OrgCode string
	Stage   Stage
	Round   int
	Seq     int64
	At      time.Time
}
