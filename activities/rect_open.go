package activities

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/lawcycle/lawcycle/audit"
	"github.com/lawcycle/lawcycle/calendar"
	"github.com/lawcycle/lawcycle/models"
	"github.com/lawcycle/lawcycle/notify"
	"github.com/lawcycle/lawcycle/wire"
)

// RecordRectOpen records an item in the ledger as its workflow starts: a
// new row numbered within the cycle, its due date computed on the office's
// calendar, the bureau told and the opening audited, in one transaction.
// A carried item continues its row of the previous cycle (fields, due
// dates, escalation, status before the carry). A retry, or a second start
// of the same item, finds the row and answers with it.
func (a *Activities) RecordRectOpen(ctx context.Context, in wire.RectInput) (wire.RectState, error) {
	cycle, cal, err := a.cycleCalendar(ctx, in.CycleID)
	if err != nil {
		return wire.RectState{}, err
	}
	settings := cycle.Settings.WithDefaults()
	var st wire.RectState
	err = a.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		b, err := loadBureau(tx, in.CycleID, in.OrgCode)
		if err != nil {
			return err
		}
		it := rectItem{bureau: b}
		switch err := tx.Scopes(models.OfBureau(in.CycleID, in.OrgCode)).Where("item_id = ?", in.ItemID).
			Take(&it.row).Error; {
		case err == nil:
			st = rectState(it.row)
			return nil
		case !errors.Is(err, gorm.ErrRecordNotFound):
			return fmt.Errorf("look for the item: %w", err)
		}
		now := a.now()
		if in.Carry != nil {
			it.row, err = carriedRow(tx, in, b, now)
		} else {
			it.row, err = newRectRow(cal, settings, in, b, now)
		}
		if err != nil {
			return err
		}
		if it.row.Serial, err = nextSerial(tx, "ledger/"+in.CycleID); err != nil {
			return err
		}
		if err := tx.Create(&it.row).Error; err != nil {
			return fmt.Errorf("insert item: %w", err)
		}
		st = rectState(it.row)
		if err := notify.Enqueue(tx, openedMessage(it, settings)); err != nil {
			return err
		}
		return audit.Record(tx, now, actorOf(in.Spec.By, b.office.Code), audit.Event{
			Action: "rect.opened", TargetType: "rect_item", TargetID: it.target(),
			After: map[string]any{"source": it.row.Source, "source_ref": it.row.SourceRef, "category": it.row.Category,
				"status": it.row.Status, "due": it.row.Due, "check_in": it.row.CheckIn, "serial": it.row.Serial,
				"carried_from": it.row.CarriedFrom, "origin_cycle": it.row.OriginCycleID},
		})
	})
	if err != nil {
		return wire.RectState{}, failed(err, "record item %s of %s in %s", in.ItemID, in.OrgCode, in.CycleID)
	}
	return st, nil
}

// newRectRow is the row of an item that starts in this cycle.
func newRectRow(cal *calendar.Calendar, settings models.CycleSettings, in wire.RectInput, b bureau, now time.Time) (models.RectItem, error) {
	spec, f := in.Spec, in.Spec.Fields
	switch {
	case strings.TrimSpace(in.ItemID) == "":
		return models.RectItem{}, invalid("BadRectItem", "item of %s in %s has no id", in.OrgCode, in.CycleID)
	case strings.TrimSpace(f.Description) == "":
		return models.RectItem{}, refused("请填写问题描述")
	case !f.Category.Valid():
		return models.RectItem{}, refused("整改类别“%s”无效，应为立行立改、限期整改或长期坚持", f.Category)
	case spec.Source != wire.RectFromReturn && spec.Source != wire.RectFromFinding && spec.Source != wire.RectFromOffice:
		return models.RectItem{}, invalid("BadRectItem", "item %s has unknown source %q", in.ItemID, spec.Source)
	}
	due, checkIn, err := openingDue(cal, settings, f, now)
	if err != nil {
		return models.RectItem{}, err
	}
	row := models.RectItem{
		CycleID: in.CycleID, OrgCode: in.OrgCode, ItemID: in.ItemID, OrgID: b.org.ID,
		Source: string(spec.Source), SourceRef: clip(spec.SourceRef, 200), OriginCycleID: in.CycleID,
		Description: strings.TrimSpace(f.Description), Cause: f.Cause, Measures: f.Measures,
		Department: clip(f.Department, 200), Person: clip(f.Person, 100), Category: string(f.Category),
		Due: utcPtr(due), CheckIn: checkIn, Status: string(wire.RectOpen),
		CreatedBy: clip(spec.By.Name, 64), CreatedAt: now, UpdatedAt: now,
	}
	if spec.CommentID != 0 {
		id := spec.CommentID
		row.CommentID = &id
	}
	return row, nil
}

