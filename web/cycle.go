package web

import (
	"net/http"
	"net/url"

	"github.com/gofiber/fiber/v2"

	"github.com/lawcycle/lawcycle/models"
	"github.com/lawcycle/lawcycle/service"
	"github.com/lawcycle/lawcycle/wire"
)

// cycleExtendForm moves a deadline of the whole cycle, as typed.
type cycleExtendForm struct {
	Kind, Date, Reason string
}

type cyclePage struct {
	Cycle   service.CycleView
	Stages  []stageCount
	Filter  string
	Bureaus []service.BureauRow
	// Next is the org code to continue after; empty on the last page.
	Next string
	// Admin: the user may extend and close the cycle, which is Running.
	Admin, Running bool
	// Early: closing now comes before the publication deadline.
	Early       bool
	Extend      cycleExtendForm
	ExtendError *formError
	CloseReason string
	CloseError  *formError
	// Stray is a refusal whose form is no longer shown (the cycle closed
	// meanwhile).
	Stray *formError
	// Extended names the deadline just moved; Closed: the cycle was just
	// closed (after the redirect).
	Extended string
	Closed   bool
}

// cycleBoard is the bureau board of one cycle: every bureau with its
// stage, a page at a time, optionally of one stage, and for office admins
// the forms to extend and close the cycle.
func (u *ui) cycleBoard(c *fiber.Ctx, v *visit) error {
	page := cyclePage{Closed: c.Query("closed") == "1"}
	if k := wire.DeadlineKind(c.Query("extended")); k.Valid() {
		page.Extended = k.Label()
	}
	return u.renderCycle(c, v, http.StatusOK, page)
}

func (u *ui) renderCycle(c *fiber.Ctx, v *visit, status int, page cyclePage) error {
	ctx := c.UserContext()
	id := c.Params("id")
	cyc, err := u.svc.GetCycle(ctx, v.p, id)
	if err != nil {
		return err
	}
	filter := c.Query("stage")
	rows, err := u.svc.ListBureaus(ctx, v.p, id, service.BureauFilter{Stage: filter, After: c.Query("after"), Limit: boardPageSize + 1})
	if err != nil {
		return err
	}
	page.Cycle, page.Stages, page.Filter, page.Bureaus = cyc, stageCounts(cyc.Progress), filter, rows
	if len(rows) > boardPageSize {
		page.Bureaus = rows[:boardPageSize]
		page.Next = page.Bureaus[boardPageSize-1].OrgCode
	}
	page.Admin = isOfficeAdmin(v.p.Role)
	page.Running = cyc.Status == models.CycleOpen || cyc.Status == models.CycleClosing
	page.Early = cyc.Status == models.CycleOpen && u.now().Before(cyc.PublicationDue)
	if !page.Admin || !page.Running {
		for _, fe := range []*formError{page.ExtendError, page.CloseError} {
			if fe != nil {
				page.Stray = fe
			}
		}
	}
	if page.Extend.Kind == "" {
		page.Extend.Kind = string(wire.DeadlineSubmission)
	}
	return u.render(c, status, "cycle", v, cyc.Title, page)
}

// extendCycle moves the submission or publication deadline of every
// bureau still owing it.
func (u *ui) extendCycle(c *fiber.Ctx, v *visit) error {
	form := cycleExtendForm{Kind: formValue(c, "kind"), Date: formValue(c, "date"), Reason: formValue(c, "reason")}
	id := c.Params("id")
	out, err := u.svc.ExtendCycle(c.UserContext(), v.p, id, service.CycleExtensionInput{Kind: form.Kind, Date: form.Date, Reason: form.Reason})
	if err != nil {
		fe, status, err := formRefusal(err)
		if err != nil {
			return err
		}
		return u.renderCycle(c, v, status, cyclePage{Extend: form, ExtendError: fe})
	}
	return c.Redirect(cyclePath(id)+"?extended="+out.Kind, http.StatusSeeOther)
}

// closeCycle stops every bureau where it stands and compiles the outcome.
func (u *ui) closeCycle(c *fiber.Ctx, v *visit) error {
	reason := formValue(c, "reason")
	id := c.Params("id")
	if _, err := u.svc.CloseCycle(c.UserContext(), v.p, id, service.CloseInput{Reason: reason}); err != nil {
		fe, status, err := formRefusal(err)
		if err != nil {
			return err
		}
		return u.renderCycle(c, v, status, cyclePage{CloseReason: reason, CloseError: fe})
	}
	return c.Redirect(cyclePath(id)+"?closed=1", http.StatusSeeOther)
}

func cyclePath(id string) string {
	return "/cycles/" + url.PathEscape(id)
}
