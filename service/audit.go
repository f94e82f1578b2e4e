package service

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/lawcycle/lawcycle/internal/apperr"
	"github.com/lawcycle/lawcycle/internal/chinatime"
	"github.com/lawcycle/lawcycle/models"
)

// AuditEntry is one audit event as admins read it.
type AuditEntry struct {
	Seq        int64           `json:"seq"`
	At         time.Time       `json:"at"`
	ActorName  string          `json:"actor_name"`
	ActorRole  string          `json:"actor_role"`
	OrgCode    string          `json:"org_code"`
	Action     string          `json:"action"`
	TargetType string          `json:"target_type"`
	TargetID   string          `json:"target_id"`
	Before     json.RawMessage `json:"before,omitempty"`
	After      json.RawMessage `json:"after,omitempty"`
	RequestID  string          `json:"request_id"`
	Hash       string          `json:"hash"`
}

// AuditFilter narrows the log; AfterSeq pages forward.
type AuditFilter struct {
	Action   string
	TargetID string
	AfterSeq int64
	Limit    int
}

// MaxAuditPage bounds one page of GET /audit.
const MaxAuditPage = 1000

// ListAudit returns events in sequence order. A platform admin sees every
// event; an office admin those of actors in the office's subtree and
// everyone's events about its organisations, cycles and submissions.
func (s *Service) ListAudit(ctx context.Context, p Principal, f AuditFilter) ([]AuditEntry, error) {
	if f.Limit <= 0 || f.Limit > MaxAuditPage {
		return nil, apperr.Invalid(fmt.Sprintf("limit 应为 1 至 %d 之间的整数", MaxAuditPage), apperr.Field(-1, "limit", "取值无效"))
	}
	var out []AuditEntry
	err := s.eachAudit(ctx, p, f, func(ev models.AuditEvent) error {
		out = append(out, auditEntry(ev))
		return nil
	})
	if out == nil {
		out = []AuditEntry{}
	}
	return out, err
}

// EachAudit calls fn for every event the principal may see, in sequence
// order, reading in pages, for exports of any size.
func (s *Service) EachAudit(ctx context.Context, p Principal, f AuditFilter, fn func(AuditEntry) error) error {
	f.Limit = 0
	return s.eachAudit(ctx, p, f, func(ev models.AuditEvent) error { return fn(auditEntry(ev)) })
}

func (s *Service) eachAudit(ctx context.Context, p Principal, f AuditFilter, fn func(models.AuditEvent) error) error {
	tx := s.DB.WithContext(ctx)
	q := tx.Model(&models.AuditEvent{})
	if !p.IsPlatformAdmin() {
		codes, ids, err := s.scopeCodes(tx, p)
		if err != nil {
			return err
		}
		// An office's events are those of its own people, and those of
		// anyone else (a platform admin, the system) about its
		// organisations, their users, its cycles and their submissions, and
		// its calendar changes.
		cycles := tx.Model(&models.Cycle{}).Select("id").Where("office_id IN ?", ids)
		users := tx.Model(&models.User{}).Select("username").Where("org_id IN ?", ids)
		q = q.Where(tx.Where("org_code IN ?", codes).
			Or("target_type = ? AND target_id IN ?", "organisation", codes).
			Or("target_type = ? AND target_id IN (?)", "user", users).
			Or("target_type = ? AND target_id IN (?)", "cycle", cycles).
			Or("target_type = ? AND EXISTS (SELECT 1 FROM cycles c WHERE c.office_id IN ? AND audit_events.target_id LIKE c.id || '/%')", "submission", ids).
			Or("target_type = ? AND EXISTS (SELECT 1 FROM organisations o WHERE o.id IN ? AND audit_events.target_id LIKE o.code || '/%')", "calendar_day", ids))
	}
	if f.Action != "" {
		q = q.Where("action = ?", f.Action)
	}
	if f.TargetID != "" {
		q = q.Where("target_id = ?", f.TargetID)
	}
	after, left := f.AfterSeq, f.Limit
	for {
		page := 500
		if f.Limit > 0 {
			page = min(page, left)
		}
		var batch []models.AuditEvent
		if err := q.Session(&gorm.Session{}).Where("seq > ?", after).Order("seq").Limit(page).Find(&batch).Error; err != nil {
			return fmt.Errorf("read audit log: %w", err)
		}
		for _, ev := range batch {
			if err := fn(ev); err != nil {
				return err
			}
		}
		left -= len(batch)
		if len(batch) < page || (f.Limit > 0 && left <= 0) {
			return nil
		}
		after = batch[len(batch)-1].Seq
	}
}

// scopeCodes lists the codes and ids of the organisations the principal
// may see.
func (s *Service) scopeCodes(tx *gorm.DB, p Principal) ([]string, []uint, error) {
	scope, err := s.scope(tx, p)
	if err != nil {
		return nil, nil, err
	}
	ids := make([]uint, 0, len(scope.ids))
	for id := range scope.ids {
		ids = append(ids, id)
	}
	codes := []string{}
	for start := 0; start < len(ids); start += 1000 {
		var part []string
		if err := tx.Model(&models.Organisation{}).Where("id IN ?", ids[start:min(start+1000, len(ids))]).Pluck("code", &part).Error; err != nil {
			return nil, nil, fmt.Errorf("load organisation codes: %w", err)
		}
		codes = append(codes, part...)
	}
	return codes, ids, nil
}

func auditEntry(ev models.AuditEvent) AuditEntry {
	e := AuditEntry{
		Seq: ev.Seq, At: chinatime.In(ev.At), ActorName: ev.ActorName, ActorRole: ev.ActorRole, OrgCode: ev.OrgCode,
		Action: ev.Action, TargetType: ev.TargetType, TargetID: ev.TargetID, RequestID: ev.RequestID, Hash: ev.Hash,
	}
	if ev.Before != "" {
		e.Before = json.RawMessage(ev.Before)
	}
	if ev.After != "" {
		e.After = json.RawMessage(ev.After)
	}
	return e
}