// carriedRow continues an item of the bureau's previous cycle: the same
// id, source and fields, its due dates and escalation, its status before
// the carry (from its history), its evidence count; the review comment
// stays with the original row (one item per comment).
func carriedRow(tx *gorm.DB, in wire.RectInput, b bureau, now time.Time) (models.RectItem, error) {
	var prev models.RectItem
	err := tx.Scopes(models.OfBureau(in.Carry.FromCycleID, in.OrgCode)).Where("item_id = ?", in.ItemID).Take(&prev).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return prev, invalid("RectItemNotFound", "carried item %s of %s is not in cycle %s", in.ItemID, in.OrgCode, in.Carry.FromCycleID)
	}
	if err != nil {
		return prev, fmt.Errorf("load carried item: %w", err)
	}
	status, err := replayStatus(tx, in.OrgCode, in.ItemID)
	if err != nil {
		return prev, err
	}
	if status.Final() {
		return prev, invalid("RectItemClosed", "carried item %s of %s is %s", in.ItemID, in.OrgCode, status)
	}
	origin := in.Carry.OriginCycleID
	if origin == "" {
		origin = prev.OriginCycleID
	}
	row := prev
	row.ID, row.CycleID, row.OrgID, row.Serial, row.CommentID = 0, in.CycleID, b.org.ID, 0, nil
	row.OriginCycleID, row.CarriedFrom, row.Status, row.Seq = origin, in.Carry.FromCycleID, string(status), 0
	row.ClosedAt, row.ClosedBy, row.CreatedAt, row.UpdatedAt = nil, "", now, now
	return row, nil
}

// openedMessage tells the bureau of a new or carried item.
func openedMessage(it rectItem, settings models.CycleSettings) notify.Message {
	row, title := it.row, it.cycle.Title
	var due string
	switch {
	case row.Category == string(wire.RectOngoing):
		due = fmt.Sprintf("长期坚持，每%d个月报告一次整改进展，第%d次报告截止%s", settings.RectCheckInMonths, row.CheckIn, dateText(*row.Due))
	case row.Due != nil:
		due = dateText(*row.Due)
	}
	if row.CarriedFrom != "" {
		return it.toBureau(it.key("opened"), notify.KindRectification,
			fmt.Sprintf("【整改结转】%s：上年度未销号的整改事项%s转入本年度", title, it.brief()),
			fmt.Sprintf("%s：\n贵单位上年度的%s尚未销号，已结转至《%s》继续整改，原有整改记录和佐证材料一并保留。\n整改时限：%s\n请继续整改并在系统中报告进展；完成后上传佐证材料申请销号。",
				it.org.Name, it.named(), title, due))
	}
	source := wire.RectSource(row.Source).Label()
	if row.SourceRef != "" {
		source += "（" + row.SourceRef + "）"
	}
	return it.toBureau(it.key("opened"), notify.KindRectification,
		fmt.Sprintf("【整改】%s：新增整改事项%s", title, it.brief()),
		fmt.Sprintf("%s：\n《%s》新增贵单位%s。\n问题来源：%s\n整改措施：%s\n责任人：%s\n整改时限：%s\n请按期整改并在系统中报告整改进展；完成后上传佐证材料申请销号，经法治办核验后销号。",
			it.org.Name, title, it.named(), source, orNone(row.Measures), orNone(row.Person), due))
}
