// Package service holds lawcycle's domain operations: validation, database
// changes with their audit events, and starting workflows. The HTTP API and
// the CLI both call it; it returns *apperr.Error for anything the user can fix.
package service

import (
	"log/slog"
	"sync"
	"time"

	"go.temporal.io/sdk/client"
	"gorm.io/gorm"

	"github.com/lawcycle/lawcycle/audit"
	"github.com/lawcycle/lawcycle/calendar/source"
	"github.com/lawcycle/lawcycle/internal/store"
	"github.com/lawcycle/lawcycle/rules"
	"github.com/lawcycle/lawcycle/wire"
)

// Service bundles the dependencies of every operation.
type Service struct {
	DB       *gorm.DB
	Temporal client.Client
	Logger   *slog.Logger
	// TaskQueue is where cycle workflows start; empty means wire.TaskQueue.
	// Tests give each worker its own queue on a shared server.
	TaskQueue string
	// Now is the clock, replaceable in tests.
	Now func() time.Time
	// parts caches uploaded catalogue parts parsed from their stored YAML,
	// by SHA-256: rows never change, so an entry never goes stale.
	parts sync.Map
	// calendars caches the working-day calendars built from stored data,
	// rebuilt when the stored revision moves.
	calendars source.Cache
}

func (s *Service) taskQueue() string {
	if s.TaskQueue != "" {
		return s.TaskQueue
	}
	return wire.TaskQueue
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

// Principal is the authenticated caller.
type Principal struct {
	UserID    uint
	Username  string
	Role      rules.Role
	OrgID     *uint
	OrgCode   string
	RequestID string
}

// Actor is the principal as the audit log records it.
func (p Principal) Actor() audit.Actor {
	id := p.UserID
	return audit.Actor{UserID: &id, Name: p.Username, Role: string(p.Role), OrgCode: p.OrgCode, RequestID: p.RequestID}
}

// IsPlatformAdmin reports whether p may act on every office.
func (p Principal) IsPlatformAdmin() bool { return p.Role == rules.RolePlatformAdmin }

func isDuplicate(err error) bool { return store.IsUniqueViolation(err) }
