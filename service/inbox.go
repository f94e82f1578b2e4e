package service

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/lawcycle/lawcycle/internal/apperr"
	"github.com/lawcycle/lawcycle/models"
)

// InboxItem is a notification as its recipient reads it.
type InboxItem struct {
	ID      uint   `json:"id"`
	Kind    string `json:"kind"`
	Subject string `json:"subject"`
	Body    string `json:"body"`
	Link    string `json:"link"`
	// To is "user" for the caller's own notifications, "organisation" for
	// those to the caller's organisation (OrgCode).
	To        string     `json:"to"`
	OrgCode   string     `json:"org_code,omitempty"`
	CreatedAt time.Time  `json:"created_at"`
	ReadAt    *time.Time `json:"read_at"`
}

// InboxFilter pages the inbox newest first: BeforeID continues after the
// last item of the previous page.
type InboxFilter struct {
	BeforeID uint
	Limit    int
	Unread   bool
}

// Inbox page sizes.
const (
	DefaultInboxPage = 50
	MaxInboxPage     = 200
)

// inboxOf narrows q to the principal's notifications: those to the user,
// and those to the user's organisation as a whole.
func inboxOf(q *gorm.DB, p Principal) *gorm.DB {
	if p.OrgID == nil {
		return q.Where("n.recipient_user_id = ?", p.UserID)
	}
	return q.Where("n.recipient_user_id = ? OR (n.recipient_user_id IS NULL AND n.recipient_org_id = ?)", p.UserID, *p.OrgID)
}

// ListInbox returns the caller's notifications, newest first.
func (s *Service) ListInbox(ctx context.Context, p Principal, f InboxFilter) ([]InboxItem, error) {
	if f.Limit == 0 {
		f.Limit = DefaultInboxPage
	}
	if f.Limit < 0 || f.Limit > MaxInboxPage {
		return nil, apperr.Invalid(fmt.Sprintf("limit 应为 1 至 %d 之间的整数", MaxInboxPage), apperr.Field(-1, "limit", "取值无效"))
	}
	q := inboxOf(s.DB.WithContext(ctx).Table("notifications n").
		Select("n.id, n.kind, n.subject, n.body, n.link, n.recipient_user_id, n.created_at, n.read_at, o.code AS org_code").
		Joins("LEFT JOIN organisations o ON o.id = n.recipient_org_id"), p)
	if f.BeforeID > 0 {
		q = q.Where("n.id < ?", f.BeforeID)
	}
	if f.Unread {
		q = q.Where("n.read_at IS NULL")
	}
	var rows []struct {
		ID              uint
		Kind            string
		Subject         string
		Body            string
		Link            string
		RecipientUserID *uint
		CreatedAt       time.Time
		ReadAt          *time.Time
		OrgCode         *string
	}
	if err := q.Order("n.id DESC").Limit(f.Limit).Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("list inbox: %w", err)
	}
	out := make([]InboxItem, len(rows))
	for i, r := range rows {
		it := InboxItem{ID: r.ID, Kind: r.Kind, Subject: r.Subject, Body: r.Body, Link: r.Link,
			To: "organisation", CreatedAt: r.CreatedAt.UTC(), ReadAt: r.ReadAt}
		if r.RecipientUserID != nil {
			it.To = "user"
		}
		if r.OrgCode != nil {
			it.OrgCode = *r.OrgCode
		}
		out[i] = it
	}
	return out, nil
}

// MarkInboxRead marks one of the caller's notifications read; marking it
// again changes nothing. Anyone else's answers 404, so ids reveal nothing.
// A notification to an organisation is read for the organisation.
func (s *Service) MarkInboxRead(ctx context.Context, p Principal, id uint) error {
	db := s.DB.WithContext(ctx)
	var row struct {
		ID     uint
		ReadAt *time.Time
	}
	err := inboxOf(db.Table("notifications n").Select("n.id, n.read_at").Where("n.id = ?", id), p).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return apperr.NotFound(fmt.Sprintf("消息 %d 不存在", id))
	} else if err != nil {
		return fmt.Errorf("load inbox item: %w", err)
	}
	if row.ReadAt != nil {
		return nil
	}
	if err := db.Model(&models.Notification{}).Where("id = ? AND read_at IS NULL", id).
		Updates(map[string]any{"read_at": s.now(), "read_by_id": p.UserID}).Error; err != nil {
		return fmt.Errorf("mark inbox item read: %w", err)
	}
	return nil
}
