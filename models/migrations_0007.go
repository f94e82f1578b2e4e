package models

import (
	"fmt"
	"time"

	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"
)

// Migration 0007 stores catalogue parts uploaded by admins, immutable like
// submissions.

type m0007CataloguePart struct {
	PartID       string `gorm:"primaryKey;size:64"`
	Version      string `gorm:"primaryKey;size:16"`
	Kind         string `gorm:"size:16;not null"`
	Name         string `gorm:"size:200;not null"`
	OfficeID     *uint  `gorm:"index"`
	Source       string `gorm:"type:text;not null"`
	SHA256       string `gorm:"size:64;not null"`
	UploadedByID *uint
	UploadedBy   string `gorm:"size:64;not null"`
	CreatedAt    time.Time
}

func (m0007CataloguePart) TableName() string { return "catalogue_parts" }

var migration0007 = &gormigrate.Migration{
	ID: "0007_catalogue_parts",
	Migrate: func(tx *gorm.DB) error {
		if err := tx.Migrator().CreateTable(&m0007CataloguePart{}); err != nil {
			return fmt.Errorf("create catalogue_parts: %w", err)
		}
		for _, stmt := range immutableTriggers(tx.Dialector.Name(), "catalogue_parts") {
			if err := tx.Exec(stmt).Error; err != nil {
				return fmt.Errorf("catalogue_parts triggers: %w", err)
			}
		}
		return nil
	},
	Rollback: func(tx *gorm.DB) error {
		for _, stmt := range dropImmutableTriggers(tx.Dialector.Name(), "catalogue_parts") {
			if err := tx.Exec(stmt).Error; err != nil {
				return err
			}
		}
		return tx.Migrator().DropTable("catalogue_parts")
	},
}
