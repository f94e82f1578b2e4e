package api

import (
	"fmt"
	"net/url"

	"github.com/gofiber/fiber/v2"

	"github.com/lawcycle/lawcycle/internal/apperr"
	"github.com/lawcycle/lawcycle/service"
)

func (h *handlers) createCycle(c *fiber.Ctx) error {
	var in service.CycleInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	out, err := h.svc.CreateCycle(c.UserContext(), principal(c), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(out)
}

// listCycles pages the caller's cycles, newest first: ?limit= (1–500,
// default 500) and ?after= (the last cycle id of the previous page).
func (h *handlers) listCycles(c *fiber.Ctx) error {
	limit, err := queryNumber(c, "limit", service.MaxCyclePage)
	if err != nil {
		return err
	}
	page := service.CyclePage{After: c.Query("after"), Limit: limit}
	out, err := h.svc.ListCycles(c.UserContext(), principal(c), page)
	if err != nil {
		return err
	}
	if limit == 0 {
		limit = service.MaxCyclePage
	}
	if n := len(out); n > 0 && n == limit {
		nextPage(c, "after", out[n-1].ID)
	}
	return c.JSON(out)
}

func (h *handlers) getCycle(c *fiber.Ctx) error {
	out, err := h.svc.GetCycle(c.UserContext(), principal(c), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (h *handlers) getNotice(c *fiber.Ctx) error {
	out, err := h.svc.GetNotice(c.UserContext(), principal(c), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(out)
}

// listBureaus serves the read model; ?stage= filters, ?after=&limit= pages
// (no limit: every bureau).
func (h *handlers) listBureaus(c *fiber.Ctx) error {
	limit := 0
	if raw := c.Query("limit"); raw != "" {
		var err error
		if limit, err = parseLimit(raw); err != nil {
			return err
		}
	}
	out, err := h.svc.ListBureaus(c.UserContext(), principal(c), c.Params("id"), service.BureauFilter{
		Stage: c.Query("stage"), After: c.Query("after"), Limit: limit,
	})
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (h *handlers) launchCycle(c *fiber.Ctx) error {
	out, err := h.svc.Launch(c.UserContext(), principal(c), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func parseLimit(raw string) (int, error) {
	n := 0
	for _, r := range raw {
		if r < '0' || r > '9' || n > 100000 {
			return 0, apperr.Invalid("limit 应为 1 至 100000 之间的整数", apperr.Field(-1, "limit", "取值无效"))
		}
		n = n*10 + int(r-'0')
	}
	if n < 1 || n > 100000 {
		return 0, apperr.Invalid("limit 应为 1 至 100000 之间的整数", apperr.Field(-1, "limit", "取值无效"))
	}
	return n, nil
}

func (h *handlers) grantViewer(c *fiber.Ctx) error {
	var in service.ViewerInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	out, err := h.svc.GrantViewer(c.UserContext(), principal(c), c.Params("id"), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(out)
}

func (h *handlers) listViewers(c *fiber.Ctx) error {
	out, err := h.svc.ListViewers(c.UserContext(), principal(c), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (h *handlers) revokeViewer(c *fiber.Ctx) error {
	if err := h.svc.RevokeViewer(c.UserContext(), principal(c), c.Params("id"), c.Params("username")); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// queryNumber reads an optional query parameter that must be a whole
// number from 1 to max, written in digits only (no sign, no spaces); 0
// when absent.
func queryNumber(c *fiber.Ctx, name string, max int) (int, error) {
	raw := c.Query(name)
	if raw == "" {
		return 0, nil
	}
	n := 0
	for _, r := range raw {
		if r < '0' || r > '9' || n > max {
			n = -1
			break
		}
		n = n*10 + int(r-'0')
	}
	if n < 1 || n > max {
		return 0, apperr.Invalid(fmt.Sprintf("%s 应为 1 至 %d 之间的整数，实际为“%s”", name, max, raw), apperr.Field(-1, name, "取值无效"))
	}
	return n, nil
}

// nextPage points a client at the next page of a full one (RFC 8288
// Link, rel="next"), so a client that never asked for paging learns that
// the list goes on: the same path and query, the cursor replaced.
func nextPage(c *fiber.Ctx, cursor, value string) {
	u, err := url.Parse(c.OriginalURL())
	if err != nil {
		return
	}
	q := u.Query()
	q.Set(cursor, value)
	c.Set(fiber.HeaderLink, fmt.Sprintf(`<%s?%s>; rel="next"`, u.Path, q.Encode()))
}
