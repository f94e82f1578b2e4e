package models

import (
	"time"

	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"
)

// Snapshot of the schema created by migration 0005.

type m0005LoginFailure struct {
	Username    string    `gorm:"primaryKey;size:64"`
	Failures    int       `gorm:"not null;default:0"`
	WindowStart time.Time `gorm:"not null"`
	LockedUntil *time.Time
}

func (m0005LoginFailure) TableName() string { return "login_failures" }

var migration0005 = &gormigrate.Migration{
	ID: "0005_login_failures",
	Migrate: func(tx *gorm.DB) error {
		return tx.Migrator().CreateTable(&m0005LoginFailure{})
	},
	Rollback: func(tx *gorm.DB) error {
		return tx.Migrator().DropTable("login_failures")
	},
}
