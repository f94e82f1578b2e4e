package e2e

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/lawcycle/lawcycle/internal/apitest"
	"github.com/lawcycle/lawcycle/internal/chinatime"
	"github.com/lawcycle/lawcycle/internal/filetest"
	"github.com/lawcycle/lawcycle/internal/testdb"
	"github.com/lawcycle/lawcycle/models"
)

// A client that lost the answer to an action (a timeout, a 503 while the
// worker restarted) sends it again with the same X-Request-Id. It must get
// the first answer, not a refusal of the state the first attempt produced;
// the same action under a new request id is a new action and is refused.
func TestRetriedRequestGetsTheFirstAnswer(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		t.Parallel()
		lc := newLifecycleRun(t, db, time.Hour, time.Hour)
		lc.launch()
		r := retrier{t: t}

		// Submit: the upload is named by its content, so even a new
		// request id gets the first answer; a different return is refused.
		first, _ := lc.returnFile(rounds, nil)
		upload := func(c apitest.Client) apitest.Response {
			return c.Upload("POST", lc.path(rounds)+"/submissions", lc.submission(rounds, first))
		}
		r.twice(lc.as[rounds], "submit-1", http.StatusCreated, upload)
		require.Equal(t, http.StatusCreated, upload(lc.as[rounds].WithHeader("X-Request-Id", "submit-1-other")).Status)
		other, _ := lc.returnFile(rounds, func(values map[string]any) { values[lc.firstIndicator] = 3 })
		refused := lc.as[rounds].Upload("POST", lc.path(rounds)+"/submissions", lc.submission(rounds, other))
		require.Equal(t, http.StatusConflict, refused.Status, string(refused.Body))

		review := func(body map[string]any) func(apitest.Client) apitest.Response {
			return func(c apitest.Client) apitest.Response { return c.Do("POST", lc.path(rounds)+"/reviews", body) }
		}
		r.once(lc.reviewer, "return-1", http.StatusCreated, http.StatusConflict, review(map[string]any{
			"decision": "return", "comments": []map[string]any{{"message": "请补充行政复议案件数的统计口径。"}}}))
		lc.submit(rounds, 2, func(values map[string]any) { values[lc.firstIndicator] = 7 })
		r.once(lc.reviewer, "approve-2", http.StatusCreated, http.StatusConflict, review(map[string]any{"decision": "approve"}))
		r.once(lc.as[rounds], "publication", http.StatusCreated, http.StatusConflict, func(c apitest.Client) apitest.Response {
			return c.Do("POST", lc.path(rounds)+"/publication", map[string]any{
				"url": "https://www.linhai.gov.cn/art/2026/scj.html", "issued_on": today(), "publisher": "临海市人民政府",
				"secrecy_reviewed": true, "leader_approved": true})
		})

		// Extensions: the bureau's request, the office's decision, the
		// office's own grant (whose retry finds the due date it moved).
		var requested struct {
			ID uint `json:"id"`
		}
		request := func(c apitest.Client) apitest.Response {
			return c.Do("POST", lc.path(ext)+"/extensions", map[string]any{
				"kind": "submission", "until": "5个工作日", "reason": "主要负责同志调整，报告需重新审定"})
		}
		r.once(lc.as[ext], "extension-request", http.StatusCreated, http.StatusConflict, request).JSON(t, &requested)
		r.once(lc.api, "extension-decision", http.StatusOK, http.StatusConflict, func(c apitest.Client) apitest.Response {
			return c.Do("POST", fmt.Sprintf("%s/extensions/%d/decision", lc.path(ext), requested.ID), map[string]any{"approve": true})
		})

		day := func(n int) string { return chinatime.Date(time.Now().AddDate(0, 0, n)) }
		r.once(lc.api, "cycle-extension", http.StatusOK, http.StatusUnprocessableEntity, func(c apitest.Client) apitest.Response {
			return c.Do("POST", "/api/v1/cycles/"+lc.id+"/extend", map[string]any{
				"kind": "publication", "date": day(40), "reason": "全市统一延长公开期限"})
		})
		r.once(lc.api, "office-grant", http.StatusCreated, http.StatusUnprocessableEntity, func(c apitest.Client) apitest.Response {
			return c.Do("POST", lc.path(late)+"/extensions", map[string]any{
				"kind": "submission", "until": day(20), "reason": "系统故障，统一延期"})
		})

		// The rectification ledger: an office item, progress, a closure
		// request and its verification.
		var item struct {
			ItemID string `json:"item_id"`
		}
		addItem := func(c apitest.Client) apitest.Response {
			return c.Do("POST", lc.path(late)+"/rectifications", map[string]any{
				"description": "政务公开栏目更新不及时", "category": "限期整改", "due": day(60)})
		}
		r.twice(lc.reviewer, "office-item", http.StatusCreated, addItem).JSON(t, &item)
		var second struct {
			ItemID string `json:"item_id"`
		}
		addItem(lc.reviewer.WithHeader("X-Request-Id", "office-item-new")).JSON(t, &second)
		require.NotEqual(t, item.ItemID, second.ItemID, "a new request adds a new item")
		// A reviewer's comment made into an item: a retry opens the same
		// item, a new request is refused (the comment has its item).
		var commentID uint
		require.NoError(t, db.Table("review_comments").Where("cycle_id = ? AND org_code = ?", lc.id, rounds).
			Select("id").Scan(&commentID).Error)
		r.once(lc.reviewer, "finding-item", http.StatusCreated, http.StatusConflict, func(c apitest.Client) apitest.Response {
			return c.Do("POST", lc.path(rounds)+"/rectifications", map[string]any{
				"from_comment": commentID, "category": "立行立改"})
		})
		itemPath := lc.path(late) + "/rectifications/" + item.ItemID
		r.twice(lc.as[late], "item-progress", http.StatusCreated, func(c apitest.Client) apitest.Response {
			return c.Upload("POST", itemPath+"/progress", apitest.Form("note", "已明确专人负责栏目更新"))
		})
		r.once(lc.as[late], "item-closure", http.StatusCreated, http.StatusConflict, func(c apitest.Client) apitest.Response {
			return c.Upload("POST", itemPath+"/closure", apitest.Form("note", "已整改完毕",
				apitest.Part{Field: "evidence", Name: "整改报告.pdf", Data: filetest.PDF("整改报告")}))
		})
		r.once(lc.reviewer, "item-verify", http.StatusOK, http.StatusConflict, func(c apitest.Client) apitest.Response {
			return c.Do("POST", itemPath+"/verification", map[string]any{"decision": "close"})
		})

		r.once(lc.api, "cycle-close", http.StatusOK, http.StatusConflict, func(c apitest.Client) apitest.Response {
			return c.Do("POST", "/api/v1/cycles/"+lc.id+"/close", map[string]any{"reason": "年度督察工作结束"})
		})
		require.Equal(t, "closed", lc.cycle(lc.id).Status)
		count := func(table, query string, args ...any) int64 {
			var n int64
			require.NoError(t, db.Table(table).Where(query, args...).Count(&n).Error)
			return n
		}
		require.Equal(t, int64(2), count("submissions", "cycle_id = ? AND org_code = ?", lc.id, rounds))
		require.Equal(t, int64(2), count("reviews", "cycle_id = ? AND org_code = ?", lc.id, rounds), "one return, one approval")
		require.Equal(t, int64(1), count("publications", "cycle_id = ? AND org_code = ?", lc.id, rounds))
		require.Equal(t, int64(2), count("extensions", "cycle_id = ?", lc.id), "one request, one grant")
		require.Equal(t, int64(2), count("rect_items", "cycle_id = ? AND source = ?", lc.id, "office"))
		require.Equal(t, int64(1), count("rect_items", "cycle_id = ? AND source = ?", lc.id, "finding"))
		for _, kind := range []string{models.RectNoteProgress, models.RectNoteClosure, models.RectNoteClosed} {
			require.Equal(t, int64(1), count("rect_notes", "cycle_id = ? AND item_id = ? AND kind = ?", lc.id, item.ItemID, kind), kind)
		}
	})
}

