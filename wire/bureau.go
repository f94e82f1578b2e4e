package wire

import "time"

// BureauInput starts a bureau workflow.
type BureauInput struct {
	CycleID string
	OrgCode string
	// Year is the cycle's report year, for the search attributes; 0 in
	// executions started before it was passed.
	Year int `json:",omitempty"`
	// Carry is the state handed to a new run by continue-as-new; nil for
	// the first run.
	Carry *BureauCarry `json:",omitempty"`
}

// BureauCarry is a bureau workflow's durable state: the workflow keeps it
// as one struct and hands it whole to the next run on continue-as-new
// (docs/architecture.md#continue-as-new). Payloads recorded since v1 decode
// into it; add fields with omitempty and a zero value that means "as
// before".
type BureauCarry struct {
	Stage          Stage
	Round          int
	Seq            int64
	Version        int
	SubmissionDue  time.Time
	PublicationDue time.Time
	// Lifecycle is the workflow version the execution started with (see
	// workflows.lifecycleVersion); it is fixed for the execution's life.
	Lifecycle int
	// Sent lists the keys of the deadline steps already sent for the
	// current deadline.
	Sent    []string          `json:",omitempty"`
	Pending *PendingExtension `json:",omitempty"`
	Closing bool              `json:",omitempty"`
	// Refresh: due dates moved in the read model and were not read yet.
	Refresh bool `json:",omitempty"`
}

// StageChange asks the read model to record a bureau's stage. Seq orders
// writes from one workflow: the read model keeps the highest.
type StageChange struct {
	CycleID string
	OrgCode string
	Stage   Stage
	Round   int
	Seq     int64
	At      time.Time
}

// ParticipantInfo is what a bureau workflow learns about itself from the
// read model: its due dates as computed when the cycle was set up.
type ParticipantInfo struct {
	OrgCode        string
	SubmissionDue  time.Time
	PublicationDue time.Time
}

// BureauState answers QueryState on a bureau workflow.
type BureauState struct {
	CycleID        string
	OrgCode        string
	Stage          Stage
	Round          int
	SubmissionDue  time.Time
	PublicationDue time.Time
	// Waiting says in Chinese what the workflow waits for, so a bureau
	// asking "why can't I submit?" gets an answer.
	Waiting string
	// Version is the latest accepted submission (0: none yet).
	Version int
	// CanSubmit says whether an upload would be accepted now.
	CanSubmit bool
	// Deadline is the due date the bureau is working to, with its steps;
	// nil when it owes nothing (under review, completed).
	Deadline *DeadlinePlan `json:",omitempty"`
	// Sent lists the steps of Deadline already sent.
	Sent             []string          `json:",omitempty"`
	PendingExtension *PendingExtension `json:",omitempty"`
	// Closed is set once the cycle's close has reached the bureau.
	Closed bool `json:",omitempty"`
}

// ParticipantRequest names one bureau of a cycle.
type ParticipantRequest struct {
	CycleID string
	OrgCode string
}
