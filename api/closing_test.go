package api_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.temporal.io/api/serviceerror"
	"gorm.io/gorm"

	"github.com/lawcycle/lawcycle/internal/testdb"
	"github.com/lawcycle/lawcycle/models"
	"github.com/lawcycle/lawcycle/wire"
)

// The office extends the cycle's deadlines and closes it; a draft or a
// closed cycle takes neither, and bad input never reaches the workflow.
func TestCycleExtendAndClose(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		e := newLifecycle(t, db)
		extend := "/api/v1/cycles/" + e.cycle + "/extend"
		closePath := "/api/v1/cycles/" + e.cycle + "/close"
		ok := map[string]any{"kind": "submission", "date": "2027-03-10", "reason": "系统升级，统一顺延"}
		draft := e.createCycle(nil)
		e.expectRefused([]refused{
			{"bad kind", "admin", "POST", extend, with(ok, "kind", "all"), 422, "只能是 submission（报送）或 publication（公开）"},
			{"no date", "admin", "POST", extend, with(ok, "date", nil), 422, "请填写新的截止日期"},
			{"malformed date", "admin", "POST", extend, with(ok, "date", "3月10日"), 400, "新的截止日期"},
			{"past date", "admin", "POST", extend, with(ok, "date", "2026-01-05"), 422, "已过"},
			{"not later", "admin", "POST", extend, with(ok, "date", "2027-02-20"), 422, "应晚于当前截止日期（2027年3月1日）"},
			{"after publication due", "admin", "POST", extend, with(ok, "date", "2027-04-10"), 422, "不能晚于公开截止日期"},
			{"no reason", "admin", "POST", extend, with(ok, "reason", ""), 422, "请填写延期理由"},
			{"a reviewer", "reviewer", "POST", extend, ok, 403, "无权"},
			{"a bureau", "rsj", "POST", extend, ok, 403, "无权"},
			{"a viewer", "viewer", "POST", extend, ok, 403, "无权"},
			{"a draft", "admin", "POST", "/api/v1/cycles/" + draft + "/extend", ok, 409, "周期尚未启动（草稿）"},
			{"close without reason", "admin", "POST", closePath, map[string]any{"reason": " "}, 422, "请填写关闭理由"},
			{"close with long reason", "admin", "POST", closePath, map[string]any{"reason": strings.Repeat("结", 501)}, 422, "不能超过500个字"},
			{"close a draft", "admin", "POST", "/api/v1/cycles/" + draft + "/close", map[string]any{"reason": "不办了"}, 409, "周期尚未启动（草稿）"},
			{"close as reviewer", "reviewer", "POST", closePath, map[string]any{"reason": "结束"}, 403, "无权"},
		})

		due := time.Date(2027, 4, 10, 15, 59, 59, 0, time.UTC)
		e.temporal.results[wire.UpdateExtendCycle] = wire.CycleExtensionResult{Kind: wire.DeadlinePublication, Due: due, Bureaus: 2}
		r := e.as["admin"].Do("POST", extend, with(ok, "kind", "publication", "date", "2027-04-10"))
		require.Equal(t, http.StatusOK, r.Status, string(r.Body))
		require.JSONEq(t, `{"kind":"publication","kind_label":"公开","due":"2027-04-10T23:59:59+08:00","bureaus":2,"due_warnings":[]}`, string(r.Body))
		var ext wire.CycleExtension
		name, wf, _ := e.lastUpdate(&ext)
		require.Equal(t, wire.UpdateExtendCycle, name)
		require.Equal(t, wire.CycleWorkflowID(e.cycle), wf)
		require.Equal(t, "2027-04-10", ext.Date)
		require.Equal(t, "系统升级，统一顺延", ext.Reason)

		e.temporal.results[wire.UpdateCloseCycle] = wire.CloseResult{Status: wire.CycleClosed,
			Outcome: wire.CycleOutcome{Bureaus: 2, Completed: 1, Unfinished: 1, NotPublished: 1}}
		r = e.as["admin"].Do("POST", closePath, map[string]any{"reason": "年度工作结束"})
		require.Equal(t, http.StatusOK, r.Status, string(r.Body))
		require.JSONEq(t, `{"status":"closed","outcome":{"bureaus":2,"completed":1,"unfinished":1,"late_submitted":0,"late_published":0,"not_published":1}}`, string(r.Body))
		name, wf, _ = e.lastUpdate(&wire.CloseRequest{})
		require.Equal(t, wire.UpdateCloseCycle, name)
		require.Equal(t, wire.CycleWorkflowID(e.cycle), wf)

		// Once closed, as the read model says, the cycle takes no more.
		closedAt := time.Now()
		require.NoError(t, db.Model(&models.Cycle{}).Where("id = ?", e.cycle).Updates(map[string]any{
			"status": models.CycleClosed, "closed_at": closedAt, "outcome": `{"Bureaus":2,"Completed":1,"Unfinished":1,"NotPublished":1}`}).Error)
		e.stage("rsj", wire.StageUnderReview)
		e.expectRefused([]refused{
			{"extend closed", "admin", "POST", extend, ok, 409, "周期已关闭"},
			{"close closed", "admin", "POST", closePath, map[string]any{"reason": "再关"}, 409, "周期已关闭"},
			{"review in a closed cycle", "reviewer", "POST", e.rsj + "/reviews", map[string]any{"decision": "approve"}, 409, "周期已关闭"},
		})
		r = e.as["viewer"].Do("GET", "/api/v1/cycles/"+e.cycle, nil)
		require.Equal(t, http.StatusOK, r.Status, string(r.Body))
		require.Contains(t, string(r.Body), `"outcome":{"bureaus":2,"completed":1,"unfinished":1,"late_submitted":0,"late_published":0,"not_published":1}`)
		require.Contains(t, string(r.Body), `"closed_at":"`)
	})
}