// retrier sends an action (request ids must be 8 to 64 characters, or the
// API makes its own), then the same request again, then the same
// action under a new request id.
type retrier struct{ t *testing.T }

// twice checks that the retry gets exactly the first answer.
func (r retrier) twice(c apitest.Client, requestID string, want int, send func(apitest.Client) apitest.Response) apitest.Response {
	r.t.Helper()
	c = c.WithHeader("X-Request-Id", requestID)
	first := send(c)
	require.Equal(r.t, want, first.Status, "%s: %s", requestID, first.Body)
	again := send(c)
	require.Equal(r.t, want, again.Status, "%s retried: %s", requestID, again.Body)
	require.JSONEq(r.t, string(first.Body), string(again.Body), "%s retried", requestID)
	return first
}

// once checks twice, then that a new request for the same action is
// refused with refused.
func (r retrier) once(c apitest.Client, requestID string, want, refused int, send func(apitest.Client) apitest.Response) apitest.Response {
	r.t.Helper()
	first := r.twice(c, requestID, want, send)
	again := send(c.WithHeader("X-Request-Id", requestID+"-new"))
	require.Equal(r.t, refused, again.Status, "%s as a new request: %s", requestID, again.Body)
	require.NotEmpty(r.t, again.Err(r.t).Error.Message)
	return first
}
