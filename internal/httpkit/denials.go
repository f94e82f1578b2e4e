package httpkit

import (
	"context"
	"log/slog"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"
	"golang.org/x/time/rate"
	"gorm.io/gorm"

	"github.com/lawcycle/lawcycle/audit"
)

// Denials writes refused requests (401, 403, failed CSRF checks) to the
// audit log as access.denied. Audit appends are serialised, so the record
// is throttled to 20 a second for the whole process (a burst of 100): a
// flood of bad tokens must not become a flood of locked writes. What the
// throttle drops is counted and logged, never lost silently.
type Denials struct {
	db      *gorm.DB
	log     *slog.Logger
	limit   *rate.Limiter
	dropped atomic.Int64
}

// DenialsPerSecond and DenialsBurst bound the record of refused requests.
const (
	DenialsPerSecond = 20
	DenialsBurst     = 100
)

// NewDenials makes the process's recorder; nil db records nothing.
func NewDenials(db *gorm.DB, log *slog.Logger) *Denials {
	return &Denials{db: db, log: log, limit: rate.NewLimiter(rate.Limit(DenialsPerSecond), DenialsBurst)}
}

// Dropped counts the records the throttle dropped.
func (d *Denials) Dropped() int64 { return d.dropped.Load() }

// Record writes one refused request: who (actor; anonymous without a
// session or token), the method and path, the status, code and reason.
func (d *Denials) Record(c *fiber.Ctx, actor audit.Actor, status int, code, reason string) {
	if d == nil || d.db == nil {
		return
	}
	if !d.limit.Allow() {
		if n := d.dropped.Add(1); n%100 == 1 {
			d.log.Warn("audit of refused requests throttled", "dropped_so_far", n)
		}
		return
	}
	if actor.Name == "" {
		actor.Name = "anonymous"
	}
	if actor.RequestID == "" {
		actor.RequestID = RequestIDOf(c)
	}
	// Copied: Fiber lends the method and path for the handler only.
	target := truncate(strings.Clone(c.Method())+" "+strings.Clone(c.Path()), 128)
	after := map[string]any{"status": status, "code": code, "ip": strings.Clone(c.IP())}
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
		d.log.Error("audit refused request", "request_id", actor.RequestID, "error", err)
	}
}

// truncate cuts s to at most n bytes without splitting a character.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
