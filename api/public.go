package api

import (
	"fmt"
	"math"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/lawcycle/lawcycle/internal/apperr"
	"github.com/lawcycle/lawcycle/service"
)

// publicReports lists published reports, no login (docs/domain.md#public-reports):
// ?year=, ?cycle= narrow it; ?limit= (1–1000, default 100) and ?after=
// (the last report's id) page it.
func (h *handlers) publicReports(c *fiber.Ctx) error {
	year, err := queryNumber(c, "year", 9999)
	if err != nil {
		return apperr.Invalid(fmt.Sprintf("年度“%s”无效，应为四位数的年份（如 2025）", c.Query("year")), apperr.Field(-1, "year", "取值无效"))
	}
	limit, err := queryNumber(c, "limit", service.MaxPublicPage)
	if err != nil {
		return err
	}
	after, err := queryNumber(c, "after", math.MaxInt32)
	if err != nil {
		return err
	}
	out, err := h.svc.PublicReports(c.UserContext(), service.PublicFilter{
		Year: year, CycleID: c.Query("cycle"), After: uint(after), Limit: limit,
	})
	if limit == 0 {
		limit = service.DefaultPublicPage
	}
	if n := len(out); err == nil && n > 0 && n == limit {
		nextPage(c, "after", strconv.FormatUint(uint64(out[n-1].ID), 10))
	}
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
