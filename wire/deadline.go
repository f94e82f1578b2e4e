package wire

import (
	"strconv"
	"time"
)

// DeadlineKind is what a bureau owes by a due date.
type DeadlineKind string

const (
	// DeadlineSubmission: the return of the current round (报送, or 重新报送
	// after a return).
	DeadlineSubmission DeadlineKind = "submission"
	// DeadlinePublication: the published report (公开).
	DeadlinePublication DeadlineKind = "publication"
)

// Label is the deadline's Chinese name.
func (k DeadlineKind) Label() string {
	switch k {
	case DeadlineSubmission:
		return "报送"
	case DeadlinePublication:
		return "公开"
	}
	return string(k)
}

// Valid reports whether k is a known kind.
func (k DeadlineKind) Valid() bool { return k == DeadlineSubmission || k == DeadlinePublication }

// DueSetting is a due date as a person sets it: a date (YYYY-MM-DD, due at
// its end, China time) or a number of working days after an event (a return
// sent back, the current due date of an extension). The zero value means
// "the cycle's default". Activities turn it into an instant on the
// working-day calendar; workflows only carry it.
type DueSetting struct {
	Date     string `json:",omitempty"`
	Workdays int    `json:",omitempty"`
}

// IsZero reports whether no due date was given.
func (d DueSetting) IsZero() bool { return d.Date == "" && d.Workdays == 0 }

// Deadline step names. A plan has, in time order, one reminder per
// configured offset ("reminder-5" is 5 working days before the due day),
// the overdue notice when the due instant passes, and the escalation to
// the office a configured number of working days later.
const (
	StepReminderPrefix = "reminder-"
	StepOverdue        = "overdue"
	StepEscalation     = "escalation"
)

// ReminderStep names the reminder n working days before the due day.
func ReminderStep(n int) string { return StepReminderPrefix + strconv.Itoa(n) }

// DeadlinePlanRequest asks for the notification steps of one deadline.
type DeadlinePlanRequest struct {
	CycleID string
	OrgCode string
	Kind    DeadlineKind
	Round   int
	Due     time.Time
	// From is when the deadline was set (workflow time): reminders whose
	// moment has already passed by then are left out of the plan.
	From time.Time
}

// DeadlineStep is one scheduled notice of a deadline.
type DeadlineStep struct {
	Name string
	At   time.Time
	// Key is the step's idempotency key: it names the cycle, the bureau,
	// the kind, the round, the due date and the step, so a step is sent at
	// most once however often an activity or a workflow task is retried,
	// and a moved due date gets steps of its own.
	Key string
}

// DeadlinePlan is a deadline with its steps in time order.
type DeadlinePlan struct {
	Kind  DeadlineKind
	Round int
	Due   time.Time
	Steps []DeadlineStep
}

// DeadlineStepRequest asks an activity to send one step: notifications
// (the bureau; the office too for an escalation), the read model's flags
// and the step's row, and an audit event, in one transaction. A step whose
// key was sent before changes nothing.
type DeadlineStepRequest struct {
	CycleID string
	OrgCode string
	Kind    DeadlineKind
	Round   int
	Due     time.Time
	Step    DeadlineStep
	// At is the workflow time the step fired.
	At time.Time
}

// DeadlineStepKey builds DeadlineStep.Key.
func DeadlineStepKey(cycleID, orgCode string, kind DeadlineKind, round int, due time.Time, step string) string {
	return BureauWorkflowID(cycleID, orgCode) + "/" + string(kind) + "/r" + strconv.Itoa(round) +
		"/" + due.UTC().Format("20060102T150405Z") + "/" + step
}
