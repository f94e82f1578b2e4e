package models

import "time"

// Kinds of a calendar day override.
const (
	CalendarHoliday = "holiday"
	CalendarWorkday = "workday"
)

// CalendarDay is a local change to the working-day calendar (package
// calendar): a day declared a holiday (a regional holiday, a local 调休) or
// a working day, with the reason. OfficeID scopes it: an office's changes
// apply to its own cycles and to those of the offices below it; 0 means
// every office (set by a platform admin). 0 rather than NULL keeps
// (office_id, date) a primary key on every engine.
type CalendarDay struct {
	OfficeID    uint   `gorm:"primaryKey;autoIncrement:false"`
	Date        string `gorm:"primaryKey;size:10"` // YYYY-MM-DD
	Kind        string `gorm:"size:16;not null"`
	Reason      string `gorm:"size:200;not null"`
	CreatedByID *uint
	CreatedBy   string    `gorm:"size:64;not null"`
	CreatedAt   time.Time `gorm:"not null"`
	UpdatedBy   string    `gorm:"size:64;not null"`
	UpdatedAt   time.Time `gorm:"not null"`
}

func (CalendarDay) TableName() string { return "calendar_days" }

// CalendarYear is a year's official holiday arrangement loaded by a
// platform admin: the notice text as pasted (Source) and what it was read
// as (Arrangement, JSON of calendar.Arrangement). Calendars are built from
// Arrangement, so a later change to the parser never changes a loaded
// year. A loaded year replaces the built-in one; loading it again
// replaces the row.
type CalendarYear struct {
	Year        int    `gorm:"primaryKey;autoIncrement:false"`
	Source      string `gorm:"type:text;not null"`
	Arrangement string `gorm:"type:text;not null"`
	SHA256      string `gorm:"size:64;not null"`
	LoadedByID  *uint
	LoadedBy    string    `gorm:"size:64;not null"`
	LoadedAt    time.Time `gorm:"not null"`
}

func (CalendarYear) TableName() string { return "calendar_years" }

// CalendarRevision is a single row (ID 1) whose Revision every change to
// calendar_days or calendar_years increments in the same transaction:
// processes that cache a built calendar compare it with one small read
// and rebuild when it moved.
type CalendarRevision struct {
	ID        uint      `gorm:"primaryKey;autoIncrement:false"`
	Revision  int64     `gorm:"not null"`
	UpdatedAt time.Time `gorm:"not null"`
}

func (CalendarRevision) TableName() string { return "calendar_revisions" }
