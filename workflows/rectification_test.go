package workflows_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/lawcycle/lawcycle/excelreturn"
	"github.com/lawcycle/lawcycle/internal/filestore"
	"github.com/lawcycle/lawcycle/models"
	"github.com/lawcycle/lawcycle/wire"
)

// The rectification tests run item workflows in virtual time against the
// real activities on SQLite (lifecycle_test.go's scene: office fzb,
// bureau rsj, cycle 2025-lifecy, the environment starting 2026年1月20日),
// so due dates and escalation times come from the real working-day
// calendar across the 2026 Spring Festival.

func TestRectClosureRejectedThenAccepted(t *testing.T) {
	l := newLifecycle(t)
	in := officeItem("2025-d1", wire.RectFields{Description: "行政执法案卷文书不规范", Measures: "逐件重新制作",
		Category: wire.RectDeadline, Due: wire.DueSetting{Date: "2026-03-31"}})
	report := l.evidence("整改报告.pdf")
	early := l.verify(at(time.January, 21, 10, 0), true, "", reviewer)
	bare := l.requestClosure(at(time.January, 21, 11, 0), "已整改")
	started := l.progress(at(time.January, 22, 10, 0), "已组织专题培训", clerk)
	stranger := l.progress(at(time.January, 22, 11, 0), "代报", otherClerk)
	asked := l.requestClosure(at(time.February, 2, 10, 0), "3件案卷已重新制作", report...)
	waiting := l.query(at(time.February, 2, 10, 30))
	twice := l.requestClosure(at(time.February, 2, 11, 0), "再次申请", report...)
	self := l.verify(at(time.February, 3, 10, 0), true, "", clerk)
	noReason := l.verify(at(time.February, 3, 11, 0), false, " ", reviewer)
	rejected := l.verify(at(time.February, 3, 12, 0), false, "缺少重新制作后的案卷扫描件", reviewer)
	back := l.query(at(time.February, 3, 12, 30))
	// The item holds evidence already: a second request needs none.
	again := l.requestClosure(at(time.February, 10, 10, 0), "已补充扫描件")
	closed := l.verify(at(time.February, 11, 10, 0), true, "", admin)
	l.runItem(in)

	requireDone(t, started, asked, rejected, again, closed)
	requireRejected(t, early, "该整改事项当前为「未开始」，责任单位申请销号后才能核验")
	requireRejected(t, bare, "申请销号须上传整改佐证材料")
	requireRejected(t, stranger, "只有责任单位或法治办管理员可以报告该事项的整改进展")
	requireRejected(t, twice, "已申请销号，正在等待法治办核验，请勿重复申请")
	requireRejected(t, self, "责任单位不能自行销号")
	requireRejected(t, noReason, "退回销号申请时请说明理由")

	require.Equal(t, wire.RectInProgress, started.value.(wire.RectState).Status)
	require.Equal(t, "责任单位已申请销号，等待法治办核验", waiting.Waiting)
	require.Equal(t, wire.RectInProgress, back.Status)
	require.Equal(t, "整改中，等待责任单位完成整改后上传佐证材料申请销号，整改时限2026年3月31日", back.Waiting)
	st := closed.value.(wire.RectState)
	require.Equal(t, wire.RectClosed, st.Status)
	require.Equal(t, "已核验销号，整改完成", st.Waiting)
	require.Equal(t, 5, st.Seq)

	row := l.item(lcCycle, "2025-d1")
	require.Equal(t, string(wire.RectClosed), row.Status)
	require.Equal(t, "fzb-admin", row.ClosedBy)
	require.True(t, row.ClosedAt.Equal(at(time.February, 11, 10, 0)))
	require.Equal(t, []string{
		lcCycle + " progress: 已组织专题培训",
		lcCycle + " closure_requested: 3件案卷已重新制作",
		lcCycle + " rejected: 缺少重新制作后的案卷扫描件",
		lcCycle + " closure_requested: 已补充扫描件",
		lcCycle + " closed: 经核验，整改到位，同意销号",
	}, l.history("2025-d1"))
	require.Empty(t, l.steps(), "closed before the first reminder (3月24日)")
	require.Equal(t, []string{"rectification→rsj", "rectification→fzb", "rectification→fzb", "rectification→rsj",
		"rectification→fzb", "rectification→rsj"}, l.notified())
}

