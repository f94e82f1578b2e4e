package models

import "time"

// CataloguePart is a catalogue part uploaded by an admin (docs/domain.md#catalogue): a new
// sector or a new version of one, kept as the YAML that was uploaded.
// Built-in parts ship in the binary and are not stored. Rows are
// immutable: cycles pin parts by id and version, so a part never changes
// under a running cycle.
type CataloguePart struct {
	PartID  string `gorm:"primaryKey;size:64"`
	Version string `gorm:"primaryKey;size:16"`
	Kind    string `gorm:"size:16;not null"`
	Name    string `gorm:"size:200;not null"`
	// OfficeID scopes the part to one office's cycles and those of the
	// offices below it; nil means every office (uploaded by a platform
	// admin).
	OfficeID     *uint  `gorm:"index"`
	Source       string `gorm:"type:text;not null"`
	SHA256       string `gorm:"size:64;not null"`
	UploadedByID *uint
	UploadedBy   string `gorm:"size:64;not null"`
	CreatedAt    time.Time
}

func (CataloguePart) TableName() string { return "catalogue_parts" }
