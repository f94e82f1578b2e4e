package web_test

import (
	"encoding/json"
	"html/template"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/lawcycle/lawcycle/excelreturn"
	"github.com/lawcycle/lawcycle/internal/testdb"
	"github.com/lawcycle/lawcycle/models"
	"github.com/lawcycle/lawcycle/rules"
	"github.com/lawcycle/lawcycle/web"
	"github.com/lawcycle/lawcycle/wire"
)

const (
	scriptTag  = `<script>alert(1)</script>`
	attrBreak  = `"><img src=x onerror=alert(1)>`
	jsURL      = `javascript:alert(1)`
	tmplAction = `{{.}}`
	// svgTag stands in for scriptTag in file names: multipart keeps only
	// the part of a file name after its last "/".
	svgTag = `<svg onload=alert(1)>`
)

// dangerous are the payloads that must never reach a page unescaped.
var dangerous = []string{scriptTag, attrBreak, svgTag}

var jsInURL = regexp.MustCompile(`(?i)(href|src|action|formaction)\s*=\s*["']?\s*javascript:`)

// requireEscaped checks that every stored value appears on the page
// escaped as html/template escapes text, and no payload appears raw.
func requireEscaped(t *testing.T, p page, what string, values ...string) {
	t.Helper()
	for _, v := range values {
		require.Contains(t, p.Body, template.HTMLEscapeString(v), "%s: %q not shown escaped", what, v)
	}
	for _, d := range dangerous {
		require.NotContains(t, p.Body, d, "%s: raw payload", what)
	}
	require.NotRegexp(t, jsInURL, p.Body, what)
	require.NotRegexp(t, inlineScript, p.Body, what)
}

