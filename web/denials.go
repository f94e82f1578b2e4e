package web

import (
	"github.com/gofiber/fiber/v2"

	"github.com/lawcycle/lawcycle/audit"
	"github.com/lawcycle/lawcycle/internal/httpkit"
)

// recordDenied writes a refused web request to the audit log through the
// process's recorder (httpkit.Denials), shared with the API: a 403 of any
// kind, a failed CSRF check included, and a state-changing request
// without a session. A page opened without a session is redirected to the
// login page instead and not recorded: that is how every visit starts.
func (u *ui) recordDenied(c *fiber.Ctx, v *visit, status int, code, reason string) {
	var actor audit.Actor
	if v != nil {
		actor = v.p.Actor()
	}
	u.kit.Denials.Record(c, actor, status, code, reason)
}

func requestIDOf(c *fiber.Ctx) string { return httpkit.RequestIDOf(c) }
