package activities

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/lawcycle/lawcycle/calendar"
	"github.com/lawcycle/lawcycle/internal/chinatime"
	"github.com/lawcycle/lawcycle/models"
	"github.com/lawcycle/lawcycle/notify"
	"github.com/lawcycle/lawcycle/wire"
)

// DeadlineStep.Kind of the steps of rectification items.
const rectStepKind = "rectification"

// Escalation levels of an item (models.RectItem.Level).
const (
	levelReminded   = 1 // 提醒
	levelSupervised = 2 // 督办/告诫
	levelSummoned   = 3 // 约谈/通报
)

// PlanRectDeadline lays out the steps of an item's current due date (its
// own, or its current check-in's) on the office's calendar: 提醒 at 09:00
// some working days before the due day, 督办/告诫 a second after the due
// instant, setting a final deadline some working days later, and 约谈/通报
// a second after that. An item opened after its due date had passed (a
// self-reported problem planned for last year) gets its final deadline
// counted from the day the plan is made, not from the past.
func (a *Activities) PlanRectDeadline(ctx context.Context, req wire.RectPlanRequest) (wire.RectPlan, error) {
	cycle, cal, err := a.cycleCalendar(ctx, req.CycleID)
	if err != nil {
		return wire.RectPlan{}, err
	}
	var row models.RectItem
	err = a.DB.WithContext(ctx).Scopes(models.OfBureau(req.CycleID, req.OrgCode)).Where("item_id = ?", req.ItemID).
		Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return wire.RectPlan{}, invalid("RectItemNotFound", "item %s of %s is not in cycle %s", req.ItemID, req.OrgCode, req.CycleID)
	}
	if err != nil {
		return wire.RectPlan{}, fmt.Errorf("load item %s of %s in %s: %w", req.ItemID, req.OrgCode, req.CycleID, err)
	}
	if req.Due.IsZero() {
		if row.Due == nil {
			return wire.RectPlan{CheckIn: row.CheckIn}, nil
		}
		req.Due, req.CheckIn = *row.Due, row.CheckIn
	}
	return planRect(cal, cycle.Settings.WithDefaults(), row, req), nil
}

// planRect plans the due date asked about, which the row may have left
// since (a check-in completed meanwhile): its steps are then dropped when
// they come. The final deadline the 督办 of this due date already set
// stands.
func planRect(cal *calendar.Calendar, settings models.CycleSettings, row models.RectItem, req wire.RectPlanRequest) wire.RectPlan {
	due := req.Due.UTC()
	plan := wire.RectPlan{CheckIn: req.CheckIn, Due: due}
	if row.FinalDue != nil && row.Due != nil && row.Due.Equal(due) {
		plan.FinalDue = row.FinalDue.UTC()
	} else {
		base := calendar.DateOf(due)
		if today := calendar.DateOf(req.From); today.After(base) {
			base = today
		}
		plan.FinalDue = cal.AddWorkdaysDate(base, settings.RectSuperviseWorkdays).EndOfDay().UTC()
	}
	step := func(name string, at time.Time) {
		plan.Steps = append(plan.Steps, wire.DeadlineStep{Name: name, At: at.UTC(),
			Key: wire.RectStepKey(row.CycleID, row.OrgCode, row.ItemID, req.CheckIn, due, name)})
	}
	for _, r := range reminders(cal, settings.RectReminderWorkdays, due, req.From) {
		step(wire.ReminderStep(r.workdays), r.at)
	}
	step(wire.StepRectSupervise, due.Add(time.Second))
	step(wire.StepRectSummon, plan.FinalDue.Add(time.Second))
	return plan
}

// rectStep is what a step of an item is: its audit action and the
// escalation level it reaches; ok is false for an unknown step.
func rectStep(name string) (action string, level int, ok bool) {
	switch {
	case name == wire.StepRectSupervise:
		return "rect.supervised", levelSupervised, true
	case name == wire.StepRectSummon:
		return "rect.summoned", levelSummoned, true
	case strings.HasPrefix(name, wire.StepReminderPrefix):
		return "rect.reminder", levelReminded, true
	}
	return "", 0, false
}

