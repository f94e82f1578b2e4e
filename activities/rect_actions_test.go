package activities_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/lawcycle/lawcycle/models"
	"github.com/lawcycle/lawcycle/wire"
)

func TestRecordRectActionsThroughClosure(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		f.openItem("2025-d1", wire.RectFields{Description: "行政执法案卷文书不规范", Category: wire.RectDeadline,
			Due: wire.DueSetting{Date: "2026-03-31"}})
		report := f.evidenceFile("培训签到表.pdf")

		// Progress moves the item to in_progress; a retry of the same Seq
		// changes nothing.
		f.clock.Set(cst(time.February, 12, 10, 0))
		st, err := f.act("2025-d1", 1, wire.RectRecord{Progress: &wire.RectProgress{Note: "已组织专题培训", Evidence: []wire.RectEvidence{report}, By: clerk}})
		require.NoError(t, err)
		require.Equal(t, wire.RectInProgress, st.Status)
		require.Equal(t, 1, st.Evidence)
		again, err := f.act("2025-d1", 1, wire.RectRecord{Progress: &wire.RectProgress{Note: "已组织专题培训", Evidence: []wire.RectEvidence{report}, By: clerk}})
		require.NoError(t, err)
		require.Equal(t, st, again)
		require.Equal(t, int64(1), f.count(&models.RectNote{}))
		require.Equal(t, int64(1), f.count(&models.RectEvidence{}))

		// A closure request needs evidence, here or before: this item has
		// one file already, so a request with none is accepted.
		st, err = f.act("2025-d1", 2, wire.RectRecord{Closure: &wire.RectProgress{Note: "3件案卷已重新制作", By: clerk}})
		require.NoError(t, err)
		require.Equal(t, wire.RectClosureRequested, st.Status)

		// The office rejects it with a reason: in progress again.
		f.clock.Set(cst(time.February, 13, 9, 0))
		_, err = f.act("2025-d1", 3, wire.RectRecord{Verification: &wire.RectVerification{Close: false, By: reviewer}})
		requireRefused(t, err, "退回销号申请时请说明理由")
		st, err = f.act("2025-d1", 3, wire.RectRecord{Verification: &wire.RectVerification{Reason: "缺少重新制作后的案卷材料", By: reviewer}})
		require.NoError(t, err)
		require.Equal(t, wire.RectInProgress, st.Status)

		// Asked again with the missing files, then closed (销号).
		f.clock.Set(cst(time.February, 24, 15, 0))
		files := []wire.RectEvidence{f.evidenceFile("案卷1.pdf"), f.evidenceFile("案卷2.pdf")}
		_, err = f.act("2025-d1", 4, wire.RectRecord{Closure: &wire.RectProgress{Note: "已补充案卷", Evidence: files, By: clerk}})
		require.NoError(t, err)
		f.clock.Set(cst(time.February, 25, 10, 0))
		st, err = f.act("2025-d1", 5, wire.RectRecord{Verification: &wire.RectVerification{Close: true, By: reviewer}})
		require.NoError(t, err)
		require.Equal(t, wire.RectState{CycleID: cycleID, OrgCode: "rsj", ItemID: "2025-d1", Status: wire.RectClosed,
			Category: wire.RectDeadline, Due: endOf(time.March, 31).UTC(), Evidence: 3, Seq: 5}, st)

		row := f.rectItem(cycleID, "2025-d1")
		require.Equal(t, "张审核", row.ClosedBy)
		require.True(t, row.ClosedAt.Equal(cst(time.February, 25, 10, 0)))
		require.Equal(t, "已补充案卷", row.Progress)
		require.Equal(t, []string{
			cycleID + " progress: 已组织专题培训",
			cycleID + " closure_requested: 3件案卷已重新制作",
			cycleID + " rejected: 缺少重新制作后的案卷材料",
			cycleID + " closure_requested: 已补充案卷",
			cycleID + " closed: 经核验，整改到位，同意销号",
		}, f.history("2025-d1"))
		require.Equal(t, int64(3), f.count(&models.RectEvidence{}, "item_id = ?", "2025-d1"))
		require.Equal(t, []string{"rect.opened", "rect.progress", "rect.closure_requested", "rect.rejected",
			"rect.closure_requested", "rect.closed"}, f.actions())

		office, bureau := f.inbox("fzb"), f.inbox("rsj")
		require.Len(t, office, 3, "progress and both closure requests")
		require.Equal(t, "【申请销号】某县人力资源和社会保障局申请整改事项「行政执法案卷文书不规范」销号，请核验", office[1].Subject)
		require.Contains(t, office[2].Body, "佐证材料：本次2份，累计3份")
		require.Len(t, bureau, 3, "opened, rejected, closed")
		require.Contains(t, bureau[1].Body, "退回理由：缺少重新制作后的案卷材料")
		require.Equal(t, "【已销号】"+cycleTitle+"：整改事项「行政执法案卷文书不规范」已核验销号", bureau[2].Subject)

		// Nothing more happens to a closed item.
		_, err = f.act("2025-d1", 6, wire.RectRecord{Progress: &wire.RectProgress{Note: "补充说明", By: clerk}})
		requireRefused(t, err, "该整改事项已于2026年2月25日销号，不能再报告整改进展")
		_, err = f.act("2025-d1", 6, wire.RectRecord{Verification: &wire.RectVerification{Close: true, By: reviewer}})
		requireRefused(t, err, "已于2026年2月25日销号")
	})
}

