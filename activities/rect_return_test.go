package activities_test

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/lawcycle/lawcycle/calendar"
	"github.com/lawcycle/lawcycle/catalogue"
	"github.com/lawcycle/lawcycle/excelreturn"
	"github.com/lawcycle/lawcycle/internal/filestore"
	"github.com/lawcycle/lawcycle/internal/returntest"
	"github.com/lawcycle/lawcycle/models"
	"github.com/lawcycle/lawcycle/wire"
)

// submitProblems stores rsj's version 1 with these 存在问题 rows, under
// review.
func (f *fixture) submitProblems(problems []excelreturn.Problem) {
	f.t.Helper()
	data, err := json.Marshal(problems)
	require.NoError(f.t, err)
	require.NoError(f.t, f.db.Create(&models.Submission{CycleID: cycleID, OrgCode: "rsj", Version: 1, Round: 1,
		FileSHA: "f", FileName: "return.xlsx", ReturnSHA: "r", Catalogue: "general@2025.1",
		Values: "{}", Explanations: "{}", Info: "{}", Problems: string(data), Plans: "[]", Warnings: "[]",
		SubmittedAt: cst(time.February, 9, 10, 0)}).Error)
	f.update("rsj", map[string]any{"stage": wire.StageUnderReview, "stage_seq": 3})
}

func TestApprovalStartsAnItemPerProblemRow(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		f.submitProblems([]excelreturn.Problem{
			{Row: 3, Description: "行政复议纠错率偏高", Cause: "执法程序不规范", Measures: "开展案卷评查", Department: "法规科",
				Person: "王某", Due: "2026-06-30", Category: "限期整改"},
			{Row: 4, Description: "普法宣传形式单一", Measures: "运用新媒体", Category: "立行立改"},
			{Row: 5, Description: "行政争议高位运行", Category: "长期坚持", Due: "2026-12-31"},
		})
		approve := wire.ReviewRecord{CycleID: cycleID, OrgCode: "rsj", Round: 1, Seq: 4, At: cst(time.February, 12, 10, 0),
			Request: wire.ReviewRequest{Version: 1, Decision: wire.ReviewApprove, By: reviewer}}

		// Without a client the items cannot start: the activity fails (and
		// is retried), the review itself stays recorded once.
		_, err := f.acts.RecordReview(t.Context(), approve)
		requireFinal(t, err, "NoTemporalClient")
		require.Equal(t, int64(1), f.count(&models.Review{}))

		starts := f.recordStarts()
		_, err = f.acts.RecordReview(t.Context(), approve)
		require.NoError(t, err)
		started := starts.started()
		require.Len(t, started, 3)
		require.Equal(t, wire.RectInput{CycleID: cycleID, OrgCode: "rsj", ItemID: "2025-r1-3", Spec: wire.RectSpec{
			Source: wire.RectFromReturn, SourceRef: "第1版存在问题第3行", By: reviewer,
			Fields: wire.RectFields{Description: "行政复议纠错率偏高", Cause: "执法程序不规范", Measures: "开展案卷评查",
				Department: "法规科", Person: "王某", Category: wire.RectDeadline, Due: wire.DueSetting{Date: "2026-06-30"}},
		}}, started[0])
		require.Equal(t, "2025-r1-4", started[1].ItemID)
		require.Equal(t, wire.RectImmediate, started[1].Spec.Fields.Category)
		require.True(t, started[1].Spec.Fields.Due.IsZero())
		require.Equal(t, wire.RectOngoing, started[2].Spec.Fields.Category)
		require.True(t, started[2].Spec.Fields.Due.IsZero(), "a 长期坚持 item has check-ins, not a date")

		// A second approval attempt starts the same IDs again, which the
		// server answers with the runs that have them. The items run on
		// the task queue of the worker that ran the activity.
		require.NoError(t, f.viaTemporal(f.acts.RecordReview, approve))
		require.Len(t, starts.started(), 6)
		require.Equal(t, started, starts.started()[3:])
		require.Equal(t, []string{wire.TaskQueue, wire.TaskQueue, wire.TaskQueue,
			"default-test-taskqueue", "default-test-taskqueue", "default-test-taskqueue"}, starts.queues())

		// A returned version starts nothing.
		f.submit("scj", 1, 1)
		_, err = f.acts.RecordReview(t.Context(), wire.ReviewRecord{CycleID: cycleID, OrgCode: "scj", Round: 1, Seq: 4,
			At: cst(time.February, 12, 10, 0), Request: wire.ReviewRequest{Version: 1, Decision: wire.ReviewReturn, By: reviewer,
				Comments: []wire.ReviewComment{{Message: "请补充存在问题"}}}})
		require.NoError(t, err)
		require.Len(t, starts.started(), 6)
	})
}

