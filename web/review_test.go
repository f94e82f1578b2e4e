package web_test

import (
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/lawcycle/lawcycle/catalogue"
	"github.com/lawcycle/lawcycle/internal/testdb"
	"github.com/lawcycle/lawcycle/models"
	"github.com/lawcycle/lawcycle/rules"
	"github.com/lawcycle/lawcycle/web"
	"github.com/lawcycle/lawcycle/wire"
)

// A reviewer returns the first version with comments on an indicator and
// on the whole return; the bureau reads them, resubmits, and everyone sees
// what changed; the reviewer approves. Refusals (a return without
// comments, a comment on an unknown indicator, a malformed due date,
// approving twice, a bureau reviewing) are shown in Chinese with their
// status and change nothing.
func TestReviewRounds(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		e := newEnv(t, db, web.Config{})
		e.seedOrgs(orgNames{})
		e.user("rsj-staff", rules.RoleBureau, "rsj")
		e.user("fzb-reviewer", rules.RoleReviewer, "fzb")
		e.user("fzb-viewer", rules.RoleViewer, "")
		id := e.openCycle("2025年度法治政府建设情况报告", wire.StageAwaitingSubmission, "rsj", "scj")
		grantViewer(t, e, id, "fzb-viewer")
		ws := "/cycles/" + id + "/bureaus/rsj"
		ind := firstIndicatorOf(t, "hrss")
		key, name, section := ind.Key, ind.Name, ind.Section

		bureau := e.login("rsj-staff")
		bureauToken := bureau.sessionToken()
		e.submit(bureau, bureauToken, ws, map[string]any{key: 9})

		reviewer := e.login("fzb-reviewer")
		token := reviewer.sessionToken()
		r := reviewer.get(ws)
		require.Equal(t, http.StatusOK, r.Status, r.Body)
		require.Contains(t, r.Body, "等待法治办审核")
		require.Contains(t, r.Body, `href="`+ws+`/review"`)
		requireNoInlineCode(t, r, "workspace")

		r = reviewer.get(ws + "/review")
		require.Equal(t, http.StatusOK, r.Status, r.Body)
		for _, s := range []string{"审核第 1 版", `value="indicator:` + key + `"`, `value="section:` + section + `"`, "这是第一版",
			`name="version" value="1"`, "提交审核结论", "增加意见栏"} {
			require.Contains(t, r.Body, s)
		}
		require.Equal(t, 3, strings.Count(r.Body, `name="message"`), "three comment rows to start with")
		requireNoInlineCode(t, r, "review form")

		refusals := []struct {
			name   string
			form   url.Values
			status int
			says   string
		}{
			{"return without comments", url.Values{"decision": {"return"}, "resubmit_due": {"5个工作日"}}, 422, "退回修改时请至少填写一条审核意见"},
			{"no decision", url.Values{"message": {"请核对"}, "anchor": {""}}, 422, "请给出审核结论"},
			{"unknown indicator", url.Values{"decision": {"return"}, "anchor": {"indicator:no_such_key"}, "message": {"请核对"}}, 422,
				"第1条意见的指标“no_such_key”不在第1版的指标体系中"},
			{"malformed due date", url.Values{"decision": {"return"}, "anchor": {""}, "message": {"请核对"}, "resubmit_due": {"下周"}}, 400,
				"重新报送期限"},
			{"an empty comment with an anchor", url.Values{"decision": {"return"}, "anchor": {"indicator:" + key, ""}, "message": {"", "请补充说明"}}, 422,
				"第1条意见的内容为空"},
		}
		for _, c := range refusals {
			c.form.Set("csrf_token", token)
			c.form.Set("version", "1")
			c.form.Set("action", "submit")
			r = reviewer.post(ws+"/reviews", c.form)
			require.Equal(t, c.status, r.Status, "%s: %s", c.name, r.Body)
			require.Contains(t, r.Body, template.HTMLEscapeString(c.says), c.name)
			require.Contains(t, r.Body, "系统未作任何更改", c.name)
			require.Contains(t, r.Body, "提交审核结论", "%s: the form is shown again", c.name)
			for _, m := range c.form["message"] {
				require.Contains(t, r.Body, ">"+m+"</textarea>", "%s: what was typed is kept", c.name)
			}
			require.Zero(t, e.count(&models.Review{}), c.name)
			require.Equal(t, string(wire.StageUnderReview), e.stageOf(id, "rsj"), c.name)
		}

		// More comments than the service takes: refused, and the form shows
		// as many as it takes.
		many := url.Values{"csrf_token": {token}, "version": {"1"}, "action": {"submit"}, "decision": {"return"}}
		for i := range 201 {
			many.Add("anchor", "")
			many.Add("message", fmt.Sprintf("意见%d", i+1))
		}
		r = reviewer.post(ws+"/reviews", many)
		require.Equal(t, http.StatusUnprocessableEntity, r.Status, r.Body)
		require.Contains(t, r.Body, "审核意见最多200条，实际为201条")
		require.Equal(t, 200, strings.Count(r.Body, `name="message"`))
		require.Zero(t, e.count(&models.Review{}))

		// More rows keep what was typed and send nothing.
		r = reviewer.post(ws+"/reviews", url.Values{"csrf_token": {token}, "version": {"1"}, "action": {"more"}, "decision": {"return"},
			"anchor": {"indicator:" + key, "", ""}, "message": {"数字偏低，请核实", "", ""}})
		require.Equal(t, http.StatusOK, r.Status, r.Body)
		require.Equal(t, 4, strings.Count(r.Body, `name="message"`), "the typed row and three spare ones")
		require.Contains(t, r.Body, `<option value="indicator:`+key+`" selected>`)
		require.Contains(t, r.Body, ">数字偏低，请核实</textarea>")
		require.Contains(t, r.Body, `value="return" checked`)
		require.Zero(t, e.count(&models.Review{}))

		// A bureau cannot open the form nor review, even its own return.
		r = bureau.get(ws + "/review")
		require.Equal(t, http.StatusForbidden, r.Status)
		r = bureau.post(ws+"/reviews", url.Values{"csrf_token": {bureauToken}, "decision": {"approve"}, "version": {"1"}})
		require.Equal(t, http.StatusForbidden, r.Status)
		require.Zero(t, e.count(&models.Review{}))

		r = reviewer.post(ws+"/reviews", url.Values{"csrf_token": {token}, "version": {"1"}, "action": {"submit"}, "decision": {"return"},
			"anchor": {"indicator:" + key, "", ""}, "message": {"数字偏低，请核实", "请补充报告正文", ""}, "resubmit_due": {"5个工作日"}})
		require.Equal(t, http.StatusSeeOther, r.Status, r.Body)
		require.Equal(t, ws+"?reviewed=1", r.Location)
		require.Equal(t, string(wire.StageAwaitingSubmission), e.stageOf(id, "rsj"))
		r = reviewer.get(ws + "?reviewed=1")
		require.Equal(t, http.StatusOK, r.Status)
		require.Contains(t, r.Body, "已完成对第 1 版的审核：退回修改")

		// Every role that reads the bureau sees the comments with what
		// they are on.
		viewer := e.login("fzb-viewer")
		for who, b := range map[string]*browser{"bureau": bureau, "reviewer": reviewer, "viewer": viewer} {
			r = b.get(ws)
			require.Equal(t, http.StatusOK, r.Status, who)
			for _, s := range []string{"数字偏低，请核实", "请补充报告正文", "指标：" + name, "整份报表", "退回修改", "第 2 轮"} {
				require.Contains(t, r.Body, s, who)
			}
		}
		r = viewer.get(ws)
		require.NotContains(t, r.Body, ws+"/review", "viewers have no review page")

		// The bureau resubmits with the indicator changed.
		e.submit(bureau, bureauToken, ws, map[string]any{key: 12})
		r = bureau.get(ws + "/submissions/2")
		require.Equal(t, http.StatusOK, r.Status, r.Body)
		require.Contains(t, r.Body, `id="changes"`)
		changes := r.Body[strings.Index(r.Body, `id="changes"`):]
		changes = changes[:strings.Index(changes, "</section>")]
		require.Contains(t, changes, name)
		require.Contains(t, changes, `<td class="num">9`+ind.Unit+`</td><td class="num changed">12`+ind.Unit+`</td>`)
		require.Contains(t, changes, "数字偏低，请核实", "the comments this version answers")
		r = bureau.get(ws)
		require.Contains(t, r.Body, ws+"/submissions/2#changes")

		r = reviewer.get(ws + "/review")
		require.Equal(t, http.StatusOK, r.Status)
		require.Contains(t, r.Body, "审核第 2 版")
		require.Contains(t, r.Body, "上一版的审核意见")
		require.Contains(t, r.Body, `<td class="num changed">12`+ind.Unit+`</td>`)

		// A form without the version it was shown for, or with a malformed
		// one, is refused: read as 0 it would review whatever is latest.
		for _, version := range []string{"", "abc", "0", "-2"} {
			r = reviewer.post(ws+"/reviews", url.Values{"csrf_token": {token}, "version": {version}, "action": {"submit"}, "decision": {"approve"}})
			require.Equal(t, http.StatusBadRequest, r.Status, "version %q: %s", version, r.Body)
			require.Contains(t, r.Body, "请刷新审核页面后重新提交", "version %q", version)
			require.Equal(t, int64(1), e.count(&models.Review{}), "version %q", version)
		}

		// A review of the version the reviewer no longer looks at is refused.
		r = reviewer.post(ws+"/reviews", url.Values{"csrf_token": {token}, "version": {"1"}, "action": {"submit"}, "decision": {"approve"}})
		require.Equal(t, http.StatusConflict, r.Status, r.Body)
		require.Contains(t, r.Body, "您审核的是第1版，而本单位最新报送的是第2版")
		require.Equal(t, int64(1), e.count(&models.Review{}))

		r = reviewer.post(ws+"/reviews", url.Values{"csrf_token": {token}, "version": {"2"}, "action": {"submit"}, "decision": {"approve"}})
		require.Equal(t, http.StatusSeeOther, r.Status, r.Body)
		require.Equal(t, string(wire.StageAwaitingPublication), e.stageOf(id, "rsj"))

		// Approving twice is refused, and nothing changes.
		r = reviewer.post(ws+"/reviews", url.Values{"csrf_token": {token}, "version": {"2"}, "action": {"submit"}, "decision": {"approve"}})
		require.Equal(t, http.StatusConflict, r.Status, r.Body)
		require.Contains(t, r.Body, "本单位第2版报表已审核通过（当前阶段：待公开），不能重复审核")
		require.NotContains(t, r.Body, "提交审核结论", "no form once approved")
		require.Equal(t, int64(2), e.count(&models.Review{}))
		require.Equal(t, int64(1), e.count(&models.Review{}, "decision = ?", "approve"))
		require.Equal(t, string(wire.StageAwaitingPublication), e.stageOf(id, "rsj"))

		r = bureau.get(ws)
		require.Contains(t, r.Body, "审核通过")
		require.Contains(t, r.Body, ws+"/publication")
		require.Contains(t, r.Body, "登记公开")
	})
}

// firstIndicatorOf is the first indicator of a sector's return.
func firstIndicatorOf(t *testing.T, sector string) *catalogue.Indicator {
	t.Helper()
	cat, err := catalogue.Builtin().ComposeFor(sector)
	require.NoError(t, err)
	return cat.Indicators()[0]
}
