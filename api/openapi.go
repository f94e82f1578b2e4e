package api

import (
	_ "embed"

	"github.com/gofiber/fiber/v2"
)

// openAPIDoc describes every /api/v1 route; a test keeps it in step with
// the routes New registers.
//
//go:embed openapi.json
var openAPIDoc []byte

func (h *handlers) openAPI(c *fiber.Ctx) error {
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
	return c.Send(openAPIDoc)
}