// SendRectStep sends one step of an item's plan: the notifications (the
// bureau; the office too for 约谈/通报), the item's escalation level and,
// for 督办, its final deadline, the step's row and its audit event, in one
// transaction. The row's unique key makes a step happen once; a step the
// item no longer owes (closed, closure requested, due date moved, check-in
// done, already escalated further) is dropped unrecorded. It answers with
// the item as it stands.
func (a *Activities) SendRectStep(ctx context.Context, req wire.RectStepRequest) (wire.RectState, error) {
	action, level, ok := rectStep(req.Step.Name)
	if !ok || req.Step.Key == "" || req.Plan.Due.IsZero() {
		return wire.RectState{}, invalid("BadRectStep", "unknown step %q of item %s", req.Step.Name, req.ItemID)
	}
	st, err := a.changeItem(ctx, req.CycleID, req.OrgCode, req.ItemID,
		func(tx *gorm.DB, it *rectItem, cal *calendar.Calendar, _ models.CycleSettings) error {
			if !owesRectStep(it.row, req.Plan, level) {
				return nil
			}
			row := models.DeadlineStep{Key: req.Step.Key, CycleID: req.CycleID, OrgCode: req.OrgCode, Kind: rectStepKind,
				Round: req.Plan.CheckIn, Step: req.Step.Name, Due: req.Plan.Due.UTC(), SentAt: req.At.UTC()}
			res := tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "key"}}, DoNothing: true}).Create(&row)
			if res.Error != nil {
				return fmt.Errorf("record step: %w", res.Error)
			}
			if res.RowsAffected == 0 {
				return nil
			}
			before := it.row
			it.row.Level = max(it.row.Level, level)
			if level == levelSupervised {
				it.row.FinalDue = utcPtr(req.Plan.FinalDue)
			}
			return a.saveItem(tx, it, before, action, it.system(), map[string]any{"step": req.Step.Name},
				rectStepMessages(cal, *it, req)...)
		})
	if err != nil {
		return wire.RectState{}, failed(err, "send %s of item %s of %s in %s", req.Step.Name, req.ItemID, req.OrgCode, req.CycleID)
	}
	return st, nil
}

// owesRectStep reports whether the item, as its locked row shows it,
// still owes the due date the step is about and has not been escalated
// past the step: a reminder after the 督办 would be wrong, and a carried
// item already summoned last year is not supervised again.
func owesRectStep(row models.RectItem, plan wire.RectPlan, level int) bool {
	status := wire.RectStatus(row.Status)
	switch {
	case status != wire.RectOpen && status != wire.RectInProgress:
		return false
	case row.Due == nil || !row.Due.Equal(plan.Due) || row.CheckIn != plan.CheckIn:
		return false
	case level == levelReminded:
		return row.Level < levelSupervised
	}
	return row.Level < level
}

// rectStepMessages writes a step's notifications.
func rectStepMessages(cal *calendar.Calendar, it rectItem, req wire.RectStepRequest) []notify.Message {
	title, due, final := it.cycle.Title, dateText(req.Plan.Due), dateText(req.Plan.FinalDue)
	key := func(to string) string { return req.Step.Key + "/" + to }
	what := "整改时限"
	if req.Plan.CheckIn > 0 {
		what = fmt.Sprintf("第%d次阶段性进展报告截止日期", req.Plan.CheckIn)
	}
	switch req.Step.Name {
	case wire.StepRectSupervise:
		return []notify.Message{it.toBureau(key("bureau"), notify.KindEscalation,
			fmt.Sprintf("【督办】%s：整改事项%s已逾期", title, it.brief()),
			fmt.Sprintf("%s：\n贵单位%s的%s%s已过，尚未完成。现予督办（告诫），请于%s前完成整改并在系统中报告；逾期仍未完成的，%s将予以约谈并视情况通报。",
				it.org.Name, it.named(), what, due, final, it.office.Name))}
	case wire.StepRectSummon:
		return []notify.Message{
			it.toBureau(key("bureau"), notify.KindEscalation,
				fmt.Sprintf("【约谈通报】%s：整改事项%s督办期限已过仍未完成", title, it.brief()),
				fmt.Sprintf("%s：\n贵单位%s的%s为%s，督办最后期限%s已过，仍未完成。%s将约谈贵单位负责人，并视情况予以通报。请立即完成整改。",
					it.org.Name, it.named(), what, due, final, it.office.Name)),
			it.toOffice(key("office"), notify.KindEscalation,
				fmt.Sprintf("【约谈通报】%s整改事项%s督办期限已过仍未完成", it.org.Name, it.brief()),
				fmt.Sprintf("%s（%s）%s的%s为%s，督办最后期限%s已过，仍未完成。请按规定约谈该单位负责人，并视情况予以通报。",
					it.org.Name, it.org.Code, it.named(), what, due, final)),
		}
	}
	left := cal.WorkdaysBetween(req.At, req.Plan.Due)
	when := fmt.Sprintf("距截止还有%d个工作日", left)
	if left <= 0 {
		when = "今天是截止日"
	}
	ask := "请抓紧整改，完成后在系统中上传佐证材料申请销号。"
	if req.Plan.CheckIn > 0 {
		ask = "请按时在系统中报告本阶段整改进展。"
	}
	return []notify.Message{it.toBureau(key("bureau"), notify.KindReminder,
		fmt.Sprintf("【整改提醒】%s：整改事项%s%s为%s", title, it.brief(), what, chinatime.FormatDate(req.Plan.Due)),
		fmt.Sprintf("%s：\n贵单位%s的%s为%s，%s。%s", it.org.Name, it.named(), what, due, when, ask))}
}
