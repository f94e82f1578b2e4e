package web_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/lawcycle/lawcycle/internal/testdb"
	"github.com/lawcycle/lawcycle/rules"
	"github.com/lawcycle/lawcycle/service"
	"github.com/lawcycle/lawcycle/web"
	"github.com/lawcycle/lawcycle/wire"
)

// Each role sees the lifecycle pages of a bureau under review with a
// pending extension request, and exactly the links and forms it may use.
func TestLifecyclePagesPerRole(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		e := newEnv(t, db, web.Config{})
		e.seedOrgs(orgNames{})
		e.user("rsj-staff", rules.RoleBureau, "rsj")
		e.user("fzb-admin", rules.RoleAdmin, "fzb")
		e.user("fzb-reviewer", rules.RoleReviewer, "fzb")
		e.user("fzb-viewer", rules.RoleViewer, "")
		id := e.openCycle("2025年度法治政府建设情况报告", wire.StageUnderReview, "rsj")
		grantViewer(t, e, id, "fzb-viewer")
		e.seedSubmission(id, "rsj", "人社局报表.xlsx", "rsj-staff", nil)
		ext := e.seedExtension(id, "rsj", wire.ExtensionPending, "主要负责人出差")
		ws := "/cycles/" + id + "/bureaus/rsj"
		decide := fmt.Sprintf(`action="%s/extensions/%d/decision"`, ws, ext.ID)

		type sees struct {
			// present and absent on the page; status is 200 unless set.
			yes, no []string
			status  int
		}
		platform := e.browser()
		require.Equal(t, http.StatusSeeOther, platform.login(service.AdminUsername, adminPassword).Status)
		roles := []struct {
			name  string
			b     *browser
			pages map[string]sees
		}{
			{"bureau", e.login("rsj-staff"), map[string]sees{
				ws: {yes: []string{"流程状态", "等待法治办审核", "人社局报表.xlsx", "待审核", ws + "/extensions", "有待审批申请", ws + "/publication"},
					no: []string{ws + "/review", `href="/cycles/` + id + `"`}},
				ws + "/review":      {status: http.StatusForbidden},
				ws + "/extensions":  {yes: []string{"主要负责人出差", "正等待法治办审批"}, no: []string{decide, "提交延期申请", "直接为本单位延期"}},
				ws + "/publication": {yes: []string{"报表审核通过后才能登记公开"}, no: []string{`name="url"`}},
			}},
			{"reviewer", e.login("fzb-reviewer"), map[string]sees{
				ws:                  {yes: []string{"审核最新报送", ws + "/review", "人社局报表.xlsx"}},
				ws + "/review":      {yes: []string{"审核第 1 版", "提交审核结论", "尚无审核记录"}},
				ws + "/extensions":  {yes: []string{"主要负责人出差"}, no: []string{decide, "提交延期申请", "直接为本单位延期"}},
				ws + "/publication": {yes: []string{"报表审核通过后才能登记公开"}, no: []string{`name="url"`}},
			}},
			{"admin", e.login("fzb-admin"), map[string]sees{
				ws:                  {yes: []string{"审核最新报送", ws + "/review"}},
				ws + "/review":      {yes: []string{"提交审核结论"}},
				ws + "/extensions":  {yes: []string{decide, "直接为本单位延期", "确认延期"}, no: []string{"提交延期申请"}},
				ws + "/publication": {yes: []string{"报表审核通过后才能登记公开"}},
			}},
			{"platform admin", platform, map[string]sees{
				ws:                 {yes: []string{"审核最新报送"}},
				ws + "/review":     {yes: []string{"提交审核结论"}},
				ws + "/extensions": {yes: []string{decide, "直接为本单位延期"}},
			}},
			{"viewer", e.login("fzb-viewer"), map[string]sees{
				ws:                  {yes: []string{"流程状态", "人社局报表.xlsx"}, no: []string{ws + "/review", "审核最新报送"}},
				ws + "/review":      {status: http.StatusForbidden},
				ws + "/extensions":  {yes: []string{"主要负责人出差"}, no: []string{decide, "提交延期申请", "直接为本单位延期"}},
				ws + "/publication": {yes: []string{"本单位尚未登记公开信息"}, no: []string{`name="url"`}},
			}},
		}
		for _, role := range roles {
			for path, want := range role.pages {
				r := role.b.get(path)
				status := want.status
				if status == 0 {
					status = http.StatusOK
				}
				require.Equal(t, status, r.Status, "%s as %s: %s", path, role.name, r.Body)
				for _, s := range want.yes {
					require.Contains(t, r.Body, s, "%s as %s", path, role.name)
				}
				for _, s := range want.no {
					require.NotContains(t, r.Body, s, "%s as %s", path, role.name)
				}
				requireNoInlineCode(t, r, path+" as "+role.name)
			}
		}
	})
}