func TestRectEscalatesThroughEveryStep(t *testing.T) {
	l := newLifecycle(t)
	l.rectSettings()
	in := officeItem("2025-d2", wire.RectFields{Description: "重大行政决策目录未公布", Category: wire.RectDeadline,
		Due: wire.DueSetting{Date: "2026-02-25"}})
	supervised := l.query(at(time.February, 27, 10, 0))
	asked := l.requestClosure(at(time.March, 5, 10, 0), "目录已公布", l.evidence("目录公告截图.pdf")...)
	closed := l.verify(at(time.March, 6, 10, 0), true, "已在政府网站公布", reviewer)
	l.runItem(in)

	requireDone(t, asked, closed)
	// 5 working days before 2月25日 is 2月11日 (the Spring Festival, 2月15日
	// to 23日, not counted), 2 the make-up Saturday 2月14日, 1 is 2月24日;
	// 督办 when the due instant passes, setting the final deadline three
	// working days later, the make-up Saturday 2月28日; 约谈/通报 when that
	// passes too.
	require.Equal(t, []string{
		"rectification r0 reminder-5 02-11 09:00",
		"rectification r0 reminder-2 02-14 09:00",
		"rectification r0 reminder-1 02-24 09:00",
		"rectification r0 supervise 02-26 00:00",
		"rectification r0 summon 03-01 00:00",
	}, l.steps())
	require.Equal(t, []string{
		"rectification→rsj", "reminder→rsj", "reminder→rsj", "reminder→rsj", "escalation→rsj",
		"escalation→rsj", "escalation→fzb", "rectification→fzb", "rectification→rsj",
	}, l.notified())
	require.Equal(t, 2, supervised.Level)
	require.True(t, supervised.FinalDue.Equal(endOf(time.February, 28)))
	require.Equal(t, "等待责任单位开始整改并报告进展；已逾期并督办，最后期限2026年2月28日", supervised.Waiting)
	row := l.item(lcCycle, "2025-d2")
	require.Equal(t, 3, row.Level)
	require.True(t, row.FinalDue.Equal(endOf(time.February, 28)))
	require.Equal(t, string(wire.RectClosed), row.Status)

	var actions []string
	require.NoError(t, l.db.Model(&models.AuditEvent{}).Order("seq").Pluck("action", &actions).Error)
	require.Equal(t, []string{"rect.opened", "rect.reminder", "rect.reminder", "rect.reminder", "rect.supervised",
		"rect.summoned", "rect.closure_requested", "rect.closed"}, actions)
}

func TestRectOngoingThroughTwoCheckIns(t *testing.T) {
	l := newLifecycle(t)
	// Opened 2026年2月2日 with the default settings: a check-in each quarter,
	// reminders 5 and 1 working days before it. Check-in 1 closes with the
	// period ending 5月1日, a Labour Day holiday: due 4月30日.
	l.newEnv(at(time.February, 2, 9, 0))
	in := officeItem("2025-d3", wire.RectFields{Description: "行政争议数量仍在高位运行", Category: wire.RectOngoing})
	first := l.progress(at(time.April, 27, 10, 0), "一季度开展诉前化解12件", clerk)
	// A second note in the same quarter completes nothing more.
	extra := l.progress(at(time.April, 28, 10, 0), "补充化解台账", clerk)
	second := l.progress(at(time.July, 28, 10, 0), "二季度化解15件", clerk)
	later := l.query(at(time.August, 1, 10, 0))
	l.closeCycleAt(at(time.August, 10, 10, 0))
	l.runItem(in)

	requireDone(t, first, extra, second)
	// Check-in 2 closes with the period ending 8月1日, a Saturday: 7月31日.
	s1 := first.value.(wire.RectState)
	require.Equal(t, 2, s1.CheckIn)
	require.True(t, s1.Due.Equal(endOf(time.July, 31)), "check-in 2 due %s", s1.Due.In(cst))
	require.Equal(t, 2, extra.value.(wire.RectState).CheckIn)
	// Check-in 3: the period ending 11月1日, a Sunday: 10月30日.
	s2 := second.value.(wire.RectState)
	require.Equal(t, 3, s2.CheckIn)
	require.True(t, s2.Due.Equal(endOf(time.October, 30)), "check-in 3 due %s", s2.Due.In(cst))
	require.Equal(t, "长期坚持事项，等待责任单位定期报告整改进展；第3次阶段性进展报告截止2026年10月30日", later.Waiting)
	// Each check-in had its own reminders, sent until the bureau reported.
	require.Equal(t, []string{
		"rectification r1 reminder-5 04-23 09:00",
		"rectification r2 reminder-5 07-24 09:00",
	}, l.steps())
	row := l.item(lcCycle, "2025-d3")
	require.Equal(t, string(wire.RectCarriedOver), row.Status)
	require.Equal(t, 3, row.CheckIn)
	require.Zero(t, row.Level)
}