// Organisation names, cycle titles, user names, file names and issue
// messages carrying script, attribute-breaking, javascript: and template
// payloads are stored verbatim and shown escaped on every page.
func TestPayloadsAreStoredVerbatimAndRenderedEscaped(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		e := newEnv(t, db, web.Config{})
		all := scriptTag + " " + attrBreak + " " + jsURL + " " + tmplAction
		officeName := "法治办" + all
		rsjName := "人社局" + all
		title := "2025年度报告" + all
		e.seedOrgs(orgNames{office: officeName, rsj: rsjName})
		e.user("fzb-admin", rules.RoleAdmin, "fzb")
		e.user("rsj-staff", rules.RoleBureau, "rsj")
		// Usernames are restricted to [A-Za-z0-9_.@-] when created; one
		// from elsewhere (an import, an older release) must still be safe.
		userName := scriptTag + attrBreak + tmplAction
		require.NoError(t, db.Model(&models.User{}).Where("username = ?", "rsj-staff").Update("username", userName).Error)
		id := e.openCycle(title, wire.StageAwaitingSubmission, "rsj", "scj")
		fileName := attrBreak + svgTag + tmplAction + jsURL + ".xlsx"
		reportName := svgTag + jsURL + ".txt"

		// Stored verbatim.
		var rsj, fzb models.Organisation
		require.NoError(t, db.Take(&rsj, "code = ?", "rsj").Error)
		require.Equal(t, rsjName, rsj.Name)
		require.NoError(t, db.Take(&fzb, "code = ?", "fzb").Error)
		require.Equal(t, officeName, fzb.Name)
		var cyc models.Cycle
		require.NoError(t, db.Take(&cyc, "id = ?", id).Error)
		require.Equal(t, title, cyc.Title)

		// The bureau user logs in with its odd name and uploads a return
		// whose bad cell holds a payload: the issue message quotes it.
		b := e.browser()
		r := b.login(userName, passwordOf("rsj-staff"))
		require.Equal(t, http.StatusSeeOther, r.Status, r.Body)
		ws := "/cycles/" + id + "/bureaus/rsj"
		r = b.get(ws)
		require.Equal(t, http.StatusOK, r.Status)
		requireEscaped(t, r, "workspace", rsjName, title, userName, officeName)
		require.Contains(t, r.Body, "<title>"+template.HTMLEscapeString(rsjName)+" · ")
		token := csrf(t, r)

		key := firstIndicator(t, "hrss")
		bad := e.filled(id, "rsj", "hrss", map[string]any{key: scriptTag + attrBreak})
		r = b.upload(ws+"/submissions", url.Values{"csrf_token": {token}}, filePart{field: "file", name: fileName, data: bad})
		require.Equal(t, http.StatusUnprocessableEntity, r.Status, r.Body)
		require.Contains(t, r.Body, template.HTMLEscapeString(scriptTag+attrBreak), "the issue message quotes the cell, escaped")
		requireEscaped(t, r, "refusal", rsjName)

		good := e.filled(id, "rsj", "hrss", nil)
		r = b.upload(ws+"/submissions", url.Values{"csrf_token": {token}},
			filePart{field: "file", name: fileName, data: good}, filePart{field: "report", name: reportName, data: []byte("报告正文")})
		require.Equal(t, http.StatusSeeOther, r.Status, r.Body)
		var sub models.Submission
		require.NoError(t, db.Take(&sub, "cycle_id = ? AND org_code = ?", id, "rsj").Error)
		require.Equal(t, fileName, sub.FileName, "file name stored verbatim")
		require.Equal(t, reportName, sub.ReportName)
		require.Equal(t, userName, sub.SubmittedBy, "user name stored verbatim")
		r = b.get(r.Location)
		require.Equal(t, http.StatusOK, r.Status)
		requireEscaped(t, r, "versions", fileName, reportName, userName, rsjName, title)

		// The template's file name carries the organisation name, encoded.
		r = b.get(ws + "/template")
		require.Equal(t, http.StatusOK, r.Status)
		cd := r.Header.Get("Content-Disposition")
		require.NotContains(t, cd, "<")
		require.Equal(t, 2, strings.Count(cd, `"`), "only the fallback name is quoted: %s", cd)

		// A stored version whose warning, 说明, 存在问题 and 下一年度安排
		// carry payloads.
		message := "说明：" + all
		explanation := "系结转案件" + all
		problem := "执法人员培训不足" + all
		plan := "开展全员培训" + all
		require.NoError(t, db.Create(&models.Submission{
			CycleID: id, OrgCode: "rsj", Version: 2, Round: 1, FileSHA: sub.FileSHA, FileName: "v2.xlsx", ReturnSHA: sub.ReturnSHA,
			Catalogue: "general@2025.1+hrss@2025.1", Values: "{}", Info: "{}",
			Explanations: mustJSON(t, map[string]string{key: explanation}),
			Problems:     mustJSON(t, []excelreturn.Problem{{Row: 3, Description: problem, Cause: all, Measures: all, Department: all, Person: all, Due: "2025-12-31", Category: "限期整改"}}),
			Plans:        mustJSON(t, []excelreturn.Plan{{Row: 3, Task: plan, Measures: all, Department: all}}),
			Warnings:     mustJSON(t, []excelreturn.Issue{{Sheet: excelreturn.SheetIndicators, Cell: "D7", Indicator: key, IndicatorName: rsjName, Message: message}}),
			WarningCount: 1, SubmittedBy: userName, SubmittedAt: e.clock.Now(),
		}).Error)
		var stored models.Submission
		require.NoError(t, db.Take(&stored, "cycle_id = ? AND org_code = ? AND version = 2", id, "rsj").Error)
		require.Contains(t, stored.Warnings, "说明：")

		// The office's pages.
		office := e.login("fzb-admin")
		for _, path := range []string{"/", "/cycles/" + id, ws} {
			r = office.get(path)
			require.Equal(t, http.StatusOK, r.Status, path)
			requireEscaped(t, r, path, title)
		}
		r = office.get("/")
		requireEscaped(t, r, "dashboard", officeName)
		r = office.get("/cycles/" + id)
		requireEscaped(t, r, "board", rsjName, officeName)
		r = office.get(ws)
		requireEscaped(t, r, "office workspace", message, fileName, userName, rsjName)
		require.Contains(t, r.Body, tmplAction, "template syntax in data is shown as text, never run")
		var v2 models.Submission
		require.NoError(t, db.Take(&v2, "cycle_id = ? AND org_code = ? AND version = 2", id, "rsj").Error)
		var stored2 []excelreturn.Problem
		require.NoError(t, json.Unmarshal([]byte(v2.Problems), &stored2))
		require.Equal(t, problem, stored2[0].Description, "problem description stored verbatim")
		for _, who := range []*browser{office, b} {
			r = who.get(ws + "/submissions/2")
			require.Equal(t, http.StatusOK, r.Status, r.Body)
			requireEscaped(t, r, "version page", problem, plan, explanation, message, rsjName, title, userName)
		}

		// Payloads in the login form's echo and its next field.
		r = e.browser().login(userName, "wrong-password")
		require.Equal(t, http.StatusUnauthorized, r.Status)
		requireEscaped(t, r, "login echo", userName)
		r = e.browser().get("/login?next=" + url.QueryEscape(jsURL))
		require.Contains(t, r.Body, `name="next" value="/"`)
		require.NotRegexp(t, jsInURL, r.Body)

		// The audit log keeps the odd name as it was.
		require.Equal(t, int64(1), e.count(&models.AuditEvent{}, "action = ? AND actor_name = ?", "session.created", userName))
	})
}
