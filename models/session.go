package models

import "time"

// WebSession is a browser login to the web UI. The cookie carries a
// 256-bit random secret; only its SHA-256 is stored, as the id, so the
// table alone lets no one act as a user. A session ends when it has been
// idle too long, at its absolute expiry, or when revoked (logout).
type WebSession struct {
	ID     string `gorm:"primaryKey;size:64"`
	UserID uint   `gorm:"not null;index"`
	// CSRFToken is echoed in every form of the session and compared on
	// every state-changing request.
	CSRFToken  string    `gorm:"column:csrf_token;size:64;not null"`
	CreatedAt  time.Time `gorm:"not null"`
	LastSeenAt time.Time `gorm:"not null"`
	// ExpiresAt is the absolute end, whatever the activity.
	ExpiresAt time.Time `gorm:"not null;index"`
	RevokedAt *time.Time
	UserAgent string `gorm:"size:255;not null;default:''"`
	IP        string `gorm:"column:ip;size:64;not null;default:''"`
}

func (WebSession) TableName() string { return "web_sessions" }