func TestRectCarriesOverWithItsHistory(t *testing.T) {
	l := newLifecycle(t)
	l.rectSettings()
	in := officeItem("2025-d4", wire.RectFields{Description: "执法记录仪使用不普遍", Measures: "落实执法记录仪使用制度",
		Department: "劳动保障监察大队", Person: "陈某", Category: wire.RectDeadline, Due: wire.DueSetting{Date: "2026-03-31"}})
	work := l.progress(at(time.March, 10, 10, 0), "已配发执法记录仪20台", clerk, l.evidence("配发清单.pdf")...)
	l.closeCycleAt(at(time.April, 15, 10, 0))
	late := l.progress(at(time.April, 15, 11, 0), "关闭后的进展", clerk)
	l.runItem(in)
	requireDone(t, work)
	require.False(t, late.done, "the workflow ended with the carry")

	// The 2025 cycle closed with the item escalated and no 2026 cycle yet:
	// the item waits.
	require.Equal(t, string(wire.RectCarriedOver), l.item(lcCycle, "2025-d4").Status)
	require.Equal(t, 3, l.item(lcCycle, "2025-d4").Level)
	var carry models.RectCarry
	require.NoError(t, l.db.Take(&carry).Error)
	require.Empty(t, carry.AdoptedBy)
	require.Empty(t, l.startedItems())

	// The 2026 cycle launches in January 2027: the bureau workflow's
	// notified stage adopts the item.
	const next = "2026-lifecy"
	l.nextCycle(next, models.CycleOpen)
	l.newEnv(time.Date(2027, time.January, 18, 9, 0, 0, 0, cst))
	l.closeCycleAt(time.Date(2027, time.January, 18, 10, 0, 0, 0, cst))
	l.env.ExecuteWorkflow(wire.BureauWorkflow, wire.BureauInput{CycleID: next, OrgCode: lcOrg, Year: 2026})
	require.NoError(t, l.env.GetWorkflowError())
	started := l.startedItems()
	require.Len(t, started, 1)
	require.Equal(t, &wire.RectCarry{FromCycleID: lcCycle, OriginCycleID: lcCycle}, started[0].Carry)
	require.NoError(t, l.db.Take(&carry).Error)
	require.Equal(t, next, carry.AdoptedBy)

	// The item's workflow in 2026: it was escalated to 约谈 already, so
	// nothing is sent again; the bureau finishes and the office closes it.
	l.newEnv(time.Date(2027, time.January, 18, 9, 30, 0, 0, cst))
	asked := l.on(time.Date(2027, time.January, 25, 10, 0, 0, 0, cst), wire.UpdateRectRequestClosure,
		wire.RectProgress{Note: "全部执法人员已配备并使用", Evidence: l.evidence("使用台账.pdf"), By: clerk})
	closed := l.on(time.Date(2027, time.January, 26, 10, 0, 0, 0, cst), wire.UpdateRectVerify,
		wire.RectVerification{Close: true, By: reviewer})
	l.runItem(started[0])
	requireDone(t, asked, closed)

	row := l.item(next, "2025-d4")
	require.Equal(t, "2025-d4", row.ItemID)
	require.Equal(t, "office", row.Source)
	require.Equal(t, "某法督〔2026〕2号", row.SourceRef)
	require.Equal(t, lcCycle, row.CarriedFrom)
	require.Equal(t, lcCycle, row.OriginCycleID)
	require.Equal(t, "执法记录仪使用不普遍", row.Description)
	require.Equal(t, "劳动保障监察大队", row.Department)
	require.True(t, row.Due.Equal(endOf(time.March, 31)))
	require.Equal(t, string(wire.RectClosed), row.Status)
	require.Equal(t, 2, row.Evidence)
	require.Equal(t, []string{
		lcCycle + " progress: 已配发执法记录仪20台",
		lcCycle + " carried_over: 《2025年度法治政府建设情况报告》已关闭，该事项尚未销号（整改中），结转至下一年度继续整改",
		next + " closure_requested: 全部执法人员已配备并使用",
		next + " closed: 经核验，整改到位，同意销号",
	}, l.history("2025-d4"))
	// 3月31日's steps went out in 2025 (督办 4月1日, final deadline 4月3日,
	// 约谈 4月4日) and none in 2026.
	require.Equal(t, []string{
		"rectification r0 reminder-5 03-24 09:00",
		"rectification r0 reminder-2 03-27 09:00",
		"rectification r0 reminder-1 03-30 09:00",
		"rectification r0 supervise 04-01 00:00",
		"rectification r0 summon 04-04 00:00",
	}, l.steps())
}

