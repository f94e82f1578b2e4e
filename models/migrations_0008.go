package models

import (
	"time"

	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"
)

// Migration 0008 adds browser sessions for the web UI.

type m0008WebSession struct {
	ID         string    `gorm:"primaryKey;size:64"`
	UserID     uint      `gorm:"not null;index:idx_web_sessions_user_id"`
	CSRFToken  string    `gorm:"column:csrf_token;size:64;not null"`
	CreatedAt  time.Time `gorm:"not null"`
	LastSeenAt time.Time `gorm:"not null"`
	ExpiresAt  time.Time `gorm:"not null;index:idx_web_sessions_expires_at"`
	RevokedAt  *time.Time
	UserAgent  string `gorm:"size:255;not null;default:''"`
	IP         string `gorm:"column:ip;size:64;not null;default:''"`
}

func (m0008WebSession) TableName() string { return "web_sessions" }

var migration0008 = &gormigrate.Migration{
	ID: "0008_web_sessions",
	Migrate: func(tx *gorm.DB) error {
		return tx.Migrator().CreateTable(&m0008WebSession{})
	},
	Rollback: func(tx *gorm.DB) error {
		return tx.Migrator().DropTable("web_sessions")
	},
}
