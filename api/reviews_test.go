package api_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/lawcycle/lawcycle/catalogue"
	"github.com/lawcycle/lawcycle/internal/testdb"
	"github.com/lawcycle/lawcycle/models"
	"github.com/lawcycle/lawcycle/wire"
)

// A review is checked in full before it reaches the workflow: bad input
// is refused with the right status and a Chinese message naming the
// problem, and nothing is sent or stored.
func TestReviewRefusesBadInputAndChangesNothing(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		e := newLifecycle(t, db)
		e.stage("rsj", wire.StageUnderReview)
		path := e.rsj + "/reviews"
		ret := func(cs ...map[string]any) map[string]any {
			return map[string]any{"decision": "return", "comments": cs}
		}
		msg := func(m string) map[string]any { return map[string]any{"message": m} }
		e.expectRefused([]refused{
			{"no decision", "reviewer", "POST", path, map[string]any{"comments": []any{}}, 422, "请给出审核结论"},
			{"bad decision", "reviewer", "POST", path, map[string]any{"decision": "reject"}, 422, "审核结论“reject”无效"},
			{"return without comment", "reviewer", "POST", path, ret(), 422, "退回修改时请至少填写一条审核意见"},
			{"blank comment", "reviewer", "POST", path, ret(msg("好"), msg("  ")), 422, "第2条意见的内容为空"},
			{"long comment", "reviewer", "POST", path, ret(msg(strings.Repeat("长", 2001))), 422, "第1条意见超过2000个字"},
			{"too many comments", "reviewer", "POST", path, map[string]any{"decision": "return", "comments": comments(201)}, 422, "审核意见最多200条"},
			{"unknown indicator", "reviewer", "POST", path,
				ret(msg("总体"), map[string]any{"indicator": "nope", "message": "核对"}), 422, "第2条意见的指标“nope”不在第1版的指标体系中"},
			{"unknown section", "reviewer", "POST", path, ret(map[string]any{"section": "nowhere", "message": "补充"}), 422, "第1条意见的部分“nowhere”"},
			{"indicator outside its section", "reviewer", "POST", path,
				ret(map[string]any{"section": "hrss_enforcement", "indicator": "review_cases", "message": "核对"}), 422, "不属于部分“hrss_enforcement”"},
			{"malformed resubmit due", "reviewer", "POST", path, with(ret(msg("改")), "resubmit_due", "下周"), 400, "格式不正确"},
			{"resubmit due past", "reviewer", "POST", path, with(ret(msg("改")), "resubmit_due", "2026-01-05"), 422, "已过"},
			{"resubmit due on approval", "reviewer", "POST", path, map[string]any{"decision": "approve", "resubmit_due": "5个工作日"}, 422, "审核通过时不需要设置"},
			{"not the latest version", "reviewer", "POST", path, map[string]any{"decision": "approve", "version": 2}, 409, "最新报送的是第1版"},
			{"unknown field", "reviewer", "POST", path, map[string]any{"decision": "approve", "comment": "x"}, 400, "未知字段“comment”"},
			{"the bureau itself", "rsj", "POST", path, map[string]any{"decision": "approve"}, 403, "无权"},
			{"another bureau", "scj", "POST", path, map[string]any{"decision": "approve"}, 403, "无权"},
			{"a viewer", "viewer", "POST", path, map[string]any{"decision": "approve"}, 403, "无权"},
		})
		require.Zero(t, count(t, db, &models.Review{}))
		// Each refusal of a person (403) is in the audit log.
		var denied []models.AuditEvent
		require.NoError(t, db.Where("action = ? AND target_id = ?", "access.denied", "POST "+path).Order("seq").Find(&denied).Error)
		require.Len(t, denied, 3)
		require.Equal(t, []string{"lc-rsj", "lc-scj", "lc-viewer"}, []string{denied[0].ActorName, denied[1].ActorName, denied[2].ActorName})

		// Not under review: the stage says why.
		e.stage("rsj", wire.StageAwaitingSubmission)
		e.expectRefused([]refused{{"awaiting submission", "reviewer", "POST", path, map[string]any{"decision": "approve"}, 409, "已退回修改，正在等待本单位重新报送"}})
		e.stage("rsj", wire.StageAwaitingPublication)
		e.expectRefused([]refused{{"approved", "admin", "POST", path, map[string]any{"decision": "approve"}, 409, "已审核通过"}})

		// A valid return reaches the workflow as the contract says.
		e.stage("rsj", wire.StageUnderReview)
		due := time.Date(2026, 12, 1, 23, 59, 59, 0, time.FixedZone("CST", 8*3600))
		e.temporal.results[wire.UpdateReview] = wire.ReviewResult{ReviewID: 7, Version: 1, Decision: wire.ReviewReturn,
			Stage: wire.StageAwaitingSubmission, Round: 2, SubmissionDue: due}
		r := e.as["reviewer"].Do("POST", path, map[string]any{"decision": "return", "resubmit_due": "5个工作日", "comments": []any{
			map[string]any{"indicator": " review_cases ", "message": " 请核对复议案件数 "},
			map[string]any{"section": "hrss_enforcement", "message": "补充执法情况"},
			map[string]any{"message": "报告第三部分过于简略"},
		}})
		require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
		var out struct {
			ReviewID      uint       `json:"review_id"`
			Stage         string     `json:"stage"`
			Round         int        `json:"round"`
			SubmissionDue *time.Time `json:"submission_due"`
			DueWarnings   []string   `json:"due_warnings"`
		}
		r.JSON(t, &out)
		require.Equal(t, uint(7), out.ReviewID)
		require.Equal(t, "awaiting_submission", out.Stage)
		require.Equal(t, 2, out.Round)
		require.NotNil(t, out.SubmissionDue)
		require.True(t, due.Equal(*out.SubmissionDue))
		require.NotNil(t, out.DueWarnings)

		var req wire.ReviewRequest
		name, wf, id := e.lastUpdate(&req)
		require.Equal(t, wire.UpdateReview, name)
		require.Equal(t, wire.BureauWorkflowID(e.cycle, "rsj"), wf)
		require.True(t, strings.HasPrefix(id, "review/1/"), id)
		require.Equal(t, 1, req.Version)
		require.Equal(t, wire.ReviewReturn, req.Decision)
		require.Equal(t, wire.DueSetting{Workdays: 5}, req.ResubmitDue)
		require.Equal(t, []wire.ReviewComment{{Indicator: "review_cases", Message: "请核对复议案件数"},
			{Section: "hrss_enforcement", Message: "补充执法情况"}, {Message: "报告第三部分过于简略"}}, req.Comments)
		require.Equal(t, "lc-reviewer", req.By.Name)
		require.Equal(t, wire.ActorRoleReviewer, req.By.Role)

		// The workflow's refusal is the caller's 409, in its words.
		e.temporal.refuse = "本单位的另一项操作（审核）正在处理，请稍候刷新查看结果，不要重复提交"
		r = e.as["admin"].Do("POST", path, map[string]any{"decision": "approve"})
		require.Equal(t, http.StatusConflict, r.Status, string(r.Body))
		requireMessage(t, r, "另一项操作（审核）正在处理")
	})
}

