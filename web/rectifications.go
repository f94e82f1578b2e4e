package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/lawcycle/lawcycle/internal/apperr"
	"github.com/lawcycle/lawcycle/internal/httpkit"
	"github.com/lawcycle/lawcycle/rules"
	"github.com/lawcycle/lawcycle/service"
	"github.com/lawcycle/lawcycle/wire"
)

// evidenceLimit bounds the progress and closure forms: the evidence
// files' total, as the API takes it, and room for the note and framing.
const evidenceLimit = service.MaxEvidenceTotal + 1<<20

// rectChoice is one option of a ledger filter.
type rectChoice struct {
	Value, Label string
}

// rectFilterForm is the ledger's filter as typed (a GET form, so it can be
// bookmarked and sent on to the workbook download).
type rectFilterForm struct {
	Status, Category, Org string
	Overdue               bool
}

// query is the filter as a query string, "" when nothing is filtered.
func (f rectFilterForm) query() string {
	q := url.Values{}
	for k, v := range map[string]string{"status": f.Status, "category": f.Category, "org": f.Org} {
		if v != "" {
			q.Set(k, v)
		}
	}
	if f.Overdue {
		q.Set("overdue", "1")
	}
	if len(q) == 0 {
		return ""
	}
	return "?" + q.Encode()
}

func readRectFilter(c *fiber.Ctx) rectFilterForm {
	f := rectFilterForm{Status: strings.TrimSpace(c.Query("status")), Category: strings.TrimSpace(c.Query("category")),
		Org: strings.TrimSpace(c.Query("org"))}
	switch c.Query("overdue") {
	case "1", "true", "on":
		f.Overdue = true
	}
	return f
}

func (f rectFilterForm) service() service.RectFilter {
	return service.RectFilter{Status: f.Status, Category: f.Category, Org: f.Org, Overdue: f.Overdue}
}

// ledgerPage is a cycle's rectification ledger as the user may read it.
type ledgerPage struct {
	CycleID, CycleTitle string
	// Bureau: the user is a bureau, which sees only its own items and
	// cannot open the cycle's board; Workspace is its own workspace.
	Bureau     bool
	Workspace  string
	Items      []service.RectItemView
	Overdue    int
	Filter     rectFilterForm
	Filtered   bool
	Download   string
	Error      *formError
	Statuses   []rectChoice
	Categories []rectChoice
	Orgs       []rectChoice
}

func rectStatusChoices() []rectChoice {
	out := make([]rectChoice, len(wire.RectStatuses))
	for i, st := range wire.RectStatuses {
		out[i] = rectChoice{Value: string(st), Label: st.Label()}
	}
	return out
}

func rectCategoryChoices() []rectChoice {
	var out []rectChoice
	for _, c := range []wire.RectCategory{wire.RectImmediate, wire.RectDeadline, wire.RectOngoing} {
		out = append(out, rectChoice{Value: string(c), Label: c.Label()})
	}
	return out
}

// ledger lists the cycle's items. A bad filter (typed into the URL) is
// shown above the filter form with its 400, as a refused form is.
func (u *ui) ledger(c *fiber.Ctx, v *visit) error {
	ctx := c.UserContext()
	id := c.Params("id")
	f := readRectFilter(c)
	page := ledgerPage{CycleID: id, Filter: f, Filtered: f.query() != "", Download: "/cycles/" + url.PathEscape(id) + "/ledger.xlsx" + f.query(),
		Bureau: v.p.Role == rules.RoleBureau, Statuses: rectStatusChoices(), Categories: rectCategoryChoices()}
	// The title comes from what the user may read anyway: a bureau its
	// workspace, everyone else the cycle (which also checks access first,
	// so the refusal is the cycle's own).
	if page.Bureau {
		w, err := u.svc.GetWorkspace(ctx, v.p, id, v.p.OrgCode)
		if err != nil {
			return err
		}
		page.CycleTitle, page.Workspace = w.CycleTitle, workspacePath(id, w.OrgCode)
	} else {
		cyc, err := u.svc.GetCycle(ctx, v.p, id)
		if err != nil {
			return err
		}
		page.CycleTitle = cyc.Title
	}
	status := http.StatusOK
	items, err := u.svc.ListRectifications(ctx, v.p, id, f.service())
	if err != nil {
		fe, st, err := formRefusal(err)
		if err != nil {
			return err
		}
		page.Error, status = fe, st
	}
	page.Items = items
	seen := map[string]bool{}
	for _, it := range items {
		if it.Overdue {
			page.Overdue++
		}
		if !seen[it.OrgCode] {
			seen[it.OrgCode] = true
			page.Orgs = append(page.Orgs, rectChoice{Value: it.OrgCode, Label: it.OrgName})
		}
	}
	// A bureau chosen in the filter stays selectable even when it has
	// nothing matching the other filters.
	if f.Org != "" && !seen[f.Org] {
		page.Orgs = append(page.Orgs, rectChoice{Value: f.Org, Label: f.Org})
	}
	return u.render(c, status, "ledger", v, "整改台账 · "+page.CycleTitle, page)
}

