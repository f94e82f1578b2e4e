package api_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"gorm.io/gorm"

	"github.com/lawcycle/lawcycle/internal/temporaltest"
	"github.com/lawcycle/lawcycle/internal/testdb"
	"github.com/lawcycle/lawcycle/models"
	"github.com/lawcycle/lawcycle/wire"
)

// The office adds an item, or turns a review comment into one. Bad input
// is refused before Temporal, naming the field, and allocates nothing; a
// good request starts the item's workflow with its opening update, as the
// contract says.
func TestRectificationCreate(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		e := newLifecycle(t, db)
		path := e.rsj + "/rectifications"
		taken := seedRectItem(t, db, e.cycle, "rsj", wire.RectInProgress)
		own := seedComment(t, db, e.cycle, "rsj", "  未按规定公开行政执法结果  ")
		other := seedComment(t, db, e.cycle, "scj", "市场监管局的意见")
		item := func(kv ...any) map[string]any {
			return with(map[string]any{"description": "行政执法公示不及时", "category": "deadline", "due": "2030-06-30"}, kv...)
		}
		draft := e.createCycle(nil)
		e.expectRefused([]refused{
			{"no description", "admin", "POST", path, item("description", " "), 422, "请填写问题描述"},
			{"long description", "admin", "POST", path, item("description", strings.Repeat("长", 2001)), 422, "问题描述不能超过2000个字"},
			{"long person", "admin", "POST", path, item("person", strings.Repeat("张", 101)), 422, "责任人不能超过100个字"},
			{"no category", "admin", "POST", path, item("category", nil), 422, "请选择整改类别"},
			{"unknown category", "admin", "POST", path, item("category", "马上改"), 422, "整改类别“马上改”无效"},
			{"deadline without due", "admin", "POST", path, item("due", nil), 422, "限期整改的事项须填写整改时限"},
			{"due in the past", "reviewer", "POST", path, item("due", "2020-01-01"), 422, "整改时限（2020年1月1日）已过"},
			{"malformed due", "reviewer", "POST", path, item("due", "明年"), 400, "整改时限"},
			{"deadline in working days", "reviewer", "POST", path, item("due", "5个工作日"), 422, "限期整改的整改时限请填写具体日期"},
			{"ongoing with due", "reviewer", "POST", path, item("category", "长期坚持"), 422, "不设整改时限"},
			{"comment of another bureau", "reviewer", "POST", path,
				map[string]any{"from_comment": other.ID, "category": "immediate"}, 422, fmt.Sprintf("没有编号为 %d 的审核意见", other.ID)},
			{"unknown comment", "reviewer", "POST", path, map[string]any{"from_comment": 99999, "category": "immediate"}, 422, "没有编号为 99999"},
			{"comment already an item", "reviewer", "POST", path,
				map[string]any{"from_comment": *taken.CommentID, "category": "immediate"}, 409, "已转为整改事项（编号 " + taken.ItemID + "）"},
			{"unknown field", "admin", "POST", path, item("deadline", "2030-06-30"), 400, "未知字段“deadline”"},
			{"draft cycle", "admin", "POST", "/api/v1/cycles/" + draft + "/bureaus/rsj/rectifications", item(), 409, "周期尚未启动"},
			{"the bureau itself", "rsj", "POST", path, item(), 403, "部门不能自行添加或核验整改事项"},
			{"another bureau", "scj", "POST", path, item(), 403, "部门不能自行添加或核验整改事项"},
			{"a viewer", "viewer", "POST", path, item(), 403, "无权"},
		})
		require.Equal(t, int64(1), count(t, db, &models.RectItem{}))
		require.Zero(t, count(t, db, &models.IndexSerial{}), "a refused request allocated an item number")
		require.Empty(t, e.temporal.started())

		// An office item: the next number of the cycle, the workflow
		// started idempotently with the opening update.
		due := time.Date(2030, 6, 30, 23, 59, 59, 0, time.FixedZone("CST", 8*3600))
		e.temporal.results[wire.UpdateRectOpen] = wire.RectState{CycleID: e.cycle, OrgCode: "rsj", ItemID: "2025-d1",
			Status: wire.RectOpen, Category: wire.RectDeadline, Due: due, Waiting: "等待责任单位整改"}
		r := e.as["admin"].Do("POST", path, item("cause", "制度不健全", "measures", "修订公示制度", "department", "执法科",
			"person", "张三", "category", "限期整改", "source_ref", "督察〔2026〕3号"))
		require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
		var out struct {
			ItemID      string     `json:"item_id"`
			Status      string     `json:"status"`
			StatusLabel string     `json:"status_label"`
			Due         *time.Time `json:"due"`
			Waiting     string     `json:"waiting"`
		}
		r.JSON(t, &out)
		require.Equal(t, "2025-d1", out.ItemID)
		require.Equal(t, "未开始", out.StatusLabel)
		require.True(t, due.Equal(*out.Due))
		require.Equal(t, "等待责任单位整改", out.Waiting)

		in := requireStarted(t, e, e.cycle, "rsj", "2025-d1")
		require.Equal(t, wire.RectSpec{Source: wire.RectFromOffice, SourceRef: "督察〔2026〕3号", Fields: wire.RectFields{
			Description: "行政执法公示不及时", Cause: "制度不健全", Measures: "修订公示制度", Department: "执法科", Person: "张三",
			Category: wire.RectDeadline, Due: wire.DueSetting{Date: "2030-06-30"}}, By: in.Spec.By}, in.Spec)
		require.Equal(t, "lc-admin", in.Spec.By.Name)

		// The next one is number 2; 立行立改 may leave its date to the cycle.
		r = e.as["reviewer"].Do("POST", path, item("category", "immediate", "due", nil))
		require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
		in = requireStarted(t, e, e.cycle, "rsj", "2025-d2")
		require.Equal(t, wire.RectImmediate, in.Spec.Fields.Category)
		require.True(t, in.Spec.Fields.Due.IsZero())

		// 立行立改 may also be given working days.
		r = e.as["reviewer"].Do("POST", path, item("category", "立行立改", "due", "5个工作日"))
		require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
		in = requireStarted(t, e, e.cycle, "rsj", "2025-d3")
		require.Equal(t, wire.DueSetting{Workdays: 5}, in.Spec.Fields.Due)

		// A comment becomes an item in one step, its text and place the
		// item's unless given.
		r = e.as["reviewer"].Do("POST", path, map[string]any{"from_comment": own.ID, "category": "ongoing"})
		require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
		in = requireStarted(t, e, e.cycle, "rsj", fmt.Sprintf("2025-f%d", own.ID))
		require.Equal(t, wire.RectFromFinding, in.Spec.Source)
		require.Equal(t, own.ID, in.Spec.CommentID)
		require.Equal(t, "未按规定公开行政执法结果", in.Spec.Fields.Description)
		require.Equal(t, "第1版审核意见第2条", in.Spec.SourceRef)
		require.Equal(t, wire.RectOngoing, in.Spec.Fields.Category)
		require.Equal(t, "lc-reviewer", in.Spec.By.Name)

		// The workflow's refusal is the caller's 409, in its words.
		e.temporal.refuse = "该整改事项正在办理中，请勿重复添加"
		r = e.as["admin"].Do("POST", path, item())
		require.Equal(t, http.StatusConflict, r.Status, string(r.Body))
		requireMessage(t, r, "该整改事项正在办理中")
	})
}

