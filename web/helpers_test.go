package web_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/lawcycle/lawcycle/activities"
	"github.com/lawcycle/lawcycle/api"
	"github.com/lawcycle/lawcycle/calendar/source"
	"github.com/lawcycle/lawcycle/catalogue"
	"github.com/lawcycle/lawcycle/excelreturn"
	"github.com/lawcycle/lawcycle/internal/chinatime"
	"github.com/lawcycle/lawcycle/internal/filestore"
	"github.com/lawcycle/lawcycle/internal/httpkit"
	"github.com/lawcycle/lawcycle/internal/returntest"
	"github.com/lawcycle/lawcycle/models"
	"github.com/lawcycle/lawcycle/rules"
	"github.com/lawcycle/lawcycle/service"
	"github.com/lawcycle/lawcycle/web"
	"github.com/lawcycle/lawcycle/wire"
)

// The site's origin as httptest.NewRequest addresses it.
const (
	site          = "http://example.com"
	adminPassword = "admin-password-1"
)

// passwordOf is every test user's password.
func passwordOf(username string) string { return username + "-password" }

// clock is the service's and the sessions' time, moved by tests.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// env is the real app (API and web UI) on a test database, with a
// Temporal stand-in that records every action through the activities the
// workflows run (fake_temporal_test.go).
type env struct {
	t     *testing.T
	db    *gorm.DB
	svc   *service.Service
	app   *fiber.App
	clock *clock
	root  service.Principal
}

func newEnv(t *testing.T, db *gorm.DB, cfg web.Config) *env {
	t.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	clk := &clock{t: time.Now().UTC()}
	acts := &activities.Activities{DB: db, Logger: log, Now: clk.Now, Calendars: source.New(db)}
	svc := &service.Service{DB: db, Logger: log, Now: clk.Now, Temporal: &fakeTemporal{acts: acts}}
	_, err := svc.EnsureAdmin(t.Context(), adminPassword, "")
	require.NoError(t, err)
	var admin models.User
	require.NoError(t, db.Take(&admin, "username = ?", service.AdminUsername).Error)
	root, err := svc.PrincipalForUser(t.Context(), admin.ID, "test")
	require.NoError(t, err)
	if cfg.LoginsPerMinute == 0 {
		cfg.LoginsPerMinute = 10000
	}
	// Composed as cmd/lawcycle composes it: one kit for the API and the UI.
	kit := httpkit.NewKit(db, log, cfg.LoginsPerMinute)
	app := api.New(api.Deps{Service: svc, DB: db, Temporal: svc.Temporal, Logger: log, Kit: kit,
		Mount: []func(*fiber.App) error{web.Mount(web.Deps{Service: svc, DB: db, Logger: log, Config: cfg, Kit: kit})}})
	return &env{t: t, db: db, svc: svc, app: app, clock: clk, root: root}
}

// orgNames names the organisations seedOrgs creates; empty means the
// usual names.
type orgNames struct{ office, rsj string }

// seedOrgs creates the own office (fzb) with bureaus rsj (hrss sector)
// and scj, and another office with its bureau other-rsj.
func (e *env) seedOrgs(names orgNames) {
	e.t.Helper()
	if names.office == "" {
		names.office = "某市委全面依法治市委员会办公室"
	}
	if names.rsj == "" {
		names.rsj = "某市人力资源和社会保障局"
	}
	_, err := e.svc.CreateOrgs(e.t.Context(), e.root, []service.OrgInput{
		{Code: "fzb", Name: names.office, Kind: "office"},
		{Code: "rsj", Name: names.rsj, Kind: "bureau", ParentCode: "fzb", Sector: "hrss", CreditCode: "11331002002673575G"},
		{Code: "scj", Name: "某市市场监督管理局", Kind: "bureau", ParentCode: "fzb"},
		{Code: "other", Name: "另一法治办", Kind: "office"},
		{Code: "other-rsj", Name: "另一人社局", Kind: "bureau", ParentCode: "other"},
	})
	require.NoError(e.t, err)
}

// user creates a user whose password is passwordOf(username).
func (e *env) user(username string, role rules.Role, org string) {
	e.t.Helper()
	_, err := e.svc.CreateUser(e.t.Context(), e.root, service.UserInput{Username: username, Password: passwordOf(username), Role: role, OrgCode: org})
	require.NoError(e.t, err)
}

