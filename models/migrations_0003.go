package models

import (
	"time"

	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"
)

// Snapshot of the schema created by migration 0003.

type m0003AuditEvent struct {
	ID         uint      `gorm:"primaryKey"`
	At         time.Time `gorm:"not null;index:idx_audit_events_at"`
	ActorID    *uint
	ActorName  string `gorm:"size:64;not null;default:''"`
	ActorRole  string `gorm:"size:32;not null;default:''"`
	OrgCode    string `gorm:"size:64;not null;default:''"`
	Action     string `gorm:"size:64;not null;index:idx_audit_events_action"`
	TargetType string `gorm:"size:32;not null;default:''"`
	TargetID   string `gorm:"size:128;not null;default:'';index:idx_audit_events_target_id"`
	Before     string `gorm:"type:text;not null;default:''"`
	After      string `gorm:"type:text;not null;default:''"`
	RequestID  string `gorm:"size:64;not null;default:''"`
}

func (m0003AuditEvent) TableName() string { return "audit_events" }

var migration0003 = &gormigrate.Migration{
	ID: "0003_audit_events",
	Migrate: func(tx *gorm.DB) error {
		return tx.Migrator().CreateTable(&m0003AuditEvent{})
	},
	Rollback: func(tx *gorm.DB) error {
		return tx.Migrator().DropTable("audit_events")
	},
}
