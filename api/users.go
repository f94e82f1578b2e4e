package api

import (
	"github.com/gofiber/fiber/v2"

	"github.com/lawcycle/lawcycle/service"
)

func (h *handlers) createUser(c *fiber.Ctx) error {
	var in service.UserInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	out, err := h.svc.CreateUser(c.UserContext(), principal(c), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(out)
}
