package activities

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/lawcycle/lawcycle/audit"
	"github.com/lawcycle/lawcycle/models"
	"github.com/lawcycle/lawcycle/notify"
	"github.com/lawcycle/lawcycle/wire"
)

// Milestone entry statuses (models.Milestone.Entries).
const (
	MilestoneMissing      = "missing"
	MilestoneLate         = "late"
	MilestoneNotPublished = "not_published"
)

// milestoneEntry is one bureau of a milestone's list.
type milestoneEntry struct {
	OrgCode string `json:"org_code"`
	OrgName string `json:"org_name"`
	Stage   string `json:"stage"`
	Status  string `json:"status"`
}

// CompileMilestone lists, when a cycle deadline passes, the bureaus that
// missed it (docs/domain.md#milestones): at the submission deadline those that never
// submitted, at the publication deadline those not published and those
// published late. The office is told, and passing the publication
// deadline moves the cycle to closing. Compiling again (after a cycle
// extension, or on retry) replaces the list.
func (a *Activities) CompileMilestone(ctx context.Context, req wire.MilestoneRequest) (wire.MilestoneResult, error) {
	if !req.Kind.Valid() {
		return wire.MilestoneResult{}, invalid("BadMilestone", "unknown milestone kind %q", req.Kind)
	}
	var listed int
	err := a.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		cycle, err := loadCycle(tx, req.CycleID)
		if err != nil {
			return err
		}
		var office models.Organisation
		if err := tx.Take(&office, cycle.OfficeID).Error; err != nil {
			return fmt.Errorf("load office: %w", err)
		}
		entries, err := milestoneEntries(tx, req)
		if err != nil {
			return err
		}
		listed = len(entries)
		encoded, err := json.Marshal(entries)
		if err != nil {
			return fmt.Errorf("encode milestone: %w", err)
		}
		var before models.Milestone
		err = tx.Take(&before, "cycle_id = ? AND kind = ?", req.CycleID, req.Kind).Error
		if err != nil && !errors.Is(err, gorm.ErrRecordNotFound) {
			return fmt.Errorf("load milestone: %w", err)
		}
		unchanged := err == nil && before.Due.Equal(req.Due) && before.Entries == string(encoded)
		row := models.Milestone{CycleID: req.CycleID, Kind: string(req.Kind), Due: req.Due.UTC(), Listed: listed,
			Entries: string(encoded), CompiledAt: req.At.UTC()}
		if err := tx.Clauses(clause.OnConflict{
			Columns:   []clause.Column{{Name: "cycle_id"}, {Name: "kind"}},
			DoUpdates: clause.AssignmentColumns([]string{"due", "listed", "entries", "compiled_at"}),
		}).Create(&row).Error; err != nil {
			return fmt.Errorf("store milestone: %w", err)
		}
		if req.Kind == wire.DeadlinePublication {
			if err := tx.Model(&models.Cycle{}).Where("id = ? AND status = ?", req.CycleID, models.CycleOpen).
				Updates(map[string]any{"status": models.CycleClosing, "closing_at": req.At.UTC(), "updated_at": a.now()}).Error; err != nil {
				return fmt.Errorf("begin closing: %w", err)
			}
		}
		if listed > 0 {
			if err := notify.Enqueue(tx, milestoneMessage(cycle, office, req, entries)); err != nil {
				return err
			}
		}
		if unchanged {
			return nil
		}
		return audit.Record(tx, a.now(), systemActor(office.Code), audit.Event{
			Action: "milestone.compiled", TargetType: "cycle", TargetID: req.CycleID,
			After: map[string]any{"kind": req.Kind, "due": req.Due.UTC(), "listed": listed},
		})
	})
	if err != nil {
		return wire.MilestoneResult{}, failed(err, "compile %s milestone of %s", req.Kind, req.CycleID)
	}
	return wire.MilestoneResult{Listed: listed}, nil
}

