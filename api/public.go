package api

import (
	"fmt"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/lawcycle/lawcycle/internal/apperr"
)

// publicReports lists published reports, no login (docs/domain.md#public-reports, §7).
func (h *handlers) publicReports(c *fiber.Ctx) error {
	year := 0
	if raw := c.Query("year"); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil || n < 1 {
			return apperr.Invalid(fmt.Sprintf("年度“%s”无效，应为四位数的年份（如 2025）", raw), apperr.Field(-1, "year", "取值无效"))
		}
		year = n
	}
	out, err := h.svc.PublicReports(c.UserContext(), year)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

// publicReportFile serves a published report's file.
func (h *handlers) publicReportFile(c *fiber.Ctx) error {
	f, ct, err := h.svc.PublicReportFile(c.UserContext(), c.Params("cycle"), c.Params("org"))
	if err != nil {
		return err
	}
	return sendFile(c, f, ct)
}
