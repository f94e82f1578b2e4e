package wire

import "time"

// CycleInput starts, and continues as new, the cycle workflow. Fan-out
// progress travels in it so each run holds a bounded number of children.
type CycleInput struct {
	CycleID string
	// Year is the report year, for the search attributes; 0 in executions
	// started before it was passed.
	Year int `json:",omitempty"`
	// Notice is set once issued; later runs do not issue it again.
	Notice *NoticeInfo `json:",omitempty"`
	// FanOut tracks the bureau workflows started so far.
	FanOut FanOutProgress
	// Carry is the open cycle's state once the fan-out is done, for runs
	// continued as new after deadline changes.
	Carry *CycleCarry `json:",omitempty"`
}

// CycleCarry is the cycle workflow's state after the fan-out.
type CycleCarry struct {
	Status         string
	SubmissionDue  time.Time
	PublicationDue time.Time
	// Milestones lists the deadline kinds whose milestone was compiled,
	// with the due date it was compiled for.
	Milestones map[DeadlineKind]time.Time `json:",omitempty"`
	Lifecycle  int
}

// FanOutProgress is the cursor over the cycle's participants, in org-code
// order.
type FanOutProgress struct {
	AfterOrgCode string
	Started      int
	Done         bool
	// Recorded is set once the read model knows the fan-out is complete.
	Recorded bool
}

// NoticeInfo is the issued notice as the workflow and the launch caller see it.
type NoticeInfo struct {
	ID             uint
	DocNo          string
	Title          string
	IssuedAt       time.Time
	SubmissionDue  time.Time
	PublicationDue time.Time
}

// LaunchResult answers UpdateLaunch.
type LaunchResult struct {
	CycleID string
	Status  string
	Notice  NoticeInfo
}

// CycleState answers QueryState on the cycle workflow.
type CycleState struct {
	CycleID string
	Status  string
	Notice  *NoticeInfo `json:",omitempty"`
	FanOut  FanOutProgress
	// Waiting says in Chinese what the workflow waits for.
	Waiting        string
	SubmissionDue  time.Time                  `json:",omitempty"`
	PublicationDue time.Time                  `json:",omitempty"`
	Milestones     map[DeadlineKind]time.Time `json:",omitempty"`
}

// ParticipantPageRequest asks for the next page of a cycle's participants.
type ParticipantPageRequest struct {
	CycleID      string
	AfterOrgCode string
	Limit        int
}

// ParticipantPage is one page of org codes, ascending.
type ParticipantPage struct {
	OrgCodes []string
}

// FanOutComplete records that every bureau workflow has started.
type FanOutComplete struct {
	CycleID string
	Started int
}

// Cycle statuses (docs/domain.md#cycle-statuses), shared by the workflow and the read model.
const (
	CycleDraft   = "draft"
	CycleOpen    = "open"
	CycleClosing = "closing"
	CycleClosed  = "closed"
)
