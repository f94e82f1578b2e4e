package models

import (
	"fmt"
	"time"

	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"
)

// Migration 0012 adds the bureau lifecycle after submission: reviews and
// their comments (immutable), extensions, publications with their 索引号
// serials, sent deadline steps, cycle milestones, and the cycle's settings,
// closing time and outcome.

type m0012Cycle struct {
	Settings  string `gorm:"type:text;not null;default:'{}'"`
	ClosingAt *time.Time
	ClosedAt  *time.Time
	Outcome   string `gorm:"type:text;not null;default:''"`
}

func (m0012Cycle) TableName() string { return "cycles" }

type m0012Review struct {
	ID           uint   `gorm:"primaryKey"`
	CycleID      string `gorm:"size:32;not null;uniqueIndex:idx_review_version,priority:1"`
	OrgCode      string `gorm:"size:64;not null;uniqueIndex:idx_review_version,priority:2"`
	Version      int    `gorm:"not null;uniqueIndex:idx_review_version,priority:3"`
	Round        int    `gorm:"not null"`
	Decision     string `gorm:"size:16;not null"`
	ResubmitDue  *time.Time
	ReviewerID   *uint
	ReviewerName string    `gorm:"size:64;not null"`
	ReviewedAt   time.Time `gorm:"not null"`
}

func (m0012Review) TableName() string { return "reviews" }

type m0012ReviewComment struct {
	ID        uint   `gorm:"primaryKey"`
	ReviewID  uint   `gorm:"not null;index"`
	CycleID   string `gorm:"size:32;not null;index:idx_review_comment_bureau,priority:1"`
	OrgCode   string `gorm:"size:64;not null;index:idx_review_comment_bureau,priority:2"`
	Version   int    `gorm:"not null"`
	Position  int    `gorm:"not null"`
	Indicator string `gorm:"size:64;not null;default:''"`
	Section   string `gorm:"size:64;not null;default:''"`
	Message   string `gorm:"type:text;not null"`
}

func (m0012ReviewComment) TableName() string { return "review_comments" }

type m0012Extension struct {
	ID              uint      `gorm:"primaryKey"`
	CycleID         string    `gorm:"size:32;not null;index:idx_extension_bureau,priority:1"`
	OrgCode         string    `gorm:"size:64;not null;index:idx_extension_bureau,priority:2"`
	Kind            string    `gorm:"size:16;not null"`
	Round           int       `gorm:"not null"`
	Status          string    `gorm:"size:16;not null"`
	Reason          string    `gorm:"type:text;not null"`
	Requested       string    `gorm:"size:64;not null;default:''"`
	PreviousDue     time.Time `gorm:"not null"`
	NewDue          *time.Time
	RequestedByID   *uint
	RequestedBy     string    `gorm:"size:64;not null"`
	RequestedAt     time.Time `gorm:"not null"`
	DecidedByID     *uint
	DecidedBy       string `gorm:"size:64;not null;default:''"`
	DecidedAt       *time.Time
	DecisionComment string `gorm:"type:text;not null;default:''"`
}

func (m0012Extension) TableName() string { return "extensions" }

type m0012CycleExtension struct {
	ID          uint      `gorm:"primaryKey"`
	CycleID     string    `gorm:"size:32;not null;index"`
	Kind        string    `gorm:"size:16;not null"`
	PreviousDue time.Time `gorm:"not null"`
	NewDue      time.Time `gorm:"not null"`
	Reason      string    `gorm:"type:text;not null"`
	Bureaus     int       `gorm:"not null"`
	ByID        *uint
	By          string    `gorm:"size:64;not null"`
	At          time.Time `gorm:"not null"`
}

func (m0012CycleExtension) TableName() string { return "cycle_extensions" }

