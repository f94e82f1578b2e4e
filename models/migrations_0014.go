package models

import (
	"time"

	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"
)

// Migration 0014 remembers the item each request to add one opened.

type m0014RectRequest struct {
	CycleID   string    `gorm:"primaryKey;size:32"`
	OrgCode   string    `gorm:"primaryKey;size:64"`
	RequestID string    `gorm:"primaryKey;size:64"`
	ItemID    string    `gorm:"size:64;not null"`
	CreatedAt time.Time `gorm:"not null"`
}

func (m0014RectRequest) TableName() string { return "rect_requests" }

var migration0014 = &gormigrate.Migration{
	ID: "0014_rect_requests",
	Migrate: func(tx *gorm.DB) error {
		return tx.Migrator().CreateTable(&m0014RectRequest{})
	},
	Rollback: func(tx *gorm.DB) error {
		return tx.Migrator().DropTable("rect_requests")
	},
}
