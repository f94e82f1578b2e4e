package web_test

import (
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/lawcycle/lawcycle/internal/apitest"
	"github.com/lawcycle/lawcycle/internal/filetest"
	"github.com/lawcycle/lawcycle/internal/testdb"
	"github.com/lawcycle/lawcycle/models"
	"github.com/lawcycle/lawcycle/rules"
	"github.com/lawcycle/lawcycle/service"
	"github.com/lawcycle/lawcycle/web"
	"github.com/lawcycle/lawcycle/wire"
)

// rectEnv is a cycle with rsj and scj, their staff, the office's admin,
// reviewer and a granted viewer, and four items: rsj's overdue open item,
// its closure request, its item carried from last year, and scj's item.
type rectEnv struct {
	*env
	id                               string
	overdue, requested, carried, scj apitest.SeededRect
}

func newRectEnv(t *testing.T, db *gorm.DB) rectEnv {
	e := newEnv(t, db, web.Config{})
	e.seedOrgs(orgNames{})
	e.user("rsj-staff", rules.RoleBureau, "rsj")
	e.user("scj-staff", rules.RoleBureau, "scj")
	e.user("fzb-admin", rules.RoleAdmin, "fzb")
	e.user("fzb-reviewer", rules.RoleReviewer, "fzb")
	e.user("fzb-viewer", rules.RoleViewer, "")
	id := e.openCycle("2025年度法治政府建设情况报告", wire.StageAwaitingSubmission, "rsj", "scj")
	grantViewer(t, e, id, "fzb-viewer")
	past := e.clock.Now().Add(-72 * time.Hour)
	return rectEnv{env: e, id: id,
		overdue: e.seedRectItem(id, "rsj", wire.RectOpen, func(i *models.RectItem) {
			i.Due, i.Evidence, i.Description = &past, 0, "重大行政决策未经合法性审查"
		}),
		requested: e.seedRectItem(id, "rsj", wire.RectClosureRequested, func(i *models.RectItem) { i.Description = "执法公示信息更新不及时" }),
		carried: e.seedRectItem(id, "rsj", wire.RectInProgress, func(i *models.RectItem) {
			i.CarriedFrom, i.Description = "2024-o1", "规范性文件备案滞后"
		}),
		scj: e.seedRectItem(id, "scj", wire.RectOpen, func(i *models.RectItem) { i.Description = "市场监管执法记录不全" }),
	}
}

func (e rectEnv) itemPath(it apitest.SeededRect) string {
	return "/cycles/" + e.id + "/bureaus/" + it.OrgCode + "/rectifications/" + it.ItemID
}

// The ledger lists the cycle's items with overdue rows marked, filters
// them, and hands the same filter to the workbook; a bureau sees only
// its own items, and a bad filter is explained in Chinese with 400.
func TestRectificationLedgerPage(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		e := newRectEnv(t, db)
		ledger := "/cycles/" + e.id + "/rectifications"

		for _, who := range []string{"fzb-reviewer", "fzb-admin", "fzb-viewer"} {
			r := e.login(who).get(ledger)
			require.Equal(t, http.StatusOK, r.Status, "%s: %s", who, r.Body)
			for _, s := range []string{"整改台账", "重大行政决策未经合法性审查", "执法公示信息更新不及时", "规范性文件备案滞后", "市场监管执法记录不全",
				`href="` + e.itemPath(e.overdue) + `"`, `href="/cycles/` + e.id + `/ledger.xlsx"`, "1 项逾期", "（上年结转）"} {
				require.Contains(t, r.Body, s, who)
			}
			require.Equal(t, 1, strings.Count(r.Body, `<tr class="overdue">`), "%s: one overdue row", who)
			requireNoInlineCode(t, r, "ledger")
		}

		reviewer := e.login("fzb-reviewer")
		r := reviewer.get(ledger + "?status=closure_requested")
		require.Equal(t, http.StatusOK, r.Status, r.Body)
		require.Contains(t, r.Body, "执法公示信息更新不及时")
		require.NotContains(t, r.Body, "重大行政决策未经合法性审查")
		require.Contains(t, r.Body, `href="/cycles/`+e.id+`/ledger.xlsx?status=closure_requested"`, "the download keeps the filter")

		r = reviewer.get(ledger + "?org=scj")
		require.Contains(t, r.Body, "市场监管执法记录不全")
		require.NotContains(t, r.Body, "执法公示信息更新不及时")

		r = reviewer.get(ledger + "?overdue=1&category=" + url.QueryEscape("限期整改"))
		require.Equal(t, http.StatusOK, r.Status, r.Body)
		require.Contains(t, r.Body, "重大行政决策未经合法性审查")
		require.NotContains(t, r.Body, "市场监管执法记录不全")

		r = reviewer.get(ledger + "?status=bogus")
		require.Equal(t, http.StatusBadRequest, r.Status, r.Body)
		require.Contains(t, r.Body, "整改状态“bogus”无效")

		x := reviewer.get("/cycles/" + e.id + "/ledger.xlsx?org=rsj")
		require.Equal(t, http.StatusOK, x.Status, x.Body)
		require.Equal(t, service.ContentTypeXLSX, x.Header.Get("Content-Type"))
		require.True(t, strings.HasPrefix(x.Body, "PK"), "an xlsx workbook")

		bureau := e.login("rsj-staff")
		r = bureau.get(ledger)
		require.Equal(t, http.StatusOK, r.Status, r.Body)
		require.Contains(t, r.Body, "仅显示本单位的整改事项")
		require.Contains(t, r.Body, "重大行政决策未经合法性审查")
		require.NotContains(t, r.Body, "市场监管执法记录不全")
		require.NotContains(t, r.Body, `href="/cycles/`+e.id+`"`, "a bureau is not sent to the board it may not open")
		require.Equal(t, http.StatusNotFound, bureau.get(ledger+"?org=scj").Status)
		require.Equal(t, http.StatusOK, bureau.get("/cycles/"+e.id+"/ledger.xlsx").Status)
		require.Equal(t, http.StatusNotFound, bureau.get(e.itemPath(e.scj)).Status)

		// The cycle page and the workspace link to the ledger.
		require.Contains(t, reviewer.get("/cycles/"+e.id).Body, `href="`+ledger+`"`)
		require.Contains(t, reviewer.get("/cycles/"+e.id+"/bureaus/rsj").Body, `href="`+ledger+`?org=rsj"`)
		require.Contains(t, bureau.get("/cycles/"+e.id+"/bureaus/rsj").Body, `href="`+ledger+`"`)
	})
}

