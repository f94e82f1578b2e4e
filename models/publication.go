package models

import "time"

// Publication is a bureau's published report (公开, docs/domain.md#publication): one per
// bureau and cycle.
type Publication struct {
	ID      uint   `gorm:"primaryKey"`
	CycleID string `gorm:"size:32;not null;uniqueIndex:idx_publication_bureau,priority:1"`
	OrgCode string `gorm:"size:64;not null;uniqueIndex:idx_publication_bureau,priority:2"`
	OrgID   uint   `gorm:"not null"`
	// Version is the approved submission whose report was published.
	Version  int    `gorm:"not null"`
	URL      string `gorm:"size:1000;not null"`
	IndexNo  string `gorm:"size:100;not null;uniqueIndex"`
	IssuedOn string `gorm:"size:10;not null"` // 成文日期 YYYY-MM-DD
	// Publisher 发布单位, Method 公开方式.
	Publisher       string    `gorm:"size:200;not null"`
	Method          string    `gorm:"size:100;not null"`
	SecrecyReviewed bool      `gorm:"not null"`
	LeaderApproved  bool      `gorm:"not null"`
	Late            bool      `gorm:"not null"`
	Due             time.Time `gorm:"not null"`
	RecordedByID    *uint
	RecordedBy      string    `gorm:"size:64;not null"`
	PublishedAt     time.Time `gorm:"not null;index"`
}

func (Publication) TableName() string { return "publications" }

// IndexSerial is the last serial number handed out for a 索引号 prefix
// ("{credit code}/{year}"), so generated numbers never repeat.
type IndexSerial struct {
	Prefix string `gorm:"primaryKey;size:64"`
	Last   int    `gorm:"not null"`
}

func (IndexSerial) TableName() string { return "index_serials" }
