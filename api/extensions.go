package api

import (
	"github.com/gofiber/fiber/v2"

	"github.com/lawcycle/lawcycle/service"
)

// decideExtension answers a bureau's request for more time.
func (h *handlers) decideExtension(c *fiber.Ctx) error {
	extID, err := idParam(c, "ext_id", "延期申请编号")
	if err != nil {
		return err
	}
	var in service.ExtensionDecisionInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	out, err := h.svc.DecideExtension(c.UserContext(), principal(c), c.Params("id"), c.Params("org"), extID, in)
	if err != nil {
		return err
	}
	return c.JSON(out)
}
