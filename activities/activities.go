// Package activities holds the side effects of lawcycle's workflows:
// database writes of the read model, the notice, audit events. Activities
// are methods on Activities, which holds their dependencies; they never
// import package workflows.
package activities

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"
	"unicode/utf8"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/lawcycle/lawcycle/audit"
	"github.com/lawcycle/lawcycle/calendar"
	"github.com/lawcycle/lawcycle/internal/chinatime"
	"github.com/lawcycle/lawcycle/models"
	"github.com/lawcycle/lawcycle/notify"
	"github.com/lawcycle/lawcycle/rules"
	"github.com/lawcycle/lawcycle/wire"
)

// Activities are registered with the worker as one struct; method names
// become activity type names, so every exported method is an activity.
type Activities struct {
	DB     *gorm.DB
	Logger *slog.Logger
	// Now is the wall clock, replaceable in tests. Activities may read the
	// clock; workflow code may not.
	Now func() time.Time
	// Calendars gives each office's working-day calendar; a *source.Source
	// implements it.
	Calendars interface {
		Calendar(ctx context.Context, officeID uint) (*calendar.Calendar, error)
	}
	// Temporal signals bureau workflows (BroadcastToBureaus).
	Temporal client.Client
}

func (a *Activities) now() time.Time {
	if a.Now != nil {
		return a.Now().UTC()
	}
	return time.Now().UTC()
}

// cycleCalendar reads a cycle and the working-day calendar of its office.
// Callers do this before opening a transaction: the calendar source reads
// through its own connection.
func (a *Activities) cycleCalendar(ctx context.Context, cycleID string) (models.Cycle, *calendar.Calendar, error) {
	cycle, err := loadCycle(a.DB.WithContext(ctx), cycleID)
	if err != nil {
		return cycle, nil, err
	}
	if a.Calendars == nil {
		return cycle, nil, temporal.NewNonRetryableApplicationError("activities have no calendar source", "NoCalendar", nil)
	}
	cal, err := a.Calendars.Calendar(ctx, cycle.OfficeID)
	if err != nil {
		return cycle, nil, fmt.Errorf("calendar of office %d: %w", cycle.OfficeID, err)
	}
	return cycle, cal, nil
}

// refused answers the person who asked with a Chinese message (the API
// shows it with 409); retrying cannot change the answer.
func refused(format string, args ...any) error {
	return temporal.NewApplicationErrorWithOptions(fmt.Sprintf(format, args...), wire.RefusedErrorType,
		temporal.ApplicationErrorOptions{NonRetryable: true})
}

// refusedBy answers with the rulebook's refusal, code and kind included,
// so a race the activity catches reads as the workflow's validator and the
// service's pre-check would have said it.
func refusedBy(r *rules.Refusal) error {
	return temporal.NewApplicationErrorWithOptions(r.Reason, wire.RefusedErrorType, temporal.ApplicationErrorOptions{
		NonRetryable: true, Details: []any{wire.RefusalInfo{Code: string(r.Code), Kind: int(r.Kind)}},
	})
}

// failed is what an activity returns for err. Temporal reads the error
// type and the retry decision from the outermost error only: wrapped, a
// refusal would be retried and reach the workflow as a generic failure.
// So an application error is returned as it is, anything else wrapped with
// what the activity was doing.
func failed(err error, format string, args ...any) error {
	var appErr *temporal.ApplicationError
	if errors.As(err, &appErr) {
		return appErr
	}
	return fmt.Errorf(format+": %w", append(args, err)...)
}

// invalid reports input that no retry can fix and that no person typed:
// a workflow asked for something the contract does not allow.
func invalid(errType, format string, args ...any) error {
	return temporal.NewNonRetryableApplicationError(fmt.Sprintf(format, args...), errType, nil)
}

// loadCycle reads a cycle; a missing one is final.
func loadCycle(tx *gorm.DB, cycleID string) (models.Cycle, error) {
	var c models.Cycle
	err := tx.Take(&c, "id = ?", cycleID).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return c, temporal.NewNonRetryableApplicationError(fmt.Sprintf("cycle %s not found", cycleID), "CycleNotFound", err)
	}
	if err != nil {
		return c, fmt.Errorf("load cycle %s: %w", cycleID, err)
	}
	return c, nil
}

// participantNotFound is final: the workflow runs for a bureau the cycle
// does not have.
func participantNotFound(cycleID, orgCode string, err error) error {
	return temporal.NewNonRetryableApplicationError(
		fmt.Sprintf("bureau %s is not a participant of cycle %s", orgCode, cycleID), "ParticipantNotFound", err)
}

// lockRow makes a read the start of a read-modify-write: FOR UPDATE on
// PostgreSQL; the SQLite driver drops it, its transactions being
// serialised already.
var lockRow = clause.Locking{Strength: clause.LockingStrengthUpdate}

// bureau is one participant with what messages and audit events about it
// name: its cycle, its organisation and the cycle's office.
type bureau struct {
	cycle  models.Cycle
	office models.Organisation
	org    models.Organisation
	p      models.Participant
}

