package wire

import "time"

// BureauInput starts a bureau workflow.
type BureauInput struct {
	CycleID string
	OrgCode string
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
}