// The item page shows the item, its history with evidence downloads
// through the session, and only the forms the role may use in the item's
// status.
func TestRectificationItemPageByRole(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		e := newRectEnv(t, db)
		open, requested := e.itemPath(e.overdue), e.itemPath(e.requested)
		has := func(body, path, action string) bool { return strings.Contains(body, `action="`+path+"/"+action+`"`) }

		bureau := e.login("rsj-staff")
		r := bureau.get(open)
		require.Equal(t, http.StatusOK, r.Status, r.Body)
		for _, s := range []string{"重大行政决策未经合法性审查", "未开始", "已逾期", "限期整改", "执法科", "张三", "整改进展", "整改报告.pdf",
			`enctype="multipart/form-data"`, "申请销号", `href="/cycles/` + e.id + `/rectifications"`} {
			require.Contains(t, r.Body, s)
		}
		require.True(t, has(r.Body, open, "progress") && has(r.Body, open, "closure"))
		require.False(t, has(r.Body, open, "verification"))
		evidence := open + "/evidence/" + e.overdue.SHA
		require.Contains(t, r.Body, `href="`+evidence+`"`)
		require.NotContains(t, r.Body, "/api/v1/")
		requireNoInlineCode(t, r, "item page")

		f := bureau.get(evidence)
		require.Equal(t, http.StatusOK, f.Status, f.Body)
		require.Equal(t, "application/pdf", f.Header.Get("Content-Type"))
		require.True(t, strings.HasPrefix(f.Body, "%PDF"))

		r = bureau.get(requested)
		require.True(t, has(r.Body, requested, "progress"), "progress may still be reported while the office verifies")
		require.False(t, has(r.Body, requested, "closure") || has(r.Body, requested, "verification"))

		r = bureau.get(e.itemPath(e.carried))
		require.Contains(t, r.Body, "上年结转")

		reviewer := e.login("fzb-reviewer")
		r = reviewer.get(requested)
		require.Equal(t, http.StatusOK, r.Status, r.Body)
		require.True(t, has(r.Body, requested, "verification"))
		require.False(t, has(r.Body, requested, "progress") || has(r.Body, requested, "closure"))
		r = reviewer.get(open)
		require.False(t, has(r.Body, open, "verification"), "nothing to verify on an open item")

		admin := e.login("fzb-admin")
		r = admin.get(requested)
		require.True(t, has(r.Body, requested, "verification") && has(r.Body, requested, "progress"))
		require.False(t, has(r.Body, requested, "closure"), "only the bureau asks for 销号")

		viewer := e.login("fzb-viewer")
		r = viewer.get(open)
		require.Equal(t, http.StatusOK, r.Status, r.Body)
		require.NotContains(t, r.Body, `method="post" action="`+open)
	})
}

