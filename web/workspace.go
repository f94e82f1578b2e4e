package web

import (
	"net/http"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/lawcycle/lawcycle/internal/apperr"
	"github.com/lawcycle/lawcycle/rules"
	"github.com/lawcycle/lawcycle/service"
	"github.com/lawcycle/lawcycle/wire"
)

// versionRow is a stored version with the review it received, if any.
type versionRow struct {
	service.SubmissionView
	Review *service.ReviewView
}

// workspacePage is the bureau's page: where it stands and why, what it
// submitted, what the office said about each version, its extensions and
// its publication.
type workspacePage struct {
	W        service.Workspace
	Versions []versionRow
	// Awaiting: the bureau may upload now; otherwise NotNow says why, in
	// the rulebook's words (the service would refuse the upload with them).
	Awaiting bool
	NotNow   string
	// Board: the user may open the cycle's bureau board; Office: the
	// user is office staff, who may open the review page.
	Board, Office bool
	// Submitted is the version just created, shown after the redirect.
	Submitted *service.SubmissionView
	Refusal   *refusal
	// Status is the workflow's own account; StatusNote says why it is
	// missing when it is.
	Status     *service.BureauStatus
	StatusNote string
	// Reviews newest first; Reviewed is the one just given, after the
	// redirect.
	Reviews  []service.ReviewView
	Reviewed *service.ReviewView
	// Pending is an extension request awaiting the office; Extensions
	// counts every extension of the bureau.
	Pending     *service.ExtensionView
	Extensions  int
	Publication *service.PublicationView
	CanReview   bool
	CanPublish  bool
}

func (u *ui) workspace(c *fiber.Ctx, v *visit) error {
	return u.renderWorkspace(c, v, http.StatusOK, nil)
}

func (u *ui) renderWorkspace(c *fiber.Ctx, v *visit, status int, ref *refusal) error {
	ctx := c.UserContext()
	id, org := c.Params("id"), c.Params("org")
	w, err := u.svc.GetWorkspace(ctx, v.p, id, org)
	if err != nil {
		return err
	}
	versions, err := u.svc.ListSubmissions(ctx, v.p, id, org)
	if err != nil {
		return err
	}
	reviews, err := u.svc.ListReviews(ctx, v.p, id, org)
	if err != nil {
		return err
	}
	exts, err := u.svc.ListExtensions(ctx, v.p, id, org)
	if err != nil {
		return err
	}
	pub, err := u.publicationOf(c, v)
	if err != nil {
		return err
	}
	stage := wire.Stage(w.Stage)
	page := workspacePage{
		W: w, Refusal: ref, Reviews: reviews, Extensions: len(exts), Publication: pub,
		Awaiting:   w.CanSubmit && running(w) && stage == wire.StageAwaitingSubmission,
		NotNow:     notNow(w, len(versions)),
		Board:      v.p.Role != rules.RoleBureau,
		Office:     isOffice(v.p.Role),
		CanReview:  isOffice(v.p.Role) && running(w) && stage == wire.StageUnderReview,
		CanPublish: mayAct(v.p.Role) && running(w) && stage == wire.StageAwaitingPublication,
	}
	page.Status, page.StatusNote = u.status(c, v)
	for i := range exts {
		if exts[i].Status == wire.ExtensionPending {
			page.Pending = &exts[i]
			break
		}
	}
	byVersion := map[int]*service.ReviewView{}
	for i := range reviews {
		byVersion[reviews[i].Version] = &reviews[i]
	}
	for _, sv := range versions {
		page.Versions = append(page.Versions, versionRow{SubmissionView: sv, Review: byVersion[sv.Version]})
	}
	if ref == nil {
		if n, err := strconv.Atoi(c.Query("submitted")); err == nil {
			for i := range versions {
				if versions[i].Version == n {
					page.Submitted = &versions[i]
				}
			}
		}
		if n, err := strconv.Atoi(c.Query("reviewed")); err == nil {
			page.Reviewed = byVersion[n]
		}
	}
	return u.render(c, status, "workspace", v, w.OrgName, page)
}

// notNow is why the bureau cannot submit now, "" when it can.
func notNow(w service.Workspace, versions int) string {
	r := rules.MaySubmit(rules.Bureau{Cycle: w.CycleStatus, Stage: wire.Stage(w.Stage), Round: w.Round, Version: versions}, w.Round)
	if r == nil {
		return ""
	}
	return r.Reason
}

// running reports whether the bureau's cycle takes actions: the
// rulebook's answer, so a page offers what the service accepts (a closing
// cycle still takes late work).
func running(w service.Workspace) bool {
	return rules.CycleRunning(w.CycleStatus, "") == nil
}

// publicationOf is the bureau's recorded publication, nil before it is
// recorded. Call it after access was checked: the service answers 404 for
// both "not yet" and "not yours".
func (u *ui) publicationOf(c *fiber.Ctx, v *visit) (*service.PublicationView, error) {
	pub, err := u.svc.GetPublication(c.UserContext(), v.p, c.Params("id"), c.Params("org"))
	if ae, ok := apperr.As(err); ok && ae.Status == http.StatusNotFound {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	return &pub, nil
}
