package api

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/lawcycle/lawcycle/internal/apperr"
	"github.com/lawcycle/lawcycle/service"
)

// getCalendar answers one year of the working-day calendar; ?office=CODE
// picks an office other than the caller's own.
func (h *handlers) getCalendar(c *fiber.Ctx) error {
	out, err := h.svc.ListCalendar(c.UserContext(), principal(c), c.Params("year"), c.Query("office"))
	if err != nil {
		return err
	}
	return c.JSON(out)
}

// setCalendarDay declares a day a holiday or a working day: PUT replaces
// the change of that day and scope, if any.
func (h *handlers) setCalendarDay(c *fiber.Ctx) error {
	var in service.CalendarDayInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	out, err := h.svc.SetCalendarDay(c.UserContext(), principal(c), c.Params("date"), c.Query("office"), in)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (h *handlers) deleteCalendarDay(c *fiber.Ctx) error {
	if err := h.svc.DeleteCalendarDay(c.UserContext(), principal(c), c.Params("date"), c.Query("office")); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// loadCalendarYear takes the notice as plain text (pasted, or a file sent
// with curl --data-binary), or {"text": "..."} as JSON. 201 for a year
// loaded for the first time, 200 when it replaces an earlier load.
func (h *handlers) loadCalendarYear(c *fiber.Ctx) error {
	var text string
	switch ct := strings.ToLower(strings.TrimSpace(strings.SplitN(c.Get(fiber.HeaderContentType), ";", 2)[0])); ct {
	case fiber.MIMETextPlain:
		text = string(c.Body())
	case fiber.MIMEApplicationJSON:
		var in struct {
			Text string `json:"text"`
		}
		if err := decodeJSON(c, &in); err != nil {
			return err
		}
		text = in.Text
	default:
		return apperr.UnsupportedMedia("请以纯文本（Content-Type: text/plain）提交通知正文，或以 JSON {\"text\": \"…\"} 提交")
	}
	out, created, err := h.svc.LoadCalendarYear(c.UserContext(), principal(c), c.Params("year"), text)
	if err != nil {
		return err
	}
	if created {
		c.Status(fiber.StatusCreated)
	}
	return c.JSON(out)
}
