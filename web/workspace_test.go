package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"
	"gorm.io/gorm"

	"github.com/lawcycle/lawcycle/excelreturn"
	"github.com/lawcycle/lawcycle/internal/testdb"
	"github.com/lawcycle/lawcycle/models"
	"github.com/lawcycle/lawcycle/rules"
	"github.com/lawcycle/lawcycle/service"
	"github.com/lawcycle/lawcycle/web"
	"github.com/lawcycle/lawcycle/wire"
)

// A bureau lands on its workspace, downloads its template, is shown every
// cell error of an invalid return (and nothing is stored), then submits a
// valid one and sees the new version.
func TestBureauWorkspaceUpload(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		e := newEnv(t, db, web.Config{})
		e.seedOrgs(orgNames{})
		e.user("rsj-staff", rules.RoleBureau, "rsj")
		id := e.openCycle("2025年度法治政府建设情况报告", wire.StageAwaitingSubmission, "rsj", "scj")
		ws := "/cycles/" + id + "/bureaus/rsj"

		b := e.login("rsj-staff")
		r := b.get("/")
		require.Equal(t, http.StatusSeeOther, r.Status, "a bureau with one task lands on its workspace")
		require.Equal(t, ws, r.Location)
		r = b.get(ws)
		require.Equal(t, http.StatusOK, r.Status, r.Body)
		for _, s := range []string{"某市人力资源和社会保障局", "2025年度法治政府建设情况报告", "待报送", ws + "/template",
			`enctype="multipart/form-data"`, "尚未报送"} {
			require.Contains(t, r.Body, s)
		}
		require.NotContains(t, r.Body, `href="/cycles/`+id+`"`, "a bureau has no link to the board")
		token := csrf(t, r)

		r = b.get(ws + "/template")
		require.Equal(t, http.StatusOK, r.Status)
		require.Equal(t, service.ContentTypeXLSX, r.Header.Get("Content-Type"))
		require.Contains(t, r.Header.Get("Content-Disposition"), "filename*=UTF-8''")
		require.Equal(t, "no-store", r.Header.Get("Cache-Control"))

		key := firstIndicator(t, "hrss")
		bad := e.filled(id, "rsj", "hrss", map[string]any{key: "约10件"})
		r = b.upload(ws+"/submissions", url.Values{"csrf_token": {token}}, filePart{field: "file", name: "报表.xlsx", data: bad})
		require.Equal(t, http.StatusUnprocessableEntity, r.Status, r.Body)
		require.Contains(t, r.Body, "报表未能报送")
		require.Contains(t, r.Body, excelreturn.SheetIndicators)
		require.Contains(t, r.Body, key)
		require.Contains(t, r.Body, "约10件")
		require.Regexp(t, regexp.MustCompile(`<td class="code">[A-Z]+[0-9]+</td>`), r.Body, "the cell is named")
		require.Zero(t, e.count(&models.Submission{}))
		require.Equal(t, string(wire.StageAwaitingSubmission), e.stageOf(id, "rsj"))

		// Checking only answers the workbook with its errors marked, and
		// changes nothing either.
		r = b.upload(ws+"/checks", url.Values{"csrf_token": {token}}, filePart{field: "file", name: "报表.xlsx", data: bad})
		require.Equal(t, http.StatusOK, r.Status, r.Body)
		require.Equal(t, service.ContentTypeXLSX, r.Header.Get("Content-Type"))
		wb, err := excelize.OpenReader(strings.NewReader(r.Body))
		require.NoError(t, err)
		require.Contains(t, wb.GetSheetList(), excelreturn.SheetErrors)
		require.NoError(t, wb.Close())
		r = b.upload(ws+"/checks", url.Values{"csrf_token": {token}}, filePart{field: "file", name: "说明.xlsx", data: []byte("不是表格")})
		require.Equal(t, http.StatusUnprocessableEntity, r.Status, r.Body)
		require.Contains(t, r.Body, "报表未通过校验")
		require.Zero(t, e.count(&models.Submission{}))

		// No file chosen: the browser sends an empty part.
		r = b.upload(ws+"/submissions", url.Values{"csrf_token": {token}}, filePart{field: "file", name: "", data: nil},
			filePart{field: "report", name: "", data: nil})
		require.Equal(t, http.StatusBadRequest, r.Status, r.Body)
		require.Contains(t, r.Body, "请选择文件后上传")

		good := e.filled(id, "rsj", "hrss", map[string]any{key: 9})
		report := []byte("%PDF-1.4\n某市人力资源和社会保障局2025年度法治政府建设情况报告\n%%EOF\n")
		r = b.upload(ws+"/submissions", url.Values{"csrf_token": {token}},
			filePart{field: "file", name: "人社局报表.xlsx", data: good}, filePart{field: "report", name: "报告.pdf", data: report})
		require.Equal(t, http.StatusSeeOther, r.Status, r.Body)
		require.Equal(t, ws+"?submitted=1", r.Location)
		r = b.get(r.Location)
		require.Equal(t, http.StatusOK, r.Status)
		for _, s := range []string{"已成功报送第 1 版", "人社局报表.xlsx", "报告.pdf", "审核中", "rsj-staff", ws + "/submissions/1/file"} {
			require.Contains(t, r.Body, s)
		}
		require.NotContains(t, r.Body, `action="`+ws+`/submissions"`, "no upload form while under review")
		require.Equal(t, int64(1), e.count(&models.Submission{}, "cycle_id = ? AND org_code = ? AND file_name = ?", id, "rsj", "人社局报表.xlsx"))
		require.Equal(t, string(wire.StageUnderReview), e.stageOf(id, "rsj"))

		r = b.get(ws + "/submissions/1/file")
		require.Equal(t, http.StatusOK, r.Status)
		require.Equal(t, string(good), r.Body)

		// The same return sent again (a double click, the back button) is
		// the same submission; another one while under review is refused
		// with the reason.
		r = b.upload(ws+"/submissions", url.Values{"csrf_token": {token}},
			filePart{field: "file", name: "人社局报表.xlsx", data: good}, filePart{field: "report", name: "报告.pdf", data: report})
		require.Equal(t, http.StatusSeeOther, r.Status, r.Body)
		require.Equal(t, int64(1), e.count(&models.Submission{}, "cycle_id = ? AND org_code = ?", id, "rsj"))
		other := e.filled(id, "rsj", "hrss", map[string]any{key: 8})
		r = b.upload(ws+"/submissions", url.Values{"csrf_token": {token}}, filePart{field: "file", name: "报表.xlsx", data: other})
		require.Equal(t, http.StatusConflict, r.Status)
		require.Contains(t, r.Body, "审核中")
		require.Equal(t, int64(1), e.count(&models.Submission{}, "cycle_id = ? AND org_code = ?", id, "rsj"))
	})
}

