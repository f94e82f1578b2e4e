package web

import (
	"net/http"
	"slices"

	"github.com/gofiber/fiber/v2"

	"github.com/lawcycle/lawcycle/internal/apperr"
	"github.com/lawcycle/lawcycle/rules"
)

// actionLimit bounds the lifecycle forms as the API bounds its JSON
// bodies: a return with two hundred long comments still fits.
const actionLimit = 4 << 20

// formError is the service's refusal of a form, shown above the form with
// what the user typed still in it, so nothing has to be typed twice.
type formError struct {
	Message string
	Details []apperr.Detail
}

// formRefusal separates what belongs in the form from what belongs on the
// error page. Bad input (400, 422) and a state that does not allow the
// action (409) are shown in the form; anything else (401, 403, 404,
// internal) is returned as an error, so someone outside the bureau or
// office sees the same page as for any other refusal.
func formRefusal(err error) (*formError, int, error) {
	ae, ok := apperr.As(err)
	if !ok {
		return nil, 0, err
	}
	switch ae.Status {
	case http.StatusBadRequest, http.StatusConflict, http.StatusUnprocessableEntity:
		return &formError{Message: ae.Message, Details: ae.Details}, ae.Status, nil
	}
	return nil, 0, err
}

// On reports whether a detail names field, so the template can mark it.
func (f *formError) On(field string) bool {
	if f == nil {
		return false
	}
	return slices.ContainsFunc(f.Details, func(d apperr.Detail) bool { return d.Field == field })
}

// OnItem reports whether a detail names field of the i-th item of a list.
func (f *formError) OnItem(i int, field string) bool {
	if f == nil {
		return false
	}
	return slices.ContainsFunc(f.Details, func(d apperr.Detail) bool {
		return d.Field == field && d.Index != nil && *d.Index == i
	})
}

// List is every problem when there are several; with one, the message
// already says it.
func (f *formError) List() []string {
	if f == nil || len(f.Details) < 2 {
		return nil
	}
	out := make([]string, len(f.Details))
	for i, d := range f.Details {
		out[i] = d.Message
	}
	return out
}

// formValues reads every value of a repeated field of a url-encoded body,
// in the order the browser sent them (document order).
func formValues(c *fiber.Ctx, name string) []string {
	var out []string
	for _, b := range c.Request().PostArgs().PeekMulti(name) {
		out = append(out, string(b))
	}
	return out
}

// formChecked reads a checkbox: browsers send it only when ticked.
func formChecked(c *fiber.Ctx, name string) bool {
	return formValue(c, name) != ""
}

// isOffice is office staff: they review, decide and act for bureaus.
func isOffice(role rules.Role) bool {
	return slices.Contains(rules.OfficeStaff, role)
}

// isOfficeAdmin may decide extensions and extend or close cycles.
func isOfficeAdmin(role rules.Role) bool {
	return slices.Contains(rules.OfficeAdmins, role)
}

// mayAct reports whether the role may change anything for a bureau at
// all; viewers only read.
func mayAct(role rules.Role) bool {
	return role != rules.RoleViewer
}
