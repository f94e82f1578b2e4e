package activities

import (
	"context"
	"encoding/json"
	"fmt"

	"gorm.io/gorm"

	"github.com/lawcycle/lawcycle/audit"
	"github.com/lawcycle/lawcycle/models"
	"github.com/lawcycle/lawcycle/wire"
)

// RecordBureauClosed records how a bureau stood when its cycle closed: a
// bureau that had not completed is flagged unfinished. The write carries
// the workflow's Seq like a stage change, which makes a retry a no-op.
func (a *Activities) RecordBureauClosed(ctx context.Context, rec wire.BureauClosure) error {
	err := a.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		b, err := loadBureau(tx, rec.CycleID, rec.OrgCode)
		if err != nil {
			return err
		}
		res := tx.Model(&models.Participant{}).
			Scopes(models.OfBureauBefore(rec.CycleID, rec.OrgCode, rec.Seq)).
			Updates(map[string]any{"stage": string(rec.Stage), "round": rec.Round, "stage_seq": rec.Seq, "updated_at": a.now()})
		if res.Error != nil {
			return fmt.Errorf("record closure: %w", res.Error)
		}
		if res.RowsAffected == 0 {
			return nil
		}
		if rec.Stage != wire.StageCompleted {
			if err := a.editFlags(tx, rec.CycleID, rec.OrgCode, flagEdit{add: []string{FlagUnfinished}}); err != nil {
				return err
			}
		}
		return audit.Record(tx, a.now(), b.system(), audit.Event{
			Action: "bureau.closed", TargetType: "participant", TargetID: b.target(),
			After: map[string]any{"stage": rec.Stage, "round": rec.Round, "unfinished": rec.Stage != wire.StageCompleted},
		})
	})
	if err != nil {
		return failed(err, "record closure of %s in %s", rec.OrgCode, rec.CycleID)
	}
	return nil
}

// CloseCycle begins closing the cycle (Final false: open → closing) or
// closes it (Final true: closed, with the outcome compiled and stored).
// Both answer the outcome as it stands; a closed cycle answers the stored
// one, so a retry, or a close asked twice, changes nothing.
func (a *Activities) CloseCycle(ctx context.Context, rec wire.CycleCloseRecord) (wire.CycleOutcome, error) {
	var outcome wire.CycleOutcome
	err := a.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		cycle, err := loadCycle(tx.Clauses(lockRow), rec.CycleID)
		if err != nil {
			return err
		}
		if cycle.Status == models.CycleClosed && cycle.Outcome != "" {
			if err := json.Unmarshal([]byte(cycle.Outcome), &outcome); err != nil {
				return fmt.Errorf("decode stored outcome: %w", err)
			}
			return nil
		}
		if outcome, err = compileOutcome(tx, rec.CycleID); err != nil {
			return err
		}
		var office models.Organisation
		if err := tx.Take(&office, cycle.OfficeID).Error; err != nil {
			return fmt.Errorf("load office: %w", err)
		}
		at := rec.At.UTC()
		updates := map[string]any{"updated_at": a.now()}
		if cycle.ClosingAt == nil {
			updates["closing_at"] = at
		}
		action, status := "cycle.closing", cycle.Status
		if rec.Final {
			encoded, err := json.Marshal(outcome)
			if err != nil {
				return fmt.Errorf("encode outcome: %w", err)
			}
			action, status = "cycle.closed", models.CycleClosed
			updates["closed_at"], updates["outcome"] = at, string(encoded)
		} else {
			if cycle.Status == models.CycleOpen {
				status = models.CycleClosing
			}
			// Closing may have begun already (the publication deadline
			// passed, or this is a retry): the close is recorded once.
			if recorded, err := audited(tx, action, rec.CycleID); err != nil || recorded {
				return err
			}
		}
		updates["status"] = status
		if err := tx.Model(&models.Cycle{}).Where("id = ?", rec.CycleID).Updates(updates).Error; err != nil {
			return fmt.Errorf("mark cycle %s: %w", status, err)
		}
		return audit.Record(tx, a.now(), actorOf(rec.Request.By, office.Code), audit.Event{
			Action: action, TargetType: "cycle", TargetID: rec.CycleID,
			Before: map[string]any{"status": cycle.Status},
			After:  map[string]any{"status": status, "reason": rec.Request.Reason, "outcome": outcome},
		})
	})
	if err != nil {
		return wire.CycleOutcome{}, failed(err, "close cycle %s", rec.CycleID)
	}
	return outcome, nil
}

// audited reports whether an event of action about target was recorded.
func audited(tx *gorm.DB, action, target string) (bool, error) {
	var n int64
	if err := tx.Model(&models.AuditEvent{}).Where("action = ? AND target_id = ?", action, target).Count(&n).Error; err != nil {
		return false, fmt.Errorf("look for %s event: %w", action, err)
	}
	return n > 0, nil
}

// compileOutcome counts how the cycle's bureaus stand.
func compileOutcome(tx *gorm.DB, cycleID string) (wire.CycleOutcome, error) {
	var counts struct {
		Bureaus, Completed, LateSubmitted, LatePublished, NotPublished int
	}
	err := tx.Raw(`SELECT COUNT(*) AS bureaus,
		COALESCE(SUM(CASE WHEN p.stage = ? THEN 1 ELSE 0 END), 0) AS completed,
		COALESCE(SUM(CASE WHEN p.flags LIKE ? THEN 1 ELSE 0 END), 0) AS late_submitted,
		COALESCE(SUM(CASE WHEN pub.late = ? THEN 1 ELSE 0 END), 0) AS late_published,
		COALESCE(SUM(CASE WHEN pub.id IS NULL THEN 1 ELSE 0 END), 0) AS not_published
		FROM cycle_participants p
		LEFT JOIN publications pub ON pub.cycle_id = p.cycle_id AND pub.org_code = p.org_code
		WHERE p.cycle_id = ?`,
		wire.StageCompleted, `%"`+FlagLateSubmission+`"%`, true, cycleID).Scan(&counts).Error
	if err != nil {
		return wire.CycleOutcome{}, fmt.Errorf("count outcome: %w", err)
	}
	return wire.CycleOutcome{Bureaus: counts.Bureaus, Completed: counts.Completed, Unfinished: counts.Bureaus - counts.Completed,
		LateSubmitted: counts.LateSubmitted, LatePublished: counts.LatePublished, NotPublished: counts.NotPublished}, nil
}
