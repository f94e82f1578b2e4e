package models

import (
	"fmt"
	"time"

	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"
)

// Migration 0006 adds returns: content-addressed blobs, immutable
// submission versions, and the catalogue versions a cycle pins.

type m0006Blob struct {
	SHA256      string `gorm:"primaryKey;size:64"`
	Size        int64  `gorm:"not null"`
	ContentType string `gorm:"size:128;not null"`
	Data        []byte `gorm:"not null"`
	CreatedAt   time.Time
}

func (m0006Blob) TableName() string { return "blobs" }

type m0006Submission struct {
	ID            uint   `gorm:"primaryKey"`
	CycleID       string `gorm:"size:32;not null;uniqueIndex:idx_submission_version,priority:1"`
	OrgCode       string `gorm:"size:64;not null;uniqueIndex:idx_submission_version,priority:2"`
	Version       int    `gorm:"not null;uniqueIndex:idx_submission_version,priority:3"`
	Round         int    `gorm:"not null"`
	FileSHA       string `gorm:"size:64;not null"`
	FileName      string `gorm:"size:255;not null"`
	ReturnSHA     string `gorm:"size:64;not null"`
	ReportSHA     string `gorm:"size:64;not null;default:''"`
	ReportName    string `gorm:"size:255;not null;default:''"`
	Catalogue     string `gorm:"size:200;not null"`
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

func (m0006Submission) TableName() string { return "submissions" }

type m0006Cycle struct {
	Catalogues string `gorm:"size:500;not null;default:''"`
}

func (m0006Cycle) TableName() string { return "cycles" }

var migration0006 = &gormigrate.Migration{
	ID: "0006_returns",
	Migrate: func(tx *gorm.DB) error {
		if err := tx.Migrator().CreateTable(&m0006Blob{}, &m0006Submission{}); err != nil {
			return fmt.Errorf("create blobs and submissions: %w", err)
		}
		if err := tx.Migrator().AddColumn(&m0006Cycle{}, "Catalogues"); err != nil {
			return fmt.Errorf("add cycles.catalogues: %w", err)
		}
		for _, stmt := range immutableTriggers(tx.Dialector.Name(), "submissions") {
			if err := tx.Exec(stmt).Error; err != nil {
				return fmt.Errorf("submission triggers: %w", err)
			}
		}
		return nil
	},
	Rollback: func(tx *gorm.DB) error {
		for _, stmt := range dropImmutableTriggers(tx.Dialector.Name(), "submissions") {
			if err := tx.Exec(stmt).Error; err != nil {
				return err
			}
		}
		if err := tx.Migrator().DropColumn(&m0006Cycle{}, "Catalogues"); err != nil {
			return err
		}
		return tx.Migrator().DropTable("submissions", "blobs")
	},
}

// immutableTriggers make table refuse UPDATE and DELETE. Migrations 0006
// and 0007 run these statements: never edit them (a new shape of trigger
// belongs in a new function of a new migration).
func immutableTriggers(dialect, table string) []string {
	if dialect == "postgres" {
		return []string{
			fmt.Sprintf(`CREATE FUNCTION %[1]s_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION '%[1]s rows are immutable'; END $$`, table),
			fmt.Sprintf(`CREATE TRIGGER %[1]s_no_change BEFORE UPDATE OR DELETE ON %[1]s
FOR EACH ROW EXECUTE FUNCTION %[1]s_immutable()`, table),
		}
	}
	return []string{
		fmt.Sprintf(`CREATE TRIGGER %[1]s_no_update BEFORE UPDATE ON %[1]s
BEGIN SELECT RAISE(ABORT, '%[1]s rows are immutable'); END`, table),
		fmt.Sprintf(`CREATE TRIGGER %[1]s_no_delete BEFORE DELETE ON %[1]s
BEGIN SELECT RAISE(ABORT, '%[1]s rows are immutable'); END`, table),
	}
}

func dropImmutableTriggers(dialect, table string) []string {
	if dialect == "postgres" {
		return []string{
			fmt.Sprintf("DROP TRIGGER %[1]s_no_change ON %[1]s", table),
			fmt.Sprintf("DROP FUNCTION %s_immutable()", table),
		}
	}
	return []string{
		fmt.Sprintf("DROP TRIGGER %s_no_update", table),
		fmt.Sprintf("DROP TRIGGER %s_no_delete", table),
	}
}
