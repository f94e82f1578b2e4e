package api

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/lawcycle/lawcycle/internal/apperr"
)

func (h *handlers) listCatalogues(c *fiber.Ctx) error {
	out, err := h.svc.ListCatalogues(c.UserContext(), principal(c))
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (h *handlers) getCatalogue(c *fiber.Ctx) error {
	out, err := h.svc.GetCatalogue(c.UserContext(), principal(c), c.Params("part"), c.Params("version"))
	if err != nil {
		return err
	}
	return c.JSON(out)
}

// uploadCatalogue takes the YAML file itself as the body, as written by
// hand or exported from another installation.
func (h *handlers) uploadCatalogue(c *fiber.Ctx) error {
	ct := strings.ToLower(strings.TrimSpace(strings.SplitN(c.Get(fiber.HeaderContentType), ";", 2)[0]))
	switch ct {
	case "application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml", "text/plain":
	default:
		return apperr.UnsupportedMedia("请以 YAML 文件作为请求体上传指标体系（Content-Type: application/yaml）")
	}
	out, err := h.svc.UploadCatalogue(c.UserContext(), principal(c), c.Body())
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(out)
}
