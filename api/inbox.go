package api

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/lawcycle/lawcycle/internal/apperr"
	"github.com/lawcycle/lawcycle/service"
)

// listInbox answers the caller's notifications, newest first
// (?unread=true&before_id=&limit=).
func (h *handlers) listInbox(c *fiber.Ctx) error {
	var f service.InboxFilter
	if raw := c.Query("before_id"); raw != "" {
		n, err := strconv.ParseUint(raw, 10, 32)
		if err != nil {
			return apperr.Invalid("before_id 应为正整数", apperr.Field(-1, "before_id", "取值无效"))
		}
		f.BeforeID = uint(n)
	}
	if raw := c.Query("limit"); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil || n < 1 {
			return apperr.Invalid("limit 应为正整数", apperr.Field(-1, "limit", "取值无效"))
		}
		f.Limit = n
	}
	if raw := c.Query("unread"); raw != "" {
		b, err := strconv.ParseBool(raw)
		if err != nil {
			return apperr.Invalid("unread 应为 true 或 false", apperr.Field(-1, "unread", "取值无效"))
		}
		f.Unread = b
	}
	out, err := h.svc.ListInbox(c.UserContext(), principal(c), f)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (h *handlers) markInboxRead(c *fiber.Ctx) error {
	id, err := strconv.ParseUint(c.Params("id"), 10, 32)
	if err != nil || id == 0 {
		return apperr.NotFound("消息不存在")
	}
	if err := h.svc.MarkInboxRead(c.UserContext(), principal(c), uint(id)); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}
