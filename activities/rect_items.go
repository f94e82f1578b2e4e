package activities

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/url"
	"time"

	"go.temporal.io/sdk/temporal"
	"gorm.io/gorm"

	"github.com/lawcycle/lawcycle/audit"
	"github.com/lawcycle/lawcycle/calendar"
	"github.com/lawcycle/lawcycle/models"
	"github.com/lawcycle/lawcycle/notify"
	"github.com/lawcycle/lawcycle/wire"
)

// rectItem is an item's read-model row with what messages and audit
// events about it name.
type rectItem struct {
	bureau
	row models.RectItem
}

// loadRectItem reads an item's row, locked, with its bureau.
func loadRectItem(tx *gorm.DB, cycleID, orgCode, itemID string) (rectItem, error) {
	var it rectItem
	var err error
	if it.bureau, err = loadBureau(tx, cycleID, orgCode); err != nil {
		return it, err
	}
	err = tx.Clauses(lockRow).Scopes(models.OfBureau(cycleID, orgCode)).Where("item_id = ?", itemID).Take(&it.row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return it, temporal.NewNonRetryableApplicationError(
			fmt.Sprintf("rectification item %s of %s is not in cycle %s", itemID, orgCode, cycleID), "RectItemNotFound", err)
	}
	if err != nil {
		return it, fmt.Errorf("load rectification item: %w", err)
	}
	return it, nil
}

// itemChange changes an item's locked row, with the office's calendar and
// the cycle's settings at hand.
type itemChange func(tx *gorm.DB, it *rectItem, cal *calendar.Calendar, settings models.CycleSettings) error

// changeItem runs change on the item's locked row in a transaction and
// answers with the item as the change left it. The calendar is read
// before the transaction: its source reads through its own connection.
func (a *Activities) changeItem(ctx context.Context, cycleID, orgCode, itemID string, change itemChange) (wire.RectState, error) {
	cycle, cal, err := a.cycleCalendar(ctx, cycleID)
	if err != nil {
		return wire.RectState{}, err
	}
	var st wire.RectState
	err = a.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		it, err := loadRectItem(tx, cycleID, orgCode, itemID)
		if err != nil {
			return err
		}
		if err := change(tx, &it, cal, cycle.Settings.WithDefaults()); err != nil {
			return err
		}
		st = rectState(it.row)
		return nil
	})
	return st, err
}

// saveItem writes the changed row with its notifications and its audit
// event (the row before and after, and what else says what happened).
func (a *Activities) saveItem(tx *gorm.DB, it *rectItem, before models.RectItem, action string, actor audit.Actor,
	extra map[string]any, msgs ...notify.Message) error {
	it.row.UpdatedAt = a.now()
	if err := tx.Save(&it.row).Error; err != nil {
		return fmt.Errorf("update item: %w", err)
	}
	if err := notify.Enqueue(tx, msgs...); err != nil {
		return err
	}
	after := rectAudit(it.row)
	maps.Copy(after, extra)
	return audit.Record(tx, a.now(), actor, audit.Event{
		Action: action, TargetType: "rect_item", TargetID: it.target(), Before: rectAudit(before), After: after,
	})
}

// rectAudit is what the audit log keeps of an item's row.
func rectAudit(r models.RectItem) map[string]any {
	return map[string]any{"status": r.Status, "due": r.Due, "final_due": r.FinalDue, "check_in": r.CheckIn,
		"level": r.Level, "evidence": r.Evidence, "seq": r.Seq}
}

// rectState is what the item workflow learns from the row.
func rectState(row models.RectItem) wire.RectState {
	return wire.RectState{
		CycleID: row.CycleID, OrgCode: row.OrgCode, ItemID: row.ItemID, Status: wire.RectStatus(row.Status),
		Category: wire.RectCategory(row.Category), Due: utcOrZero(row.Due), FinalDue: utcOrZero(row.FinalDue),
		CheckIn: row.CheckIn, Level: row.Level, Evidence: row.Evidence, Seq: row.Seq,
	}
}

