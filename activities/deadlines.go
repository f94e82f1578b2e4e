package activities

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

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

// reminderHour is when reminders and escalations go out: 09:00 China
// time, when the office's people read them.
const reminderHour = 9

// RefreshDeadlines returns the bureau's due dates as the read model holds
// them after a cycle extension. A bureau whose owed deadline moved into
// the future is no longer overdue, so its overdue and escalated flags go.
func (a *Activities) RefreshDeadlines(ctx context.Context, req wire.ParticipantRequest) (wire.ParticipantInfo, error) {
	var p models.Participant
	err := a.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		err := tx.Clauses(lockRow).Scopes(models.OfBureau(req.CycleID, req.OrgCode)).Take(&p).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return participantNotFound(req.CycleID, req.OrgCode, err)
		}
		if err != nil {
			return fmt.Errorf("load participant: %w", err)
		}
		kind := rules.WorkingTo(wire.Stage(p.Stage))
		if kind == "" || !dueOf(p, kind).After(a.now()) {
			return nil
		}
		return a.editFlags(tx, req.CycleID, req.OrgCode, flagEdit{remove: []string{FlagOverdue, FlagEscalated}})
	})
	if err != nil {
		return wire.ParticipantInfo{}, failed(err, "refresh deadlines of %s in %s", req.OrgCode, req.CycleID)
	}
	return wire.ParticipantInfo{OrgCode: p.OrgCode, SubmissionDue: p.SubmissionDue, PublicationDue: p.PublicationDue}, nil
}

// PlanDeadline lays out the steps of one deadline on the office's
// working-day calendar: reminders some working days before the due day,
// the overdue notice a second after the due instant, the escalation some
// working days after the due day. The workflow sleeps until each step;
// it cannot compute them itself (calendar data changes between releases).
func (a *Activities) PlanDeadline(ctx context.Context, req wire.DeadlinePlanRequest) (wire.DeadlinePlan, error) {
	if !req.Kind.Valid() || req.Due.IsZero() {
		return wire.DeadlinePlan{}, invalid("BadDeadline", "deadline %q due %v cannot be planned", req.Kind, req.Due)
	}
	cycle, cal, err := a.cycleCalendar(ctx, req.CycleID)
	if err != nil {
		return wire.DeadlinePlan{}, err
	}
	return planDeadline(cal, cycle.Settings.WithDefaults(), req), nil
}

func planDeadline(cal *calendar.Calendar, settings models.CycleSettings, req wire.DeadlinePlanRequest) wire.DeadlinePlan {
	plan := wire.DeadlinePlan{Kind: req.Kind, Round: req.Round, Due: req.Due}
	step := func(name string, at time.Time) {
		plan.Steps = append(plan.Steps, wire.DeadlineStep{Name: name, At: at.UTC(),
			Key: wire.DeadlineStepKey(req.CycleID, req.OrgCode, req.Kind, req.Round, req.Due, name)})
	}
	dueDay := calendar.DateOf(req.Due)
	for _, r := range reminders(cal, settings.ReminderWorkdays, req.Due, req.From) {
		step(wire.ReminderStep(r.workdays), r.at)
	}
	step(wire.StepOverdue, req.Due.Add(time.Second))
	step(wire.StepEscalation, morning(cal.AddWorkdaysDate(dueDay, settings.EscalateAfterWorkdays)))
	slices.SortStableFunc(plan.Steps, func(x, y wire.DeadlineStep) int { return x.At.Compare(y.At) })
	return plan
}

// reminder is one reminder of a plan: so many working days before the
// due day, at 09:00.
type reminder struct {
	workdays int
	at       time.Time
}

// reminders lays out reminders the given working days before due, the
// earliest first, leaving out those not after from (already past when
// the due date was set) and those not before due.
func reminders(cal *calendar.Calendar, offsets []int, due, from time.Time) []reminder {
	offsets = slices.Clone(offsets)
	slices.Sort(offsets)
	offsets = slices.Compact(offsets)
	slices.Reverse(offsets)
	var out []reminder
	for _, n := range offsets {
		if n < 0 {
			continue
		}
		at := morning(cal.AddWorkdaysDate(calendar.DateOf(due), -n))
		if at.After(from) && at.Before(due) {
			out = append(out, reminder{n, at})
		}
	}
	return out
}

// morning is 09:00 China time of d.
func morning(d calendar.Date) time.Time { return d.StartOfDay().Add(reminderHour * time.Hour) }

