package httpkit

import (
	"fmt"

	"github.com/gofiber/fiber/v2"

	"github.com/lawcycle/lawcycle/internal/apperr"
)

// TooLarge is the 413 for a body larger than limit, nil when it fits. The
// declared length is trusted first, so an oversized body is refused before
// the handler reads it.
func TooLarge(c *fiber.Ctx, limit int) *apperr.Error {
	n := c.Request().Header.ContentLength()
	if n < 0 {
		n = len(c.Body())
	}
	if n <= limit {
		return nil
	}
	return apperr.TooLarge(fmt.Sprintf("请求体为 %.1f MB，超过本接口 %.1f MB 的上限", float64(n)/(1<<20), float64(limit)/(1<<20)))
}

// MaxBody refuses a body larger than limit with TooLarge, answered by fail
// (the API's JSON, the web UI's error page).
func MaxBody(limit int, fail func(*fiber.Ctx, error) error) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if e := TooLarge(c, limit); e != nil {
			return fail(c, e)
		}
		return c.Next()
	}
}
