package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/lawcycle/lawcycle/excelreturn"
	"github.com/lawcycle/lawcycle/internal/apperr"
	"github.com/lawcycle/lawcycle/internal/filestore"
	"github.com/lawcycle/lawcycle/internal/httpkit"
	"github.com/lawcycle/lawcycle/rules"
	"github.com/lawcycle/lawcycle/service"
	"github.com/lawcycle/lawcycle/wire"
)

// Upload limits, the API's: the return and the report in one form.
var (
	maxReturnSize = excelreturn.DefaultLimits().MaxFileSize
	uploadLimit   = int(maxReturnSize + filestore.MaxReportSize + 1<<20)
)

// boardPageSize bounds one page of the bureau board.
const boardPageSize = 200

// stageCount is a stage with the number of bureaus in it.
type stageCount struct {
	Key   string
	Label string
	Count int64
}

func stageCounts(progress map[string]int64) []stageCount {
	out := make([]stageCount, len(wire.Stages))
	for i, st := range wire.Stages {
		out[i] = stageCount{Key: string(st), Label: st.Label(), Count: progress[string(st)]}
	}
	return out
}

type cycleRow struct {
	service.CycleView
	Stages []stageCount
}

type dashboardPage struct {
	Bureau     bool
	Workspaces []service.Workspace
	Cycles     []cycleRow
	Stages     []stageCount
}

// dashboard lists the cycles the user may see with their progress per
// stage; a bureau user sees its own workspaces instead, and goes straight
// to the only one when there is one.
func (u *ui) dashboard(c *fiber.Ctx, v *visit) error {
	ctx := c.UserContext()
	if v.p.Role == rules.RoleBureau {
		ws, err := u.svc.OwnWorkspaces(ctx, v.p)
		if err != nil {
			return err
		}
		if len(ws) == 1 {
			return c.Redirect(workspacePath(ws[0].CycleID, ws[0].OrgCode), http.StatusSeeOther)
		}
		return u.render(c, http.StatusOK, "dashboard", v, "本单位报送任务", dashboardPage{Bureau: true, Workspaces: ws})
	}
	// Every cycle the user may see, a page at a time: an office keeps a
	// handful a year; the platform's may run to hundreds.
	var cycles []service.CycleView
	for page := (service.CyclePage{}); ; {
		part, err := u.svc.ListCycles(ctx, v.p, page)
		if err != nil {
			return err
		}
		cycles = append(cycles, part...)
		if len(part) < service.MaxCyclePage {
			break
		}
		page.After = part[len(part)-1].ID
	}
	page := dashboardPage{Stages: stageCounts(nil)}
	for _, cv := range cycles {
		page.Cycles = append(page.Cycles, cycleRow{CycleView: cv, Stages: stageCounts(cv.Progress)})
	}
	return u.render(c, http.StatusOK, "dashboard", v, "年度报告周期", page)
}

// refusal is an upload the service refused, shown on the workspace.
type refusal struct {
	Message string
	Details []apperr.Detail
}

func (u *ui) template(c *fiber.Ctx, v *visit) error {
	f, err := u.svc.Template(c.UserContext(), v.p, c.Params("id"), c.Params("org"))
	if err != nil {
		return err
	}
	return sendFile(c, f, service.ContentTypeXLSX)
}

// upload submits the return (and the optional report) through the service.
// An accepted one redirects to the workspace showing the new version; a
// refused one shows the workspace again with every error (sheet, cell,
// indicator, message) and the refusal's status.
func (u *ui) upload(c *fiber.Ctx, v *visit) error {
	id, org := c.Params("id"), c.Params("org")
	file, err := formFile(c, "file", maxReturnSize)
	if err != nil {
		return err
	}
	report, err := formFile(c, "report", filestore.MaxReportSize)
	if err != nil {
		return err
	}
	if file == nil {
		// The service answers a missing file after checking who may
		// upload here, so outsiders still get 404 and reviewers 403.
		file = &service.Upload{}
	}
	out, err := u.svc.Submit(c.UserContext(), v.p, id, org, *file, report)
	if err != nil {
		ae, ok := apperr.As(err)
		if !ok || ae.Status == http.StatusUnauthorized || ae.Status == http.StatusForbidden || ae.Status == http.StatusNotFound {
			return err
		}
		return u.renderWorkspace(c, v, ae.Status, &refusal{Message: ae.Message, Details: ae.Details})
	}
	return c.Redirect(fmt.Sprintf("%s?submitted=%d", workspacePath(id, org), out.Version), http.StatusSeeOther)
}

