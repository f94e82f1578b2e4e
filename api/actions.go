package api

import (
	"context"
	"fmt"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/lawcycle/lawcycle/internal/apperr"
	"github.com/lawcycle/lawcycle/service"
)

// The lifecycle routes all have one of a few shapes: a JSON body for a
// bureau of a cycle or for the cycle itself, or a read of either. These
// build their handlers from the service operation; the operation decides
// who may do what.

type bureauOp[In, Out any] func(context.Context, service.Principal, string, string, In) (Out, error)
type bureauGetter[Out any] func(context.Context, service.Principal, string, string) (Out, error)
type cycleOp[In, Out any] func(context.Context, service.Principal, string, In) (Out, error)
type cycleGetter[Out any] func(context.Context, service.Principal, string) (Out, error)

// postBureau decodes the body and answers status with the result.
func postBureau[In, Out any](status int, op bureauOp[In, Out]) fiber.Handler {
	return func(c *fiber.Ctx) error {
		var in In
		if err := decodeJSON(c, &in); err != nil {
			return err
		}
		out, err := op(c.UserContext(), principal(c), c.Params("id"), c.Params("org"), in)
		if err != nil {
			return err
		}
		return c.Status(status).JSON(out)
	}
}

func readBureau[Out any](op bureauGetter[Out]) fiber.Handler {
	return func(c *fiber.Ctx) error {
		out, err := op(c.UserContext(), principal(c), c.Params("id"), c.Params("org"))
		if err != nil {
			return err
		}
		return c.JSON(out)
	}
}

func postCycle[In, Out any](op cycleOp[In, Out]) fiber.Handler {
	return func(c *fiber.Ctx) error {
		var in In
		if err := decodeJSON(c, &in); err != nil {
			return err
		}
		out, err := op(c.UserContext(), principal(c), c.Params("id"), in)
		if err != nil {
			return err
		}
		return c.JSON(out)
	}
}

func readCycle[Out any](op cycleGetter[Out]) fiber.Handler {
	return func(c *fiber.Ctx) error {
		out, err := op(c.UserContext(), principal(c), c.Params("id"))
		if err != nil {
			return err
		}
		return c.JSON(out)
	}
}

// idParam reads a positive integer path parameter.
func idParam(c *fiber.Ctx, name, label string) (uint, error) {
	n, err := strconv.ParseUint(c.Params(name), 10, 32)
	if err != nil || n == 0 {
		return 0, apperr.Invalid(fmt.Sprintf("%s“%s”无效，应为正整数", label, c.Params(name)), apperr.Field(-1, name, "取值无效"))
	}
	return uint(n), nil
}