// Milestones are the office's lists at each deadline, for its staff and
// the cycle's viewers.
func TestMilestones(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		e := newLifecycle(t, db)
		path := "/api/v1/cycles/" + e.cycle + "/milestones"
		r := e.as["admin"].Do("GET", path, nil)
		require.Equal(t, http.StatusOK, r.Status, string(r.Body))
		require.Equal(t, "[]", string(r.Body))
		now := time.Now()
		require.NoError(t, db.Create(&[]models.Milestone{
			{CycleID: e.cycle, Kind: "publication", Due: now, Listed: 1, CompiledAt: now,
				Entries: `[{"org_code":"scj","org_name":"某市市场监督管理局","stage":"awaiting_publication","status":"not_published"}]`},
			{CycleID: e.cycle, Kind: "submission", Due: now.Add(-24 * time.Hour), Listed: 1, CompiledAt: now,
				Entries: `[{"org_code":"rsj","org_name":"某市人力资源和社会保障局","stage":"awaiting_submission","status":"missing"}]`},
		}).Error)
		for _, who := range []string{"admin", "reviewer", "viewer"} {
			r := e.as[who].Do("GET", path, nil)
			require.Equal(t, http.StatusOK, r.Status, string(r.Body))
			var out []struct {
				Kind    string `json:"kind"`
				Listed  int    `json:"listed"`
				Entries []struct {
					OrgCode     string `json:"org_code"`
					StageLabel  string `json:"stage_label"`
					StatusLabel string `json:"status_label"`
				} `json:"entries"`
			}
			r.JSON(t, &out)
			require.Len(t, out, 2)
			require.Equal(t, "submission", out[0].Kind)
			require.Equal(t, "rsj", out[0].Entries[0].OrgCode)
			require.Equal(t, "逾期未报送", out[0].Entries[0].StatusLabel)
			require.Equal(t, "待公开", out[1].Entries[0].StageLabel)
			require.Equal(t, "未公开", out[1].Entries[0].StatusLabel)
		}
		r = e.as["rsj"].Do("GET", path, nil)
		require.Equal(t, http.StatusForbidden, r.Status, string(r.Body))
	})
}