// Reviews and version comparisons are read by the bureau and its office,
// with names from the version's catalogue; another bureau reads nothing.
func TestReviewsAndChangesAreReadByTheBureauOnly(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		e := newLifecycle(t, db)
		// Version 1 was returned with two comments; version 2 answers them.
		resubmit := time.Now().Add(7 * 24 * time.Hour)
		rev := models.Review{CycleID: e.cycle, OrgCode: "rsj", Version: 1, Round: 1, Decision: "return", ResubmitDue: &resubmit,
			ReviewerName: "lc-reviewer", ReviewedAt: time.Now()}
		require.NoError(t, db.Create(&rev).Error)
		require.NoError(t, db.Create(&[]models.ReviewComment{
			{ReviewID: rev.ID, CycleID: e.cycle, OrgCode: "rsj", Version: 1, Position: 0, Indicator: "review_cases", Section: "review_litigation", Message: "请核对复议案件数"},
			{ReviewID: rev.ID, CycleID: e.cycle, OrgCode: "rsj", Version: 1, Position: 1, Message: "报告过于简略"},
		}).Error)
		values, err := json.Marshal(catalogue.Values{"review_cases": {Number: decimal.NewFromInt(12)}, "review_closed": {Number: decimal.NewFromInt(3)}})
		require.NoError(t, err)
		require.NoError(t, db.Create(&models.Submission{
			CycleID: e.cycle, OrgCode: "rsj", Version: 2, Round: 2, FileSHA: "f", FileName: "报表.xlsx", ReturnSHA: "r",
			Catalogue: "general@2025.1+hrss@2025.1", Values: string(values), Explanations: "{}", Info: "{}",
			Problems: "[]", Plans: "[]", Warnings: "[]", SubmittedBy: "rsj", SubmittedAt: time.Now(),
		}).Error)

		var reviews []struct {
			Version       int    `json:"version"`
			DecisionLabel string `json:"decision_label"`
			Comments      []struct {
				IndicatorName string `json:"indicator_name"`
				SectionName   string `json:"section_name"`
			} `json:"comments"`
		}
		for _, who := range []string{"rsj", "reviewer", "viewer"} {
			r := e.as[who].Do("GET", e.rsj+"/reviews", nil)
			require.Equal(t, http.StatusOK, r.Status, string(r.Body))
			r.JSON(t, &reviews)
		}
		require.Len(t, reviews, 1)
		require.Equal(t, "退回修改", reviews[0].DecisionLabel)
		require.Len(t, reviews[0].Comments, 2)
		require.Equal(t, "行政复议案件数", reviews[0].Comments[0].IndicatorName)
		require.Equal(t, "行政复议与行政应诉", reviews[0].Comments[0].SectionName)

		r := e.as["rsj"].Do("GET", e.rsj+"/submissions/2/changes", nil)
		require.Equal(t, http.StatusOK, r.Status, string(r.Body))
		var ch struct {
			Version         int  `json:"version"`
			PreviousVersion *int `json:"previous_version"`
			Changes         []struct {
				Indicator string  `json:"indicator"`
				Name      string  `json:"name"`
				Before    *string `json:"before"`
				After     *string `json:"after"`
			} `json:"changes"`
			Review *struct {
				Version  int               `json:"version"`
				Comments []json.RawMessage `json:"comments"`
			} `json:"review"`
		}
		r.JSON(t, &ch)
		require.Equal(t, 1, *ch.PreviousVersion)
		require.Len(t, ch.Changes, 2)
		require.Equal(t, "review_cases", ch.Changes[0].Indicator)
		require.Equal(t, "行政复议案件数", ch.Changes[0].Name)
		require.Nil(t, ch.Changes[0].Before)
		require.Equal(t, "12件", *ch.Changes[0].After)
		require.NotNil(t, ch.Review)
		require.Equal(t, 1, ch.Review.Version)
		require.Len(t, ch.Review.Comments, 2)

		r = e.as["reviewer"].Do("GET", e.rsj+"/submissions/1/changes", nil)
		require.Equal(t, http.StatusOK, r.Status, string(r.Body))
		require.Contains(t, string(r.Body), `"previous_version":null`)
		require.Contains(t, string(r.Body), `"changes":[]`)

		// Another bureau of the same office sees none of rsj's.
		for _, p := range []string{"/reviews", "/submissions/2/changes", "/status", "/extensions", "/publication"} {
			r := e.as["scj"].Do("GET", e.rsj+p, nil)
			require.Equal(t, http.StatusNotFound, r.Status, "%s: %s", p, r.Body)
		}
		r = e.as["rsj"].Do("GET", e.rsj+"/submissions/x/changes", nil)
		require.Equal(t, http.StatusBadRequest, r.Status, string(r.Body))
		r = e.as["rsj"].Do("GET", e.rsj+"/submissions/9/changes", nil)
		require.Equal(t, http.StatusNotFound, r.Status, string(r.Body))
	})
}
