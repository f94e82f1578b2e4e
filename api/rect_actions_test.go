package api_test

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/lawcycle/lawcycle/internal/apitest"
	"github.com/lawcycle/lawcycle/internal/filestore"
	"github.com/lawcycle/lawcycle/internal/filetest"
	"github.com/lawcycle/lawcycle/internal/testdb"
	"github.com/lawcycle/lawcycle/models"
	"github.com/lawcycle/lawcycle/wire"
)

// note is a progress report's multipart body: a note and evidence files.
func note(text string, files ...apitest.Part) apitest.Multipart {
	return apitest.Form("note", text, files...)
}

func evidence(name string, data []byte) apitest.Part {
	return apitest.Part{Field: "evidence", Name: name, Data: data}
}

// Progress and closure requests check who asks, their note and every
// evidence file (size, count and type sniffed from the content) and the
// item's status before anything is stored or sent.
func TestRectificationProgressAndClosureRefusals(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		e := newLifecycle(t, db)
		open := seedRectItem(t, db, e.cycle, "rsj", wire.RectOpen, func(i *models.RectItem) { i.Evidence = 0 })
		closed := seedRectItem(t, db, e.cycle, "rsj", wire.RectClosed)
		carried := seedRectItem(t, db, e.cycle, "rsj", wire.RectCarriedOver)
		requested := seedRectItem(t, db, e.cycle, "rsj", wire.RectClosureRequested)
		progress, closure := e.rectPath(open.ItemID)+"/progress", e.rectPath(open.ItemID)+"/closure"
		blobs := count(t, db, &models.Blob{})
		e.as["root"] = e.root

		big := make([]byte, 20<<20+1)
		copy(big, "%PDF-1.4")
		many := note("")
		for i := range 11 {
			many = append(many, evidence(fmt.Sprintf("照片%d.png", i+1), filetest.PNG(fmt.Sprint(i))))
		}
		e.expectRefused([]refused{
			{"nothing to report", "rsj", "POST", progress, note("  "), 422, "请填写整改进展（note）或上传佐证材料（evidence）"},
			{"long note", "rsj", "POST", progress, note(strings.Repeat("长", 2001)), 422, "说明不能超过2000个字"},
			{"file too large", "rsj", "POST", progress, note("见附件", evidence("扫描件.pdf", big)), 413, "佐证材料“扫描件.pdf”为 20.0 MB，超过 20 MB 的上限"},
			{"too many files", "rsj", "POST", progress, many, 413, "一次最多上传 10 个佐证材料，本次为 11 个"},
			{"text renamed to pdf", "rsj", "POST", progress, note("", evidence("说明.pdf", []byte("整改说明"))), 415, "佐证材料“说明.pdf”的文件类型不受支持"},
			{"a web page", "rsj", "POST", progress, note("", evidence("a.png", []byte("<html></html>"))), 415, "“a.png”"},
			{"a macro document", "rsj", "POST", progress, note("", evidence("整改.docm", filetest.DOCM("x"))), 415, "“整改.docm”"},
			{"a zip", "rsj", "POST", progress, note("", evidence("材料.zip", filetest.Zip(map[string]string{"a.pdf": "%PDF-"}))), 415, "“材料.zip”"},
			{"bad file after a good one", "rsj", "POST", progress,
				note("", evidence("好.pdf", filetest.PDF("good")), evidence("坏.exe", []byte("MZ\x90"))), 415, "“坏.exe”"},
			{"empty file", "rsj", "POST", progress, note("", evidence("空.pdf", nil)), 400, "“空.pdf”是空文件"},
			{"json body", "rsj", "POST", progress, map[string]any{"note": "已整改"}, 415, "multipart/form-data"},
			{"unknown field", "rsj", "POST", progress, apitest.Multipart{{Field: "file", Name: "a.pdf", Data: filetest.PDF("a")}}, 400, "未知字段“file”"},
			{"reviewer reporting", "reviewer", "POST", progress, note("已整改"), 403, "审核人员不能代替单位报告整改进展"},
			{"viewer reporting", "viewer", "POST", progress, note("已整改"), 403, "无权"},
			{"another bureau", "scj", "POST", progress, note("已整改"), 404, "没有单位“rsj”"},
			{"unknown item", "rsj", "POST", e.rectPath("2025-d99") + "/progress", note("已整改"), 404, "没有编号为“2025-d99”的整改事项"},
			{"closed item", "rsj", "POST", e.rectPath(closed.ItemID) + "/progress", note("已整改"), 409, "该事项已销号，不能再报告整改进展"},
			{"carried item", "admin", "POST", e.rectPath(carried.ItemID) + "/progress", note("已整改"), 409, "已结转至下一周期"},

			{"closure without evidence", "rsj", "POST", closure, note("已完成整改"), 409, "申请销号须提供整改佐证材料"},
			{"closure by the office admin", "admin", "POST", closure, note("", evidence("a.pdf", filetest.PDF("a"))), 403, "法治办可代为报告进展，但不能代为申请销号"},
			{"closure by a reviewer", "reviewer", "POST", closure, note("", evidence("a.pdf", filetest.PDF("a"))), 403, "销号申请只能由责任单位提出"},
			{"closure by the platform admin", "root", "POST", closure, note("", evidence("a.pdf", filetest.PDF("a"))), 403, "平台管理员不能代为申请"},
			{"closure by a viewer", "viewer", "POST", closure, note("", evidence("a.pdf", filetest.PDF("a"))), 403, "无权"},
			{"closure requested twice", "rsj", "POST", e.rectPath(requested.ItemID) + "/closure", note("", evidence("a.pdf", filetest.PDF("a"))), 409, "已申请销号，正在等待法治办核验"},
			{"closure of a closed item", "rsj", "POST", e.rectPath(closed.ItemID) + "/closure", note("", evidence("a.pdf", filetest.PDF("a"))), 409, "该事项已销号"},
		})
		require.Equal(t, blobs, count(t, db, &models.Blob{}), "a refused request stored a file")
		require.Equal(t, int64(4), count(t, db, &models.RectNote{}))
	})
}