// loadBureau reads a participant (its row locked) and what names it.
func loadBureau(tx *gorm.DB, cycleID, orgCode string) (bureau, error) {
	var b bureau
	err := tx.Clauses(lockRow).Scopes(models.OfBureau(cycleID, orgCode)).Take(&b.p).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return b, participantNotFound(cycleID, orgCode, err)
	}
	if err != nil {
		return b, fmt.Errorf("load participant: %w", err)
	}
	if b.cycle, err = loadCycle(tx, cycleID); err != nil {
		return b, err
	}
	if err := tx.Take(&b.office, b.cycle.OfficeID).Error; err != nil {
		return b, fmt.Errorf("load office: %w", err)
	}
	if err := tx.Take(&b.org, b.p.OrgID).Error; err != nil {
		return b, fmt.Errorf("load organisation %s: %w", orgCode, err)
	}
	return b, nil
}

// target is the audit target id of the participant.
func (b bureau) target() string { return b.cycle.ID + "/" + b.org.Code }

// key is the prefix of the bureau's notification keys.
func (b bureau) key(parts ...string) string {
	return notify.Key(append([]string{wire.BureauWorkflowID(b.cycle.ID, b.org.Code)}, parts...)...)
}

// message is a notification about the bureau, linked to its page.
func (b bureau) message(key string, kind notify.Kind, to, subject, body string) notify.Message {
	return notify.Message{Key: key, Kind: kind, OrgCode: to, Link: bureauLink(b.cycle.ID, b.org.Code),
		Subject: clip(subject, notify.MaxSubjectLength), Body: clip(body, notify.MaxBodyLength)}
}

// toBureau and toOffice address the message about the bureau.
func (b bureau) toBureau(key string, kind notify.Kind, subject, body string) notify.Message {
	return b.message(key, kind, b.org.Code, subject, body)
}

func (b bureau) toOffice(key string, kind notify.Kind, subject, body string) notify.Message {
	return b.message(key, kind, b.office.Code, subject, body)
}

// system is the audit actor of workflow-driven changes, counted as the
// office's so that its admins see them.
func (b bureau) system() audit.Actor { return systemActor(b.office.Code) }

func systemActor(officeCode string) audit.Actor {
	actor := audit.System
	actor.OrgCode = officeCode
	return actor
}

// actorOf is the audit actor of a person's request; a request without a
// person (an automatic step) is the system's, on the office's behalf.
func actorOf(by wire.Actor, officeCode string) audit.Actor {
	if by.Name == "" && by.UserID == 0 {
		return systemActor(officeCode)
	}
	return audit.Actor{UserID: userID(by), Name: by.Name, Role: by.Role, OrgCode: by.OrgCode, RequestID: by.RequestID}
}

func userID(by wire.Actor) *uint {
	if by.UserID == 0 {
		return nil
	}
	id := by.UserID
	return &id
}

func bureauLink(cycleID, orgCode string) string { return "/cycles/" + cycleID + "/bureaus/" + orgCode }

// clip shortens s to n characters, so an unusually long title never makes
// a notification invalid (and its activity retry forever).
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// dateText writes an instant's China date as offices do, with the
// weekday: 2026年3月2日（星期一）.
func dateText(t time.Time) string {
	return chinatime.FormatDate(t) + "（" + calendar.WeekdayName(calendar.DateOf(t).Weekday()) + "）"
}

// deadlineLabel names what is due: 报送, 重新报送（第2轮）, 公开.
func deadlineLabel(kind wire.DeadlineKind, round int) string {
	if kind == wire.DeadlineSubmission && round > 1 {
		return fmt.Sprintf("重新报送（第%d轮）", round)
	}
	return kind.Label()
}

// dueColumn is the participant's column of a deadline kind.
func dueColumn(kind wire.DeadlineKind) string {
	if kind == wire.DeadlinePublication {
		return "publication_due"
	}
	return "submission_due"
}

// dueOf is the participant's due date of a deadline kind.
func dueOf(p models.Participant, kind wire.DeadlineKind) time.Time {
	if kind == wire.DeadlinePublication {
		return p.PublicationDue
	}
	return p.SubmissionDue
}

// deadline turns a person's due setting into the calendar's, refusing
// what cannot be a due date.
func deadline(s wire.DueSetting) (calendar.Deadline, error) {
	var dl calendar.Deadline
	switch {
	case s.Date != "" && s.Workdays != 0:
		return dl, refused("截止日期只能给出日期或工作日数之一")
	case s.Date != "":
		d, err := calendar.ParseDate(s.Date)
		if err != nil {
			return dl, refused("%s", err.Error())
		}
		dl = calendar.OnDate(d)
	default:
		dl = calendar.WorkdaysAfter(s.Workdays)
	}
	if err := dl.Validate(); err != nil {
		return dl, refused("%s", err.Error())
	}
	return dl, nil
}

// dueDate computes a deadline on the calendar. A date in a year whose
// holidays are not loaded is flagged too: whether it is a working day is
// a guess.
func dueDate(cal *calendar.Calendar, dl calendar.Deadline, event time.Time) (calendar.Due, error) {
	due, err := cal.DueDate(dl, event)
	if err != nil {
		return due, refused("%s", err.Error())
	}
	if dl.Date != nil && len(due.Provisional) == 0 && !cal.Known(dl.Date.Year) {
		due.Provisional = []int{dl.Date.Year}
	}
	return due, nil
}