func TestRecordRectActionRefusals(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		f.openItem("2025-d1", wire.RectFields{Description: "政务公开栏目更新不及时", Category: wire.RectImmediate})
		// Closing without evidence, verifying what was not asked, a bureau
		// verifying, evidence the service never stored, an empty note.
		_, err := f.act("2025-d1", 1, wire.RectRecord{Closure: &wire.RectProgress{Note: "已整改", By: clerk}})
		requireRefused(t, err, "申请销号须上传整改佐证材料")
		_, err = f.act("2025-d1", 1, wire.RectRecord{Verification: &wire.RectVerification{Close: true, By: reviewer}})
		requireRefused(t, err, "该整改事项当前为「未开始」，不能核验销号")
		_, err = f.act("2025-d1", 1, wire.RectRecord{Verification: &wire.RectVerification{Close: true, By: clerk}})
		requireRefused(t, err, "责任单位不能自行销号")
		_, err = f.act("2025-d1", 1, wire.RectRecord{Progress: &wire.RectProgress{By: clerk,
			Evidence: []wire.RectEvidence{{SHA: "0000", Name: "截图.png", Size: 3, ContentType: "image/png"}}}})
		requireRefused(t, err, "佐证材料“截图.png”未保存成功，请重新上传")
		_, err = f.act("2025-d1", 1, wire.RectRecord{Progress: &wire.RectProgress{Note: "  ", By: clerk}})
		requireRefused(t, err, "请填写整改进展或上传佐证材料")
		err = f.viaTemporal(f.acts.RecordRectAction, wire.RectRecord{CycleID: cycleID, OrgCode: "rsj", ItemID: "2025-d1", Seq: 1})
		require.ErrorContains(t, err, "BadRectRecord")

		// The office's admin may record progress for the bureau, who is
		// told.
		st, err := f.act("2025-d1", 1, wire.RectRecord{Progress: &wire.RectProgress{Note: "电话督促，已更新栏目", By: admin}})
		require.NoError(t, err)
		require.Equal(t, wire.RectInProgress, st.Status)
		require.Equal(t, "【整改进展】"+cycleTitle+"：法治办登记了整改事项「政务公开栏目更新不及时」的进展", f.inbox("rsj")[1].Subject)

		require.Equal(t, []string{"rect.opened", "rect.progress"}, f.actions())
		require.Equal(t, int64(1), f.count(&models.RectNote{}))
	})
}

func TestRecordRectProgressCompletesCheckIns(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		// Opened 2月10日, quarterly: check-in 1 due 5月9日, check-in 2 the
		// last working day on or before 8月9日 (a Sunday): 8月7日.
		st := f.openItem("2025-d1", wire.RectFields{Description: "行政争议数量仍在高位运行", Category: wire.RectOngoing})
		require.True(t, st.Due.Equal(endOf(time.May, 9)))

		f.clock.Set(cst(time.March, 20, 10, 0))
		st, err := f.act("2025-d1", 1, wire.RectRecord{Progress: &wire.RectProgress{Note: "一季度开展诉前化解12件", By: clerk}})
		require.NoError(t, err)
		require.Equal(t, 2, st.CheckIn)
		require.True(t, st.Due.Equal(endOf(time.August, 7)), "check-in 2 due %s", st.Due)

		// A second note in the first period completes nothing more.
		f.clock.Set(cst(time.April, 20, 10, 0))
		st, err = f.act("2025-d1", 2, wire.RectRecord{Progress: &wire.RectProgress{Note: "补充说明", By: clerk}})
		require.NoError(t, err)
		require.Equal(t, 2, st.CheckIn)

		// A late note (after check-in 2's due date, escalated) completes it.
		require.NoError(t, f.db.Model(&models.RectItem{}).Where("item_id = ?", "2025-d1").
			Updates(map[string]any{"level": 2, "final_due": endOf(time.August, 21).UTC()}).Error)
		f.clock.Set(cst(time.August, 12, 10, 0))
		st, err = f.act("2025-d1", 3, wire.RectRecord{Progress: &wire.RectProgress{Note: "二季度化解15件", By: clerk}})
		require.NoError(t, err)
		require.Equal(t, 3, st.CheckIn)
		require.True(t, st.Due.Equal(endOf(time.November, 9)), "check-in 3 due %s", st.Due)
		require.Zero(t, st.Level)
		require.True(t, st.FinalDue.IsZero())
		require.Contains(t, f.inbox("fzb")[2].Body, "本次报告完成第2次阶段性进展报告，第3次报告截止2026年11月9日（星期一）")
	})
}
