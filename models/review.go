package models

import "time"

// Review is a reviewer's decision on one submission version (审核). Rows
// are immutable: every round's decision is kept as it was made.
type Review struct {
	ID      uint   `gorm:"primaryKey"`
	CycleID string `gorm:"size:32;not null;uniqueIndex:idx_review_version,priority:1"`
	OrgCode string `gorm:"size:64;not null;uniqueIndex:idx_review_version,priority:2"`
	// Version is the reviewed submission version; a version is reviewed
	// once.
	Version  int    `gorm:"not null;uniqueIndex:idx_review_version,priority:3"`
	Round    int    `gorm:"not null"`
	Decision string `gorm:"size:16;not null"`
	// ResubmitDue is the due date of the next round when returned.
	ResubmitDue  *time.Time
	ReviewerID   *uint
	ReviewerName string    `gorm:"size:64;not null"`
	ReviewedAt   time.Time `gorm:"not null"`
}

func (Review) TableName() string { return "reviews" }

// ReviewComment is one comment of a review, anchored to an indicator, a
// section or (neither) the whole return. Immutable like its review.
type ReviewComment struct {
	ID        uint   `gorm:"primaryKey"`
	ReviewID  uint   `gorm:"not null;index"`
	CycleID   string `gorm:"size:32;not null;index:idx_review_comment_bureau,priority:1"`
	OrgCode   string `gorm:"size:64;not null;index:idx_review_comment_bureau,priority:2"`
	Version   int    `gorm:"not null"`
	Position  int    `gorm:"not null"`
	Indicator string `gorm:"size:64;not null;default:''"`
	Section   string `gorm:"size:64;not null;default:''"`
	Message   string `gorm:"type:text;not null"`
}

func (ReviewComment) TableName() string { return "review_comments" }