// The status comes from the bureau workflow itself; a draft cycle has
// none, and the bureau's access is that of its submissions.
func TestBureauStatus(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		e := newLifecycle(t, db)
		due := time.Date(2027, 2, 28, 15, 59, 59, 0, time.UTC)
		e.temporal.state = &wire.BureauState{CycleID: e.cycle, OrgCode: "rsj", Stage: wire.StageAwaitingSubmission, Round: 2, Version: 1,
			SubmissionDue: due, PublicationDue: due.AddDate(0, 1, 0), Waiting: "等待本单位报送第2轮报表（第1版已退回修改）", CanSubmit: true,
			Deadline: &wire.DeadlinePlan{Kind: wire.DeadlineSubmission, Round: 2, Due: due, Steps: []wire.DeadlineStep{
				{Name: wire.ReminderStep(2), At: due.AddDate(0, 0, -2), Key: "k-r2"},
				{Name: wire.StepOverdue, At: due, Key: "k-o"},
				{Name: wire.StepEscalation, At: due.AddDate(0, 0, 3), Key: "k-e"},
			}},
			Sent:             []string{"k-r2"},
			PendingExtension: &wire.PendingExtension{ID: 5, Kind: wire.DeadlineSubmission, Round: 2},
		}
		for _, who := range []string{"rsj", "reviewer", "viewer"} {
			r := e.as[who].Do("GET", e.rsj+"/status", nil)
			require.Equal(t, http.StatusOK, r.Status, string(r.Body))
			require.JSONEq(t, `{"cycle_id":"`+e.cycle+`","org_code":"rsj","stage":"awaiting_submission","stage_label":"待报送","round":2,"version":1,
				"can_submit":true,"waiting":"等待本单位报送第2轮报表（第1版已退回修改）",
				"submission_due":"2027-02-28T23:59:59+08:00","publication_due":"2027-03-28T23:59:59+08:00",
				"deadline":{"kind":"submission","kind_label":"报送","round":2,"due":"2027-02-28T23:59:59+08:00","steps":[
					{"name":"reminder-2","label":"截止前2个工作日提醒","at":"2027-02-26T23:59:59+08:00","sent":true},
					{"name":"overdue","label":"逾期通知","at":"2027-02-28T23:59:59+08:00","sent":false},
					{"name":"escalation","label":"逾期督办（报法治办）","at":"2027-03-03T23:59:59+08:00","sent":false}]},
				"pending_extension":{"id":5,"kind":"submission","kind_label":"报送","round":2},"closed":false}`, string(r.Body))
		}

		e.temporal.queryErr = serviceerror.NewNotFound("workflow not found")
		r := e.as["rsj"].Do("GET", e.rsj+"/status", nil)
		require.Equal(t, http.StatusConflict, r.Status, string(r.Body))
		requireMessage(t, r, "流程尚未启动")
		e.temporal.queryErr = serviceerror.NewUnavailable("down")
		r = e.as["rsj"].Do("GET", e.rsj+"/status", nil)
		require.Equal(t, http.StatusServiceUnavailable, r.Status, string(r.Body))
		e.temporal.queryErr = errors.New("boom")
		r = e.as["rsj"].Do("GET", e.rsj+"/status", nil)
		require.Equal(t, http.StatusInternalServerError, r.Status, string(r.Body))
		requireMessage(t, r, "服务器内部错误")

		draft := e.createCycle(nil)
		r = e.as["rsj"].Do("GET", "/api/v1/cycles/"+draft+"/bureaus/rsj/status", nil)
		require.Equal(t, http.StatusConflict, r.Status, string(r.Body))
		requireMessage(t, r, "周期尚未启动（草稿）")
	})
}

