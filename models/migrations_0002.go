package models

import (
	"time"

	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"
)

// Snapshot of the schema created by migration 0002.

type m0002Cycle struct {
	ID             string    `gorm:"primaryKey;size:32"`
	Year           int       `gorm:"not null;index:idx_cycles_year"`
	Title          string    `gorm:"size:200;not null"`
	OfficeID       uint      `gorm:"not null;index:idx_cycles_office_id"`
	Status         string    `gorm:"size:16;not null;index:idx_cycles_status"`
	SubmissionDue  time.Time `gorm:"not null"`
	PublicationDue time.Time `gorm:"not null"`
	DocNo          string    `gorm:"size:64;not null;default:''"`
	NoticeExtra    string    `gorm:"type:text;not null;default:''"`
	CreatedByID    *uint
	LaunchedAt     *time.Time
	FannedOutAt    *time.Time
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

func (m0002Cycle) TableName() string { return "cycles" }

type m0002Participant struct {
	ID             uint      `gorm:"primaryKey"`
	CycleID        string    `gorm:"size:32;not null;uniqueIndex:idx_participant_cycle_org,priority:1;index:idx_participant_cycle_stage,priority:1"`
	OrgCode        string    `gorm:"size:64;not null;uniqueIndex:idx_participant_cycle_org,priority:2"`
	OrgID          uint      `gorm:"not null;index:idx_cycle_participants_org_id"`
	Stage          string    `gorm:"size:32;not null;index:idx_participant_cycle_stage,priority:2"`
	Round          int       `gorm:"not null;default:0"`
	SubmissionDue  time.Time `gorm:"not null"`
	PublicationDue time.Time `gorm:"not null"`
	Flags          string    `gorm:"type:text;not null"`
	StageSeq       int64     `gorm:"not null;default:0"`
	StageChangedAt *time.Time
	AcknowledgedAt *time.Time
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

func (m0002Participant) TableName() string { return "cycle_participants" }

type m0002Notice struct {
	ID             uint      `gorm:"primaryKey"`
	CycleID        string    `gorm:"size:32;not null;uniqueIndex:idx_notices_cycle_id"`
	OfficeID       uint      `gorm:"not null;uniqueIndex:idx_notice_office_docno,priority:1"`
	DocNo          string    `gorm:"size:64;not null;uniqueIndex:idx_notice_office_docno,priority:2"`
	Title          string    `gorm:"size:200;not null"`
	Body           string    `gorm:"type:text;not null"`
	SubmissionDue  time.Time `gorm:"not null"`
	PublicationDue time.Time `gorm:"not null"`
	IssuedAt       time.Time `gorm:"not null"`
}

func (m0002Notice) TableName() string { return "notices" }

var migration0002 = &gormigrate.Migration{
	ID: "0002_cycles_participants_notices",
	Migrate: func(tx *gorm.DB) error {
		return tx.Migrator().CreateTable(&m0002Cycle{}, &m0002Participant{}, &m0002Notice{})
	},
	Rollback: func(tx *gorm.DB) error {
		return tx.Migrator().DropTable("notices", "cycle_participants", "cycles")
	},
}