// The four problems of 临海市人力资源和社会保障局's 2021 report (part 二,
// 存在的不足和原因), typed into the 存在问题 sheet of its 2021 return,
// become four ledger items when the return is approved. The report gives
// a cause for the second and measures for the others; the categories and
// dates are the bureau's plan.
func TestLinhai2021ProblemsBecomeItems(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		problems := [][]any{
			{1, "执法意识有待进一步提高。执法过程中存在重实体轻程序、“先处罚后调查”等现象，执法记录仪运用还不够普遍。", "",
				"加大对执法人员的培训力度，积极落实执法记录仪使用制度。", "", "", "", "立行立改"},
			{2, "执法过程中对证据的认定不够严谨。", "工作人员在执法过程中存在“贪省力”的现象，调查不够细致、全面，造成对违法事实的认定不够严谨，说理不够充分，存在就轻处理的现象。",
				"", "", "", "2022年6月30日", "限期整改"},
			{3, "行政争议数量仍在高位运行。近年行政争议（行政复议和行政诉讼）案件都在10件左右，接近台州市考核要求的高限（年度复议、诉讼各5件）。", "",
				"加大防范和处置力度，做到依法行政，不疏忽执法过程中的每一个细小环节，努力降低行政争议发生数，杜绝行政争议错案（被撤销或败诉）的发生。", "", "", "", "长期坚持"},
			{4, "法治政府建设宣传工作有待深化。", "",
				"依据“谁执法谁普法”的要求，进一步落实宣传责任，充分利用互联网、微信、抖音等新媒体，通过“以案说法”、知识问答等形式创新宣传方式，加强同有关新闻媒体的联系，扩大影响力，提高宣传效果，同时注重相关资料的积累。",
				"", "", "2022-12-31", "限期整改"},
		}
		lh := linhaiCycle(t, f)
		sha := lh.parsedReturn(problems)
		_, err := f.acts.RecordSubmission(t.Context(), wire.SubmissionRecord{CycleID: lh.cycle, OrgCode: lh.org, Seq: 3,
			At:      time.Date(2022, time.February, 25, 10, 0, 0, 0, cstZone),
			Request: wire.SubmitRequest{Round: 1, FileSHA: "file", FileName: "2021年度报表.xlsx", ReturnSHA: sha, Catalogue: lh.catalogue}})
		require.NoError(t, err)

		// Approved Thursday 2022年3月10日.
		starts := f.recordStarts()
		approvedAt := time.Date(2022, time.March, 10, 10, 0, 0, 0, cstZone)
		f.clock.Set(approvedAt)
		_, err = f.acts.RecordReview(t.Context(), wire.ReviewRecord{CycleID: lh.cycle, OrgCode: lh.org, Round: 1, Seq: 4, At: approvedAt,
			Request: wire.ReviewRequest{Version: 1, Decision: wire.ReviewApprove, By: reviewer}})
		require.NoError(t, err)
		started := starts.started()
		require.Len(t, started, 4)
		var ids []string
		for _, in := range started {
			ids = append(ids, in.ItemID)
			require.Equal(t, wire.RectFromReturn, in.Spec.Source)
			_, err := f.acts.RecordRectOpen(t.Context(), in)
			require.NoError(t, err)
		}
		require.Equal(t, []string{"2021-r1-3", "2021-r1-4", "2021-r1-5", "2021-r1-6"}, ids)

		var rows []models.RectItem
		require.NoError(t, f.db.Where("cycle_id = ?", lh.cycle).Order("serial").Find(&rows).Error)
		require.Len(t, rows, 4)
		type item struct {
			Serial                                  int
			SourceRef, Description, Cause, Measures string
			Category, Due                           string
			CheckIn                                 int
		}
		got := make([]item, len(rows))
		for i, r := range rows {
			got[i] = item{r.Serial, r.SourceRef, r.Description, r.Cause, r.Measures, r.Category,
				calendar.DateOf(*r.Due).String(), r.CheckIn}
			require.Equal(t, "return", r.Source)
			require.Equal(t, string(wire.RectOpen), r.Status)
			require.Equal(t, lh.cycle, r.OriginCycleID)
		}
		cell := func(row, col int) string { return problems[row][col].(string) }
		require.Equal(t, []item{
			// 立行立改 without a date: 10 working days after 3月10日.
			{1, "第1版存在问题第3行", cell(0, 1), "", cell(0, 3), "immediate", "2022-03-24", 0},
			{2, "第1版存在问题第4行", cell(1, 1), cell(1, 2), "", "deadline", "2022-06-30", 0},
			// 长期坚持: the first quarter after 3月10日 ends 6月9日.
			{3, "第1版存在问题第5行", cell(2, 1), "", cell(2, 3), "ongoing", "2022-06-09", 1},
			{4, "第1版存在问题第6行", cell(3, 1), "", cell(3, 3), "deadline", "2022-12-31", 0},
		}, got)
	})
}