func TestRectCarriesIntoARunningCycleAtOnce(t *testing.T) {
	l := newLifecycle(t)
	const next = "2026-lifecy"
	l.nextCycle(next, models.CycleOpen)
	in := officeItem("2025-d5", wire.RectFields{Description: "政务公开栏目更新不及时", Category: wire.RectImmediate})
	asked := l.requestClosure(at(time.January, 22, 10, 0), "已更新", l.evidence("截图.pdf")...)
	l.closeCycleAt(at(time.January, 23, 10, 0))
	l.runItem(in)
	requireDone(t, asked)

	started := l.startedItems()
	require.Len(t, started, 1)
	require.Equal(t, next, started[0].CycleID)
	var carry models.RectCarry
	require.NoError(t, l.db.Take(&carry).Error)
	require.Equal(t, next, carry.AdoptedBy)

	// The closure request still waits for the office in the new cycle.
	l.newEnv(at(time.January, 23, 10, 1))
	waiting := l.query(at(time.January, 23, 11, 0))
	closed := l.verify(at(time.January, 26, 10, 0), true, "", reviewer)
	l.runItem(started[0])
	requireDone(t, closed)
	require.Equal(t, wire.RectClosureRequested, waiting.Status)
	require.Equal(t, string(wire.RectClosed), l.item(next, "2025-d5").Status)
}

func TestRectItemsFromAnApprovedReturn(t *testing.T) {
	l := newLifecycle(t)
	parsed, err := json.Marshal(excelreturn.Result{Return: &excelreturn.Return{Problems: []excelreturn.Problem{
		{Row: 3, Description: "行政复议纠错率偏高", Cause: "执法程序不规范", Measures: "开展案卷评查", Department: "法规科",
			Person: "王某", Due: "2026-06-30", Category: "限期整改"},
		{Row: 4, Description: "普法宣传形式单一", Measures: "运用新媒体", Category: "立行立改"},
	}}})
	require.NoError(t, err)
	l.returnSHA, err = filestore.Put(l.db, parsed, "application/json")
	require.NoError(t, err)
	sub := l.submit(at(time.February, 12, 10, 0), 1)
	approve := l.review(at(time.February, 13, 10, 0), 1, wire.ReviewApprove)
	l.closeCycleAt(at(time.February, 13, 11, 0))
	l.run()
	requireDone(t, sub, approve)

	started := l.startedItems()
	require.Len(t, started, 2)
	require.Equal(t, []string{"2025-r1-3", "2025-r1-4"}, []string{started[0].ItemID, started[1].ItemID})

	// The 立行立改 row, opened when approved on 2月13日, is due 10 working
	// days later: 2月14日 (make-up), 24日–28日, 3月2日–5日.
	l.newEnv(at(time.February, 13, 10, 0))
	opened := l.on(at(time.February, 13, 10, 0), wire.UpdateRectOpen, nil)
	l.closeCycleAt(at(time.February, 16, 10, 0))
	l.runItem(started[1])
	requireDone(t, opened)
	require.Equal(t, wire.RectOpen, opened.value.(wire.RectState).Status, "the office's update-with-start answer")
	row := l.item(lcCycle, "2025-r1-4")
	require.Equal(t, "return", row.Source)
	require.Equal(t, "第1版存在问题第4行", row.SourceRef)
	require.Equal(t, "普法宣传形式单一", row.Description)
	require.Equal(t, "运用新媒体", row.Measures)
	require.Equal(t, string(wire.RectImmediate), row.Category)
	require.True(t, row.Due.Equal(endOf(time.March, 5)), "due %s", row.Due.In(cst))
	require.Equal(t, "fzb-reviewer", row.CreatedBy)
}

func TestRectContinuedRunKeepsItsState(t *testing.T) {
	l := newLifecycle(t)
	l.rectSettings()
	in := officeItem("2025-d6", wire.RectFields{Description: "规范性文件备案不及时", Category: wire.RectDeadline,
		Due: wire.DueSetting{Date: "2026-02-25"}})
	opened, err := l.acts.RecordRectOpen(t.Context(), in)
	require.NoError(t, err)
	// A run continued as new after sending reminder-5 (2月11日): it does
	// not open the item again nor send that reminder twice.
	l.newEnv(at(time.February, 12, 9, 0))
	sent := wire.RectStepKey(lcCycle, lcOrg, "2025-d6", 0, endOf(time.February, 25), wire.ReminderStep(5))
	in.State = &wire.RectRunState{Status: wire.RectOpen, Seq: 0, Sent: []string{sent}, Item: opened}
	asked := l.requestClosure(at(time.February, 24, 10, 0), "已补报备案", l.evidence("备案回执.pdf")...)
	closed := l.verify(at(time.February, 25, 10, 0), true, "", reviewer)
	l.runItem(in)
	requireDone(t, asked, closed)
	require.Equal(t, []string{
		"rectification r0 reminder-2 02-14 09:00",
		"rectification r0 reminder-1 02-24 09:00",
	}, l.steps())
	var opens int64
	require.NoError(t, l.db.Model(&models.AuditEvent{}).Where("action = ?", "rect.opened").Count(&opens).Error)
	require.Equal(t, int64(1), opens)
}
