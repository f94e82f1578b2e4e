package web

import (
	"context"
	"fmt"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/lawcycle/lawcycle/internal/apperr"
	"github.com/lawcycle/lawcycle/service"
)

// statusTimeout bounds the workflow query behind a page: the rest of the
// page comes from the database and should not wait on a slow Temporal.
const statusTimeout = 3 * time.Second

// status asks the bureau workflow where the bureau stands and what it
// waits for. A page renders without it, saying why: the cycle is not
// launched, the workflow has ended, Temporal is unreachable.
func (u *ui) status(c *fiber.Ctx, v *visit) (*service.BureauStatus, string) {
	ctx, cancel := context.WithTimeout(c.UserContext(), statusTimeout)
	defer cancel()
	st, err := u.svc.BureauStatus(ctx, v.p, c.Params("id"), c.Params("org"))
	if err == nil {
		return &st, ""
	}
	if ae, ok := apperr.As(err); ok {
		return nil, ae.Message
	}
	rid := requestIDOf(c)
	u.log.Warn("query bureau status", "request_id", rid, "path", c.Path(), "error", err)
	return nil, fmt.Sprintf("暂时无法查询流程状态（请求编号 %s），以上阶段和期限以系统记录为准", rid)
}