// A cycle's deadline rules are set when it is created, checked, and shown
// with the defaults applied.
func TestCycleSettings(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		e := newLifecycle(t, db)
		settingsOf := func(id string) string {
			r := e.root.Do("GET", "/api/v1/cycles/"+id, nil)
			require.Equal(t, http.StatusOK, r.Status, string(r.Body))
			var v struct {
				Settings map[string]any `json:"settings"`
			}
			r.JSON(t, &v)
			return mustJSON(t, v.Settings)
		}
		const rectDefaults = `"rect_immediate_workdays":10,"rect_reminder_workdays":[5,1],"rect_supervise_workdays":10,"rect_check_in_months":3`
		require.JSONEq(t, `{"resubmit_workdays":5,"reminder_workdays":[5,2,1],"escalate_after_workdays":3,`+rectDefaults+`}`, settingsOf(e.cycle))
		id := e.createCycle(map[string]any{"resubmit_workdays": 10, "reminder_workdays": []int{1, 7, 0}})
		require.JSONEq(t, `{"resubmit_workdays":10,"reminder_workdays":[7,1,0],"escalate_after_workdays":3,`+rectDefaults+`}`, settingsOf(id))
		var stored models.Cycle
		require.NoError(t, db.Take(&stored, "id = ?", id).Error)
		require.Equal(t, models.CycleSettings{ResubmitWorkdays: 10, ReminderWorkdays: []int{7, 1, 0}}, stored.Settings)
		// The rectification ledger's rules (docs/domain.md#rectification).
		id = e.createCycle(map[string]any{"rect_immediate_workdays": 5, "rect_reminder_workdays": []int{1, 10, 3},
			"rect_supervise_workdays": 15, "rect_check_in_months": 6})
		require.JSONEq(t, `{"resubmit_workdays":5,"reminder_workdays":[5,2,1],"escalate_after_workdays":3,
			"rect_immediate_workdays":5,"rect_reminder_workdays":[10,3,1],"rect_supervise_workdays":15,"rect_check_in_months":6}`, settingsOf(id))
		stored = models.Cycle{}
		require.NoError(t, db.Take(&stored, "id = ?", id).Error)
		require.Equal(t, models.CycleSettings{RectImmediateWorkdays: 5, RectReminderWorkdays: []int{10, 3, 1}, RectSuperviseWorkdays: 15,
			RectCheckInMonths: 6}, stored.Settings)

		cycles := count(t, db, &models.Cycle{})
		body := func(settings any) map[string]any {
			return map[string]any{"year": 2025, "office_code": "fzb", "bureau_codes": []string{"rsj"},
				"submission_due": "2027-03-01", "publication_due": "2027-03-31", "settings": settings}
		}
		for _, tc := range []struct {
			name     string
			settings any
			status   int
			field    string
			message  string
		}{
			{"resubmit zero", map[string]any{"resubmit_workdays": 0}, 422, "settings.resubmit_workdays", "应在 1 至 60 个工作日之间"},
			{"resubmit too long", map[string]any{"resubmit_workdays": 61}, 422, "settings.resubmit_workdays", "实际为 61"},
			{"escalation too late", map[string]any{"escalate_after_workdays": 90}, 422, "settings.escalate_after_workdays", "应在 1 至 60"},
			{"reminder too early", map[string]any{"reminder_workdays": []int{31}}, 422, "settings.reminder_workdays", "截止前 0 至 30 个工作日"},
			{"negative reminder", map[string]any{"reminder_workdays": []int{-1}}, 422, "settings.reminder_workdays", "实际为 -1"},
			{"too many reminders", map[string]any{"reminder_workdays": []int{6, 5, 4, 3, 2, 1}}, 422, "settings.reminder_workdays", "最多设置 5 次"},
			{"repeated reminder", map[string]any{"reminder_workdays": []int{5, 2, 5}}, 422, "settings.reminder_workdays", "重复"},
			{"immediate zero", map[string]any{"rect_immediate_workdays": 0}, 422, "settings.rect_immediate_workdays", "立行立改事项未写明期限时的完成期限应在 1 至 30 个工作日之间，实际为 0"},
			{"immediate too long", map[string]any{"rect_immediate_workdays": 31}, 422, "settings.rect_immediate_workdays", "实际为 31"},
			{"supervise too long", map[string]any{"rect_supervise_workdays": 61}, 422, "settings.rect_supervise_workdays", "整改逾期督办后的最终整改期限应在 1 至 60 个工作日之间"},
			{"check-in zero", map[string]any{"rect_check_in_months": 0}, 422, "settings.rect_check_in_months", "长期坚持事项报告整改进展的周期应在 1 至 12 个月之间"},
			{"check-in over a year", map[string]any{"rect_check_in_months": 13}, 422, "settings.rect_check_in_months", "实际为 13"},
			{"rect reminder too early", map[string]any{"rect_reminder_workdays": []int{31}}, 422, "settings.rect_reminder_workdays", "整改到期提醒时间应为截止前 0 至 30 个工作日"},
			{"rect reminder repeated", map[string]any{"rect_reminder_workdays": []int{1, 1}}, 422, "settings.rect_reminder_workdays", "整改到期提醒时间“截止前 1 个工作日”重复"},
			{"too many rect reminders", map[string]any{"rect_reminder_workdays": []int{6, 5, 4, 3, 2, 1}}, 422, "settings.rect_reminder_workdays", "整改到期提醒最多设置 5 次"},
			{"unknown setting", map[string]any{"remind": []int{1}}, 400, "remind", "未知字段“remind”"},
			{"wrong type", map[string]any{"resubmit_workdays": "5"}, 400, "", "类型不正确"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				r := e.root.Do("POST", "/api/v1/cycles", body(tc.settings))
				require.Equal(t, tc.status, r.Status, string(r.Body))
				requireMessage(t, r, tc.message)
				if tc.field != "" {
					require.Equal(t, tc.field, r.Err(t).Error.Details[0].Field)
				}
			})
		}
		require.Equal(t, cycles, count(t, db, &models.Cycle{}), "a refused cycle was stored")
	})
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return string(b)
}
