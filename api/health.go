package api

import (
	"context"
	"time"

	"github.com/gofiber/fiber/v2"
)

// healthz answers while the process runs.
func (h *handlers) healthz(c *fiber.Ctx) error {
	return c.JSON(fiber.Map{"status": "ok"})
}

// readyz answers 200 only when the database and Temporal both respond.
func (h *handlers) readyz(c *fiber.Ctx) error {
	ctx, cancel := context.WithTimeout(c.UserContext(), 3*time.Second)
	defer cancel()
	checks := fiber.Map{"database": "ok", "temporal": "ok"}
	ready := true
	if sqlDB, err := h.db.DB(); err != nil || sqlDB.PingContext(ctx) != nil {
		checks["database"], ready = "数据库不可达", false
	}
	if _, err := h.temporal.CheckHealth(ctx, nil); err != nil {
		checks["temporal"], ready = "Temporal 服务不可达", false
	}
	if !ready {
		return c.Status(fiber.StatusServiceUnavailable).JSON(fiber.Map{"status": "unavailable", "checks": checks})
	}
	return c.JSON(fiber.Map{"status": "ok", "checks": checks})
}