// A valid report stores its files content-addressed and sends the update
// with their hashes and sniffed types; closure and verification likewise.
func TestRectificationProgressClosureAndVerification(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		e := newLifecycle(t, db)
		open := seedRectItem(t, db, e.cycle, "rsj", wire.RectOpen, func(i *models.RectItem) { i.Evidence = 0 })
		e.temporal.results[wire.UpdateRectProgress] = wire.RectState{CycleID: e.cycle, OrgCode: "rsj", ItemID: open.ItemID,
			Status: wire.RectInProgress, Category: wire.RectDeadline, Evidence: 6, Waiting: "整改中"}
		files := filetest.Accepted("report")
		body := note(" 已修订行政执法公示制度 ")
		for _, f := range files {
			body = append(body, evidence(f.Name, f.Data))
		}
		// The same file twice is one piece of evidence.
		body = append(body, evidence("整改报告（副本）.pdf", filetest.PDF("report")))
		r := e.as["rsj"].Upload("POST", e.rectPath(open.ItemID)+"/progress", body)
		require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
		require.Contains(t, string(r.Body), `"status":"in_progress"`)

		var req wire.RectProgress
		name, wf, id := e.lastUpdate(&req)
		require.Equal(t, wire.UpdateRectProgress, name)
		require.Equal(t, wire.RectificationWorkflowID(e.cycle, "rsj", open.ItemID), wf)
		require.True(t, strings.HasPrefix(id, wire.UpdateRectProgress+"/"), id)
		require.Equal(t, "已修订行政执法公示制度", req.Note)
		require.Equal(t, "lc-rsj", req.By.Name)
		require.Len(t, req.Evidence, len(files))
		for i, f := range files {
			sha := filestore.Sum(f.Data)
			require.Equal(t, wire.RectEvidence{SHA: sha, Name: f.Name, Size: int64(len(f.Data)), ContentType: f.ContentType}, req.Evidence[i])
			blob, err := filestore.Get(db, sha)
			require.NoError(t, err)
			require.Equal(t, f.ContentType, blob.ContentType)
			require.True(t, bytes.Equal(f.Data, blob.Data))
		}

		// An office admin may report for the bureau.
		r = e.as["admin"].Upload("POST", e.rectPath(open.ItemID)+"/progress", note("法治办督导检查，整改基本到位"))
		require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
		e.lastUpdate(&req)
		require.Equal(t, "lc-admin", req.By.Name)
		require.Empty(t, req.Evidence)

		// Closure with evidence already on the item needs no new files.
		withEvidence := seedRectItem(t, db, e.cycle, "rsj", wire.RectInProgress)
		r = e.as["rsj"].Upload("POST", e.rectPath(withEvidence.ItemID)+"/closure", note("整改已完成，申请销号"))
		require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
		name, wf, _ = e.lastUpdate(&req)
		require.Equal(t, wire.UpdateRectRequestClosure, name)
		require.Equal(t, wire.RectificationWorkflowID(e.cycle, "rsj", withEvidence.ItemID), wf)
		require.Equal(t, "整改已完成，申请销号", req.Note)
		// Without any on the item, the request brings it.
		r = e.as["rsj"].Upload("POST", e.rectPath(open.ItemID)+"/closure", note("", evidence("验收报告.pdf", filetest.PDF("acceptance"))))
		require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
		e.lastUpdate(&req)
		require.Len(t, req.Evidence, 1)
		require.Equal(t, "验收报告.pdf", req.Evidence[0].Name)

		// Verification: the office's, with a reason to send it back.
		requested := seedRectItem(t, db, e.cycle, "rsj", wire.RectClosureRequested)
		verify := e.rectPath(requested.ItemID) + "/verification"
		e.expectRefused([]refused{
			{"the bureau closing its own item", "rsj", "POST", verify, map[string]any{"decision": "close"}, 403, "销号由法治办审核人员核验"},
			{"another bureau", "scj", "POST", verify, map[string]any{"decision": "close"}, 403, "部门不能自行添加或核验整改事项"},
			{"a viewer", "viewer", "POST", verify, map[string]any{"decision": "close"}, 403, "无权"},
			{"no decision", "reviewer", "POST", verify, map[string]any{"reason": "好"}, 422, "请给出核验结论"},
			{"bad decision", "reviewer", "POST", verify, map[string]any{"decision": "approve"}, 422, "核验结论“approve”无效"},
			{"reject without reason", "reviewer", "POST", verify, map[string]any{"decision": "reject", "reason": " "}, 422, "请填写退回理由"},
			{"long reason", "reviewer", "POST", verify, map[string]any{"decision": "reject", "reason": strings.Repeat("理", 501)}, 422, "退回理由不能超过500个字"},
			{"nothing to verify", "reviewer", "POST", e.rectPath(open.ItemID) + "/verification", map[string]any{"decision": "close"}, 409, "没有待核验的销号申请"},
			{"unknown field", "reviewer", "POST", verify, map[string]any{"decision": "close", "comment": "好"}, 400, "未知字段“comment”"},
		})
		e.temporal.results[wire.UpdateRectVerify] = wire.RectState{CycleID: e.cycle, OrgCode: "rsj", ItemID: requested.ItemID,
			Status: wire.RectInProgress, Category: wire.RectDeadline, Waiting: "销号申请被退回，继续整改"}
		r = e.as["reviewer"].Do("POST", verify, map[string]any{"decision": "reject", "reason": " 佐证材料未体现公示结果 "})
		require.Equal(t, http.StatusOK, r.Status, string(r.Body))
		var verdict wire.RectVerification
		name, wf, _ = e.lastUpdate(&verdict)
		require.Equal(t, wire.UpdateRectVerify, name)
		require.Equal(t, wire.RectificationWorkflowID(e.cycle, "rsj", requested.ItemID), wf)
		require.False(t, verdict.Close)
		require.Equal(t, "佐证材料未体现公示结果", verdict.Reason)
		require.Equal(t, "lc-reviewer", verdict.By.Name)
		r = e.as["admin"].Do("POST", verify, map[string]any{"decision": "close"})
		require.Equal(t, http.StatusOK, r.Status, string(r.Body))
		e.lastUpdate(&verdict)
		require.True(t, verdict.Close)

		// The workflow's refusal is the caller's 409, in its words.
		e.temporal.refuse = "该事项的另一项操作正在处理，请稍候刷新"
		r = e.as["reviewer"].Do("POST", verify, map[string]any{"decision": "close"})
		require.Equal(t, http.StatusConflict, r.Status, string(r.Body))
		requireMessage(t, r, "另一项操作正在处理")
	})
}