// SendDeadlineStep sends one step of a plan: the notifications, the
// bureau's flags, the step's row and its audit event, in one transaction.
// The row's unique key makes a step happen once, however often the
// activity or the workflow task is retried.
func (a *Activities) SendDeadlineStep(ctx context.Context, req wire.DeadlineStepRequest) error {
	name := req.Step.Name
	action := stepAction(name)
	if action == "" || !req.Kind.Valid() || req.Step.Key == "" {
		return invalid("BadDeadlineStep", "unknown deadline step %q of %q", name, req.Kind)
	}
	_, cal, err := a.cycleCalendar(ctx, req.CycleID)
	if err != nil {
		return err
	}
	err = a.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		b, err := loadBureau(tx, req.CycleID, req.OrgCode)
		if err != nil {
			return err
		}
		if !stillOwes(b.p, req) {
			// The bureau met or moved the deadline while the step was on
			// its way (a submission at 23:59): a late notice would be
			// wrong, so the step is dropped unrecorded.
			return nil
		}
		row := models.DeadlineStep{Key: req.Step.Key, CycleID: req.CycleID, OrgCode: req.OrgCode, Kind: string(req.Kind),
			Round: req.Round, Step: name, Due: req.Due.UTC(), SentAt: req.At.UTC()}
		res := tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "key"}}, DoNothing: true}).Create(&row)
		if res.Error != nil {
			return fmt.Errorf("record step: %w", res.Error)
		}
		if res.RowsAffected == 0 {
			return nil
		}
		msgs, flag := deadlineMessages(cal, b, req)
		if err := notify.Enqueue(tx, msgs...); err != nil {
			return err
		}
		if flag != "" {
			if err := a.editFlags(tx, req.CycleID, req.OrgCode, flagEdit{add: []string{flag}}); err != nil {
				return err
			}
		}
		return audit.Record(tx, a.now(), b.system(), audit.Event{
			Action: action, TargetType: "participant", TargetID: b.target(),
			After: map[string]any{"kind": req.Kind, "round": req.Round, "due": req.Due.UTC(), "step": name},
		})
	})
	if err != nil {
		return failed(err, "send %s of %s in %s", name, req.OrgCode, req.CycleID)
	}
	return nil
}

// stillOwes reports whether the participant, as the locked read model
// row shows it, still owes the deadline the step is about.
func stillOwes(p models.Participant, req wire.DeadlineStepRequest) bool {
	if rules.WorkingTo(wire.Stage(p.Stage)) != req.Kind {
		return false
	}
	if req.Kind == wire.DeadlineSubmission {
		return p.Round == req.Round && p.SubmissionDue.Equal(req.Due)
	}
	return p.PublicationDue.Equal(req.Due)
}

// stepAction is the audit action of a step; "" for an unknown step.
func stepAction(name string) string {
	switch {
	case name == wire.StepOverdue:
		return "deadline.overdue"
	case name == wire.StepEscalation:
		return "deadline.escalated"
	case strings.HasPrefix(name, wire.StepReminderPrefix):
		return "deadline.reminder"
	}
	return ""
}

// deadlineMessages writes a step's notifications and names the flag it
// sets.
func deadlineMessages(cal *calendar.Calendar, b bureau, req wire.DeadlineStepRequest) ([]notify.Message, string) {
	title, label, due := b.cycle.Title, deadlineLabel(req.Kind, req.Round), dateText(req.Due)
	key := func(to string) string { return req.Step.Key + "/" + to }
	switch req.Step.Name {
	case wire.StepOverdue:
		after := b.cycle.Settings.WithDefaults().EscalateAfterWorkdays
		return []notify.Message{b.toBureau(key("bureau"), notify.KindOverdue,
			fmt.Sprintf("【逾期】%s：%s已超过截止日期", title, label),
			fmt.Sprintf("%s：\n《%s》的%s截止日期%s已过，贵单位尚未完成。请尽快完成%s；逾期%d个工作日仍未完成的，将报%s督办。",
				b.org.Name, title, label, due, label, after, b.office.Name))}, FlagOverdue
	case wire.StepEscalation:
		late := max(cal.WorkdaysBetween(req.Due, req.At), 1)
		return []notify.Message{
			b.toOffice(key("office"), notify.KindEscalation,
				fmt.Sprintf("【督办】%s%s已逾期%d个工作日", b.org.Name, label, late),
				fmt.Sprintf("%s（%s）《%s》的%s截止日期为%s，至%s已逾期%d个工作日，仍未完成。请督促该单位尽快完成。",
					b.org.Name, b.org.Code, title, label, due, chinatime.FormatDate(req.At), late)),
			b.toBureau(key("bureau"), notify.KindEscalation,
				fmt.Sprintf("【督办】%s：%s已逾期%d个工作日", title, label, late),
				fmt.Sprintf("%s：\n《%s》的%s截止日期为%s，贵单位已逾期%d个工作日仍未完成，已报%s督办。请立即完成%s。",
					b.org.Name, title, label, due, late, b.office.Name, label)),
		}, FlagEscalated
	}
	left := cal.WorkdaysBetween(req.At, req.Due)
	when := fmt.Sprintf("距截止还有%d个工作日", left)
	if left <= 0 {
		when = "今天是截止日，请于今日内完成"
	}
	return []notify.Message{b.toBureau(key("bureau"), notify.KindReminder,
		fmt.Sprintf("【提醒】%s：%s截止日期为%s", title, label, chinatime.FormatDate(req.Due)),
		fmt.Sprintf("%s：\n《%s》的%s截止日期为%s，%s。如确有困难，可在系统中申请延期。",
			b.org.Name, title, label, due, when))}, ""
}