// milestoneEntries lists the bureaus that missed the deadline, in code
// order. A bureau whose own due date was extended past the cycle's has
// missed nothing yet.
func milestoneEntries(tx *gorm.DB, req wire.MilestoneRequest) ([]milestoneEntry, error) {
	entries := []milestoneEntry{}
	q := tx.Table("cycle_participants AS p").
		Select("p.org_code AS org_code, o.name AS org_name, p.stage AS stage, ? AS status", MilestoneMissing).
		Joins("JOIN organisations o ON o.id = p.org_id").
		Where("p.cycle_id = ?", req.CycleID).Order("p.org_code")
	if req.Kind == wire.DeadlineSubmission {
		q = q.Where("p.stage IN ? AND p.round <= 1 AND p.submission_due <= ?", owingFirstSubmission, req.Due.UTC()).
			Where("NOT EXISTS (SELECT 1 FROM submissions s WHERE s.cycle_id = p.cycle_id AND s.org_code = p.org_code)")
		if err := q.Scan(&entries).Error; err != nil {
			return nil, fmt.Errorf("list bureaus without submission: %w", err)
		}
		return entries, nil
	}
	q = q.Select("p.org_code AS org_code, o.name AS org_name, p.stage AS stage, "+
		"CASE WHEN pub.id IS NULL THEN ? ELSE ? END AS status", MilestoneNotPublished, MilestoneLate).
		Joins("LEFT JOIN publications pub ON pub.cycle_id = p.cycle_id AND pub.org_code = p.org_code").
		Where("((pub.id IS NULL AND p.stage <> ? AND p.publication_due <= ?) OR pub.late = ?)",
			wire.StageCompleted, req.Due.UTC(), true)
	if err := q.Scan(&entries).Error; err != nil {
		return nil, fmt.Errorf("list bureaus not published on time: %w", err)
	}
	return entries, nil
}

// owingFirstSubmission are the stages of a bureau that has not submitted
// its first return.
var owingFirstSubmission = []string{string(wire.StagePending), string(wire.StageNotified), string(wire.StageAwaitingSubmission)}

// milestoneMessageEntries bounds the list in the message; the milestone
// row and the summary hold all of it.
const milestoneMessageEntries = 100

// milestoneMessage tells the office who missed the deadline.
func milestoneMessage(cycle models.Cycle, office models.Organisation, req wire.MilestoneRequest, entries []milestoneEntry) notify.Message {
	var body strings.Builder
	var subject string
	if req.Kind == wire.DeadlineSubmission {
		subject = fmt.Sprintf("【逾期】%s：报送截止，%d个单位未报送", cycle.Title, len(entries))
		fmt.Fprintf(&body, "《%s》的报送截止日期%s已过，以下%d个单位尚未报送：\n", cycle.Title, dateText(req.Due), len(entries))
	} else {
		subject = fmt.Sprintf("【逾期】%s：公开截止，%d个单位未按时公开", cycle.Title, len(entries))
		fmt.Fprintf(&body, "《%s》的公开截止日期%s已过，以下%d个单位未按时公开：\n", cycle.Title, dateText(req.Due), len(entries))
	}
	statuses := map[string]string{MilestoneMissing: "未报送", MilestoneNotPublished: "未公开", MilestoneLate: "逾期公开"}
	for i, e := range entries {
		if i == milestoneMessageEntries {
			fmt.Fprintf(&body, "……（其余%d个单位略）\n", len(entries)-i)
			break
		}
		fmt.Fprintf(&body, "%d. %s（%s，%s）\n", i+1, e.OrgName, wire.Stage(e.Stage).Label(), statuses[e.Status])
	}
	body.WriteString("完整名单可在周期页面查看，并随汇总表导出。")
	key := notify.Key(wire.CycleWorkflowID(cycle.ID), "milestone", string(req.Kind), req.Due.UTC().Format("20060102T150405Z"))
	return notify.Message{Key: key, Kind: notify.KindOverdue, OrgCode: office.Code, Link: "/cycles/" + cycle.ID,
		Subject: clip(subject, notify.MaxSubjectLength), Body: clip(body.String(), notify.MaxBodyLength)}
}
