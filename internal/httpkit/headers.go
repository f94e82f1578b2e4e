package httpkit

import (
	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/helmet"
)

// ContentSecurityPolicy allows nothing from outside the server and no
// inline script: pages work without scripts, and the API answers JSON.
const ContentSecurityPolicy = "default-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"

// SecurityHeaders sets nosniff, frame denial, a strict referrer policy
// and the content security policy on every answer.
func SecurityHeaders() fiber.Handler {
	return helmet.New(helmet.Config{ContentSecurityPolicy: ContentSecurityPolicy, ReferrerPolicy: "same-origin"})
}

// NoStore keeps an answer with personal data out of every cache.
func NoStore(c *fiber.Ctx) {
	c.Set(fiber.HeaderCacheControl, "no-store")
}