// requireStarted checks that the last update sent started the item's
// workflow as the contract says, and returns the workflow's input.
func requireStarted(t *testing.T, e *lifecycle, cycleID, org, item string) wire.RectInput {
	t.Helper()
	starts := e.temporal.started()
	require.NotEmpty(t, starts)
	st := starts[len(starts)-1]
	require.Equal(t, client.StartWorkflowOptions{
		ID:                       wire.RectificationWorkflowID(cycleID, org, item),
		TaskQueue:                wire.TaskQueue,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
		WorkflowIDReusePolicy:    enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
	}, st.options)
	require.Equal(t, wire.RectificationWorkflow, st.workflow)
	require.Len(t, st.args, 1)
	var in wire.RectInput
	require.NoError(t, temporaltest.Value{V: st.args[0]}.Get(&in))
	require.Equal(t, cycleID, in.CycleID)
	require.Equal(t, org, in.OrgCode)
	require.Equal(t, item, in.ItemID)
	require.Nil(t, in.Carry)
	require.Nil(t, in.State)

	sent := e.temporal.sent()
	u := sent[len(sent)-1]
	require.Equal(t, wire.UpdateRectOpen, u.UpdateName)
	require.Equal(t, wire.RectificationWorkflowID(cycleID, org, item), u.WorkflowID)
	require.Equal(t, client.WorkflowUpdateStageCompleted, u.WaitForStage)
	require.Empty(t, u.Args)
	return in
}
