package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/gofiber/fiber/v2"
	"golang.org/x/time/rate"
	"gorm.io/gorm"

	"github.com/lawcycle/lawcycle/audit"
	"github.com/lawcycle/lawcycle/service"
)

// denials writes refused web requests to the audit log as the API does
// (api/denials.go: action access.denied, the same throttle): a 403 of any
// kind, a failed CSRF check included, and a state-changing request
// without a session. A page opened without a session is redirected to the
// login page instead and not recorded: that is how every visit starts.
type denials struct {
	db      *gorm.DB
	log     *slog.Logger
	limit   *rate.Limiter
	dropped atomic.Int64
}

func newDenials(db *gorm.DB, log *slog.Logger) *denials {
	return &denials{db: db, log: log, limit: rate.NewLimiter(rate.Limit(20), 100)}
}

func (d *denials) record(c *fiber.Ctx, v *visit, status int, code, reason string) {
	if d == nil || d.db == nil {
		return
	}
	if !d.limit.Allow() {
		if n := d.dropped.Add(1); n%100 == 1 {
			d.log.Warn("audit of refused web requests throttled", "dropped_so_far", n)
		}
		return
	}
	actor := audit.Actor{Name: "anonymous", RequestID: requestIDOf(c)}
	if v != nil {
		actor = v.p.Actor()
	}
	target := c.Method() + " " + c.Path()
	if len(target) > 128 {
		target = truncate(target, 128)
	}
	after := map[string]any{"status": status, "code": code, "ip": c.IP()}
	if reason != "" {
		after["reason"] = reason
	}
	// The request's own context may already be done; the record must not be.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := audit.Record(d.db.WithContext(ctx), time.Now(), actor, audit.Event{
		Action: "access.denied", TargetType: "route", TargetID: target, After: after,
	})
	if err != nil {
		d.log.Error("audit refused web request", "request_id", actor.RequestID, "error", err)
	}
}

const headerRequestID = "X-Request-Id"

// requestIDOf is the request id the API's middleware gave the request, or
// a fresh one when the UI runs on an app without it.
func requestIDOf(c *fiber.Ctx) string {
	if rid := c.GetRespHeader(headerRequestID); rid != "" {
		return rid
	}
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	rid := hex.EncodeToString(b)
	c.Set(headerRequestID, rid)
	c.SetUserContext(service.WithRequestID(c.UserContext(), rid))
	return rid
}
