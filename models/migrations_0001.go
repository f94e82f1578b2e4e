package models

import (
	"time"

	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"
)

// Snapshot of the schema created by migration 0001.

type m0001Organisation struct {
	ID         uint    `gorm:"primaryKey"`
	Code       string  `gorm:"size:64;not null;uniqueIndex:idx_organisations_code"`
	Name       string  `gorm:"size:200;not null"`
	Kind       string  `gorm:"size:16;not null"`
	ParentID   *uint   `gorm:"index:idx_organisations_parent_id"`
	CreditCode *string `gorm:"size:18;uniqueIndex:idx_organisations_credit_code"`
	Sector     string  `gorm:"size:32;not null;default:''"`
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

func (m0001Organisation) TableName() string { return "organisations" }

type m0001User struct {
	ID           uint   `gorm:"primaryKey"`
	Username     string `gorm:"size:64;not null;uniqueIndex:idx_users_username"`
	PasswordHash string `gorm:"size:255;not null"`
	Role         string `gorm:"size:32;not null"`
	OrgID        *uint  `gorm:"index:idx_users_org_id"`
	Disabled     bool   `gorm:"not null;default:false"`
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

func (m0001User) TableName() string { return "users" }

type m0001APIToken struct {
	ID         uint   `gorm:"primaryKey"`
	UserID     uint   `gorm:"not null;index:idx_api_tokens_user_id"`
	Name       string `gorm:"size:100;not null;default:''"`
	Prefix     string `gorm:"size:16;not null"`
	Hash       string `gorm:"size:64;not null;uniqueIndex:idx_api_tokens_hash"`
	ExpiresAt  *time.Time
	LastUsedAt *time.Time
	RevokedAt  *time.Time
	CreatedAt  time.Time
}

func (m0001APIToken) TableName() string { return "api_tokens" }

var migration0001 = &gormigrate.Migration{
	ID: "0001_organisations_users_tokens",
	Migrate: func(tx *gorm.DB) error {
		return tx.Migrator().CreateTable(&m0001Organisation{}, &m0001User{}, &m0001APIToken{})
	},
	Rollback: func(tx *gorm.DB) error {
		return tx.Migrator().DropTable("api_tokens", "users", "organisations")
	},
}
