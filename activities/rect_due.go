package activities

import (
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/lawcycle/lawcycle/calendar"
	"github.com/lawcycle/lawcycle/models"
	"github.com/lawcycle/lawcycle/wire"
)

// openingDue is a new item's due date on the office's calendar: a
// 立行立改 item's date, or the cycle's number of working days after it
// opens; a 限期整改 item's date (required); a 长期坚持 item's first
// check-in.
func openingDue(cal *calendar.Calendar, settings models.CycleSettings, f wire.RectFields, opened time.Time) (time.Time, int, error) {
	var dl calendar.Deadline
	switch f.Category {
	case wire.RectOngoing:
		return checkInDue(cal, settings, opened, 1), 1, nil
	case wire.RectImmediate:
		dl = calendar.WorkdaysAfter(settings.RectImmediateWorkdays)
	case wire.RectDeadline:
		if f.Due.IsZero() {
			return time.Time{}, 0, refused("限期整改事项须填写整改时限")
		}
	}
	if !f.Due.IsZero() {
		var err error
		if dl, err = deadline(f.Due); err != nil {
			return time.Time{}, 0, err
		}
	}
	due, err := dueDate(cal, dl, opened)
	if err != nil {
		return time.Time{}, 0, err
	}
	return due.At.UTC(), 0, nil
}

// checkInDue is the due date of a 长期坚持 item's check-in n: the last
// working day on or before the last day of the n-th period of
// RectCheckInMonths months after the item opened.
func checkInDue(cal *calendar.Calendar, settings models.CycleSettings, opened time.Time, n int) time.Time {
	last := checkInPeriodStart(settings, opened, n+1).AddDays(-1)
	if !cal.IsWorkday(last) {
		last = cal.AddWorkdaysDate(last, -1)
	}
	return last.EndOfDay().UTC()
}

// checkInPeriodStart is the first day of check-in n's period: n-1 periods
// after the day the item opened, a day past the end of a shorter month
// falling back to its last day (opened 8月31日, quarterly: 11月30日).
func checkInPeriodStart(settings models.CycleSettings, opened time.Time, n int) calendar.Date {
	d := calendar.DateOf(opened)
	first := time.Date(d.Year, d.Month+time.Month((n-1)*settings.RectCheckInMonths), 1, 0, 0, 0, 0, time.UTC)
	lastDay := first.AddDate(0, 1, -1).Day()
	return calendar.NewDate(first.Year(), first.Month(), min(d.Day, lastDay))
}

// itemOpened is when an item first opened, in the cycle it came from:
// check-in periods run from there across carry-over.
func itemOpened(tx *gorm.DB, row models.RectItem) (time.Time, error) {
	if row.OriginCycleID == "" || row.OriginCycleID == row.CycleID {
		return row.CreatedAt, nil
	}
	var origin models.RectItem
	err := tx.Select("created_at").Scopes(models.OfBureau(row.OriginCycleID, row.OrgCode)).Where("item_id = ?", row.ItemID).Take(&origin).Error
	if err != nil {
		return time.Time{}, fmt.Errorf("load item %s of origin cycle %s: %w", row.ItemID, row.OriginCycleID, err)
	}
	return origin.CreatedAt, nil
}

// completeCheckIn moves a 长期坚持 item to its next check-in when a
// progress note at comes in (or after) the current check-in's period; a
// second note in the same period completes nothing more.
func completeCheckIn(tx *gorm.DB, cal *calendar.Calendar, settings models.CycleSettings, row *models.RectItem, at time.Time) error {
	if row.Category != string(wire.RectOngoing) || row.CheckIn < 1 {
		return nil
	}
	opened, err := itemOpened(tx, *row)
	if err != nil {
		return err
	}
	if at.Before(checkInPeriodStart(settings, opened, row.CheckIn).StartOfDay()) {
		return nil
	}
	row.CheckIn++
	row.Due, row.FinalDue, row.Level = utcPtr(checkInDue(cal, settings, opened, row.CheckIn)), nil, 0
	return nil
}
