package api_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/lawcycle/lawcycle/internal/testdb"
	"github.com/lawcycle/lawcycle/models"
	"github.com/lawcycle/lawcycle/wire"
)

// A bureau asks for more time, an office admin grants it: the same route,
// told apart by who calls; bad input and the wrong people are refused
// before anything reaches the workflow.
func TestExtensionsAreRequestedGrantedAndDecided(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		e := newLifecycle(t, db)
		e.stage("rsj", wire.StageAwaitingSubmission)
		path := e.rsj + "/extensions"
		ok := map[string]any{"kind": "submission", "until": "3个工作日", "reason": "主要负责人出差，报告待审定"}
		e.expectRefused([]refused{
			{"bad kind", "rsj", "POST", path, with(ok, "kind", "report"), 422, "只能是 submission（报送）或 publication（公开）"},
			{"no until", "rsj", "POST", path, with(ok, "until", nil), 422, "请填写延期后的截止日期"},
			{"malformed until", "rsj", "POST", path, with(ok, "until", "下个月"), 400, "格式不正确"},
			{"until past", "rsj", "POST", path, with(ok, "until", "2026-01-05"), 422, "已过"},
			{"until not later", "rsj", "POST", path, with(ok, "until", "2027-02-01"), 422, "应晚于当前截止日期（2027年3月1日）"},
			{"no reason", "rsj", "POST", path, with(ok, "reason", "  "), 422, "请填写延期理由"},
			{"long reason", "rsj", "POST", path, with(ok, "reason", strings.Repeat("因", 501)), 422, "延期理由不能超过500个字"},
			{"a reviewer", "reviewer", "POST", path, ok, 403, "审核人员不能办理延期"},
			{"a viewer", "viewer", "POST", path, ok, 403, "无权"},
			{"another bureau", "scj", "POST", path, ok, 404, "没有单位“rsj”"},
		})

		// The bureau's request and the admin's grant are different updates.
		e.temporal.results[wire.UpdateRequestExtension] = wire.ExtensionResult{ID: 3, Kind: wire.DeadlineSubmission, Status: wire.ExtensionPending}
		r := e.as["rsj"].Do("POST", path, ok)
		require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
		require.JSONEq(t, `{"id":3,"kind":"submission","kind_label":"报送","status":"pending","status_label":"待审批","due_warnings":[]}`, string(r.Body))
		var asked wire.ExtensionRequest
		name, wf, _ := e.lastUpdate(&asked)
		require.Equal(t, wire.UpdateRequestExtension, name)
		require.Equal(t, wire.BureauWorkflowID(e.cycle, "rsj"), wf)
		require.Equal(t, wire.ExtensionRequest{Kind: wire.DeadlineSubmission, Until: wire.DueSetting{Workdays: 3},
			Reason: "主要负责人出差，报告待审定", By: asked.By}, asked)
		require.Equal(t, wire.ActorRoleBureau, asked.By.Role)

		due := time.Date(2027, 3, 10, 23, 59, 59, 0, time.UTC)
		e.temporal.results[wire.UpdateExtend] = wire.ExtensionResult{ID: 4, Kind: wire.DeadlineSubmission, Status: wire.ExtensionGranted,
			Due: due, DueWarnings: []string{"截止日期不是工作日"}}
		r = e.as["admin"].Do("POST", path, with(ok, "until", "2027-03-10"))
		require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
		require.Contains(t, string(r.Body), `"status":"granted"`)
		require.Contains(t, string(r.Body), `"due_warnings":["截止日期不是工作日"]`)
		var granted wire.BureauExtension
		name, _, _ = e.lastUpdate(&granted)
		require.Equal(t, wire.UpdateExtend, name)
		require.Equal(t, wire.DueSetting{Date: "2027-03-10"}, granted.Until)

		// One request at a time; a deadline the bureau does not owe is not extended.
		now := time.Now()
		pending := models.Extension{CycleID: e.cycle, OrgCode: "rsj", Kind: "submission", Round: 1, Status: wire.ExtensionPending,
			Reason: "出差", Requested: "3个工作日", PreviousDue: now, RequestedBy: "lc-rsj", RequestedAt: now}
		require.NoError(t, db.Create(&pending).Error)
		e.expectRefused([]refused{{"second request", "rsj", "POST", path, ok, 409, "等待法治办审批，请勿重复申请"}})
		e.stage("rsj", wire.StageUnderReview)
		e.expectRefused([]refused{{"under review", "admin", "POST", path, ok, 409, "没有待完成的报送期限"}})

		// Deciding: only office admins, only pending requests.
		decide := fmt.Sprintf("%s/%d/decision", path, pending.ID)
		yes := map[string]any{"approve": true, "reason": "同意"}
		e.expectRefused([]refused{
			{"no answer", "admin", "POST", decide, map[string]any{"reason": "x"}, 422, "请选择是否同意延期"},
			{"refusal without reason", "admin", "POST", decide, map[string]any{"approve": false}, 422, "请填写审批意见"},
			{"due on refusal", "admin", "POST", decide, map[string]any{"approve": false, "reason": "不行", "due": "2027-03-10"}, 422, "只有同意延期时"},
			{"malformed due", "admin", "POST", decide, with(yes, "due", "过几天"), 400, "格式不正确"},
			{"bad id", "admin", "POST", path + "/abc/decision", yes, 400, "延期申请编号“abc”无效"},
			{"unknown id", "admin", "POST", path + "/99999/decision", yes, 404, "没有编号为 99999 的延期申请"},
			{"a reviewer", "reviewer", "POST", decide, yes, 403, "无权"},
			{"the bureau", "rsj", "POST", decide, yes, 403, "无权"},
		})
		e.temporal.results[wire.UpdateDecideExtension] = wire.ExtensionResult{ID: pending.ID, Kind: wire.DeadlineSubmission,
			Status: wire.ExtensionApproved, Due: due}
		r = e.as["admin"].Do("POST", decide, with(yes, "due", "2027-03-10"))
		require.Equal(t, http.StatusOK, r.Status, string(r.Body))
		var decision wire.ExtensionDecision
		name, _, _ = e.lastUpdate(&decision)
		require.Equal(t, wire.UpdateDecideExtension, name)
		require.Equal(t, pending.ID, decision.ID)
		require.True(t, decision.Approve)
		require.Equal(t, wire.DueSetting{Date: "2027-03-10"}, decision.Due)

		require.NoError(t, db.Model(&pending).Update("status", wire.ExtensionRefused).Error)
		e.expectRefused([]refused{{"decided already", "admin", "POST", decide, yes, 409, "已处理或已撤销，不能再次审批"}})

		// The list, for the bureau, its office and the viewer.
		for _, who := range []string{"rsj", "reviewer", "viewer"} {
			r := e.as[who].Do("GET", path, nil)
			require.Equal(t, http.StatusOK, r.Status, string(r.Body))
			var list []struct {
				ID          uint   `json:"id"`
				Status      string `json:"status"`
				StatusLabel string `json:"status_label"`
				Requested   string `json:"requested"`
			}
			r.JSON(t, &list)
			require.Len(t, list, 1)
			require.Equal(t, pending.ID, list[0].ID)
			require.Equal(t, "不同意", list[0].StatusLabel)
		}
	})
}
