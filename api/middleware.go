package api

import (
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/lawcycle/lawcycle/internal/apperr"
	"github.com/lawcycle/lawcycle/internal/httpkit"
	"github.com/lawcycle/lawcycle/rules"
	"github.com/lawcycle/lawcycle/service"
)

const localPrincipal = "principal"

func requestIDOf(c *fiber.Ctx) string { return httpkit.RequestIDOf(c) }

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
func requireRole(roles ...rules.Role) fiber.Handler {
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
