package api

import (
	"context"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/gofiber/fiber/v2"
	"golang.org/x/time/rate"
	"gorm.io/gorm"

	"github.com/lawcycle/lawcycle/audit"
	"github.com/lawcycle/lawcycle/internal/apperr"
)

// denials writes refused requests (401, 403) to the audit log. Audit
// appends are serialised, so the recorder is throttled: a flood of bad
// tokens must not become a flood of locked writes. What the throttle drops
// is counted and logged, so it is never lost silently.
type denials struct {
	db      *gorm.DB
	log     *slog.Logger
	limit   *rate.Limiter
	dropped atomic.Int64
}

func newDenials(db *gorm.DB, log *slog.Logger) *denials {
	return &denials{db: db, log: log, limit: rate.NewLimiter(rate.Limit(20), 100)}
}

func (d *denials) record(c *fiber.Ctx, ae *apperr.Error) {
	if d == nil || d.db == nil || (ae.Status != fiber.StatusUnauthorized && ae.Status != fiber.StatusForbidden) {
		return
	}
	// Failed logins have their own events (login.failed, login.locked).
	if c.Method() == fiber.MethodPost && c.Route().Path == "/api/v1/tokens" {
		return
	}
	if !d.limit.Allow() {
		if n := d.dropped.Add(1); n%100 == 1 {
			d.log.Warn("audit of refused requests throttled", "dropped_so_far", n)
		}
		return
	}
	actor := audit.Actor{Name: "anonymous", RequestID: requestIDOf(c)}
	if p := principal(c); p.UserID != 0 {
		actor = p.Actor()
	}
	target := c.Method() + " " + c.Path()
	if len(target) > 128 {
		target = target[:128]
	}
	// The request's own context may already be done; the record must not be.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := audit.Record(d.db.WithContext(ctx), time.Now(), actor, audit.Event{
		Action: "access.denied", TargetType: "route", TargetID: target,
		After: map[string]any{"status": ae.Status, "code": ae.Code, "ip": c.IP()},
	})
	if err != nil {
		d.log.Error("audit refused request", "request_id", actor.RequestID, "error", err)
	}
}
