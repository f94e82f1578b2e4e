package models

import "time"

// CycleViewer grants a viewer (e.g. a higher-level office, 人大) read-only
// access to one cycle (docs/domain.md#roles).
type CycleViewer struct {
	CycleID     string `gorm:"primaryKey;size:32"`
	UserID      uint   `gorm:"primaryKey;index"`
	GrantedByID *uint
	GrantedBy   string    `gorm:"size:64;not null"`
	GrantedAt   time.Time `gorm:"not null"`
}

func (CycleViewer) TableName() string { return "cycle_viewers" }
