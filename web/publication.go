package web

import (
	"fmt"
	"net/http"

	"github.com/gofiber/fiber/v2"

	"github.com/lawcycle/lawcycle/rules"
	"github.com/lawcycle/lawcycle/service"
	"github.com/lawcycle/lawcycle/wire"
)

// publicationForm is the publication form as typed.
type publicationForm struct {
	URL, IndexNo, IssuedOn, Publisher, Method string
	SecrecyReviewed, LeaderApproved           bool
}

// publicationPage shows the recorded publication, with its 索引号 and
// whether it was late, or the form to record it once the return is
// approved.
type publicationPage struct {
	W           service.Workspace
	Board       bool
	Publication *service.PublicationView
	CanPublish  bool
	Form        publicationForm
	Error       *formError
	// Published: the publication was just recorded (after the redirect).
	Published bool
	// Why says why there is neither a publication nor a form.
	Why string
}

func (u *ui) publication(c *fiber.Ctx, v *visit) error {
	return u.renderPublication(c, v, http.StatusOK, publicationPage{Published: c.Query("published") == "1"})
}

// publish records the publication through the service; the workflow
// generates the 索引号 when none is given and flags a late one.
func (u *ui) publish(c *fiber.Ctx, v *visit) error {
	form := publicationForm{
		URL: formValue(c, "url"), IndexNo: formValue(c, "index_no"), IssuedOn: formValue(c, "issued_on"),
		Publisher: formValue(c, "publisher"), Method: formValue(c, "method"),
		SecrecyReviewed: formChecked(c, "secrecy_reviewed"), LeaderApproved: formChecked(c, "leader_approved"),
	}
	id, org := c.Params("id"), c.Params("org")
	_, err := u.svc.Publish(c.UserContext(), v.p, id, org, service.PublicationInput{
		URL: form.URL, IndexNo: form.IndexNo, IssuedOn: form.IssuedOn, Publisher: form.Publisher, Method: form.Method,
		SecrecyReviewed: form.SecrecyReviewed, LeaderApproved: form.LeaderApproved,
	})
	if err != nil {
		fe, status, err := formRefusal(err)
		if err != nil {
			return err
		}
		return u.renderPublication(c, v, status, publicationPage{Form: form, Error: fe})
	}
	return c.Redirect(workspacePath(id, org)+"/publication?published=1", http.StatusSeeOther)
}

func (u *ui) renderPublication(c *fiber.Ctx, v *visit, status int, page publicationPage) error {
	w, err := u.svc.GetWorkspace(c.UserContext(), v.p, c.Params("id"), c.Params("org"))
	if err != nil {
		return err
	}
	pub, err := u.publicationOf(c, v)
	if err != nil {
		return err
	}
	page.W, page.Publication, page.Board = w, pub, v.p.Role != rules.RoleBureau
	page.CanPublish = pub == nil && mayAct(v.p.Role) && running(w) && wire.Stage(w.Stage) == wire.StageAwaitingPublication
	page.Published = page.Published && pub != nil
	switch {
	case !mayAct(v.p.Role):
		page.Why = "本单位尚未登记公开信息。"
	case !running(w):
		page.Why = "周期未在进行中，不能登记公开。"
	default:
		page.Why = fmt.Sprintf("本单位当前阶段为“%s”，报表审核通过后才能登记公开。", w.StageLabel)
	}
	if page.Form == (publicationForm{}) {
		page.Form = publicationForm{Publisher: w.OrgName, Method: service.DefaultPublicationMethod}
	}
	return u.render(c, status, "publication", v, "公开 · "+w.OrgName, page)
}
