package models

import (
	"time"

	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"
)

// Migration 0009 adds viewer grants per cycle.

type m0009CycleViewer struct {
	CycleID     string `gorm:"primaryKey;size:32"`
	UserID      uint   `gorm:"primaryKey;index"`
	GrantedByID *uint
	GrantedBy   string    `gorm:"size:64;not null"`
	GrantedAt   time.Time `gorm:"not null"`
}

func (m0009CycleViewer) TableName() string { return "cycle_viewers" }

var migration0009 = &gormigrate.Migration{
	ID: "0009_cycle_viewers",
	Migrate: func(tx *gorm.DB) error {
		return tx.Migrator().CreateTable(&m0009CycleViewer{})
	},
	Rollback: func(tx *gorm.DB) error {
		return tx.Migrator().DropTable("cycle_viewers")
	},
}
