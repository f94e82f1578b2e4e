package activities_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/lawcycle/lawcycle/models"
	"github.com/lawcycle/lawcycle/notify"
	"github.com/lawcycle/lawcycle/wire"
)

func TestRecordRectOpen(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		// Opened Tuesday 2月10日. A 立行立改 item without a date is due 10
		// working days later, the Spring Festival not counted and both
		// make-up Saturdays (2月14日, 2月28日) counted: 3月2日.
		st := f.openItem("2025-d1", wire.RectFields{Description: "行政执法案卷评查发现3件案卷文书不规范",
			Measures: "组织执法人员专题培训，逐件整改", Department: "法规科", Person: "王某", Category: wire.RectImmediate})
		require.Equal(t, wire.RectState{CycleID: cycleID, OrgCode: "rsj", ItemID: "2025-d1", Status: wire.RectOpen,
			Category: wire.RectImmediate, Due: endOf(time.March, 2).UTC()}, st)

		// 限期整改 keeps the date given (a rest day too).
		st = f.openItem("2025-d2", wire.RectFields{Description: "重大行政决策目录未按时公布", Category: wire.RectDeadline,
			Due: wire.DueSetting{Date: "2026-06-30"}})
		require.True(t, st.Due.Equal(endOf(time.June, 30)))

		// 长期坚持: check-in 1 closes the first quarter after opening, on its
		// last working day: 5月9日 is the Labour Day make-up Saturday.
		st = f.openItem("2025-d3", wire.RectFields{Description: "行政争议数量仍在高位运行", Category: wire.RectOngoing,
			Due: wire.DueSetting{Date: "2026-12-31"}})
		require.Equal(t, 1, st.CheckIn)
		require.True(t, st.Due.Equal(endOf(time.May, 9)), "check-in 1 due %s", st.Due)

		// Opening again (a retried activity, a second start) finds the row.
		again := f.openItem("2025-d1", wire.RectFields{Description: "另一段描述", Category: wire.RectOngoing})
		require.Equal(t, wire.RectImmediate, again.Category)
		require.Equal(t, int64(3), f.count(&models.RectItem{}))

		row := f.rectItem(cycleID, "2025-d1")
		require.Equal(t, 1, row.Serial)
		require.Equal(t, "office", row.Source)
		require.Equal(t, "某法督〔2026〕3号", row.SourceRef)
		require.Equal(t, cycleID, row.OriginCycleID)
		require.Empty(t, row.CarriedFrom)
		require.Equal(t, "法规科", row.Department)
		require.Equal(t, "王某", row.Person)
		require.Equal(t, "张审核", row.CreatedBy)
		require.Equal(t, f.orgs["rsj"].ID, row.OrgID)
		require.Equal(t, 3, f.rectItem(cycleID, "2025-d3").Serial)

		inbox := f.inbox("rsj")
		require.Len(t, inbox, 3)
		require.Equal(t, string(notify.KindRectification), inbox[0].Kind)
		require.Equal(t, "【整改】"+cycleTitle+"：新增整改事项「行政执法案卷评查发现3件案卷文书不规范」", inbox[0].Subject)
		require.Contains(t, inbox[0].Body, "问题来源：督察交办（某法督〔2026〕3号）")
		require.Contains(t, inbox[0].Body, "整改时限：2026年3月2日（星期一）")
		require.Equal(t, "/cycles/"+cycleID+"/bureaus/rsj/rectifications/2025-d1", inbox[0].Link)
		require.Contains(t, inbox[2].Body, "长期坚持，每3个月报告一次整改进展，第1次报告截止2026年5月9日（星期六）")
		require.Equal(t, []string{"rect.opened", "rect.opened", "rect.opened"}, f.actions())
		ev := f.lastEvent()
		require.Equal(t, "rect_item", ev.TargetType)
		require.Equal(t, cycleID+"/rsj/rect/2025-d3", ev.TargetID)
		require.Equal(t, "张审核", ev.ActorName)
	})
}

func TestRecordRectOpenRefusals(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		open := func(itemID string, fields wire.RectFields) error {
			_, err := f.acts.RecordRectOpen(t.Context(), wire.RectInput{CycleID: cycleID, OrgCode: "rsj", ItemID: itemID,
				Spec: wire.RectSpec{Source: wire.RectFromOffice, Fields: fields, By: reviewer}})
			return err
		}
		requireRefused(t, open("2025-d1", wire.RectFields{Description: "案卷不规范", Category: wire.RectDeadline}),
			"限期整改事项须填写整改时限")
		requireRefused(t, open("2025-d1", wire.RectFields{Description: " ", Category: wire.RectImmediate}), "请填写问题描述")
		requireRefused(t, open("2025-d1", wire.RectFields{Description: "案卷不规范", Category: "soon"}), "整改类别“soon”无效")
		requireRefused(t, open("2025-d1", wire.RectFields{Description: "案卷不规范", Category: wire.RectDeadline,
			Due: wire.DueSetting{Date: "2026-02-30"}}), "2026-02-30")
		_, err := f.acts.RecordRectOpen(t.Context(), wire.RectInput{CycleID: cycleID, OrgCode: "nosuch", ItemID: "2025-d1",
			Spec: wire.RectSpec{Source: wire.RectFromOffice, Fields: wire.RectFields{Description: "x", Category: wire.RectImmediate}}})
		requireFinal(t, err, "ParticipantNotFound")
		require.Equal(t, int64(0), f.count(&models.RectItem{}))
		require.Empty(t, f.actions())
		require.Empty(t, f.notifications())
	})
}
