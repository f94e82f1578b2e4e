package models

import (
	"fmt"
	"time"

	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"
)

// Migration 0013 adds the rectification ledger (整改台账): items, their
// immutable notes and evidence, and items waiting to be carried into a
// bureau's next cycle.

type m0013RectItem struct {
	ID            uint   `gorm:"primaryKey"`
	CycleID       string `gorm:"size:32;not null;uniqueIndex:idx_rect_item,priority:1;index:idx_rect_cycle_status,priority:1"`
	OrgCode       string `gorm:"size:64;not null;uniqueIndex:idx_rect_item,priority:2"`
	ItemID        string `gorm:"size:64;not null;uniqueIndex:idx_rect_item,priority:3"`
	OrgID         uint   `gorm:"not null;index"`
	Serial        int    `gorm:"not null"`
	Source        string `gorm:"size:16;not null"`
	SourceRef     string `gorm:"size:200;not null;default:''"`
	CommentID     *uint  `gorm:"uniqueIndex"`
	OriginCycleID string `gorm:"size:32;not null"`
	CarriedFrom   string `gorm:"size:32;not null;default:''"`
	Description   string `gorm:"type:text;not null"`
	Cause         string `gorm:"type:text;not null;default:''"`
	Measures      string `gorm:"type:text;not null;default:''"`
	Department    string `gorm:"size:200;not null;default:''"`
	Person        string `gorm:"size:100;not null;default:''"`
	Category      string `gorm:"size:16;not null"`
	Due           *time.Time
	FinalDue      *time.Time
	CheckIn       int    `gorm:"not null;default:0"`
	Status        string `gorm:"size:24;not null;index:idx_rect_cycle_status,priority:2"`
	Level         int    `gorm:"not null;default:0"`
	Seq           int    `gorm:"not null;default:0"`
	Evidence      int    `gorm:"not null;default:0"`
	Progress      string `gorm:"type:text;not null;default:''"`
	ClosedAt      *time.Time
	ClosedBy      string    `gorm:"size:64;not null;default:''"`
	CreatedBy     string    `gorm:"size:64;not null;default:''"`
	CreatedAt     time.Time `gorm:"not null"`
	UpdatedAt     time.Time `gorm:"not null"`
}

func (m0013RectItem) TableName() string { return "rect_items" }

type m0013RectNote struct {
	ID         uint   `gorm:"primaryKey"`
	ItemRowID  uint   `gorm:"not null;index"`
	CycleID    string `gorm:"size:32;not null"`
	OrgCode    string `gorm:"size:64;not null;index:idx_rect_note_item,priority:1"`
	ItemID     string `gorm:"size:64;not null;index:idx_rect_note_item,priority:2"`
	Seq        int    `gorm:"not null"`
	Kind       string `gorm:"size:24;not null"`
	Text       string `gorm:"type:text;not null"`
	AuthorID   *uint
	AuthorName string    `gorm:"size:64;not null"`
	AuthorRole string    `gorm:"size:32;not null"`
	At         time.Time `gorm:"not null"`
}

func (m0013RectNote) TableName() string { return "rect_notes" }

type m0013RectEvidence struct {
	ID          uint   `gorm:"primaryKey"`
	NoteID      uint   `gorm:"not null;index"`
	OrgCode     string `gorm:"size:64;not null;index:idx_rect_evidence_item,priority:1"`
	ItemID      string `gorm:"size:64;not null;index:idx_rect_evidence_item,priority:2"`
	SHA         string `gorm:"size:64;not null;index"`
	Name        string `gorm:"size:255;not null"`
	Size        int64  `gorm:"not null"`
	ContentType string `gorm:"size:100;not null"`
}

func (m0013RectEvidence) TableName() string { return "rect_evidence" }

type m0013RectCarry struct {
	ID          uint      `gorm:"primaryKey"`
	OfficeID    uint      `gorm:"not null;index:idx_rect_carry_pending,priority:1"`
	OrgCode     string    `gorm:"size:64;not null;index:idx_rect_carry_pending,priority:2;uniqueIndex:idx_rect_carry_item,priority:1"`
	ItemID      string    `gorm:"size:64;not null;uniqueIndex:idx_rect_carry_item,priority:2"`
	FromCycleID string    `gorm:"size:32;not null;uniqueIndex:idx_rect_carry_item,priority:3"`
	FromYear    int       `gorm:"not null"`
	AdoptedBy   string    `gorm:"size:32;not null;default:''"`
	CarriedAt   time.Time `gorm:"not null"`
}

func (m0013RectCarry) TableName() string { return "rect_carries" }

var migration0013 = &gormigrate.Migration{
	ID: "0013_rectification",
	Migrate: func(tx *gorm.DB) error {
		for _, t := range []any{&m0013RectItem{}, &m0013RectNote{}, &m0013RectEvidence{}, &m0013RectCarry{}} {
			if err := tx.Migrator().CreateTable(t); err != nil {
				return fmt.Errorf("create %T: %w", t, err)
			}
		}
		for _, table := range []string{"rect_notes", "rect_evidence"} {
			for _, stmt := range immutableTriggers(tx.Dialector.Name(), table) {
				if err := tx.Exec(stmt).Error; err != nil {
					return fmt.Errorf("make %s immutable: %w", table, err)
				}
			}
		}
		return nil
	},
	Rollback: func(tx *gorm.DB) error {
		for _, table := range []string{"rect_notes", "rect_evidence"} {
			for _, stmt := range dropImmutableTriggers(tx.Dialector.Name(), table) {
				if err := tx.Exec(stmt).Error; err != nil {
					return err
				}
			}
		}
		for _, t := range []string{"rect_carries", "rect_evidence", "rect_notes", "rect_items"} {
			if err := tx.Migrator().DropTable(t); err != nil {
				return err
			}
		}
		return nil
	},
}
