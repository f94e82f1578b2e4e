package wire

import (
	"strconv"
	"time"
)

// ReviewDecision is a reviewer's verdict on a submitted version.
type ReviewDecision string

const (
	ReviewApprove ReviewDecision = "approve" // 审核通过
	ReviewReturn  ReviewDecision = "return"  // 退回修改
)

// Label is the decision's Chinese name.
func (d ReviewDecision) Label() string {
	switch d {
	case ReviewApprove:
		return "审核通过"
	case ReviewReturn:
		return "退回修改"
	}
	return string(d)
}

// ReviewComment is one comment of a review, anchored to an indicator (its
// catalogue key), a section (its catalogue key), or, with neither, to the
// whole return. The API checks the anchors against the version's catalogue
// before the update is sent.
type ReviewComment struct {
	Indicator string `json:",omitempty"`
	Section   string `json:",omitempty"`
	Message   string
}

// ReviewRequest is a reviewer's decision on one version.
type ReviewRequest struct {
	// Version is the version the reviewer looked at; it must be the latest.
	Version  int
	Decision ReviewDecision
	Comments []ReviewComment
	// ResubmitDue is the resubmission due date of a return; zero means the
	// cycle's default number of working days after the return.
	ResubmitDue DueSetting
	By          Actor
}

// ReviewUpdateID makes a retried HTTP request the same update, while a
// second reviewer's decision on the same version is a new update that the
// validator refuses.
func ReviewUpdateID(version int, requestID string) string {
	return "review/" + strconv.Itoa(version) + "/" + requestID
}

// ReviewRecord asks the database to store a review and move the read
// model: to approved, or back to awaiting_submission for round Round+1
// with the resubmission due date computed on the working-day calendar.
type ReviewRecord struct {
	CycleID string
	OrgCode string
	Request ReviewRequest
	// Round is the round the reviewed version belongs to.
	Round int
	Seq   int64
	At    time.Time
}

// ReviewResult answers UpdateReview.
type ReviewResult struct {
	ReviewID uint
	Version  int
	Decision ReviewDecision
	// Stage and Round after the review: approved in the same round, or
	// awaiting_submission in the next.
	Stage Stage
	Round int
	// SubmissionDue is the resubmission due date of a return, with the
	// calendar's warnings about it (a provisional year, a rest day).
	SubmissionDue time.Time
	DueWarnings   []string `json:",omitempty"`
}
