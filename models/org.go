// Package models holds the GORM models and the versioned migrations that
// create them. Workflow payloads live in package wire, never here, so a
// schema change cannot alter a payload recorded in a running history.
package models

import "time"

// Organisation kinds.
const (
	KindOffice = "office"
	KindBureau = "bureau"
)

// Organisation is an office (法治办) or a bureau (部门) in one hierarchy:
// offices may sit under offices (province → city → county), bureaus sit
// under the office that supervises them.
type Organisation struct {
	ID         uint    `gorm:"primaryKey"`
	Code       string  `gorm:"size:64;not null;uniqueIndex"`
	Name       string  `gorm:"size:200;not null"`
	Kind       string  `gorm:"size:16;not null"`
	ParentID   *uint   `gorm:"index"`
	CreditCode *string `gorm:"size:18;uniqueIndex"`
	Sector     string  `gorm:"size:32;not null;default:''"`
	// ContactEmail is the organisation's own mailbox (e.g. its office's);
	// notifications to the organisation go there too. Empty for none.
	ContactEmail string `gorm:"size:254;not null;default:''"`
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

func (Organisation) TableName() string { return "organisations" }
