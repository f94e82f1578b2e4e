package models

import "time"

// Notification delivery statuses.
const (
	// NotificationPending: some channel has still to deliver it.
	NotificationPending = "pending"
	// NotificationDelivered: every channel delivered it or had nobody to
	// deliver it to.
	NotificationDelivered = "delivered"
	// NotificationDead: a channel kept failing until the attempts or the
	// age ran out (a dead letter); it stays in the inbox.
	NotificationDead = "dead"
)

// Notification is one message to an organisation's people or to one user
// (通知、提醒、督办). Activities write it in the transaction of the change
// it reports (package notify); it is at once the recipients' inbox item
// and the outbox row the dispatcher delivers to e-mail and the webhook.
type Notification struct {
	ID uint `gorm:"primaryKey"`
	// IdempotencyKey names the event, e.g.
	// "cycle/2024-abc/bureau/rsj/reminder/submission/-2d": the same event
	// is never written twice.
	IdempotencyKey string `gorm:"size:255;not null;uniqueIndex:idx_notifications_key"`
	Kind           string `gorm:"size:32;not null"`
	// RecipientOrgID addresses every user of the organisation (and its
	// contact mailbox); RecipientUserID one user. With both, the user.
	RecipientOrgID  *uint  `gorm:"index:idx_notifications_org"`
	RecipientUserID *uint  `gorm:"index:idx_notifications_user"`
	Subject         string `gorm:"size:200;not null"`
	Body            string `gorm:"type:text;not null"`
	Link            string `gorm:"size:500;not null;default:''"`
	Status          string `gorm:"size:16;not null;index:idx_notifications_due,priority:1"`
	// Channels is the JSON state per delivery channel:
	// {"email":{"state":"sent",...},"webhook":{"state":"failed","error":…}}.
	Channels      string    `gorm:"type:text;not null;default:'{}'"`
	Attempts      int       `gorm:"not null;default:0"`
	NextAttemptAt time.Time `gorm:"not null;index:idx_notifications_due,priority:2"`
	// ClaimToken marks the dispatcher holding the row until NextAttemptAt
	// (its lease); empty when nobody does.
	ClaimToken  string `gorm:"size:32;not null;default:''"`
	LastError   string `gorm:"type:text;not null;default:''"`
	DeliveredAt *time.Time
	// ReadAt and ReadByID: when, and by whom, the inbox item was first
	// read. An organisation's item is read for the organisation.
	ReadAt    *time.Time
	ReadByID  *uint
	CreatedAt time.Time `gorm:"not null"`
}

func (Notification) TableName() string { return "notifications" }