// ledgerFile is the API's ledger.xlsx through the session: the same
// filter, the same workbook.
func (u *ui) ledgerFile(c *fiber.Ctx, v *visit) error {
	f, err := u.svc.Ledger(c.UserContext(), v.p, c.Params("id"), readRectFilter(c).service())
	if err != nil {
		return err
	}
	return sendFile(c, f, service.ContentTypeXLSX)
}

// rectEvidenceLink is an evidence file with its download through the
// session rather than the API's bearer-token route.
type rectEvidenceLink struct {
	service.RectEvidenceView
	Href      string
	SizeLabel string
}

type rectNoteRow struct {
	service.RectNoteView
	Files []rectEvidenceLink
}

// rectForm is what was typed in one of the item's forms.
type rectForm struct {
	Note     string
	Decision string
	Reason   string
}

// rectItemPage is one item, its history and the forms the user may use.
type rectItemPage struct {
	W      service.Workspace
	Board  bool
	Item   service.RectDetailView
	Notes  []rectNoteRow
	Base   string
	Ledger string
	// Progress: may report progress; Closure: may ask for 销号; Verify:
	// may decide the pending closure request.
	Progress, Closure, Verify bool
	// Form names the form that was refused ("progress", "closure",
	// "verification") and Typed what it held.
	Form  string
	Typed rectForm
	Error *formError
	Done  string
}

var rectNotices = map[string]string{
	"progress": "整改进展已记录。",
	"closure":  "销号申请已提交，等待法治办核验；核验结果会通知本单位。",
	"closed":   "已核验并销号。",
	"rejected": "已退回销号申请，理由已告知该单位，事项继续整改。",
}

func (u *ui) rectItem(c *fiber.Ctx, v *visit) error {
	return u.renderRectItem(c, v, http.StatusOK, "", rectForm{}, nil)
}

func (u *ui) renderRectItem(c *fiber.Ctx, v *visit, status int, form string, typed rectForm, fe *formError) error {
	ctx := c.UserContext()
	id, org, item := c.Params("id"), c.Params("org"), c.Params("item")
	w, err := u.svc.GetWorkspace(ctx, v.p, id, org)
	if err != nil {
		return err
	}
	d, err := u.svc.GetRectification(ctx, v.p, id, org, item)
	if err != nil {
		return err
	}
	st := wire.RectStatus(d.Status)
	active := st == wire.RectOpen || st == wire.RectInProgress
	page := rectItemPage{
		W: w, Board: v.p.Role != rules.RoleBureau, Item: d, Form: form, Typed: typed, Error: fe,
		Base:   rectPath(id, org, item),
		Ledger: "/cycles/" + url.PathEscape(id) + "/rectifications",
		// The service lets an office admin report progress on the
		// bureau's behalf; only the bureau itself asks for 销号.
		Progress: (v.p.Role == rules.RoleBureau || isOfficeAdmin(v.p.Role)) && (active || st == wire.RectClosureRequested),
		Closure:  v.p.Role == rules.RoleBureau && active,
		Verify:   isOffice(v.p.Role) && st == wire.RectClosureRequested,
	}
	if fe == nil {
		page.Done = rectNotices[c.Query("done")]
	}
	for _, n := range d.Notes {
		row := rectNoteRow{RectNoteView: n}
		for _, e := range n.Evidence {
			row.Files = append(row.Files, rectEvidenceLink{RectEvidenceView: e, Href: webEvidenceURL(e.URL), SizeLabel: sizeLabel(e.Size)})
		}
		page.Notes = append(page.Notes, row)
	}
	return u.render(c, status, "rectification", v, "整改事项 · "+w.OrgName, page)
}

