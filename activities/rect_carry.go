package activities

import (
	"context"
	"errors"
	"fmt"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/lawcycle/lawcycle/calendar"
	"github.com/lawcycle/lawcycle/models"
	"github.com/lawcycle/lawcycle/notify"
	"github.com/lawcycle/lawcycle/wire"
)

// CarryRectItem carries an item not closed when its cycle closes into the
// bureau's next cycle: the row becomes carried_over with a note saying so,
// the item waits in rect_carries, the bureau is told and the carry
// audited, in one transaction. Then, if a later cycle of the office that
// includes the bureau is running, the item's workflow starts there at
// once; otherwise the first such cycle adopts it when it notifies the
// bureau (RecordStage). A retry changes nothing twice.
func (a *Activities) CarryRectItem(ctx context.Context, req wire.RectCarryRequest) (wire.RectState, error) {
	var officeID uint
	st, err := a.changeItem(ctx, req.CycleID, req.OrgCode, req.ItemID,
		func(tx *gorm.DB, it *rectItem, _ *calendar.Calendar, _ models.CycleSettings) error {
			officeID = it.office.ID
			if req.Seq <= it.row.Seq || wire.RectStatus(it.row.Status).Final() {
				return nil
			}
			before := it.row
			text := fmt.Sprintf("《%s》已关闭，该事项尚未销号（%s），结转至下一年度继续整改", it.cycle.Title, wire.RectStatus(before.Status).Label())
			if err := addNote(tx, it.row, req.Seq, models.RectNoteCarried, text, wire.Actor{}, req.At, nil); err != nil {
				return err
			}
			carry := models.RectCarry{OfficeID: it.office.ID, OrgCode: req.OrgCode, ItemID: req.ItemID,
				FromCycleID: req.CycleID, FromYear: it.cycle.Year, CarriedAt: req.At.UTC()}
			if err := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&carry).Error; err != nil {
				return fmt.Errorf("record carry: %w", err)
			}
			it.row.Status, it.row.Seq = string(wire.RectCarriedOver), req.Seq
			return a.saveItem(tx, it, before, "rect.carried", it.system(), nil, it.toBureau(it.key("carried"), notify.KindRectification,
				fmt.Sprintf("【整改结转】%s已关闭：整改事项%s结转至下一年度", it.cycle.Title, it.brief()),
				fmt.Sprintf("%s：\n《%s》已关闭，贵单位%s尚未销号，结转至下一年度继续整改，整改记录和佐证材料一并保留。",
					it.org.Name, it.cycle.Title, it.named())))
		})
	if err != nil {
		return wire.RectState{}, failed(err, "carry item %s of %s in %s over", req.ItemID, req.OrgCode, req.CycleID)
	}
	if st.Status != wire.RectCarriedOver {
		return st, nil
	}
	// Looked for after the carry committed: a cycle launched meanwhile
	// either sees the waiting row when it notifies the bureau, or is seen
	// here.
	next, found, err := a.nextCycle(ctx, officeID, req.CycleID, req.OrgCode)
	if err != nil || !found {
		return st, err
	}
	if _, err := a.adoptCarries(ctx, next, req.OrgCode); err != nil {
		return st, failed(err, "start item %s of %s in %s", req.ItemID, req.OrgCode, next.ID)
	}
	return st, nil
}

// nextCycle is the first running cycle of the office after cycleID's year
// that includes the bureau.
func (a *Activities) nextCycle(ctx context.Context, officeID uint, cycleID, orgCode string) (models.Cycle, bool, error) {
	db := a.DB.WithContext(ctx)
	from, err := loadCycle(db, cycleID)
	if err != nil {
		return from, false, err
	}
	var next models.Cycle
	err = db.Joins("JOIN cycle_participants p ON p.cycle_id = cycles.id AND p.org_code = ?", orgCode).
		Where("cycles.office_id = ? AND cycles.year > ? AND cycles.status IN ?", officeID, from.Year,
			[]string{models.CycleOpen, models.CycleClosing}).
		Order("cycles.year, cycles.created_at").Take(&next).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return next, false, nil
	}
	if err != nil {
		return next, false, fmt.Errorf("look for the next cycle of %s: %w", orgCode, err)
	}
	return next, true, nil
}

// adoptCarries starts, in cycle, the workflows of the bureau's items
// waiting from the office's earlier cycles, and marks them adopted. The
// workflow ID makes a second start a no-op, so two adopters racing each
// other start each item once.
func (a *Activities) adoptCarries(ctx context.Context, cycle models.Cycle, orgCode string) (wire.RectStartResult, error) {
	db := a.DB.WithContext(ctx)
	var carries []models.RectCarry
	if err := db.Where("office_id = ? AND org_code = ? AND from_year < ? AND adopted_by = ''", cycle.OfficeID, orgCode, cycle.Year).
		Order("id").Find(&carries).Error; err != nil {
		return wire.RectStartResult{}, fmt.Errorf("list items waiting for %s: %w", orgCode, err)
	}
	var res wire.RectStartResult
	for _, c := range carries {
		var from models.RectItem
		if err := db.Scopes(models.OfBureau(c.FromCycleID, c.OrgCode)).Where("item_id = ?", c.ItemID).
			Take(&from).Error; err != nil {
			return res, fmt.Errorf("load carried item %s: %w", c.ItemID, err)
		}
		in := wire.RectInput{CycleID: cycle.ID, OrgCode: orgCode, ItemID: c.ItemID, Spec: carriedSpec(from),
			Carry: &wire.RectCarry{FromCycleID: c.FromCycleID, OriginCycleID: from.OriginCycleID}}
		if err := a.startRect(ctx, in); err != nil {
			return res, err
		}
		if err := db.Model(&models.RectCarry{}).Where("id = ? AND adopted_by = ''", c.ID).
			Update("adopted_by", cycle.ID).Error; err != nil {
			return res, fmt.Errorf("mark item %s adopted: %w", c.ItemID, err)
		}
		res.ItemIDs = append(res.ItemIDs, c.ItemID)
	}
	if len(res.ItemIDs) > 0 {
		a.Logger.Info("carried rectification items adopted", "cycle", cycle.ID, "org", orgCode, "items", len(res.ItemIDs))
	}
	return res, nil
}

// carriedSpec is the spec a carried item's workflow starts with: what the
// item said, for its history; RecordRectOpen copies the row itself.
func carriedSpec(r models.RectItem) wire.RectSpec {
	return wire.RectSpec{Source: wire.RectSource(r.Source), SourceRef: r.SourceRef, Fields: wire.RectFields{
		Description: r.Description, Cause: r.Cause, Measures: r.Measures, Department: r.Department, Person: r.Person,
		Category: wire.RectCategory(r.Category),
	}}
}

// adoptWaitingItems is RecordStage's part in carry-over: a bureau notified
// in a cycle takes on its items waiting from earlier cycles.
func (a *Activities) adoptWaitingItems(ctx context.Context, ch wire.StageChange) error {
	cycle, err := loadCycle(a.DB.WithContext(ctx), ch.CycleID)
	if err != nil {
		return err
	}
	_, err = a.adoptCarries(ctx, cycle, ch.OrgCode)
	return err
}