// Refused actions are shown in the form, in the service's Chinese, with
// their status and what was typed, and change nothing.
func TestRectificationRefusals(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		e := newRectEnv(t, db)
		open, requested := e.itemPath(e.overdue), e.itemPath(e.requested)
		notes := func() int64 { return e.count(&models.RectNote{}) }
		statusOf := func(it apitest.SeededRect) string {
			var row models.RectItem
			require.NoError(t, db.Take(&row, it.ID).Error)
			return row.Status
		}
		before := notes()

		bureau := e.login("rsj-staff")
		token := bureau.sessionToken()
		// 销号 without any evidence.
		r := bureau.upload(open+"/closure", url.Values{"csrf_token": {token}, "note": {"已全部整改完毕"}})
		require.Equal(t, http.StatusConflict, r.Status, r.Body)
		require.Contains(t, r.Body, "申请销号须提供整改佐证材料")
		require.Contains(t, r.Body, "系统未作任何更改")
		require.Contains(t, r.Body, ">已全部整改完毕</textarea>", "the note is kept")
		requireNoInlineCode(t, r, "refused closure")

		// Progress with nothing in it.
		r = bureau.upload(open+"/progress", url.Values{"csrf_token": {token}, "note": {"  "}})
		require.Contains(t, []int{http.StatusBadRequest, http.StatusUnprocessableEntity}, r.Status, r.Body)
		require.Contains(t, r.Body, "请填写整改进展")

		// Evidence of a type not accepted, refused by name.
		r = bureau.upload(open+"/progress", url.Values{"csrf_token": {token}, "note": {"附件见后"}},
			filePart{field: "evidence", name: "程序.exe", data: []byte("MZ\x90\x00 not a document")})
		require.Equal(t, http.StatusUnsupportedMediaType, r.Status, r.Body)
		require.Contains(t, r.Body, "佐证材料“程序.exe”的文件类型不受支持")
		require.Contains(t, r.Body, ">附件见后</textarea>")

		// A bureau may not verify: the error page, not the form.
		r = bureau.post(requested+"/verification", url.Values{"csrf_token": {token}, "decision": {"close"}})
		require.Equal(t, http.StatusForbidden, r.Status, r.Body)
		require.Contains(t, r.Body, "部门不能自行添加或核验整改事项")

		reviewer := e.login("fzb-reviewer")
		rtoken := reviewer.sessionToken()
		// Sending back without a reason.
		r = reviewer.post(requested+"/verification", url.Values{"csrf_token": {rtoken}, "decision": {"reject"}})
		require.Contains(t, []int{http.StatusBadRequest, http.StatusUnprocessableEntity}, r.Status, r.Body)
		require.Contains(t, r.Body, "退回理由")
		require.Contains(t, r.Body, `value="reject" checked`)
		// Verifying an item nobody asked to close.
		r = reviewer.post(open+"/verification", url.Values{"csrf_token": {rtoken}, "decision": {"close"}})
		require.Equal(t, http.StatusConflict, r.Status, r.Body)
		require.Contains(t, r.Body, "没有待核验的销号申请")

		require.Equal(t, before, notes(), "no note recorded")
		require.Equal(t, string(wire.RectOpen), statusOf(e.overdue))
		require.Equal(t, string(wire.RectClosureRequested), statusOf(e.requested))
		require.Equal(t, int64(4), e.count(&models.RectEvidence{}), "no evidence stored")
	})
}

