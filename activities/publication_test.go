package activities_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/lawcycle/lawcycle/activities"
	"github.com/lawcycle/lawcycle/models"
	"github.com/lawcycle/lawcycle/wire"
)

func publication(org string, seq int64, at time.Time, indexNo string) wire.PublicationRecord {
	return wire.PublicationRecord{CycleID: cycleID, OrgCode: org, Due: publicationDue, Seq: seq, At: at,
		Request: wire.PublishRequest{URL: "https://www.example.gov.cn/art/2026/3/20/art_1.html", IndexNo: indexNo,
			IssuedOn: "2026-03-18", Publisher: "某县人民政府", Method: "政府网站",
			SecrecyReviewed: true, LeaderApproved: true, By: bureauUser}}
}

func TestRecordPublication(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		for _, org := range []string{"rsj", "scj", "sfj"} {
			f.submit(org, 1, 1)
			f.update(org, map[string]any{"stage": wire.StageAwaitingPublication, "stage_seq": 5})
		}
		f.setFlags("rsj", activities.FlagOverdue, activities.FlagExtended)

		// Not approved yet: refused.
		_, err := f.acts.RecordPublication(t.Context(), publication("rsj", 6, cst(time.March, 20, 10, 0), ""))
		requireRefused(t, err, "某县人力资源和社会保障局的报送尚未审核通过")
		for _, org := range []string{"rsj", "scj", "sfj"} {
			f.approve(org, 1)
		}

		// Generated from the credit code, continuing the series.
		require.NoError(t, f.db.Create(&models.IndexSerial{Prefix: creditCode + "/2026", Last: 11}).Error)
		rec := publication("rsj", 6, cst(time.March, 20, 10, 0), "")
		res, err := f.acts.RecordPublication(t.Context(), rec)
		require.NoError(t, err)
		require.Equal(t, wire.PublishResult{IndexNo: creditCode + "/2026-00012", Stage: wire.StageCompleted,
			PublishedAt: cst(time.March, 20, 10, 0).UTC()}, res)
		again, err := f.acts.RecordPublication(t.Context(), rec)
		require.NoError(t, err)
		require.Equal(t, res, again)
		var serial models.IndexSerial
		require.NoError(t, f.db.Take(&serial, "prefix = ?", creditCode+"/2026").Error)
		require.Equal(t, 12, serial.Last, "a retry takes no serial")

		p := f.participant("rsj")
		require.Equal(t, string(wire.StageCompleted), p.Stage)
		require.Equal(t, int64(6), p.StageSeq)
		require.Equal(t, []string{activities.FlagExtended}, f.flags("rsj"))
		var pub models.Publication
		require.NoError(t, f.db.Take(&pub, "org_code = ?", "rsj").Error)
		require.Equal(t, 1, pub.Version)
		require.False(t, pub.Late)
		require.Equal(t, "2026-03-18", pub.IssuedOn)
		require.Equal(t, []string{"publication.recorded"}, f.actions())
		ev := f.lastEvent()
		require.Equal(t, "李填报", ev.ActorName)
		require.Equal(t, cycleID+"/rsj", ev.TargetID)

		// sfj entered its number by hand, taking the first of scj's
		// series; scj's generated number skips it. scj publishes late.
		_, err = f.acts.RecordPublication(t.Context(), publication("sfj", 6, cst(time.March, 21, 10, 0), " scj/2026-00001 "))
		require.NoError(t, err)
		res, err = f.acts.RecordPublication(t.Context(), publication("scj", 6, cst(time.April, 2, 10, 0), ""))
		require.NoError(t, err)
		require.Equal(t, "scj/2026-00002", res.IndexNo)
		require.True(t, res.Late)
		require.Equal(t, []string{activities.FlagPublishedLate}, f.flags("scj"))
	})
}

func TestRecordPublicationRefusals(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		f.publish("rsj", cst(time.March, 20, 10, 0), "XZ-2026-1")
		f.submit("scj", 1, 1)
		f.approve("scj", 1)
		_, err := f.acts.RecordPublication(t.Context(), publication("scj", 6, cst(time.March, 20, 10, 0), "XZ-2026-1"))
		requireRefused(t, err, "索引号“XZ-2026-1”已被其他公开记录使用")

		rec := publication("scj", 6, cst(time.March, 20, 10, 0), "")
		rec.Request.SecrecyReviewed = false
		_, err = f.acts.RecordPublication(t.Context(), rec)
		requireRefused(t, err, "公开前须完成保密审查并经主要负责人审定")
		rec = publication("scj", 6, cst(time.March, 20, 10, 0), "")
		rec.Request.IssuedOn = "2026/03/18"
		_, err = f.acts.RecordPublication(t.Context(), rec)
		requireRefused(t, err, "成文日期")
		require.Equal(t, int64(1), f.count(&models.Publication{}))
		require.Equal(t, string(wire.StageAwaitingSubmission), f.participant("scj").Stage)
	})
}