type m0012Publication struct {
	ID              uint      `gorm:"primaryKey"`
	CycleID         string    `gorm:"size:32;not null;uniqueIndex:idx_publication_bureau,priority:1"`
	OrgCode         string    `gorm:"size:64;not null;uniqueIndex:idx_publication_bureau,priority:2"`
	OrgID           uint      `gorm:"not null"`
	Version         int       `gorm:"not null"`
	URL             string    `gorm:"size:1000;not null"`
	IndexNo         string    `gorm:"size:100;not null;uniqueIndex"`
	IssuedOn        string    `gorm:"size:10;not null"`
	Publisher       string    `gorm:"size:200;not null"`
	Method          string    `gorm:"size:100;not null"`
	SecrecyReviewed bool      `gorm:"not null"`
	LeaderApproved  bool      `gorm:"not null"`
	Late            bool      `gorm:"not null"`
	Due             time.Time `gorm:"not null"`
	RecordedByID    *uint
	RecordedBy      string    `gorm:"size:64;not null"`
	PublishedAt     time.Time `gorm:"not null;index"`
}

func (m0012Publication) TableName() string { return "publications" }

type m0012IndexSerial struct {
	Prefix string `gorm:"primaryKey;size:64"`
	Last   int    `gorm:"not null"`
}

func (m0012IndexSerial) TableName() string { return "index_serials" }

type m0012DeadlineStep struct {
	ID      uint      `gorm:"primaryKey"`
	Key     string    `gorm:"size:255;not null;uniqueIndex"`
	CycleID string    `gorm:"size:32;not null;index:idx_deadline_step_bureau,priority:1"`
	OrgCode string    `gorm:"size:64;not null;index:idx_deadline_step_bureau,priority:2"`
	Kind    string    `gorm:"size:16;not null"`
	Round   int       `gorm:"not null"`
	Step    string    `gorm:"size:32;not null"`
	Due     time.Time `gorm:"not null"`
	SentAt  time.Time `gorm:"not null"`
}

func (m0012DeadlineStep) TableName() string { return "deadline_steps" }

type m0012Milestone struct {
	CycleID    string    `gorm:"primaryKey;size:32"`
	Kind       string    `gorm:"primaryKey;size:16"`
	Due        time.Time `gorm:"not null"`
	Listed     int       `gorm:"not null"`
	Entries    string    `gorm:"type:text;not null"`
	CompiledAt time.Time `gorm:"not null"`
}

func (m0012Milestone) TableName() string { return "milestones" }

var migration0012 = &gormigrate.Migration{
	ID: "0012_lifecycle",
	Migrate: func(tx *gorm.DB) error {
		for _, col := range []string{"Settings", "ClosingAt", "ClosedAt", "Outcome"} {
			if err := tx.Migrator().AddColumn(&m0012Cycle{}, col); err != nil {
				return fmt.Errorf("add cycles.%s: %w", col, err)
			}
		}
		tables := []any{&m0012Review{}, &m0012ReviewComment{}, &m0012Extension{}, &m0012CycleExtension{},
			&m0012Publication{}, &m0012IndexSerial{}, &m0012DeadlineStep{}, &m0012Milestone{}}
		for _, t := range tables {
			if err := tx.Migrator().CreateTable(t); err != nil {
				return fmt.Errorf("create %T: %w", t, err)
			}
		}
		for _, table := range []string{"reviews", "review_comments"} {
			for _, stmt := range immutableTriggers(tx.Dialector.Name(), table) {
				if err := tx.Exec(stmt).Error; err != nil {
					return fmt.Errorf("make %s immutable: %w", table, err)
				}
			}
		}
		return nil
	},
	Rollback: func(tx *gorm.DB) error {
		for _, table := range []string{"reviews", "review_comments"} {
			for _, stmt := range dropImmutableTriggers(tx.Dialector.Name(), table) {
				if err := tx.Exec(stmt).Error; err != nil {
					return err
				}
			}
		}
		for _, t := range []string{"milestones", "deadline_steps", "index_serials", "publications",
			"cycle_extensions", "extensions", "review_comments", "reviews"} {
			if err := tx.Migrator().DropTable(t); err != nil {
				return err
			}
		}
		for _, col := range []string{"Outcome", "ClosedAt", "ClosingAt", "Settings"} {
			if err := tx.Migrator().DropColumn(&m0012Cycle{}, col); err != nil {
				return err
			}
		}
		return nil
	},
}
