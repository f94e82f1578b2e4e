// Package audit appends to the audit log. Every state change writes its
// event in the same transaction as the change itself.
package audit

import (
	"encoding/json"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/lawcycle/lawcycle/models"
)

// Actor is who did something.
type Actor struct {
	UserID    *uint
	Name      string
	Role      string
	OrgCode   string
	RequestID string
}

// System is the actor of workflow-driven changes.
var System = Actor{Name: "system"}

// Event is one change to record.
type Event struct {
	Action     string
	TargetType string
	TargetID   string
	Before     any
	After      any
}

// Record appends ev inside tx.
func Record(tx *gorm.DB, at time.Time, actor Actor, ev Event) error {
	before, err := encode(ev.Before)
	if err != nil {
		return err
	}
	after, err := encode(ev.After)
	if err != nil {
		return err
	}
	row := models.AuditEvent{
		At: at.UTC(), ActorID: actor.UserID, ActorName: actor.Name, ActorRole: actor.Role,
		OrgCode: actor.OrgCode, Action: ev.Action, TargetType: ev.TargetType, TargetID: ev.TargetID,
		Before: before, After: after, RequestID: actor.RequestID,
	}
	if err := tx.Create(&row).Error; err != nil {
		return fmt.Errorf("record audit event %s: %w", ev.Action, err)
	}
	return nil
}

func encode(v any) (string, error) {
	if v == nil {
		return "", nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("encode audit state: %w", err)
	}
	return string(b), nil
}
