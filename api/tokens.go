package api

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/lawcycle/lawcycle/internal/apperr"
	"github.com/lawcycle/lawcycle/service"
)

// createToken is public: it is how a user logs in.
func (h *handlers) createToken(c *fiber.Ctx) error {
	var in service.TokenRequest
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	out, err := h.svc.CreateToken(c.UserContext(), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(out)
}

func (h *handlers) listTokens(c *fiber.Ctx) error {
	out, err := h.svc.ListTokens(c.UserContext(), principal(c))
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (h *handlers) revokeToken(c *fiber.Ctx) error {
	id, err := strconv.ParseUint(c.Params("id"), 10, 32)
	if err != nil || id == 0 {
		return apperr.NotFound("令牌不存在")
	}
	if err := h.svc.RevokeToken(c.UserContext(), principal(c), uint(id)); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}