// check validates a return without submitting it and answers the
// bureau's own workbook with every error and warning marked, as the API's
// checks route does with ?format=xlsx. A file that cannot be annotated
// (not a workbook at all) has its problems listed on the workspace.
func (u *ui) check(c *fiber.Ctx, v *visit) error {
	id, org := c.Params("id"), c.Params("org")
	file, err := formFile(c, "file", maxReturnSize)
	if err != nil {
		return err
	}
	if file == nil {
		file = &service.Upload{}
	}
	_, res, err := u.svc.Check(c.UserContext(), v.p, id, org, *file)
	if err != nil {
		ae, ok := apperr.As(err)
		if !ok || ae.Status == http.StatusUnauthorized || ae.Status == http.StatusForbidden || ae.Status == http.StatusNotFound {
			return err
		}
		return u.renderWorkspace(c, v, ae.Status, &refusal{Message: ae.Message, Details: ae.Details})
	}
	f, err := service.Annotated(*file, res)
	if err != nil {
		if len(res.Errors) == 0 {
			return err
		}
		ref := &refusal{Message: fmt.Sprintf("报表未通过校验：共 %d 处错误", len(res.Errors))}
		for _, is := range res.Errors {
			ref.Details = append(ref.Details, apperr.Detail{Code: is.Code, Sheet: is.Sheet, Cell: is.Cell, Indicator: is.Indicator, Message: is.Message})
		}
		return u.renderWorkspace(c, v, http.StatusUnprocessableEntity, ref)
	}
	return sendFile(c, f, service.ContentTypeXLSX)
}

func (u *ui) submissionFile(c *fiber.Ctx, v *visit) error {
	n, err := strconv.Atoi(c.Params("version"))
	if err != nil || n < 1 {
		return apperr.Invalid(fmt.Sprintf("版本号“%s”无效，应为从 1 开始的整数", c.Params("version")))
	}
	f, ct, err := u.svc.SubmissionFile(c.UserContext(), v.p, c.Params("id"), c.Params("org"), n, "file")
	if err != nil {
		return err
	}
	return sendFile(c, f, ct)
}

func workspacePath(cycleID, org string) string {
	return "/cycles/" + url.PathEscape(cycleID) + "/bureaus/" + url.PathEscape(org)
}

// formFile reads one file of the upload form; nil when the field is
// absent or, as browsers send an empty file input, has no name and no
// bytes.
func formFile(c *fiber.Ctx, field string, limit int64) (*service.Upload, error) {
	what := "报表"
	if field == "report" {
		what = "报告"
	}
	up, err := httpkit.FormFile(c, field, what, limit)
	return (*service.Upload)(up), err
}

// sendFile answers a download (httpkit.SendFile).
func sendFile(c *fiber.Ctx, f service.TemplateFile, contentType string) error {
	return httpkit.SendFile(c, f.Name, f.Data, contentType)
}

// versionPage shows one stored version: its values as the reviewer reads
// them, what changed against the previous version and the comments that
// change answers, the review this version received, the 存在问题 rows that
// will become rectification items, and the 下一年度安排.
type versionPage struct {
	W       service.Workspace
	V       service.SubmissionView
	Values  []service.ValueRow
	Changes service.ChangesView
	Review  *service.ReviewView
	Board   bool
}

func (u *ui) version(c *fiber.Ctx, v *visit) error {
	n, err := strconv.Atoi(c.Params("version"))
	if err != nil || n < 1 {
		return apperr.Invalid(fmt.Sprintf("版本号“%s”无效，应为从 1 开始的整数", c.Params("version")))
	}
	ctx := c.UserContext()
	id, org := c.Params("id"), c.Params("org")
	w, err := u.svc.GetWorkspace(ctx, v.p, id, org)
	if err != nil {
		return err
	}
	sub, rows, err := u.svc.SubmissionDetail(ctx, v.p, id, org, n)
	if err != nil {
		return err
	}
	changes, err := u.svc.SubmissionChanges(ctx, v.p, id, org, n)
	if err != nil {
		return err
	}
	reviews, err := u.svc.ListReviews(ctx, v.p, id, org)
	if err != nil {
		return err
	}
	page := versionPage{W: w, V: sub, Values: rows, Changes: changes, Board: v.p.Role != rules.RoleBureau}
	for i := range reviews {
		if reviews[i].Version == n {
			page.Review = &reviews[i]
		}
	}
	return u.render(c, http.StatusOK, "version", v, fmt.Sprintf("%s 第%d版", w.OrgName, n), page)
}