// openCycle creates a cycle of fzb for the bureaus and opens it with its
// notice, as a launch would, without workflows; every bureau is put in
// stage.
func (e *env) openCycle(title string, stage wire.Stage, bureaus ...string) string {
	e.t.Helper()
	now := e.clock.Now()
	cv, err := e.svc.CreateCycle(e.t.Context(), e.root, service.CycleInput{
		Year: chinatime.In(now).Year() - 1, Title: title, OfficeCode: "fzb", BureauCodes: bureaus,
		SubmissionDue: chinatime.Date(now.AddDate(1, 0, 0)), PublicationDue: chinatime.Date(now.AddDate(1, 1, 0)),
	})
	require.NoError(e.t, err)
	var office models.Organisation
	require.NoError(e.t, e.db.Take(&office, "code = ?", "fzb").Error)
	require.NoError(e.t, e.db.Model(&models.Cycle{}).Where("id = ?", cv.ID).Update("status", models.CycleOpen).Error)
	require.NoError(e.t, e.db.Create(&models.Notice{CycleID: cv.ID, OfficeID: office.ID, DocNo: "法治办〔" + cv.ID + "〕1号",
		Title: "通知", Body: "正文", SubmissionDue: cv.SubmissionDue, PublicationDue: cv.PublicationDue, IssuedAt: now}).Error)
	require.NoError(e.t, e.db.Model(&models.Participant{}).Where("cycle_id = ?", cv.ID).
		Updates(map[string]any{"stage": string(stage), "round": 1}).Error)
	return cv.ID
}

// draftCycle creates a cycle of fzb that was never launched.
func (e *env) draftCycle(title string, bureaus ...string) service.CycleView {
	e.t.Helper()
	now := e.clock.Now()
	cv, err := e.svc.CreateCycle(e.t.Context(), e.root, service.CycleInput{
		Year: chinatime.In(now).Year() - 1, Title: title, OfficeCode: "fzb", BureauCodes: bureaus,
		SubmissionDue: chinatime.Date(now.AddDate(1, 0, 0)), PublicationDue: chinatime.Date(now.AddDate(1, 1, 0)),
	})
	require.NoError(e.t, err)
	return cv
}

// seedExtension stores an extension of org's submission deadline in the
// given status, as the workflow's activity would.
func (e *env) seedExtension(cycleID, org, status, reason string) models.Extension {
	e.t.Helper()
	now := e.clock.Now()
	ext := models.Extension{CycleID: cycleID, OrgCode: org, Kind: string(wire.DeadlineSubmission), Round: 1, Status: status,
		Reason: reason, Requested: "3个工作日", PreviousDue: now, RequestedBy: org + "-staff", RequestedAt: now}
	if status != wire.ExtensionPending {
		due := now.AddDate(0, 0, 5)
		ext.NewDue, ext.DecidedBy, ext.DecidedAt = &due, "fzb-admin", &now
	}
	require.NoError(e.t, e.db.Create(&ext).Error)
	return ext
}

// template is the bureau's template as the service writes it.
func (e *env) template(cycleID, org string) []byte {
	e.t.Helper()
	f, err := e.svc.Template(e.t.Context(), e.root, cycleID, org)
	require.NoError(e.t, err)
	return f.Data
}

// filled is org's template filled with plausible values; overrides
// replace some of them.
func (e *env) filled(cycleID, org, sector string, overrides map[string]any) []byte {
	e.t.Helper()
	cat, err := catalogue.Builtin().ComposeFor(sector)
	require.NoError(e.t, err)
	values := returntest.Plausible(cat)
	for k, v := range overrides {
		values[k] = v
	}
	data, err := returntest.Fill(e.template(cycleID, org), returntest.Filled{Values: values, Info: returntest.Info})
	require.NoError(e.t, err)
	return data
}

// firstIndicator is the key of the first indicator of a sector's return.
func firstIndicator(t *testing.T, sector string) string {
	cat, err := catalogue.Builtin().ComposeFor(sector)
	require.NoError(t, err)
	return cat.Indicators()[0].Key
}

