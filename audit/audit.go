// Package audit appends to the audit log and verifies it. Every state
// change writes its event in the same transaction as the change itself;
// events form a hash chain, so an edited or deleted row is found by Verify.
package audit

import (
	"encoding/json"
	"errors"
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

// chainLockKey names the PostgreSQL advisory lock that serialises appends,
// so two transactions never both extend the chain from the same head.
const chainLockKey = 0x6c617763_61756474 // "lawcaudt"

// Record appends ev inside tx (a savepoint when tx is already a transaction).
func Record(tx *gorm.DB, at time.Time, actor Actor, ev Event) error {
	before, err := encode(ev.Before)
	if err != nil {
		return err
	}
	after, err := encode(ev.After)
	if err != nil {
		return err
	}
	return tx.Transaction(func(tx *gorm.DB) error {
		// SQLite transactions here begin IMMEDIATE and are already
		// serialised; PostgreSQL needs the lock.
		if tx.Dialector.Name() == "postgres" {
			if err := tx.Exec("SELECT pg_advisory_xact_lock(?)", int64(chainLockKey)).Error; err != nil {
				return fmt.Errorf("lock audit chain: %w", err)
			}
		}
		prev, seq := models.GenesisHash, int64(1)
		var head models.AuditEvent
		switch err := tx.Select("seq", "hash").Order("seq DESC").Take(&head).Error; {
		case err == nil:
			prev, seq = head.Hash, head.Seq+1
		case !errors.Is(err, gorm.ErrRecordNotFound):
			return fmt.Errorf("read audit chain head: %w", err)
		}
		row := models.AuditEvent{
			Seq: seq, At: at.UTC().Truncate(time.Microsecond), ActorID: actor.UserID, ActorName: actor.Name,
			ActorRole: actor.Role, OrgCode: actor.OrgCode, Action: ev.Action, TargetType: ev.TargetType,
			TargetID: ev.TargetID, Before: before, After: after, RequestID: actor.RequestID, PrevHash: prev,
		}
		row.Hash = row.ChainHash(prev)
		if err := tx.Create(&row).Error; err != nil {
			return fmt.Errorf("record audit event %s: %w", ev.Action, err)
		}
		return nil
	})
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