// An item's text, its notes and what a refused form echoes back are shown
// escaped: a script or an attribute-breaking payload stays text.
func TestRectificationXSS(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		e := newEnv(t, db, web.Config{})
		e.seedOrgs(orgNames{})
		e.user("rsj-staff", rules.RoleBureau, "rsj")
		e.user("fzb-reviewer", rules.RoleReviewer, "fzb")
		id := e.openCycle("2025年度法治政府建设情况报告", wire.StageAwaitingSubmission, "rsj")
		const script, attr = `<script>alert(1)</script>`, `"><img src=x onerror=alert(1)>`
		it := e.seedRectItem(id, "rsj", wire.RectOpen, func(i *models.RectItem) {
			i.Evidence = 0
			i.Description, i.Cause, i.Measures = script+attr, attr, script
			i.Department, i.Person, i.Progress = attr, script, script+attr
		})
		// History rows are immutable: the payloads come in a second note.
		note := models.RectNote{ItemRowID: it.ID, CycleID: id, OrgCode: "rsj", ItemID: it.ItemID, Seq: 2,
			Kind: models.RectNoteProgress, Text: script + attr, AuthorName: attr, AuthorRole: string(rules.RoleBureau), At: e.clock.Now()}
		require.NoError(t, db.Create(&note).Error)
		require.NoError(t, db.Create(&models.RectEvidence{NoteID: note.ID, OrgCode: "rsj", ItemID: it.ItemID, SHA: it.SHA,
			Name: attr + ".pdf", Size: 100, ContentType: "application/pdf"}).Error)
		path := "/cycles/" + id + "/bureaus/rsj/rectifications/" + it.ItemID

		check := func(r page, what string) {
			t.Helper()
			require.NotContains(t, r.Body, script, what)
			require.NotContains(t, r.Body, "<img src=x", what)
			require.Contains(t, r.Body, template.HTMLEscapeString(script), what)
			require.Contains(t, r.Body, template.HTMLEscapeString(attr), what)
			requireNoInlineCode(t, r, what)
		}
		reviewer := e.login("fzb-reviewer")
		r := reviewer.get("/cycles/" + id + "/rectifications")
		require.Equal(t, http.StatusOK, r.Status, r.Body)
		check(r, "ledger")
		r = reviewer.get(path)
		require.Equal(t, http.StatusOK, r.Status, r.Body)
		check(r, "item page")

		bureau := e.login("rsj-staff")
		r = bureau.upload(path+"/closure", url.Values{"csrf_token": {bureau.sessionToken()}, "note": {script + attr}})
		require.Equal(t, http.StatusConflict, r.Status, r.Body)
		check(r, "refused closure")
		// A filter typed into the URL is echoed escaped too.
		r = reviewer.get("/cycles/" + id + "/rectifications?org=" + url.QueryEscape(attr) + "&category=" + url.QueryEscape(script))
		require.NotContains(t, r.Body, script)
		require.NotContains(t, r.Body, "<img src=x")
	})
}

// A bureau reports progress with evidence and asks for 销号; the reviewer
// sends it back with a reason, the bureau asks again and the reviewer
// closes the item. Each step redirects to the item with a notice.
func TestRectificationActions(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		e := newRectEnv(t, db)
		open := e.itemPath(e.overdue)
		statusOf := func() string {
			var row models.RectItem
			require.NoError(t, db.Take(&row, e.overdue.ID).Error)
			return row.Status
		}
		bureau := e.login("rsj-staff")
		token := bureau.sessionToken()
		r := bureau.upload(open+"/progress", url.Values{"csrf_token": {token}, "note": {"已起草审查制度"}},
			filePart{field: "evidence", name: "审查制度.pdf", data: filetest.PDF("审查制度")}, filePart{field: "evidence"})
		require.Equal(t, http.StatusSeeOther, r.Status, r.Body)
		require.Equal(t, open+"?done=progress", r.Location)
		r = bureau.get(r.Location)
		require.Contains(t, r.Body, "整改进展已记录")
		require.Contains(t, r.Body, "已起草审查制度")
		require.Contains(t, r.Body, "审查制度.pdf")
		require.Equal(t, string(wire.RectInProgress), statusOf())

		r = bureau.upload(open+"/closure", url.Values{"csrf_token": {token}, "note": {"整改完成"}})
		require.Equal(t, http.StatusSeeOther, r.Status, r.Body)
		require.Equal(t, string(wire.RectClosureRequested), statusOf())

		reviewer := e.login("fzb-reviewer")
		rtoken := reviewer.sessionToken()
		r = reviewer.post(open+"/verification", url.Values{"csrf_token": {rtoken}, "decision": {"reject"}, "reason": {"佐证材料缺少印发文件"}})
		require.Equal(t, http.StatusSeeOther, r.Status, r.Body)
		require.Equal(t, open+"?done=rejected", r.Location)
		require.Equal(t, string(wire.RectInProgress), statusOf())
		require.Contains(t, reviewer.get(r.Location).Body, "佐证材料缺少印发文件")

		r = bureau.upload(open+"/closure", url.Values{"csrf_token": {token}, "note": {"已补充印发文件"}})
		require.Equal(t, http.StatusSeeOther, r.Status, r.Body)
		r = reviewer.post(open+"/verification", url.Values{"csrf_token": {rtoken}, "decision": {"close"}})
		require.Equal(t, http.StatusSeeOther, r.Status, r.Body)
		require.Equal(t, string(wire.RectClosed), statusOf())
		r = reviewer.get(open + "?done=closed")
		require.Contains(t, r.Body, "已核验并销号")
		require.NotContains(t, r.Body, `action="`+open+`/verification"`)
	})
}