// seedSubmission stores version 1 of org's return directly, as the
// workflow's activity would; warnings are stored as given.
func (e *env) seedSubmission(cycleID, org, fileName, by string, warnings []excelreturn.Issue) {
	e.t.Helper()
	parsed, err := json.Marshal(excelreturn.Result{Return: &excelreturn.Return{Values: catalogue.Values{}}})
	require.NoError(e.t, err)
	fileSHA, err := filestore.Put(e.db, e.template(cycleID, org), service.ContentTypeXLSX)
	require.NoError(e.t, err)
	returnSHA, err := filestore.Put(e.db, parsed, "application/vnd.lawcycle.return+json")
	require.NoError(e.t, err)
	if warnings == nil {
		warnings = []excelreturn.Issue{}
	}
	w, err := json.Marshal(warnings)
	require.NoError(e.t, err)
	require.NoError(e.t, e.db.Create(&models.Submission{
		CycleID: cycleID, OrgCode: org, Version: 1, Round: 1, FileSHA: fileSHA, FileName: fileName, ReturnSHA: returnSHA,
		Catalogue: "general@2025.1+hrss@2025.1", Values: "{}", Explanations: "{}", Info: "{}", Problems: "[]", Plans: "[]",
		Warnings: string(w), WarningCount: len(warnings), SubmittedBy: by, SubmittedAt: e.clock.Now(),
	}).Error)
}

func (e *env) count(model any, where ...any) int64 {
	e.t.Helper()
	var n int64
	q := e.db.Model(model)
	if len(where) > 0 {
		q = q.Where(where[0], where[1:]...)
	}
	require.NoError(e.t, q.Count(&n).Error)
	return n
}

func (e *env) stageOf(cycleID, org string) string {
	e.t.Helper()
	var p models.Participant
	require.NoError(e.t, e.db.Take(&p, "cycle_id = ? AND org_code = ?", cycleID, org).Error)
	return p.Stage
}

// browser is a cookie-keeping client of the app that follows no redirects.
type browser struct {
	t      *testing.T
	app    *fiber.App
	jar    map[string]*http.Cookie
	origin string
}

func (e *env) browser() *browser {
	return &browser{t: e.t, app: e.app, jar: map[string]*http.Cookie{}, origin: site}
}

// login opens the login page and logs in as username with its password.
func (e *env) login(username string) *browser {
	e.t.Helper()
	b := e.browser()
	r := b.login(username, passwordOf(username))
	require.Equal(e.t, http.StatusSeeOther, r.Status, "login as %s: %s", username, r.Body)
	require.NotNil(e.t, b.jar["lawcycle_session"], "login as %s set no session cookie", username)
	return b
}

// page is an answer.
type page struct {
	Status   int
	Body     string
	Header   http.Header
	Cookies  []*http.Cookie
	Location string
}

