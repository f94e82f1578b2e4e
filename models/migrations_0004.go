package models

import (
	"fmt"
	"time"

	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"
)

// Migration 0004 chains the audit log: a sequence number and the hash of
// the previous event on every row (existing rows are chained in id order),
// and triggers that refuse UPDATE and DELETE on audit_events, so tampering
// needs a privileged hand that also drops them, and still shows.

type m0004AuditEvent struct {
	Seq      int64  `gorm:"not null;default:0"`
	PrevHash string `gorm:"size:64;not null;default:''"`
	Hash     string `gorm:"size:64;not null;default:''"`
}

func (m0004AuditEvent) TableName() string { return "audit_events" }

var migration0004 = &gormigrate.Migration{
	ID: "0004_audit_chain",
	Migrate: func(tx *gorm.DB) error {
		for _, col := range []string{"Seq", "PrevHash", "Hash"} {
			if err := tx.Migrator().AddColumn(&m0004AuditEvent{}, col); err != nil {
				return fmt.Errorf("add audit_events.%s: %w", col, err)
			}
		}
		if err := chainExistingAuditEvents(tx); err != nil {
			return err
		}
		if err := tx.Exec("CREATE UNIQUE INDEX idx_audit_events_seq ON audit_events (seq)").Error; err != nil {
			return fmt.Errorf("index audit seq: %w", err)
		}
		for _, stmt := range appendOnlyTriggers(tx.Dialector.Name()) {
			if err := tx.Exec(stmt).Error; err != nil {
				return fmt.Errorf("audit triggers: %w", err)
			}
		}
		return nil
	},
	Rollback: func(tx *gorm.DB) error {
		for _, stmt := range dropAppendOnlyTriggers(tx.Dialector.Name()) {
			if err := tx.Exec(stmt).Error; err != nil {
				return err
			}
		}
		if err := tx.Exec("DROP INDEX idx_audit_events_seq").Error; err != nil {
			return err
		}
		for _, col := range []string{"Hash", "PrevHash", "Seq"} {
			if err := tx.Migrator().DropColumn(&m0004AuditEvent{}, col); err != nil {
				return err
			}
		}
		return nil
	},
}

// chainExistingAuditEvents numbers and hashes the rows written before the
// chain existed, in the order they were written.
func chainExistingAuditEvents(tx *gorm.DB) error {
	type row struct {
		ID                                             uint
		At                                             time.Time
		ActorID                                        *uint
		ActorName, ActorRole, OrgCode, Action          string
		TargetType, TargetID, Before, After, RequestID string
	}
	var rows []row
	if err := tx.Table("audit_events").Order("id").Find(&rows).Error; err != nil {
		return fmt.Errorf("read audit events: %w", err)
	}
	prev := GenesisHash
	for i, r := range rows {
		ev := AuditEvent{Seq: int64(i + 1), At: r.At, ActorID: r.ActorID, ActorName: r.ActorName, ActorRole: r.ActorRole,
			OrgCode: r.OrgCode, Action: r.Action, TargetType: r.TargetType, TargetID: r.TargetID,
			Before: r.Before, After: r.After, RequestID: r.RequestID}
		hash := ev.ChainHash(prev)
		if err := tx.Table("audit_events").Where("id = ?", r.ID).
			Updates(map[string]any{"seq": ev.Seq, "prev_hash": prev, "hash": hash}).Error; err != nil {
			return fmt.Errorf("chain audit event %d: %w", r.ID, err)
		}
		prev = hash
	}
	return nil
}

func appendOnlyTriggers(dialect string) []string {
	if dialect == "postgres" {
		return []string{
			`CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'audit_events is append-only'; END $$`,
			`CREATE TRIGGER audit_events_no_update BEFORE UPDATE OR DELETE ON audit_events
FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()`,
		}
	}
	return []string{
		`CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END`,
		`CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END`,
	}
}

func dropAppendOnlyTriggers(dialect string) []string {
	if dialect == "postgres" {
		return []string{"DROP TRIGGER audit_events_no_update ON audit_events", "DROP FUNCTION audit_events_append_only()"}
	}
	return []string{"DROP TRIGGER audit_events_no_update", "DROP TRIGGER audit_events_no_delete"}
}
