package models

import "time"

// Extension is a deadline extension of one bureau (延期): requested by the
// bureau and decided by the office, or granted by the office directly.
// Status is one of wire.Extension*.
type Extension struct {
	ID      uint   `gorm:"primaryKey"`
	CycleID string `gorm:"size:32;not null;index:idx_extension_bureau,priority:1"`
	OrgCode string `gorm:"size:64;not null;index:idx_extension_bureau,priority:2"`
	Kind    string `gorm:"size:16;not null"`
	Round   int    `gorm:"not null"`
	Status  string `gorm:"size:16;not null"`
	Reason  string `gorm:"type:text;not null"`
	// Requested is the due date asked for, as given ("2026-03-10" or
	// "5个工作日" after PreviousDue).
	Requested       string    `gorm:"size:64;not null;default:''"`
	PreviousDue     time.Time `gorm:"not null"`
	NewDue          *time.Time
	RequestedByID   *uint
	RequestedBy     string    `gorm:"size:64;not null"`
	RequestedAt     time.Time `gorm:"not null"`
	DecidedByID     *uint
	DecidedBy       string `gorm:"size:64;not null;default:''"`
	DecidedAt       *time.Time
	DecisionComment string `gorm:"type:text;not null;default:''"`
}

func (Extension) TableName() string { return "extensions" }

// CycleExtension is a deadline of the whole cycle moved by the office.
type CycleExtension struct {
	ID          uint      `gorm:"primaryKey"`
	CycleID     string    `gorm:"size:32;not null;index"`
	Kind        string    `gorm:"size:16;not null"`
	PreviousDue time.Time `gorm:"not null"`
	NewDue      time.Time `gorm:"not null"`
	Reason      string    `gorm:"type:text;not null"`
	Bureaus     int       `gorm:"not null"`
	ByID        *uint
	By          string    `gorm:"size:64;not null"`
	At          time.Time `gorm:"not null"`
}

func (CycleExtension) TableName() string { return "cycle_extensions" }
