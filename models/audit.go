package models

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"time"
)

// AuditEvent records one state change or refused attempt. Rows are only
// ever inserted; each carries the hash of the one before it (Seq − 1), so
// an edited or deleted row breaks the chain (`lawcycle audit verify`).
type AuditEvent struct {
	ID         uint      `gorm:"primaryKey"`
	Seq        int64     `gorm:"not null;uniqueIndex"`
	At         time.Time `gorm:"not null;index"`
	ActorID    *uint
	ActorName  string `gorm:"size:64;not null;default:''"`
	ActorRole  string `gorm:"size:32;not null;default:''"`
	OrgCode    string `gorm:"size:64;not null;default:''"`
	Action     string `gorm:"size:64;not null;index"`
	TargetType string `gorm:"size:32;not null;default:''"`
	TargetID   string `gorm:"size:128;not null;default:'';index"`
	Before     string `gorm:"type:text;not null;default:''"`
	After      string `gorm:"type:text;not null;default:''"`
	RequestID  string `gorm:"size:64;not null;default:''"`
	PrevHash   string `gorm:"size:64;not null;default:''"`
	Hash       string `gorm:"size:64;not null;default:''"`
}

// GenesisHash is the PrevHash of the first event.
const GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000"

// ChainHash is the event's hash given the previous one: SHA-256 over a
// fixed, versioned encoding of every recorded field. Time is taken at
// microsecond precision, which both databases store exactly.
func (e AuditEvent) ChainHash(prev string) string {
	var actor any
	if e.ActorID != nil {
		actor = *e.ActorID
	}
	canonical, _ := json.Marshal([]any{
		"lawcycle-audit-v1", e.Seq, e.At.UTC().Truncate(time.Microsecond).Format(time.RFC3339Nano),
		actor, e.ActorName, e.ActorRole, e.OrgCode, e.Action, e.TargetType, e.TargetID,
		e.Before, e.After, e.RequestID, prev,
	})
	sum := sha256.Sum256(canonical)
	return hex.EncodeToString(sum[:])
}
