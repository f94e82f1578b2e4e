package models

import "time"

// DeadlineStep is a reminder, overdue notice or escalation that was sent
// (the read model of the reminders in docs/domain.md#deadlines). Key is wire.DeadlineStep.Key:
// unique, so a step is recorded, and sent, once.
type DeadlineStep struct {
	ID      uint      `gorm:"primaryKey"`
	Key     string    `gorm:"size:255;not null;uniqueIndex"`
	CycleID string    `gorm:"size:32;not null;index:idx_deadline_step_bureau,priority:1"`
	OrgCode string    `gorm:"size:64;not null;index:idx_deadline_step_bureau,priority:2"`
	Kind    string    `gorm:"size:16;not null"`
	Round   int       `gorm:"not null"`
	Step    string    `gorm:"size:32;not null"`
	Due     time.Time `gorm:"not null"`
	SentAt  time.Time `gorm:"not null"`
}

func (DeadlineStep) TableName() string { return "deadline_steps" }

// Milestone is a cycle deadline's compiled list: at the submission
// deadline the bureaus that had not submitted, at the publication deadline
// the compliance list. Entries is JSON: [{"org_code", "org_name",
// "stage", "status"}], status one of "missing", "late", "not_published".
type Milestone struct {
	CycleID    string    `gorm:"primaryKey;size:32"`
	Kind       string    `gorm:"primaryKey;size:16"`
	Due        time.Time `gorm:"not null"`
	Listed     int       `gorm:"not null"`
	Entries    string    `gorm:"type:text;not null"`
	CompiledAt time.Time `gorm:"not null"`
}

func (Milestone) TableName() string { return "milestones" }
