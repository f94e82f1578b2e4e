// Package rules is lawcycle's rulebook: every decision that more than one
// layer makes (may this bureau submit now, does it owe a deadline, is an
// extension request pending, may this role act) written once, as a pure
// function of the facts. The bureau workflow's update validators, the
// service's pre-checks against the read model and the activities' race
// checks all ask here, so one situation gets one answer with one Chinese
// reason from every layer (docs/architecture.md#rulebook).
//
// The package does no I/O and reads no clock: workflow code imports it.
package rules

// Kind says what sort of "no" a refusal is; the HTTP layer picks the
// status from it.
type Kind int

const (
	// KindState: the state does not allow it now (409).
	KindState Kind = iota
	// KindRole: the caller's role may never do it (403).
	KindRole
	// KindInput: what was asked for is incomplete or malformed (422).
	KindInput
)

// Code names a refusal for scripts and tests; stable once published.
type Code string

// Refusal is a rule's "no": its code, its kind and the reason in Chinese,
// written for the person who asked.
type Refusal struct {
	Code   Code
	Kind   Kind
	Reason string
}

func (r *Refusal) Error() string { return r.Reason }

func refuse(code Code, kind Kind, reason string) *Refusal {
	return &Refusal{Code: code, Kind: kind, Reason: reason}
}

// First is the first refusal among checks, or nil when all allow.
func First(checks ...*Refusal) *Refusal {
	for _, r := range checks {
		if r != nil {
			return r
		}
	}
	return nil
}
