package httpkit

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"regexp"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
)

// HeaderRequestID carries the request id both ways.
const HeaderRequestID = "X-Request-Id"

const localRequestID = "request_id"

// DefaultRequestTimeout bounds a request's work, as the server's write
// timeout bounds its answer: a JSON request or an upload that takes longer
// is broken, and its database connection is better given back.
const DefaultRequestTimeout = 2 * time.Minute

// RequestContext gives every request a context that ends with it, or at
// timeout. Fiber's own default is context.Background, which never ends: a
// handler stuck on the database would hold its connection for ever, and
// the SQLite driver only arranges to interrupt a statement when its
// context can end. Work that outlives the handler, as the audit export's
// stream or the record of a refused request, makes its own context.
func RequestContext(timeout time.Duration) fiber.Handler {
	return func(c *fiber.Ctx) error {
		ctx, cancel := context.WithTimeout(c.UserContext(), timeout)
		defer cancel()
		c.SetUserContext(ctx)
		return c.Next()
	}
}

// A caller's request id is kept if it looks like one; otherwise a fresh
// one is made, so logs can never be polluted through the header.
var requestIDPattern = regexp.MustCompile(`^[A-Za-z0-9._-]{8,64}$`)

// RequestID names every request: the caller's X-Request-Id when it looks
// like one, else a fresh one; echoed in the answer and put in the
// request's context with attach (the service's logs carry it).
func RequestID(attach func(context.Context, string) context.Context) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if _, named := c.Locals(localRequestID).(string); named {
			// Named already by the app's own middleware: one id a request.
			return c.Next()
		}
		rid := c.Get(HeaderRequestID)
		if requestIDPattern.MatchString(rid) {
			// Fiber lends header values for the handler's duration only;
			// the id outlives it in logs and the audit record.
			rid = strings.Clone(rid)
		} else {
			rid = newID()
		}
		c.Locals(localRequestID, rid)
		c.Set(HeaderRequestID, rid)
		if attach != nil {
			c.SetUserContext(attach(c.UserContext(), rid))
		}
		return c.Next()
	}
}

// RequestIDOf is the request's id; one is made for a request that missed
// the middleware (an app without it, in tests).
func RequestIDOf(c *fiber.Ctx) string {
	if rid, ok := c.Locals(localRequestID).(string); ok && rid != "" {
		return rid
	}
	rid := newID()
	c.Locals(localRequestID, rid)
	c.Set(HeaderRequestID, rid)
	return rid
}

func newID() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
