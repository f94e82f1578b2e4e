package web

import (
	"net/http"

	"github.com/gofiber/fiber/v2"

	"github.com/lawcycle/lawcycle/service"
)

// milestonesPage lists who missed each deadline, as compiled when it
// passed.
type milestonesPage struct {
	Cycle      service.CycleView
	Milestones []service.MilestoneView
}

func (u *ui) milestones(c *fiber.Ctx, v *visit) error {
	ctx := c.UserContext()
	id := c.Params("id")
	cyc, err := u.svc.GetCycle(ctx, v.p, id)
	if err != nil {
		return err
	}
	ms, err := u.svc.Milestones(ctx, v.p, id)
	if err != nil {
		return err
	}
	return u.render(c, http.StatusOK, "milestones", v, "截止节点名单 · "+cyc.Title, milestonesPage{Cycle: cyc, Milestones: ms})
}
