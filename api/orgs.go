package api

import (
	"bytes"

	"github.com/gofiber/fiber/v2"

	"github.com/lawcycle/lawcycle/service"
)

// createOrgs takes one object or an array (docs/api.md) and answers in kind.
func (h *handlers) createOrgs(c *fiber.Ctx) error {
	if err := requireJSON(c); err != nil {
		return err
	}
	if bytes.TrimSpace(c.Body())[0] == '[' {
		var in []service.OrgInput
		if err := decodeJSON(c, &in); err != nil {
			return err
		}
		out, err := h.svc.CreateOrgs(c.UserContext(), principal(c), in)
		if err != nil {
			return err
		}
		return c.Status(fiber.StatusCreated).JSON(out)
	}
	var in service.OrgInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	out, err := h.svc.CreateOrgs(c.UserContext(), principal(c), []service.OrgInput{in})
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(out[0])
}

func (h *handlers) listOrgs(c *fiber.Ctx) error {
	out, err := h.svc.ListOrgs(c.UserContext(), principal(c))
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (h *handlers) getOrg(c *fiber.Ctx) error {
	out, err := h.svc.GetOrg(c.UserContext(), principal(c), c.Params("code"))
	if err != nil {
		return err
	}
	return c.JSON(out)
}
