package web_test

import (
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

// The office admin sees the cycle's forms, extends a deadline (a refusal
// first, which moves nothing), reads the milestones, and closes the cycle
// early with a reason (refused without one); afterwards the cycle takes
// no action. Reviewers and viewers see the cycle without the forms.
func TestCycleExtendCloseAndMilestones(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		e := newEnv(t, db, web.Config{})
		e.seedOrgs(orgNames{})
		e.user("fzb-admin", rules.RoleAdmin, "fzb")
		e.user("fzb-reviewer", rules.RoleReviewer, "fzb")
		e.user("fzb-viewer", rules.RoleViewer, "")
		id := e.openCycle("2025年度法治政府建设情况报告", wire.StageAwaitingSubmission, "rsj", "scj")
		grantViewer(t, e, id, "fzb-viewer")
		board := "/cycles/" + id
		cycle := func() models.Cycle {
			var c models.Cycle
			require.NoError(t, db.Take(&c, "id = ?", id).Error)
			return c
		}
		before := cycle()

		for _, who := range []string{"fzb-reviewer", "fzb-viewer"} {
			r := e.login(who).get(board)
			require.Equal(t, http.StatusOK, r.Status, who)
			require.Contains(t, r.Body, board+"/milestones", who)
			require.NotContains(t, r.Body, `action="`+board+`/extend"`, who)
			require.NotContains(t, r.Body, `action="`+board+`/close"`, who)
		}

		admin := e.login("fzb-admin")
		token := admin.sessionToken()
		r := admin.get(board)
		require.Equal(t, http.StatusOK, r.Status, r.Body)
		require.Contains(t, r.Body, `action="`+board+`/extend"`)
		require.Contains(t, r.Body, `action="`+board+`/close"`)
		require.Contains(t, r.Body, "提前关闭")
		requireNoInlineCode(t, r, "cycle")

		later := chinatime.Date(before.SubmissionDue.Add(7 * 24 * time.Hour))
		for _, c := range []struct {
			name   string
			form   url.Values
			status int
			says   string
		}{
			{"no reason", url.Values{"kind": {"submission"}, "date": {later}}, 422, "请填写延期理由"},
			{"earlier", url.Values{"kind": {"submission"}, "date": {chinatime.Date(before.SubmissionDue.AddDate(0, 0, -2))}, "reason": {"顺延"}}, 422,
				"应晚于当前截止日期"},
			{"after publication", url.Values{"kind": {"submission"}, "date": {chinatime.Date(before.PublicationDue.AddDate(0, 0, 3))}, "reason": {"顺延"}}, 422,
				"不能晚于公开截止日期"},
			{"malformed", url.Values{"kind": {"submission"}, "date": {"三月十日"}, "reason": {"顺延"}}, 400, "新的截止日期"},
		} {
			c.form.Set("csrf_token", token)
			r = admin.post(board+"/extend", c.form)
			require.Equal(t, c.status, r.Status, "%s: %s", c.name, r.Body)
			require.Contains(t, r.Body, c.says, c.name)
			require.Contains(t, r.Body, "系统未作任何更改", c.name)
			require.Contains(t, r.Body, `value="`+c.form.Get("date")+`"`, "%s: the form keeps what was typed", c.name)
			require.True(t, cycle().SubmissionDue.Equal(before.SubmissionDue), c.name)
			require.Zero(t, e.count(&models.CycleExtension{}), c.name)
		}

		r = admin.post(board+"/extend", url.Values{"csrf_token": {token}, "kind": {"submission"}, "date": {later}, "reason": {"系统升级，统一顺延"}})
		require.Equal(t, http.StatusSeeOther, r.Status, r.Body)
		require.Equal(t, board+"?extended=submission", r.Location)
		require.Equal(t, later, chinatime.Date(cycle().SubmissionDue))
		require.Equal(t, later, chinatime.Date(e.participant(id, "rsj").SubmissionDue), "bureaus still owing it move too")
		r = admin.get(r.Location)
		require.Contains(t, r.Body, "已将本周期的报送截止日期延长")
		require.Contains(t, r.Body, chinatime.FormatDate(cycle().SubmissionDue))

		// Milestones: none yet, then the compiled lists.
		r = admin.get(board + "/milestones")
		require.Equal(t, http.StatusOK, r.Status)
		require.Contains(t, r.Body, "尚未到截止节点")
		now := e.clock.Now()
		require.NoError(t, db.Create(&models.Milestone{CycleID: id, Kind: "submission", Due: now.Add(-24 * time.Hour), Listed: 1, CompiledAt: now,
			Entries: `[{"org_code":"scj","org_name":"某市市场监督管理局","stage":"awaiting_submission","status":"missing"}]`}).Error)
		for _, who := range []*browser{admin, e.login("fzb-viewer")} {
			r = who.get(board + "/milestones")
			require.Equal(t, http.StatusOK, r.Status)
			for _, s := range []string{"报送截止", "1 个单位", "某市市场监督管理局", "逾期未报送", "待报送", board + "/bureaus/scj"} {
				require.Contains(t, r.Body, s)
			}
			requireNoInlineCode(t, r, "milestones")
		}

		// Closing needs a reason; early, the page says so.
		r = admin.post(board+"/close", url.Values{"csrf_token": {token}, "reason": {"  "}})
		require.Equal(t, http.StatusUnprocessableEntity, r.Status, r.Body)
		require.Contains(t, r.Body, "请填写关闭理由")
		require.Equal(t, models.CycleOpen, cycle().Status)
		r = e.login("fzb-reviewer").post(board+"/close", url.Values{"csrf_token": {token}, "reason": {"结束"}})
		require.Equal(t, http.StatusForbidden, r.Status, "another session's token and a reviewer's role")
		require.Equal(t, models.CycleOpen, cycle().Status)

		r = admin.post(board+"/close", url.Values{"csrf_token": {token}, "reason": {"上级部署调整，提前结束"}})
		require.Equal(t, http.StatusSeeOther, r.Status, r.Body)
		require.Equal(t, board+"?closed=1", r.Location)
		require.Equal(t, models.CycleClosed, cycle().Status)
		r = admin.get(r.Location)
		require.Contains(t, r.Body, "周期已关闭")
		require.Contains(t, r.Body, "周期结果")
		require.Contains(t, r.Body, "已结束")
		require.NotContains(t, r.Body, `action="`+board+`/close"`, "no forms once closed")

		// A closed cycle takes nothing more.
		r = admin.post(board+"/close", url.Values{"csrf_token": {token}, "reason": {"再关一次"}})
		require.Equal(t, http.StatusConflict, r.Status, r.Body)
		require.Contains(t, r.Body, "周期已关闭，不能关闭")
		r = admin.post(board+"/extend", url.Values{"csrf_token": {token}, "kind": {"publication"},
			"date": {chinatime.Date(before.PublicationDue.AddDate(0, 0, 9))}, "reason": {"顺延"}})
		require.Equal(t, http.StatusConflict, r.Status, r.Body)
		require.Contains(t, r.Body, "周期已关闭，不能延期")
		require.Equal(t, int64(1), e.count(&models.CycleExtension{}))
	})
}
