// Package notify sends lawcycle's notifications through an outbox.
//
// An activity calls Enqueue inside the transaction that changes the read
// model, so the change and its notification commit together or not at all.
// Each row is at once the recipients' in-app inbox item (delivered by being
// written) and an outbox entry that a Dispatcher, running in every worker
// process, delivers to the configured channels: e-mail over SMTP and a
// webhook in the DingTalk/WeCom robot format. Delivery failures retry with
// exponential backoff until they succeed or become dead letters; nothing a
// channel does ever blocks a workflow.
package notify

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/lawcycle/lawcycle/models"
)

// Kind says what a notification is about; channels may show it.
type Kind string

// Kinds of notifications (the escalation steps of docs/domain.md#escalation and the review's
// outcome).
const (
	KindNotice     Kind = "notice"     // 通知: a cycle's notice was issued
	KindReminder   Kind = "reminder"   // 提醒: a deadline is near
	KindOverdue    Kind = "overdue"    // 逾期: a deadline has passed
	KindEscalation Kind = "escalation" // 督办、告诫、约谈: seriously overdue
	KindReturned   Kind = "returned"   // 退回: a submission was returned for changes
	KindApproved   Kind = "approved"   // 通过: a submission was approved
	KindExtension  Kind = "extension"  // 延期: an extension was requested, decided or granted
	// KindRectification: a rectification item (整改事项) was opened, moved
	// on (progress, closure request, verification) or carried over.
	KindRectification Kind = "rectification"
)

// Kinds lists every kind, for validation and documentation.
var Kinds = []Kind{KindNotice, KindReminder, KindOverdue, KindEscalation, KindReturned, KindApproved, KindExtension,
	KindRectification}

// Label is the kind's Chinese name.
func (k Kind) Label() string {
	switch k {
	case KindNotice:
		return "通知"
	case KindReminder:
		return "提醒"
	case KindOverdue:
		return "逾期"
	case KindEscalation:
		return "督办"
	case KindReturned:
		return "退回"
	case KindApproved:
		return "通过"
	case KindExtension:
		return "延期"
	case KindRectification:
		return "整改"
	}
	return string(k)
}

// Limits of a message's fields (the columns' sizes).
const (
	MaxKeyLength     = 255 // bytes
	MaxSubjectLength = 200 // characters
	MaxLinkLength    = 500 // bytes
	MaxBodyLength    = 20000
)

// Message is one notification to enqueue.
type Message struct {
	// Key names the event so that it is never enqueued twice, e.g.
	// "cycle/2024-abc/bureau/rsj/reminder/submission/-2d". Required.
	Key  string
	Kind Kind
	// OrgCode addresses every user of the organisation and its contact
	// mailbox; UserID one user. At least one is required; with both, the
	// message is the user's (the organisation is its context).
	OrgCode string
	UserID  *uint
	// Subject and Body are Chinese plain text; Subject is one line.
	Subject string
	Body    string
	// Link is a path of the web UI ("/cycles/2024-abc/bureaus/rsj") or an
	// absolute URL; optional.
	Link string
}

// Key builds an idempotency key from its parts joined by "/", e.g.
// Key("cycle", id, "bureau", org, "reminder", "submission", "-2d").
func Key(parts ...string) string { return strings.Join(parts, "/") }

func (m Message) validate() error {
	switch {
	case m.Key == "" || len(m.Key) > MaxKeyLength:
		return fmt.Errorf("key must have 1 to %d bytes, not %d", MaxKeyLength, len(m.Key))
	case !slices.Contains(Kinds, m.Kind):
		return fmt.Errorf("unknown kind %q", m.Kind)
	case m.OrgCode == "" && m.UserID == nil:
		return errors.New("no recipient (organisation or user)")
	case strings.TrimSpace(m.Subject) == "" || utf8.RuneCountInString(m.Subject) > MaxSubjectLength || strings.ContainsAny(m.Subject, "\r\n"):
		return fmt.Errorf("subject must be one line of 1 to %d characters", MaxSubjectLength)
	case strings.TrimSpace(m.Body) == "" || utf8.RuneCountInString(m.Body) > MaxBodyLength:
		return fmt.Errorf("body must have 1 to %d characters", MaxBodyLength)
	case len(m.Link) > MaxLinkLength:
		return fmt.Errorf("link longer than %d bytes", MaxLinkLength)
	case !utf8.ValidString(m.Subject + m.Body + m.Link + m.Key):
		return errors.New("not valid UTF-8")
	}
	return nil
}

// Enqueue writes msgs to the outbox in tx, the caller's transaction: they
// appear in the recipients' inboxes and are delivered once tx commits, and
// vanish with it if it rolls back. A message whose key was enqueued before
// (by an earlier attempt of the same activity, say) is skipped.
func Enqueue(tx *gorm.DB, msgs ...Message) error {
	if len(msgs) == 0 {
		return nil
	}
	// The caller's transaction, without whatever its handle was chained with.
	tx = tx.Session(&gorm.Session{NewDB: true})
	codes := map[string]*uint{}
	for i, m := range msgs {
		if err := m.validate(); err != nil {
			return fmt.Errorf("notification %d (%s): %w", i, m.Key, err)
		}
		if m.OrgCode != "" {
			codes[m.OrgCode] = nil
		}
	}
	if len(codes) > 0 {
		var orgs []models.Organisation
		if err := tx.Select("id", "code").Where("code IN ?", mapKeys(codes)).Find(&orgs).Error; err != nil {
			return fmt.Errorf("look up notification recipients: %w", err)
		}
		for _, o := range orgs {
			id := o.ID
			codes[o.Code] = &id
		}
	}
	now := tx.NowFunc().UTC()
	seen := map[string]bool{}
	rows := make([]models.Notification, 0, len(msgs))
	for _, m := range msgs {
		if seen[m.Key] {
			continue
		}
		seen[m.Key] = true
		row := models.Notification{
			IdempotencyKey: m.Key, Kind: string(m.Kind), RecipientUserID: m.UserID,
			Subject: m.Subject, Body: m.Body, Link: m.Link,
			Status: models.NotificationPending, Channels: "{}", NextAttemptAt: now, CreatedAt: now,
		}
		if m.OrgCode != "" {
			if row.RecipientOrgID = codes[m.OrgCode]; row.RecipientOrgID == nil {
				return fmt.Errorf("notification %s: unknown organisation %q", m.Key, m.OrgCode)
			}
		}
		rows = append(rows, row)
	}
	// ON CONFLICT DO NOTHING, not a caught unique violation: on
	// PostgreSQL a failed statement would abort the caller's transaction.
	err := tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "idempotency_key"}}, DoNothing: true}).
		CreateInBatches(rows, 200).Error
	if err != nil {
		return fmt.Errorf("enqueue notifications: %w", err)
	}
	return nil
}

func mapKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
