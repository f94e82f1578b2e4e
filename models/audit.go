package models

import "time"

// AuditEvent records one state change or refused attempt. Rows are only
// ever inserted.
type AuditEvent struct {
	ID         uint      `gorm:"primaryKey"`
	At         time.Time `gorm:"not null;index"`
	ActorID    *uint
	ActorName  string `gorm:"size:64;not null;default:''"`
	ActorRole  string `gorm:"size:32;not null;default:''"`
	OrgCode    string `gorm:"size:64;not null;default:''"`
	Action     string `gorm:"size:64;not null;index"`
	TargetType string `gorm:"size:32;not null;default:''"`
	TargetID   string `gorm:"size:128;not null;default:'';index"`
	Before     string `gorm:"type:text;not null;default:''"`
	After      string `gorm:"type:text;not null;default:''"`
	RequestID  string `gorm:"size:64;not null;default:''"`
}
