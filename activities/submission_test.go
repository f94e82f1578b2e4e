package activities_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/lawcycle/lawcycle/activities"
	"github.com/lawcycle/lawcycle/excelreturn"
	"github.com/lawcycle/lawcycle/models"
	"github.com/lawcycle/lawcycle/notify"
	"github.com/lawcycle/lawcycle/wire"
)

func TestRecordSubmissionFlags(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		parsed, err := json.Marshal(excelreturn.Result{Return: &excelreturn.Return{}})
		require.NoError(t, err)
		require.NoError(t, f.db.Create(&models.Blob{SHA256: "parsed", Size: int64(len(parsed)), ContentType: "application/json", Data: parsed}).Error)
		submit := func(org string, seq int64, at time.Time, warnings int) {
			t.Helper()
			_, err := f.acts.RecordSubmission(t.Context(), wire.SubmissionRecord{CycleID: cycleID, OrgCode: org, Seq: seq, At: at,
				Request: wire.SubmitRequest{Round: 1, FileSHA: "file", FileName: "return.xlsx", ReturnSHA: "parsed",
					Catalogue: "general@2025.1", WarningCount: warnings, By: bureauUser}})
			require.NoError(t, err)
		}

		// Late, with warnings: overdue and escalated go, other flags stay.
		f.setFlags("rsj", activities.FlagOverdue, activities.FlagExtended, activities.FlagEscalated)
		submit("rsj", 3, cst(time.March, 4, 10, 0), 2)
		require.Equal(t, []string{activities.FlagExtended, activities.FlagWarnings, activities.FlagLateSubmission}, f.flags("rsj"))
		require.Equal(t, string(wire.StageUnderReview), f.participant("rsj").Stage)

		// On time, without warnings: the warnings flag goes.
		f.setFlags("scj", activities.FlagWarnings)
		submit("scj", 3, cst(time.March, 2, 23, 0), 0)
		require.Empty(t, f.flags("scj"))
	})
}

func TestRecordStageNotifiesNotice(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		f.update("rsj", map[string]any{"stage": wire.StagePending, "stage_seq": 0})
		require.NoError(t, f.db.Create(&models.Notice{CycleID: cycleID, OfficeID: f.office.ID, DocNo: "法治办〔2026〕1号",
			Title: "关于报送2025年度法治政府建设情况报告的通知", Body: "……", SubmissionDue: submissionDue.UTC(),
			PublicationDue: publicationDue.UTC(), IssuedAt: cst(time.February, 2, 9, 0)}).Error)

		change := wire.StageChange{CycleID: cycleID, OrgCode: "rsj", Stage: wire.StageNotified, Seq: 1, At: cst(time.February, 2, 9, 0)}
		_, err := f.acts.RecordStage(t.Context(), change)
		require.NoError(t, err)
		_, err = f.acts.RecordStage(t.Context(), change)
		require.NoError(t, err)
		inbox := f.inbox("rsj")
		require.Len(t, inbox, 1)
		require.Equal(t, string(notify.KindNotice), inbox[0].Kind)
		require.Equal(t, wire.BureauWorkflowID(cycleID, "rsj")+"/notice", inbox[0].IdempotencyKey)
		require.Equal(t, "【通知】关于报送2025年度法治政府建设情况报告的通知（法治办〔2026〕1号）", inbox[0].Subject)
		require.Contains(t, inbox[0].Body, "请于2026年3月2日（星期一）前报送")
		require.Contains(t, inbox[0].Body, "请于2026年3月31日（星期二）前向社会公开")

		_, err = f.acts.RecordStage(t.Context(), wire.StageChange{CycleID: cycleID, OrgCode: "rsj",
			Stage: wire.StageAwaitingSubmission, Round: 1, Seq: 2, At: change.At})
		require.NoError(t, err)
		require.Len(t, f.notifications(), 1)
	})
}
