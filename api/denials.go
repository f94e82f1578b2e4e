package api

import (
	"github.com/gofiber/fiber/v2"

	"github.com/lawcycle/lawcycle/audit"
	"github.com/lawcycle/lawcycle/internal/apperr"
	"github.com/lawcycle/lawcycle/internal/httpkit"
)

// recordDenied writes a refused API request (401, 403) to the audit log
// through the process's recorder (httpkit.Denials), which the web UI
// shares. Failed logins have their own events (login.failed,
// login.locked) and are not recorded again.
func recordDenied(d *httpkit.Denials, c *fiber.Ctx, ae *apperr.Error) {
	if ae.Status != fiber.StatusUnauthorized && ae.Status != fiber.StatusForbidden {
		return
	}
	if c.Method() == fiber.MethodPost && c.Route().Path == "/api/v1/tokens" {
		return
	}
	var actor audit.Actor
	if p := principal(c); p.UserID != 0 {
		actor = p.Actor()
	}
	d.Record(c, actor, ae.Status, ae.Code, "")
}
