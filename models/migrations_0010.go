package models

import (
	"fmt"
	"time"

	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"
)

// Migration 0010 adds the working-day calendar: local day overrides,
// loaded yearly arrangements, and the revision that tells every process
// its cached calendar is stale.

type m0010CalendarDay struct {
	OfficeID    uint   `gorm:"primaryKey;autoIncrement:false"`
	Date        string `gorm:"primaryKey;size:10"`
	Kind        string `gorm:"size:16;not null"`
	Reason      string `gorm:"size:200;not null"`
	CreatedByID *uint
	CreatedBy   string    `gorm:"size:64;not null"`
	CreatedAt   time.Time `gorm:"not null"`
	UpdatedBy   string    `gorm:"size:64;not null"`
	UpdatedAt   time.Time `gorm:"not null"`
}

func (m0010CalendarDay) TableName() string { return "calendar_days" }

type m0010CalendarYear struct {
	Year        int    `gorm:"primaryKey;autoIncrement:false"`
	Source      string `gorm:"type:text;not null"`
	Arrangement string `gorm:"type:text;not null"`
	SHA256      string `gorm:"size:64;not null"`
	LoadedByID  *uint
	LoadedBy    string    `gorm:"size:64;not null"`
	LoadedAt    time.Time `gorm:"not null"`
}

func (m0010CalendarYear) TableName() string { return "calendar_years" }

type m0010CalendarRevision struct {
	ID        uint      `gorm:"primaryKey;autoIncrement:false"`
	Revision  int64     `gorm:"not null"`
	UpdatedAt time.Time `gorm:"not null"`
}

func (m0010CalendarRevision) TableName() string { return "calendar_revisions" }

var migration0010 = &gormigrate.Migration{
	ID: "0010_calendar",
	Migrate: func(tx *gorm.DB) error {
		if err := tx.Migrator().CreateTable(&m0010CalendarDay{}, &m0010CalendarYear{}, &m0010CalendarRevision{}); err != nil {
			return fmt.Errorf("create calendar tables: %w", err)
		}
		if err := tx.Create(&m0010CalendarRevision{ID: 1, Revision: 0, UpdatedAt: time.Now().UTC()}).Error; err != nil {
			return fmt.Errorf("seed calendar revision: %w", err)
		}
		return nil
	},
	Rollback: func(tx *gorm.DB) error {
		return tx.Migrator().DropTable("calendar_revisions", "calendar_years", "calendar_days")
	},
}