// A bureau cannot open, download from or upload to another bureau's
// workspace: 404 whatever it guesses, and nothing changes.
func TestBureauCannotReachAnotherBureau(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		e := newEnv(t, db, web.Config{})
		e.seedOrgs(orgNames{})
		e.user("scj-staff", rules.RoleBureau, "scj")
		id := e.openCycle("周期", wire.StageAwaitingSubmission, "rsj", "scj")
		e.seedSubmission(id, "rsj", "人社局报表.xlsx", "rsj-staff", nil)
		good := e.filled(id, "rsj", "hrss", nil)
		ws := "/cycles/" + id + "/bureaus/rsj"

		b := e.login("scj-staff")
		token := b.sessionToken()
		for _, path := range []string{ws, ws + "/template", ws + "/submissions/1/file", "/cycles/" + id + "/bureaus/nope"} {
			r := b.get(path)
			require.Equal(t, http.StatusNotFound, r.Status, path)
			require.Contains(t, r.Body, "页面不存在", path)
			require.NotContains(t, r.Body, "某市人力资源和社会保障局", path)
		}
		r := b.get("/cycles/" + id)
		require.Equal(t, http.StatusForbidden, r.Status, "bureaus do not see the board")

		r = b.upload(ws+"/submissions", url.Values{"csrf_token": {token}}, filePart{field: "file", name: "报表.xlsx", data: good})
		require.Equal(t, http.StatusNotFound, r.Status, r.Body)
		r = b.upload(ws+"/submissions", url.Values{"csrf_token": {token}})
		require.Equal(t, http.StatusNotFound, r.Status, "without a file too: 404 before anything else")
		require.Equal(t, int64(1), e.count(&models.Submission{}))
		require.Equal(t, string(wire.StageAwaitingSubmission), e.stageOf(id, "rsj"))

		// Its own workspace still works.
		require.Equal(t, http.StatusOK, b.get("/cycles/"+id+"/bureaus/scj").Status)
	})
}

