package api

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/limiter"

	"github.com/lawcycle/lawcycle/internal/apperr"
	"github.com/lawcycle/lawcycle/service"
)

const (
	headerRequestID = "X-Request-Id"
	localRequestID  = "request_id"
	localPrincipal  = "principal"
)

// DefaultRequestTimeout bounds a request's work, as the server's write
// timeout bounds its answer: a JSON request or an upload that takes longer is
// broken, and its database connection is better given back.
const DefaultRequestTimeout = 2 * time.Minute

// requestContext gives every request a context that ends with it, or at
// timeout. Fiber's own default is context.Background, which never ends: a
// handler stuck on the database would hold its connection for ever, and the
// SQLite driver only arranges to interrupt a statement when its context can
// end. Work that outlives the handler, as the audit export's stream or the
// record of a refused request, makes its own context.
func requestContext(timeout time.Duration) fiber.Handler {
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

func requestID() fiber.Handler {
	return func(c *fiber.Ctx) error {
		rid := c.Get(headerRequestID)
		if !requestIDPattern.MatchString(rid) {
			b := make([]byte, 12)
			_, _ = rand.Read(b)
			rid = hex.EncodeToString(b)
		}
		c.Locals(localRequestID, rid)
		c.Set(headerRequestID, rid)
		c.SetUserContext(service.WithRequestID(c.UserContext(), rid))
		return c.Next()
	}
}

func requestIDOf(c *fiber.Ctx) string {
	rid, _ := c.Locals(localRequestID).(string)
	return rid
}

func logPanic(log *slog.Logger) func(*fiber.Ctx, any) {
	return func(c *fiber.Ctx, v any) {
		log.Error("panic", "request_id", requestIDOf(c), "path", c.Path(), "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
	}
}

func accessLog(log *slog.Logger) fiber.Handler {
	return func(c *fiber.Ctx) error {
		start := time.Now()
		err := c.Next()
		status := c.Response().StatusCode()
		if err != nil {
			status = statusOf(err)
		}
		level := slog.LevelDebug
		if status >= 500 {
			level = slog.LevelWarn
		}
		// Checked first: building the record's attributes allocates on
		// every request, and the access log is usually off.
		if log.Enabled(c.UserContext(), level) {
			log.Log(c.UserContext(), level, "http", "request_id", requestIDOf(c), "method", c.Method(),
				"path", c.Path(), "status", status, "duration", time.Since(start))
		}
		return err
	}
}

// authenticate resolves the bearer token; every route behind it sees a
// principal.
func authenticate(svc *service.Service) fiber.Handler {
	return func(c *fiber.Ctx) error {
		header := strings.TrimSpace(c.Get(fiber.HeaderAuthorization))
		scheme, secret, _ := strings.Cut(header, " ")
		// The scheme name is case-insensitive (RFC 9110 §11.1).
		if header != "" && !strings.EqualFold(scheme, "Bearer") {
			return apperr.Unauthenticated("Authorization 请求头格式应为 “Bearer <令牌>”")
		}
		p, err := svc.Authenticate(c.UserContext(), strings.TrimSpace(secret))
		if err != nil {
			return err
		}
		p.RequestID = requestIDOf(c)
		c.Locals(localPrincipal, p)
		return c.Next()
	}
}

func principal(c *fiber.Ctx) service.Principal {
	p, _ := c.Locals(localPrincipal).(service.Principal)
	return p
}

// requireRole refuses callers whose role is not listed.
func requireRole(roles ...string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if !slices.Contains(roles, principal(c).Role) {
			return apperr.Forbidden("您的角色无权执行此操作")
		}
		return c.Next()
	}
}

// statusOf is the status the error handler will send for err.
func statusOf(err error) int {
	if ae, ok := apperr.As(err); ok {
		return ae.Status
	}
	var fe *fiber.Error
	if errors.As(err, &fe) {
		return fromFiber(fe).Status
	}
	return fiber.StatusInternalServerError
}

// loginLimiter bounds login attempts per client address; the per-username
// lockout in the service holds across server replicas, this guards each
// replica against one address trying many usernames.
func loginLimiter(perMinute int) fiber.Handler {
	return limiter.New(limiter.Config{
		Max:        perMinute,
		Expiration: time.Minute,
		KeyGenerator: func(c *fiber.Ctx) string {
			return c.IP()
		},
		LimitReached: func(*fiber.Ctx) error {
			return apperr.TooManyRequests("登录请求过于频繁，请一分钟后再试")
		},
	})
}

// maxBody refuses a body larger than limit with 413 and a Chinese message.
// The server-wide cap (fiber.Config.BodyLimit) stops anything larger than
// the largest route allows before it is read.
func maxBody(limit int) fiber.Handler {
	return func(c *fiber.Ctx) error {
		n := c.Request().Header.ContentLength()
		if n < 0 {
			n = len(c.Body())
		}
		if n > limit {
			return apperr.TooLarge(fmt.Sprintf("请求体为 %.1f MB，超过本接口 %.1f MB 的上限", float64(n)/(1<<20), float64(limit)/(1<<20)))
		}
		return c.Next()
	}
}
