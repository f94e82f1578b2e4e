package web

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/lawcycle/lawcycle/internal/apperr"
	"github.com/lawcycle/lawcycle/rules"
	"github.com/lawcycle/lawcycle/service"
	"github.com/lawcycle/lawcycle/wire"
)

// extensionForm is a bureau's request, or an office admin's direct
// extension, as typed.
type extensionForm struct {
	Kind, Until, Reason string
}

// decisionForm is an office admin's answer to one request, as typed.
// Approve is "yes", "no" or "" (not chosen).
type decisionForm struct {
	ID                   uint
	Approve, Due, Reason string
}

// extensionsPage lists the bureau's extensions with the forms the user
// may use: a bureau asks, an office admin extends directly and decides
// the pending request.
type extensionsPage struct {
	W          service.Workspace
	Board      bool
	Extensions []service.ExtensionView
	Pending    *service.ExtensionView
	// Request: the bureau may ask now; Grant: the office admin may extend
	// directly; Decide: the office admin may decide Pending.
	Request, Grant, Decide bool
	Form                   extensionForm
	FormError              *formError
	Decision               decisionForm
	DecisionError          *formError
	// Stray is a refused decision that no form on the page can show any
	// more (the request was decided meanwhile).
	Stray *formError
	// Done says what was just done, after the redirect.
	Done string
}

// extensionNotices are the notices after a redirect, by ?done=.
var extensionNotices = map[string]string{
	"requested": "延期申请已提交，等待法治办审批；审批结果会通知本单位。",
	"granted":   "已为本单位延期，新的截止日期见上方，本单位会收到通知。",
	"approved":  "已同意延期申请，新的截止日期见上方，本单位会收到通知。",
	"refused":   "已不同意延期申请，理由已告知本单位。",
}

func (u *ui) extensions(c *fiber.Ctx, v *visit) error {
	return u.renderExtensions(c, v, http.StatusOK, extensionsPage{Done: extensionNotices[c.Query("done")]})
}

// extend asks for more time as the bureau, or extends directly as an
// office admin: the service tells them apart by role.
func (u *ui) extend(c *fiber.Ctx, v *visit) error {
	form := extensionForm{Kind: formValue(c, "kind"), Until: formValue(c, "until"), Reason: formValue(c, "reason")}
	id, org := c.Params("id"), c.Params("org")
	out, err := u.svc.Extend(c.UserContext(), v.p, id, org, service.ExtensionInput{Kind: form.Kind, Until: form.Until, Reason: form.Reason})
	if err != nil {
		fe, status, err := formRefusal(err)
		if err != nil {
			return err
		}
		return u.renderExtensions(c, v, status, extensionsPage{Form: form, FormError: fe})
	}
	done := "granted"
	if out.Status == wire.ExtensionPending {
		done = "requested"
	}
	return c.Redirect(workspacePath(id, org)+"/extensions?done="+done, http.StatusSeeOther)
}

func (u *ui) decideExtension(c *fiber.Ctx, v *visit) error {
	n, err := strconv.ParseUint(c.Params("ext_id"), 10, 32)
	if err != nil || n == 0 {
		return apperr.Invalid(fmt.Sprintf("延期申请编号“%s”无效，应为正整数", c.Params("ext_id")))
	}
	form := decisionForm{ID: uint(n), Approve: formValue(c, "approve"), Due: formValue(c, "due"), Reason: formValue(c, "reason")}
	in := service.ExtensionDecisionInput{Due: form.Due, Reason: form.Reason}
	switch form.Approve {
	case "yes":
		in.Approve = new(bool)
		*in.Approve = true
	case "no":
		in.Approve = new(bool)
	}
	id, org := c.Params("id"), c.Params("org")
	out, err := u.svc.DecideExtension(c.UserContext(), v.p, id, org, form.ID, in)
	if err != nil {
		fe, status, err := formRefusal(err)
		if err != nil {
			return err
		}
		return u.renderExtensions(c, v, status, extensionsPage{Decision: form, DecisionError: fe})
	}
	done := "refused"
	if out.Status == wire.ExtensionApproved {
		done = "approved"
	}
	return c.Redirect(workspacePath(id, org)+"/extensions?done="+done, http.StatusSeeOther)
}

// renderExtensions fills page (the forms as typed, a refusal) with the
// bureau's state and extensions.
func (u *ui) renderExtensions(c *fiber.Ctx, v *visit, status int, page extensionsPage) error {
	ctx := c.UserContext()
	id, org := c.Params("id"), c.Params("org")
	w, err := u.svc.GetWorkspace(ctx, v.p, id, org)
	if err != nil {
		return err
	}
	exts, err := u.svc.ListExtensions(ctx, v.p, id, org)
	if err != nil {
		return err
	}
	page.W, page.Extensions, page.Board = w, exts, v.p.Role != rules.RoleBureau
	for i := range exts {
		if exts[i].Status == wire.ExtensionPending {
			page.Pending = &exts[i]
			break
		}
	}
	page.Request = v.p.Role == rules.RoleBureau && running(w) && page.Pending == nil
	page.Grant = isOfficeAdmin(v.p.Role) && running(w)
	page.Decide = page.Grant && page.Pending != nil
	if page.Form.Kind == "" {
		page.Form.Kind = string(wire.DeadlineSubmission)
		if wire.Stage(w.Stage) == wire.StageAwaitingPublication {
			page.Form.Kind = string(wire.DeadlinePublication)
		}
	}
	if page.DecisionError != nil && (!page.Decide || page.Pending.ID != page.Decision.ID) {
		page.Stray, page.DecisionError = page.DecisionError, nil
	}
	if page.FormError != nil && !page.Request && !page.Grant {
		page.Stray, page.FormError = page.FormError, nil
	}
	return u.render(c, status, "extensions", v, "延期 · "+w.OrgName, page)
}