// The office sees the dashboard with progress per stage and the board
// with stage labels, filterable by stage.
func TestDashboardAndBoard(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		e := newEnv(t, db, web.Config{})
		e.seedOrgs(orgNames{})
		e.user("fzb-admin", rules.RoleAdmin, "fzb")
		id := e.openCycle("2025年度法治政府建设情况报告", wire.StageAwaitingSubmission, "rsj", "scj")
		require.NoError(t, db.Model(&models.Participant{}).Where("cycle_id = ? AND org_code = ?", id, "scj").
			Update("stage", string(wire.StageUnderReview)).Error)

		b := e.login("fzb-admin")
		r := b.get("/")
		require.Equal(t, http.StatusOK, r.Status)
		require.Contains(t, r.Body, `href="/cycles/`+id+`"`)
		require.Contains(t, r.Body, "进行中")
		for _, st := range wire.Stages {
			require.Contains(t, r.Body, "<th class=\"num\">"+st.Label()+"</th>")
		}

		r = b.get("/cycles/" + id)
		require.Equal(t, http.StatusOK, r.Status)
		require.Contains(t, r.Body, "某市人力资源和社会保障局")
		require.Contains(t, r.Body, "某市市场监督管理局")
		require.Contains(t, r.Body, ">待报送<")
		require.Contains(t, r.Body, ">审核中<")
		require.Contains(t, r.Body, "待报送 1")

		r = b.get("/cycles/" + id + "?stage=under_review")
		require.Equal(t, http.StatusOK, r.Status)
		require.Contains(t, r.Body, "某市市场监督管理局")
		require.NotContains(t, r.Body, "某市人力资源和社会保障局")
		r = b.get("/cycles/" + id + "?stage=bogus")
		require.Equal(t, http.StatusBadRequest, r.Status)
		require.Contains(t, r.Body, "阶段“bogus”无效")
		r = b.get("/cycles/2025-nosuch")
		require.Equal(t, http.StatusNotFound, r.Status)
		require.Contains(t, r.Body, "周期“2025-nosuch”不存在")

		// An admin may submit on a bureau's behalf; the form is there.
		r = b.get("/cycles/" + id + "/bureaus/rsj")
		require.Equal(t, http.StatusOK, r.Status)
		require.Contains(t, r.Body, `enctype="multipart/form-data"`)
		require.Contains(t, r.Body, `href="/cycles/`+id+`"`, "the office goes back to the board")
	})
}

var (
	inlineScript  = regexp.MustCompile(`(?i)<script`)
	inlineStyle   = regexp.MustCompile(`(?i)<style|\sstyle\s*=`)
	inlineHandler = regexp.MustCompile(`(?i)<[^>]*\son[a-z]+\s*=`)
)