// webEvidenceURL maps the API's download path to the web route, which has
// the same shape under the session.
func webEvidenceURL(api string) string {
	return strings.TrimPrefix(api, "/api/v1")
}

func rectPath(cycleID, org, item string) string {
	return workspacePath(cycleID, org) + "/rectifications/" + url.PathEscape(item)
}

// rectProgress takes the progress or closure form: a note and evidence
// files in one multipart body.
func (u *ui) rectProgress(closure bool) func(c *fiber.Ctx, v *visit) error {
	return func(c *fiber.Ctx, v *visit) error {
		form, done, op := "progress", "progress", u.svc.ReportRectProgress
		if closure {
			form, done, op = "closure", "closure", u.svc.RequestRectClosure
		}
		in, err := evidenceForm(c)
		if err != nil {
			return err
		}
		id, org, item := c.Params("id"), c.Params("org"), c.Params("item")
		if _, err := op(c.UserContext(), v.p, id, org, item, in); err != nil {
			fe, status, err := evidenceRefusal(err)
			if err != nil {
				return err
			}
			return u.renderRectItem(c, v, status, form, rectForm{Note: in.Note}, fe)
		}
		return c.Redirect(rectPath(id, org, item)+"?done="+done, http.StatusSeeOther)
	}
}

// evidenceRefusal is formRefusal plus the evidence's own refusals (too
// large, wrong type), which name the file and belong in the form too.
func evidenceRefusal(err error) (*formError, int, error) {
	if ae, ok := apperr.As(err); ok && (ae.Status == http.StatusRequestEntityTooLarge || ae.Status == http.StatusUnsupportedMediaType) {
		return &formError{Message: ae.Message, Details: ae.Details}, ae.Status, nil
	}
	return formRefusal(err)
}

// evidenceForm reads the note and the evidence files. Browsers send an
// empty file input as a part without name or bytes: that is no file. A
// file over the size limit is passed on unread, for the service to refuse
// by name.
func evidenceForm(c *fiber.Ctx) (service.RectProgressInput, error) {
	var in service.RectProgressInput
	if !httpkit.IsMultipart(c) {
		// The CSRF check already read the form; a url-encoded post has no
		// files, only the note.
		in.Note = formValue(c, "note")
		return in, nil
	}
	mf, err := c.MultipartForm()
	if err != nil {
		return in, apperr.Invalid("表单内容无法解析，请重新提交")
	}
	if notes := mf.Value["note"]; len(notes) > 0 {
		in.Note = strings.Clone(notes[0])
	}
	for _, fh := range mf.File["evidence"] {
		if fh.Filename == "" && fh.Size == 0 {
			continue
		}
		up := service.EvidenceUpload{Name: strings.Clone(fh.Filename), Size: fh.Size}
		if fh.Size <= service.MaxEvidenceSize {
			if up.Data, err = httpkit.ReadPart(fh, service.MaxEvidenceSize); err != nil {
				return in, err
			}
		}
		in.Evidence = append(in.Evidence, up)
	}
	return in, nil
}

// rectVerify is the office's 核验: close the item or send it back with a
// reason.
func (u *ui) rectVerify(c *fiber.Ctx, v *visit) error {
	typed := rectForm{Decision: formValue(c, "decision"), Reason: formValue(c, "reason")}
	id, org, item := c.Params("id"), c.Params("org"), c.Params("item")
	_, err := u.svc.VerifyRectification(c.UserContext(), v.p, id, org, item, service.RectVerifyInput{Decision: typed.Decision, Reason: typed.Reason})
	if err != nil {
		fe, status, err := formRefusal(err)
		if err != nil {
			return err
		}
		return u.renderRectItem(c, v, status, "verification", typed, fe)
	}
	done := "rejected"
	if strings.TrimSpace(typed.Decision) == "close" {
		done = "closed"
	}
	return c.Redirect(rectPath(id, org, item)+"?done="+done, http.StatusSeeOther)
}

func (u *ui) rectEvidence(c *fiber.Ctx, v *visit) error {
	f, ct, err := u.svc.RectEvidenceFile(c.UserContext(), v.p, c.Params("id"), c.Params("org"), c.Params("item"), c.Params("sha"))
	if err != nil {
		return err
	}
	return sendFile(c, f, ct)
}

func sizeLabel(n int64) string {
	if n < 1<<20 {
		return fmt.Sprintf("%.1f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
}