func utcOrZero(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.UTC()
}

func utcPtr(t time.Time) *time.Time {
	t = t.UTC()
	return &t
}

// target is the item's audit target id.
func (it rectItem) target() string { return it.bureau.target() + "/rect/" + it.row.ItemID }

// key is the prefix of the item's notification keys.
func (it rectItem) key(parts ...string) string {
	return notify.Key(append([]string{wire.RectificationWorkflowID(it.cycle.ID, it.org.Code, it.row.ItemID)}, parts...)...)
}

// message is a notification about the item, linked to its page.
func (it rectItem) message(key string, kind notify.Kind, to, subject, body string) notify.Message {
	m := it.bureau.message(key, kind, to, subject, body)
	m.Link = bureauLink(it.cycle.ID, it.org.Code) + "/rectifications/" + url.PathEscape(it.row.ItemID)
	return m
}

func (it rectItem) toBureau(key string, kind notify.Kind, subject, body string) notify.Message {
	return it.message(key, kind, it.org.Code, subject, body)
}

func (it rectItem) toOffice(key string, kind notify.Kind, subject, body string) notify.Message {
	return it.message(key, kind, it.office.Code, subject, body)
}

// brief is the item's description shortened for a subject line.
func (it rectItem) brief() string { return "「" + clip(it.row.Description, 24) + "」" }

// named is how a message body names the item: number, description,
// category.
func (it rectItem) named() string {
	return fmt.Sprintf("整改事项（编号%s）「%s」（%s）", it.row.ItemID, it.row.Description, wire.RectCategory(it.row.Category).Label())
}

// addNote appends an entry to the item's history, with its evidence.
func addNote(tx *gorm.DB, row models.RectItem, seq int, kind, text string, by wire.Actor, at time.Time, evidence []wire.RectEvidence) error {
	note := models.RectNote{ItemRowID: row.ID, CycleID: row.CycleID, OrgCode: row.OrgCode, ItemID: row.ItemID, Seq: seq,
		Kind: kind, Text: text, AuthorID: userID(by), AuthorName: clip(authorName(by), 64), AuthorRole: clip(by.Role, 32), At: at.UTC()}
	if err := tx.Create(&note).Error; err != nil {
		return fmt.Errorf("insert %s note: %w", kind, err)
	}
	if len(evidence) == 0 {
		return nil
	}
	rows := make([]models.RectEvidence, len(evidence))
	for i, e := range evidence {
		rows[i] = models.RectEvidence{NoteID: note.ID, OrgCode: row.OrgCode, ItemID: row.ItemID, SHA: e.SHA,
			Name: clip(e.Name, 255), Size: e.Size, ContentType: clip(e.ContentType, 100)}
	}
	if err := tx.Create(&rows).Error; err != nil {
		return fmt.Errorf("insert evidence: %w", err)
	}
	return nil
}

func authorName(by wire.Actor) string {
	if by.Name == "" {
		return "system"
	}
	return by.Name
}

// replayStatus is an item's status as its history tells it: what it was
// before it was carried over (a closure request still waits for the
// office in the next cycle).
func replayStatus(tx *gorm.DB, orgCode, itemID string) (wire.RectStatus, error) {
	var kinds []string
	if err := tx.Model(&models.RectNote{}).Where("org_code = ? AND item_id = ?", orgCode, itemID).
		Order("id").Pluck("kind", &kinds).Error; err != nil {
		return "", fmt.Errorf("read item history: %w", err)
	}
	status := wire.RectOpen
	for _, k := range kinds {
		switch k {
		case models.RectNoteProgress:
			if status == wire.RectOpen {
				status = wire.RectInProgress
			}
		case models.RectNoteClosure:
			status = wire.RectClosureRequested
		case models.RectNoteRejected:
			status = wire.RectInProgress
		case models.RectNoteClosed:
			status = wire.RectClosed
		}
	}
	return status, nil
}