// Pages carry no scripts, inline styles or event handlers, so the strict
// content security policy holds; they are never cached; unknown pages get
// an HTML 404 while the API keeps answering JSON.
func TestPagesHoldStrictCSP(t *testing.T) {
	t.Parallel()
	e := newEnv(t, testdb.SQLite(t), web.Config{})
	e.seedOrgs(orgNames{})
	e.user("rsj-staff", rules.RoleBureau, "rsj")
	e.user("fzb-reviewer", rules.RoleReviewer, "fzb")
	id := e.openCycle("周期", wire.StageAwaitingSubmission, "rsj")
	e.seedSubmission(id, "rsj", "报表.xlsx", "rsj-staff", []excelreturn.Issue{{Sheet: "统计指标", Cell: "D5", Message: "提示"}})

	anon := e.browser()
	reviewer := e.login("fzb-reviewer")
	bureau := e.login("rsj-staff")
	pages := []struct {
		b    *browser
		path string
	}{
		{anon, "/login"}, {anon, "/nothing-here"}, {reviewer, "/"}, {reviewer, "/cycles/" + id},
		{reviewer, "/cycles/" + id + "/bureaus/rsj"}, {bureau, "/cycles/" + id + "/bureaus/rsj"}, {reviewer, "/cycles/nope"},
	}
	for _, p := range pages {
		r := p.b.get(p.path)
		require.Equal(t, "text/html; charset=utf-8", r.Header.Get("Content-Type"), p.path)
		require.Contains(t, r.Header.Get("Content-Security-Policy"), "default-src 'self'", p.path)
		require.Equal(t, "no-store", r.Header.Get("Cache-Control"), p.path)
		require.NotRegexp(t, inlineScript, r.Body, p.path)
		require.NotRegexp(t, inlineStyle, r.Body, p.path)
		require.NotRegexp(t, inlineHandler, r.Body, p.path)
		require.NotContains(t, r.Body, "http://", p.path)
		require.NotContains(t, r.Body, "https://", p.path)
		require.Contains(t, r.Body, `<link rel="stylesheet" href="/static/style.css">`, p.path)
	}
	r := anon.get("/nothing-here")
	require.Equal(t, http.StatusNotFound, r.Status)
	require.Contains(t, r.Body, "页面不存在")
	r = anon.get("/api/v1/nothing-here")
	require.Equal(t, http.StatusNotFound, r.Status)
	require.True(t, strings.HasPrefix(r.Header.Get("Content-Type"), "application/json"), "the API answers JSON")

	r = anon.get("/static/style.css")
	require.Equal(t, http.StatusOK, r.Status)
	require.True(t, strings.HasPrefix(r.Header.Get("Content-Type"), "text/css"))
	require.NotContains(t, r.Body, "url(", "no external or embedded resources in the stylesheet")
	require.NotContains(t, r.Body, "@import")
}

// A closing cycle (publication deadline passed, not yet closed) still takes
// a late return, as the service and the workflow do (rules.CycleRunning):
// the workspace offers the upload form. A closed cycle does not.
func TestLateUploadFormFollowsTheCycleStatus(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		e := newEnv(t, db, web.Config{})
		e.seedOrgs(orgNames{})
		e.user("rsj-staff", rules.RoleBureau, "rsj")
		id := e.openCycle("2025年度法治政府建设情况报告", wire.StageAwaitingSubmission, "rsj")
		ws := "/cycles/" + id + "/bureaus/rsj"
		form := `action="` + ws + `/submissions"`
		b := e.login("rsj-staff")
		for _, tc := range []struct {
			status  string
			offered bool
		}{{models.CycleOpen, true}, {models.CycleClosing, true}, {models.CycleClosed, false}} {
			require.NoError(t, db.Model(&models.Cycle{}).Where("id = ?", id).Update("status", tc.status).Error)
			r := b.get(ws)
			require.Equal(t, http.StatusOK, r.Status, r.Body)
			if tc.offered {
				require.Contains(t, r.Body, form, "upload form in a %s cycle", tc.status)
			} else {
				require.NotContains(t, r.Body, form, "no upload form in a %s cycle", tc.status)
				require.Contains(t, r.Body, "周期已关闭，不能报送", "the rulebook says why")
			}
		}
	})
}
