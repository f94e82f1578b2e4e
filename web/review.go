package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/lawcycle/lawcycle/catalogue"
	"github.com/lawcycle/lawcycle/internal/apperr"
	"github.com/lawcycle/lawcycle/service"
	"github.com/lawcycle/lawcycle/wire"
)

// Comment rows of the review form: pages carry no scripts, so rows are
// added by a round trip ("增加意见栏") instead of in the browser.
const (
	commentRows     = 3
	moreCommentRows = 3
)

// commentRow is one comment as typed. Anchor is "" (the whole return),
// "section:KEY" or "indicator:KEY".
type commentRow struct {
	Anchor  string
	Message string
}

// reviewForm is the review form as typed.
type reviewForm struct {
	Decision    string
	Comments    []commentRow
	ResubmitDue string
	// Version is the version the reviewer was shown; the service refuses
	// the review if a newer one arrived meanwhile.
	Version int
}

// anchorGroup is one section of the anchor list: the section itself (when
// its key is known) and its indicators.
type anchorGroup struct {
	Label   string
	Options []anchorOption
}

type anchorOption struct {
	Value, Label string
}

// reviewPage shows what the reviewer decides on: the latest version, what
// changed since the previous one, the comments it answers, every earlier
// review, and the form.
type reviewPage struct {
	W         service.Workspace
	Board     bool
	Latest    *service.SubmissionView
	Changes   *service.ChangesView
	Reviews   []service.ReviewView
	Anchors   []anchorGroup
	CanReview bool
	Form      reviewForm
	Error     *formError
}

func (u *ui) reviewForm(c *fiber.Ctx, v *visit) error {
	return u.renderReview(c, v, http.StatusOK, reviewForm{Comments: padComments(nil, commentRows)}, nil)
}

// review sends the decision through the service. "增加意见栏" only shows the
// form again with more rows; nothing is sent.
func (u *ui) review(c *fiber.Ctx, v *visit) error {
	form := readReviewForm(c)
	if formValue(c, "action") == "more" {
		form.Comments = padComments(form.Comments, moreCommentRows)
		return u.renderReview(c, v, http.StatusOK, form, nil)
	}
	if form.Version < 1 {
		// The form names the version the reviewer was shown; without it
		// the service would review whatever is latest, unseen.
		bad := apperr.Invalid(fmt.Sprintf("审核表单中的版本号“%s”缺失或无效，请刷新审核页面后重新提交", formValue(c, "version")),
			apperr.Field(-1, "version", "版本号应为从 1 开始的整数"))
		fe, status, _ := formRefusal(bad)
		return u.renderReview(c, v, status, form, fe)
	}
	id, org := c.Params("id"), c.Params("org")
	out, err := u.svc.Review(c.UserContext(), v.p, id, org, form.input())
	if err != nil {
		fe, status, err := formRefusal(err)
		if err != nil {
			return err
		}
		form.Comments = padComments(form.Comments, 1)
		return u.renderReview(c, v, status, form, fe)
	}
	return c.Redirect(workspacePath(id, org)+"?reviewed="+strconv.Itoa(out.Version), http.StatusSeeOther)
}

func (u *ui) renderReview(c *fiber.Ctx, v *visit, status int, form reviewForm, fe *formError) error {
	// A form posted with more comments than the service takes is shown
	// with as many as it takes: every row carries the whole anchor list.
	form.Comments = form.Comments[:min(len(form.Comments), service.MaxReviewComments)]
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
	page := reviewPage{W: w, Board: true, Reviews: reviews, Form: form, Error: fe}
	if n := len(versions); n > 0 {
		latest := versions[n-1]
		page.Latest = &latest
		page.Form.Version = latest.Version
		_, rows, err := u.svc.SubmissionDetail(ctx, v.p, id, org, latest.Version)
		if err != nil {
			return err
		}
		changes, err := u.svc.SubmissionChanges(ctx, v.p, id, org, latest.Version)
		if err != nil {
			return err
		}
		page.Changes = &changes
		page.Anchors = u.anchors(c, v, latest.Catalogue, rows)
		page.CanReview = running(w) && wire.Stage(w.Stage) == wire.StageUnderReview
	}
	return u.render(c, status, "review", v, "审核 · "+w.OrgName, page)
}

func readReviewForm(c *fiber.Ctx) reviewForm {
	f := reviewForm{Decision: formValue(c, "decision"), ResubmitDue: formValue(c, "resubmit_due")}
	f.Version, _ = strconv.Atoi(formValue(c, "version"))
	anchors, messages := formValues(c, "anchor"), formValues(c, "message")
	for i := range max(len(anchors), len(messages)) {
		var row commentRow
		if i < len(anchors) {
			row.Anchor = anchors[i]
		}
		if i < len(messages) {
			row.Message = messages[i]
		}
		// Rows left empty are the form's spare rows, not comments.
		if row.Anchor == "" && strings.TrimSpace(row.Message) == "" {
			continue
		}
		f.Comments = append(f.Comments, row)
	}
	return f
}

// input is the form as the service takes it; the comments keep their
// order, so the service's "第N条意见" is the N-th row shown again.
func (f reviewForm) input() service.ReviewInput {
	in := service.ReviewInput{Decision: f.Decision, ResubmitDue: f.ResubmitDue, Version: f.Version}
	for _, r := range f.Comments {
		ci := service.ReviewCommentInput{Message: r.Message}
		switch kind, key, _ := strings.Cut(r.Anchor, ":"); kind {
		case "section":
			ci.Section = key
		case "indicator":
			ci.Indicator = key
		}
		in.Comments = append(in.Comments, ci)
	}
	return in
}

// padComments appends spare rows, never beyond what the service accepts.
func padComments(rows []commentRow, spare int) []commentRow {
	for n := 0; n < spare && len(rows) < service.MaxReviewComments; n++ {
		rows = append(rows, commentRow{})
	}
	return rows
}

// anchors lists what a comment can be on: the version's indicators in
// catalogue order, grouped by section, with each section itself when the
// reviewer may read the catalogue part that defines it (an office above
// the cycle's may not see a part the cycle's office uploaded; its
// comments then go on indicators or the whole return).
func (u *ui) anchors(c *fiber.Ctx, v *visit, label string, rows []service.ValueRow) []anchorGroup {
	ctx := c.UserContext()
	sectionOf := map[string]string{}
	if refs, err := catalogue.ParseLabel(label); err == nil {
		for _, ref := range refs {
			part, err := u.svc.GetCatalogue(ctx, v.p, ref.ID, ref.Version)
			if err != nil {
				if _, ok := apperr.As(err); !ok {
					u.log.Warn("load catalogue part for review anchors", "request_id", requestIDOf(c), "part", ref.ID+"@"+ref.Version, "error", err)
				}
				continue
			}
			for _, sec := range part.Part.Sections {
				for _, ind := range sec.Indicators {
					sectionOf[ind.Key] = sec.Key
				}
			}
		}
	}
	var groups []anchorGroup
	for _, r := range rows {
		if len(groups) == 0 || groups[len(groups)-1].Label != r.Section {
			g := anchorGroup{Label: r.Section}
			if key := sectionOf[r.Key]; key != "" {
				g.Options = append(g.Options, anchorOption{Value: "section:" + key, Label: "【整个部分】" + r.Section})
			}
			groups = append(groups, g)
		}
		g := &groups[len(groups)-1]
		g.Options = append(g.Options, anchorOption{Value: "indicator:" + r.Key, Label: r.Name})
	}
	return groups
}
