package wire

import (
	"strconv"
	"time"
)

// UpdateSubmit hands an accepted return to the bureau workflow.
const UpdateSubmit = "submit"

// RefusedErrorType marks an update refused by its validator: the message is
// Chinese and meant for the person who asked; the API answers 409 with it.
const RefusedErrorType = "Refused"

// RefusalInfo travels as the details of a Refused application error: the
// rulebook's code and kind (rules.Refusal), so every layer answers one
// situation alike. Refusals recorded before it carry none.
type RefusalInfo struct {
	Code string `json:",omitempty"`
	Kind int    `json:",omitempty"`
}

// RefusalInfoOf reads the details of a Refused error; zero when it has
// none.
func RefusalInfoOf(err interface{ Details(...any) error }) RefusalInfo {
	var info RefusalInfo
	if err.Details(&info) != nil {
		return RefusalInfo{}
	}
	return info
}

// SubmitUpdateID makes a retried upload of the same return and the same
// report in the same round the same update, so the client gets the first
// answer again instead of a second version. The report is part of the
// name: the same return with a corrected report is another submission,
// stored as a new version or refused while one is under review, never
// answered with the first and dropped.
func SubmitUpdateID(round int, returnSHA, reportSHA string) string {
	id := "submit/" + strconv.Itoa(round) + "/" + returnSHA
	if reportSHA != "" {
		id += "/" + reportSHA
	}
	return id
}

// Actor is who asked for a change, as the audit log records it.
type Actor struct {
	UserID    uint
	Name      string
	Role      string
	OrgCode   string
	RequestID string
}

// SubmitRequest is a return that passed validation, stored content-addressed
// before the update is sent: the history carries hashes, not the values.
type SubmitRequest struct {
	// Round is the round the bureau filled; it must be the current one.
	Round        int
	FileSHA      string
	FileName     string
	ReturnSHA    string
	ReportSHA    string
	ReportName   string
	Catalogue    string
	WarningCount int
	By           Actor
}

// SubmissionRecord asks the database to store a submission version and move
// the read model to under_review, in one transaction.
type SubmissionRecord struct {
	CycleID string
	OrgCode string
	Request SubmitRequest
	// Seq orders the read-model write like StageChange.Seq.
	Seq int64
	At  time.Time
}

// SubmitResult answers UpdateSubmit.
type SubmitResult struct {
	Version int
	Round   int
	Stage   Stage
}
