package models

import (
	"time"

	"github.com/lawcycle/lawcycle/rules"
)

// User is a person who logs in. OrgID binds office roles to their office
// and the bureau role to its bureau; a platform admin has none.
type User struct {
	ID           uint       `gorm:"primaryKey"`
	Username     string     `gorm:"size:64;not null;uniqueIndex"`
	PasswordHash string     `gorm:"size:255;not null"`
	Role         rules.Role `gorm:"size:32;not null"`
	OrgID        *uint      `gorm:"index"`
	Disabled     bool       `gorm:"not null;default:false"`
	// Email receives the user's notifications by e-mail; empty for none.
	Email     string `gorm:"size:254;not null;default:''"`
	CreatedAt time.Time
	UpdatedAt time.Time
}

// APIToken is a bearer token. Only the SHA-256 of the secret is stored; the
// prefix is kept so a user can tell tokens apart in a list.
type APIToken struct {
	ID         uint   `gorm:"primaryKey"`
	UserID     uint   `gorm:"not null;index"`
	Name       string `gorm:"size:100;not null;default:''"`
	Prefix     string `gorm:"size:16;not null"`
	Hash       string `gorm:"size:64;not null;uniqueIndex"`
	ExpiresAt  *time.Time
	LastUsedAt *time.Time
	RevokedAt  *time.Time
	CreatedAt  time.Time
}

func (APIToken) TableName() string { return "api_tokens" }
