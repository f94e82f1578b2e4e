package models

import "time"

// LoginFailure counts recent failed logins per username, existing or not,
// so that lockout neither depends on nor reveals whether an account exists.
type LoginFailure struct {
	Username    string    `gorm:"primaryKey;size:64"`
	Failures    int       `gorm:"not null;default:0"`
	WindowStart time.Time `gorm:"not null"`
	LockedUntil *time.Time
}
