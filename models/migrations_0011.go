package models

import (
	"fmt"
	"time"

	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"
)

// Migration 0011 adds notifications (the outbox and inbox of package
// notify) and the e-mail addresses they are sent to: users.email and
// organisations.contact_email.

type m0011Notification struct {
	ID              uint      `gorm:"primaryKey"`
	IdempotencyKey  string    `gorm:"size:255;not null;uniqueIndex:idx_notifications_key"`
	Kind            string    `gorm:"size:32;not null"`
	RecipientOrgID  *uint     `gorm:"index:idx_notifications_org"`
	RecipientUserID *uint     `gorm:"index:idx_notifications_user"`
	Subject         string    `gorm:"size:200;not null"`
	Body            string    `gorm:"type:text;not null"`
	Link            string    `gorm:"size:500;not null;default:''"`
	Status          string    `gorm:"size:16;not null;index:idx_notifications_due,priority:1"`
	Channels        string    `gorm:"type:text;not null;default:'{}'"`
	Attempts        int       `gorm:"not null;default:0"`
	NextAttemptAt   time.Time `gorm:"not null;index:idx_notifications_due,priority:2"`
	ClaimToken      string    `gorm:"size:32;not null;default:''"`
	LastError       string    `gorm:"type:text;not null;default:''"`
	DeliveredAt     *time.Time
	ReadAt          *time.Time
	ReadByID        *uint
	CreatedAt       time.Time `gorm:"not null"`
}

func (m0011Notification) TableName() string { return "notifications" }

type m0011User struct {
	Email string `gorm:"size:254;not null;default:''"`
}

func (m0011User) TableName() string { return "users" }

type m0011Organisation struct {
	ContactEmail string `gorm:"size:254;not null;default:''"`
}

func (m0011Organisation) TableName() string { return "organisations" }

var migration0011 = &gormigrate.Migration{
	ID: "0011_notifications",
	Migrate: func(tx *gorm.DB) error {
		if err := tx.Migrator().CreateTable(&m0011Notification{}); err != nil {
			return fmt.Errorf("create notifications: %w", err)
		}
		if err := tx.Migrator().AddColumn(&m0011User{}, "Email"); err != nil {
			return fmt.Errorf("add users.email: %w", err)
		}
		if err := tx.Migrator().AddColumn(&m0011Organisation{}, "ContactEmail"); err != nil {
			return fmt.Errorf("add organisations.contact_email: %w", err)
		}
		return nil
	},
	Rollback: func(tx *gorm.DB) error {
		if err := tx.Migrator().DropColumn(&m0011Organisation{}, "ContactEmail"); err != nil {
			return err
		}
		if err := tx.Migrator().DropColumn(&m0011User{}, "Email"); err != nil {
			return err
		}
		return tx.Migrator().DropTable("notifications")
	},
}
