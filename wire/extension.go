package wire

import "time"

// Extension statuses, as the read model and the API show them.
const (
	ExtensionPending  = "pending"  // requested by the bureau, undecided
	ExtensionApproved = "approved" // requested and approved
	ExtensionRefused  = "refused"  // requested and refused
	ExtensionGranted  = "granted"  // given by the office without a request
)

// ExtensionRequest is a bureau asking for more time (申请延期).
type ExtensionRequest struct {
	Kind DeadlineKind
	// Until is the due date asked for: a date, or working days after the
	// current due date.
	Until  DueSetting
	Reason string
	By     Actor
}

// ExtensionDecision is the office's answer to a pending request.
type ExtensionDecision struct {
	ID      uint
	Approve bool
	// Due overrides the date asked for when approving; zero keeps it.
	Due    DueSetting
	Reason string
	By     Actor
}

// BureauExtension is the office extending one bureau's deadline without a
// request.
type BureauExtension struct {
	Kind   DeadlineKind
	Until  DueSetting
	Reason string
	By     Actor
}

// ExtensionRecord asks the database to store a request, a decision or a
// grant. Exactly one of Request, Decision and Grant is set. CurrentDue is
// the due date being extended (the base of a working-day setting).
type ExtensionRecord struct {
	CycleID    string
	OrgCode    string
	Round      int
	CurrentDue time.Time
	Request    *ExtensionRequest  `json:",omitempty"`
	Decision   *ExtensionDecision `json:",omitempty"`
	Grant      *BureauExtension   `json:",omitempty"`
	At         time.Time
}

// ExtensionResult answers the extension updates.
type ExtensionResult struct {
	ID     uint
	Kind   DeadlineKind
	Status string
	// Due is the new due date once approved or granted; zero otherwise.
	Due         time.Time
	DueWarnings []string `json:",omitempty"`
}

// PendingExtension is a request the office has not decided yet.
type PendingExtension struct {
	ID    uint
	Kind  DeadlineKind
	Round int
}
