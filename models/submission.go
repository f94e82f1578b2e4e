package models

import "time"

// Blob is an uploaded file or a stored parsed return, addressed by the
// SHA-256 of its content (docs/architecture.md#files): storing the same bytes twice is a
// no-op, and a row never changes once written.
type Blob struct {
	SHA256      string `gorm:"primaryKey;size:64"`
	Size        int64  `gorm:"not null"`
	ContentType string `gorm:"size:128;not null"`
	Data        []byte `gorm:"not null"`
	CreatedAt   time.Time
}

// Submission is one accepted version of a bureau's return (报送) with its
// report. Rows are immutable (the database refuses UPDATE and DELETE): a
// new round adds a version, it never rewrites one.
type Submission struct {
	ID      uint   `gorm:"primaryKey"`
	CycleID string `gorm:"size:32;not null;uniqueIndex:idx_submission_version,priority:1"`
	OrgCode string `gorm:"size:64;not null;uniqueIndex:idx_submission_version,priority:2"`
	Version int    `gorm:"not null;uniqueIndex:idx_submission_version,priority:3"`
	Round   int    `gorm:"not null"`
	// FileSHA is the return workbook as uploaded; ReturnSHA the parsed
	// return (canonical JSON) the values below were taken from.
	FileSHA    string `gorm:"size:64;not null"`
	FileName   string `gorm:"size:255;not null"`
	ReturnSHA  string `gorm:"size:64;not null"`
	ReportSHA  string `gorm:"size:64;not null;default:''"`
	ReportName string `gorm:"size:255;not null;default:''"`
	Catalogue  string `gorm:"size:200;not null"`
	// Values, explanations, info, problems and plans as JSON; Warnings the
	// issues the return was accepted with.
	Values        string `gorm:"type:text;not null"`
	Explanations  string `gorm:"type:text;not null"`
	Info          string `gorm:"type:text;not null"`
	Problems      string `gorm:"type:text;not null"`
	Plans         string `gorm:"type:text;not null"`
	Warnings      string `gorm:"type:text;not null"`
	WarningCount  int    `gorm:"not null;default:0"`
	SubmittedByID *uint
	SubmittedBy   string    `gorm:"size:64;not null;default:''"`
	SubmittedAt   time.Time `gorm:"not null"`
}
