package api

import (
	"github.com/gofiber/fiber/v2"
)

// submissionChanges compares a version with the previous one.
func (h *handlers) submissionChanges(c *fiber.Ctx) error {
	v, err := versionParam(c)
	if err != nil {
		return err
	}
	out, err := h.svc.SubmissionChanges(c.UserContext(), principal(c), c.Params("id"), c.Params("org"), v)
	if err != nil {
		return err
	}
	return c.JSON(out)
}
