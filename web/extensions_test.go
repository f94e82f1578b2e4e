package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/lawcycle/lawcycle/internal/chinatime"
	"github.com/lawcycle/lawcycle/internal/testdb"
	"github.com/lawcycle/lawcycle/models"
	"github.com/lawcycle/lawcycle/rules"
	"github.com/lawcycle/lawcycle/web"
	"github.com/lawcycle/lawcycle/wire"
)

// A bureau asks for more time; a second request waits for the first; the
// office admin refuses without a reason (refused), then approves with a
// date of its own, and extends another deadline directly. Reviewers and
// viewers only read. Every refusal is shown in Chinese and changes
// nothing.
func TestExtensions(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		e := newEnv(t, db, web.Config{})
		e.seedOrgs(orgNames{})
		e.user("rsj-staff", rules.RoleBureau, "rsj")
		e.user("fzb-admin", rules.RoleAdmin, "fzb")
		e.user("fzb-reviewer", rules.RoleReviewer, "fzb")
		e.user("fzb-viewer", rules.RoleViewer, "")
		id := e.openCycle("2025年度法治政府建设情况报告", wire.StageAwaitingSubmission, "rsj", "scj")
		grantViewer(t, e, id, "fzb-viewer")
		ws := "/cycles/" + id + "/bureaus/rsj"
		dueBefore := e.participant(id, "rsj").SubmissionDue

		bureau := e.login("rsj-staff")
		token := bureau.sessionToken()
		r := bureau.get(ws + "/extensions")
		require.Equal(t, http.StatusOK, r.Status, r.Body)
		require.Contains(t, r.Body, "申请延期")
		require.Contains(t, r.Body, "提交延期申请")
		require.NotContains(t, r.Body, "直接为本单位延期")
		require.Contains(t, r.Body, "尚无延期记录")
		requireNoInlineCode(t, r, "extensions")

		for _, c := range []struct {
			name   string
			form   url.Values
			status int
			says   string
		}{
			{"no reason", url.Values{"kind": {"submission"}, "until": {"5个工作日"}}, 422, "请填写延期理由"},
			{"no date", url.Values{"kind": {"submission"}, "reason": {"主要负责人出差"}}, 422, "请填写延期后的截止日期"},
			{"malformed date", url.Values{"kind": {"submission"}, "until": {"月底"}, "reason": {"主要负责人出差"}}, 400, "延期后的截止日期"},
			{"earlier date", url.Values{"kind": {"submission"}, "until": {chinatime.Date(dueBefore.AddDate(0, 0, -3))}, "reason": {"出差"}}, 422,
				"应晚于当前截止日期"},
		} {
			c.form.Set("csrf_token", token)
			r = bureau.post(ws+"/extensions", c.form)
			require.Equal(t, c.status, r.Status, "%s: %s", c.name, r.Body)
			require.Contains(t, r.Body, c.says, c.name)
			require.Contains(t, r.Body, "系统未作任何更改", c.name)
			require.Contains(t, r.Body, "提交延期申请", "%s: the form is shown again", c.name)
			if reason := c.form.Get("reason"); reason != "" {
				require.Contains(t, r.Body, ">"+reason+"</textarea>", c.name)
			}
			require.Zero(t, e.count(&models.Extension{}), c.name)
		}

		r = bureau.post(ws+"/extensions", url.Values{"csrf_token": {token}, "kind": {"submission"}, "until": {"5个工作日"}, "reason": {"主要负责人出差"}})
		require.Equal(t, http.StatusSeeOther, r.Status, r.Body)
		require.Equal(t, ws+"/extensions?done=requested", r.Location)
		r = bureau.get(r.Location)
		require.Contains(t, r.Body, "延期申请已提交，等待法治办审批")
		require.Contains(t, r.Body, "待审批")
		require.Contains(t, r.Body, "主要负责人出差")
		require.NotContains(t, r.Body, "提交延期申请", "one request at a time")
		var pending models.Extension
		require.NoError(t, db.Take(&pending, "cycle_id = ? AND org_code = ?", id, "rsj").Error)
		require.Equal(t, wire.ExtensionPending, pending.Status)
		r = bureau.get(ws)
		require.Contains(t, r.Body, "有待审批申请")
		require.Contains(t, r.Body, fmt.Sprintf("延期申请（编号 %d）待法治办审批", pending.ID), "the workflow's status says so")

		// A second request is refused while the first waits.
		r = bureau.post(ws+"/extensions", url.Values{"csrf_token": {token}, "kind": {"submission"}, "until": {"3个工作日"}, "reason": {"再延"}})
		require.Equal(t, http.StatusConflict, r.Status, r.Body)
		require.Contains(t, r.Body, fmt.Sprintf("本单位已有一项报送延期申请（编号 %d）等待法治办审批，请勿重复申请", pending.ID))
		require.Equal(t, int64(1), e.count(&models.Extension{}))

		// The bureau cannot decide its own request.
		decide := fmt.Sprintf("%s/extensions/%d/decision", ws, pending.ID)
		r = bureau.post(decide, url.Values{"csrf_token": {token}, "approve": {"yes"}, "reason": {"同意"}})
		require.Equal(t, http.StatusForbidden, r.Status)

		// Reviewers and viewers read, with no form.
		for _, who := range []string{"fzb-reviewer", "fzb-viewer"} {
			b := e.login(who)
			r = b.get(ws + "/extensions")
			require.Equal(t, http.StatusOK, r.Status, who)
			require.Contains(t, r.Body, "主要负责人出差", who)
			require.NotContains(t, r.Body, "<form method=\"post\" action=\""+ws+"/extensions", who)
		}
		reviewer := e.login("fzb-reviewer")
		r = reviewer.post(ws+"/extensions", url.Values{"csrf_token": {reviewer.sessionToken()}, "kind": {"submission"}, "until": {"3个工作日"}, "reason": {"代为申请"}})
		require.Equal(t, http.StatusForbidden, r.Status)
		require.Contains(t, r.Body, "审核人员不能办理延期")
		require.Equal(t, int64(1), e.count(&models.Extension{}))

		admin := e.login("fzb-admin")
		adminToken := admin.sessionToken()
		r = admin.get(ws + "/extensions")
		require.Equal(t, http.StatusOK, r.Status)
		require.Contains(t, r.Body, fmt.Sprintf("待审批的延期申请（编号 %d）", pending.ID))
		require.Contains(t, r.Body, `action="`+decide+`"`)
		require.Contains(t, r.Body, "直接为本单位延期")

		r = admin.post(decide, url.Values{"csrf_token": {adminToken}, "approve": {"no"}, "reason": {" "}})
		require.Equal(t, http.StatusUnprocessableEntity, r.Status, r.Body)
		require.Contains(t, r.Body, "请填写审批意见")
		require.Contains(t, r.Body, `value="no" checked`)
		r = admin.post(decide, url.Values{"csrf_token": {adminToken}, "reason": {"看情况"}})
		require.Equal(t, http.StatusUnprocessableEntity, r.Status, r.Body)
		require.Contains(t, r.Body, "请选择是否同意延期")
		require.NoError(t, db.Take(&pending, pending.ID).Error)
		require.Equal(t, wire.ExtensionPending, pending.Status, "nothing changed")

		newDue := dueBefore.AddDate(0, 0, 20)
		r = admin.post(decide, url.Values{"csrf_token": {adminToken}, "approve": {"yes"}, "due": {chinatime.Date(newDue)}, "reason": {"同意，另定日期"}})
		require.Equal(t, http.StatusSeeOther, r.Status, r.Body)
		require.Equal(t, ws+"/extensions?done=approved", r.Location)
		require.NoError(t, db.Take(&pending, pending.ID).Error)
		require.Equal(t, wire.ExtensionApproved, pending.Status)
		require.Equal(t, chinatime.Date(newDue), chinatime.Date(e.participant(id, "rsj").SubmissionDue))
		r = admin.get(r.Location)
		require.Contains(t, r.Body, "已同意延期申请")
		require.Contains(t, r.Body, "同意，另定日期")

		// Deciding it again is refused.
		r = admin.post(decide, url.Values{"csrf_token": {adminToken}, "approve": {"no"}, "reason": {"改主意"}})
		require.Equal(t, http.StatusConflict, r.Status, r.Body)
		require.Contains(t, r.Body, fmt.Sprintf("延期申请（编号 %d）已处理或已撤销，不能再次审批", pending.ID))
		require.NoError(t, db.Take(&pending, pending.ID).Error)
		require.Equal(t, wire.ExtensionApproved, pending.Status)

		// The office extends the publication deadline directly.
		pubDue := e.participant(id, "rsj").PublicationDue
		r = admin.post(ws+"/extensions", url.Values{"csrf_token": {adminToken}, "kind": {"publication"},
			"until": {chinatime.Date(pubDue.Add(10 * 24 * time.Hour))}, "reason": {"网站改版"}})
		require.Equal(t, http.StatusSeeOther, r.Status, r.Body)
		require.Equal(t, ws+"/extensions?done=granted", r.Location)
		require.Equal(t, int64(1), e.count(&models.Extension{}, "status = ? AND kind = ?", wire.ExtensionGranted, "publication"))
		r = bureau.get(ws + "/extensions")
		require.Contains(t, r.Body, "法治办直接延期")
		require.Contains(t, r.Body, "网站改版")
	})
}