func (b *browser) send(req *http.Request) page {
	b.t.Helper()
	for _, ck := range b.jar {
		if ck.Path == "" || ck.Path == "/" || req.URL.Path == ck.Path || strings.HasPrefix(req.URL.Path, ck.Path+"/") {
			req.AddCookie(&http.Cookie{Name: ck.Name, Value: ck.Value})
		}
	}
	resp, err := b.app.Test(req, 60_000)
	require.NoError(b.t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(b.t, err)
	cookies := resp.Cookies()
	for _, ck := range cookies {
		if ck.MaxAge < 0 || (!ck.Expires.IsZero() && ck.Expires.Before(time.Now())) {
			delete(b.jar, ck.Name)
			continue
		}
		b.jar[ck.Name] = ck
	}
	return page{Status: resp.StatusCode, Body: string(body), Header: resp.Header, Cookies: cookies, Location: resp.Header.Get("Location")}
}

func (b *browser) get(path string) page {
	b.t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	req.Header.Set("Accept", "text/html,application/xhtml+xml")
	return b.send(req)
}

// post sends a url-encoded form from a page of b.origin ("" sends no
// Origin).
func (b *browser) post(path string, form url.Values) page {
	b.t.Helper()
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if b.origin != "" {
		req.Header.Set("Origin", b.origin)
	}
	return b.send(req)
}

// filePart is one file of an upload form.
type filePart struct {
	field, name string
	data        []byte
}

// upload sends a multipart form as the workspace's upload form does.
func (b *browser) upload(path string, fields url.Values, files ...filePart) page {
	b.t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k, vs := range fields {
		for _, v := range vs {
			require.NoError(b.t, w.WriteField(k, v))
		}
	}
	for _, f := range files {
		fw, err := w.CreateFormFile(f.field, f.name)
		require.NoError(b.t, err)
		_, err = fw.Write(f.data)
		require.NoError(b.t, err)
	}
	require.NoError(b.t, w.Close())
	req := httptest.NewRequest(http.MethodPost, path, &buf)
	req.Header.Set("Content-Type", w.FormDataContentType())
	if b.origin != "" {
		req.Header.Set("Origin", b.origin)
	}
	return b.send(req)
}

var csrfField = regexp.MustCompile(`name="csrf_token" value="([^"]*)"`)

// csrf is the token of the first form on a page.
func csrf(t *testing.T, p page) string {
	t.Helper()
	m := csrfField.FindStringSubmatch(p.Body)
	require.NotNil(t, m, "no csrf_token on the page: %s", p.Body)
	return m[1]
}

// sessionToken is the CSRF token of b's session, read from its home page.
func (b *browser) sessionToken() string {
	b.t.Helper()
	r := b.get("/")
	if r.Status == http.StatusSeeOther {
		r = b.get(r.Location)
	}
	require.Equal(b.t, http.StatusOK, r.Status, r.Body)
	return csrf(b.t, r)
}

// login posts the login form after opening the login page.
func (b *browser) login(username, password string) page {
	b.t.Helper()
	return b.post("/login", url.Values{"csrf_token": {b.loginToken()}, "username": {username}, "password": {password}})
}

// loginToken opens the login page in a private window and brings its
// pre-session token back, so even a logged-in browser can post the form.
func (b *browser) loginToken() string {
	b.t.Helper()
	fresh := &browser{t: b.t, app: b.app, jar: map[string]*http.Cookie{}, origin: b.origin}
	r := fresh.get("/login")
	require.Equal(b.t, http.StatusOK, r.Status, r.Body)
	b.jar["lawcycle_login_csrf"] = fresh.jar["lawcycle_login_csrf"]
	return csrf(b.t, r)
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return string(b)
}

// submit uploads a filled hrss return for the bureau at ws through the
// workspace form.
func (e *env) submit(b *browser, token, ws string, overrides map[string]any) {
	e.t.Helper()
	rest, _ := strings.CutPrefix(ws, "/cycles/")
	cycleID, org, _ := strings.Cut(rest, "/bureaus/")
	data := e.filled(cycleID, org, "hrss", overrides)
	r := b.upload(ws+"/submissions", url.Values{"csrf_token": {token}}, filePart{field: "file", name: "报表.xlsx", data: data})
	require.Equal(e.t, http.StatusSeeOther, r.Status, r.Body)
}

// grantViewer lets a viewer read the cycle.
func grantViewer(t *testing.T, e *env, cycleID, username string) {
	t.Helper()
	_, err := e.svc.GrantViewer(t.Context(), e.root, cycleID, service.ViewerInput{Username: username})
	require.NoError(t, err)
}

// requireNoInlineCode checks a page keeps the strict content security
// policy: no scripts, inline styles or event handlers.
func requireNoInlineCode(t *testing.T, p page, what string) {
	t.Helper()
	require.NotRegexp(t, inlineScript, p.Body, what)
	require.NotRegexp(t, inlineStyle, p.Body, what)
	require.NotRegexp(t, inlineHandler, p.Body, what)
}

func (e *env) participant(cycleID, org string) models.Participant {
	e.t.Helper()
	var p models.Participant
	require.NoError(e.t, e.db.Take(&p, "cycle_id = ? AND org_code = ?", cycleID, org).Error)
	return p
}

// seedApproved stores version 1 of org's return and its approval, as the
// workflow's activities would.
func (e *env) seedApproved(cycleID, org string) {
	e.t.Helper()
	e.seedSubmission(cycleID, org, "报表.xlsx", org+"-staff", nil)
	require.NoError(e.t, e.db.Create(&models.Review{CycleID: cycleID, OrgCode: org, Version: 1, Round: 1,
		Decision: string(wire.ReviewApprove), ReviewerName: "fzb-reviewer", ReviewedAt: e.clock.Now()}).Error)
}