// linhai is 临海's office, bureau and 2021 cycle in the fixture's database.
type linhai struct {
	t                           *testing.T
	db                          *gorm.DB
	cat                         *catalogue.Catalogue
	cycle, org, name, catalogue string
}

func linhaiCycle(t *testing.T, f *fixture) linhai {
	t.Helper()
	cat, err := catalogue.Builtin().ComposeFor("hrss")
	require.NoError(t, err)
	lh := linhai{t: t, db: f.db, cat: cat, cycle: "2021-linhai", org: "lhrsj", name: "临海市人力资源和社会保障局", catalogue: cat.Label()}
	office := models.Organisation{Code: "lhfzb", Name: "中共临海市委全面依法治市委员会办公室", Kind: models.KindOffice}
	require.NoError(t, f.db.Create(&office).Error)
	bureau := models.Organisation{Code: lh.org, Name: lh.name, Kind: models.KindBureau, ParentID: &office.ID, Sector: "hrss"}
	require.NoError(t, f.db.Create(&bureau).Error)
	due := calendar.NewDate(2022, time.March, 1).EndOfDay().UTC()
	pub := calendar.NewDate(2022, time.March, 31).EndOfDay().UTC()
	require.NoError(t, f.db.Create(&models.Cycle{ID: lh.cycle, Year: 2021, Title: "临海市2021年度法治政府建设情况报告",
		OfficeID: office.ID, Status: models.CycleOpen, SubmissionDue: due, PublicationDue: pub, Catalogues: lh.catalogue}).Error)
	require.NoError(t, f.db.Create(&models.Participant{CycleID: lh.cycle, OrgCode: lh.org, OrgID: bureau.ID,
		Stage: string(wire.StageAwaitingSubmission), Round: 1, StageSeq: 2, SubmissionDue: due, PublicationDue: pub, Flags: []string{}}).Error)
	return lh
}

// parsedReturn fills the bureau's template with plausible values and the
// problems, parses it as the service does and stores the parsed return.
func (lh linhai) parsedReturn(problems [][]any) string {
	t := lh.t
	var tpl bytes.Buffer
	require.NoError(t, excelreturn.WriteTemplate(&tpl, excelreturn.TemplateInput{Catalogue: lh.cat, CycleID: lh.cycle,
		CycleYear: 2021, CycleTitle: "临海市2021年度法治政府建设情况报告", OrgCode: lh.org, OrgName: lh.name}))
	filled, err := returntest.Fill(tpl.Bytes(), returntest.Filled{Values: returntest.Plausible(lh.cat), Info: returntest.Info, Problems: problems})
	require.NoError(t, err)
	res, err := excelreturn.Parse(bytes.NewReader(filled), int64(len(filled)), excelreturn.Expect{CycleID: lh.cycle, CycleYear: 2021,
		OrgCode: lh.org, OrgName: lh.name, Catalogue: lh.cat, Limits: excelreturn.DefaultLimits()})
	require.NoError(t, err)
	require.Empty(t, res.Errors)
	require.Len(t, res.Return.Problems, 4)
	parsed, err := json.Marshal(res)
	require.NoError(t, err)
	sha, err := filestore.Put(lh.db, parsed, "application/json")
	require.NoError(t, err)
	return sha
}
