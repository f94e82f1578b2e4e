package api_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/lawcycle/lawcycle/internal/filestore"
	"github.com/lawcycle/lawcycle/internal/filetest"
	"github.com/lawcycle/lawcycle/models"
	"github.com/lawcycle/lawcycle/wire"
)

// seededRect is an item as its workflow's activities would have stored it,
// with the hash of its one evidence file.
type seededRect struct {
	models.RectItem
	sha string
}

// seedComment stores a comment of a review of org's version 1.
func seedComment(t *testing.T, db *gorm.DB, cycleID, org, message string) models.ReviewComment {
	t.Helper()
	rev := models.Review{CycleID: cycleID, OrgCode: org, Version: 1}
	require.NoError(t, db.Where(rev).Attrs(models.Review{Round: 1, Decision: "return", ReviewerName: "lc-reviewer", ReviewedAt: time.Now()}).
		FirstOrCreate(&rev).Error)
	var n int64
	require.NoError(t, db.Model(&models.ReviewComment{}).Where("review_id = ?", rev.ID).Count(&n).Error)
	c := models.ReviewComment{ReviewID: rev.ID, CycleID: cycleID, OrgCode: org, Version: 1, Position: int(n), Message: message}
	require.NoError(t, db.Create(&c).Error)
	return c
}

// seedRectItem stores an item of org made of a fresh review comment, due in
// a month, with one progress note carrying one PDF, written when the item
// was created; edits change the item before it is stored.
func seedRectItem(t *testing.T, db *gorm.DB, cycleID, org string, status wire.RectStatus, edits ...func(*models.RectItem)) seededRect {
	t.Helper()
	comment := seedComment(t, db, cycleID, org, "行政执法公示不及时")
	var bureau models.Organisation
	require.NoError(t, db.Take(&bureau, "code = ?", org).Error)
	var n int64
	require.NoError(t, db.Model(&models.RectItem{}).Where("cycle_id = ?", cycleID).Count(&n).Error)
	now := time.Now().UTC().Truncate(time.Second)
	due := now.Add(30 * 24 * time.Hour)
	item := models.RectItem{CycleID: cycleID, OrgCode: org, ItemID: fmt.Sprintf("2025-f%d", comment.ID), OrgID: bureau.ID,
		Serial: int(n) + 1, Source: string(wire.RectFromFinding), SourceRef: "第1版审核意见第1条", CommentID: &comment.ID,
		OriginCycleID: cycleID, Description: comment.Message, Measures: "修订公示制度", Department: "执法科", Person: "张三",
		Category: string(wire.RectDeadline), Due: &due, Status: string(status), Seq: 1, Evidence: 1, Progress: "已修订制度",
		CreatedBy: "lc-reviewer", CreatedAt: now, UpdatedAt: now}
	if status == wire.RectClosed {
		item.ClosedAt, item.ClosedBy = &now, "lc-reviewer"
	}
	for _, edit := range edits {
		edit(&item)
	}
	require.NoError(t, db.Create(&item).Error)
	data := filetest.PDF(cycleID + "/" + org + "/" + item.ItemID)
	sha, err := filestore.Put(db, data, filestore.TypePDF)
	require.NoError(t, err)
	note := seedRectNote(t, db, item, models.RectNoteProgress, "已修订制度", item.CreatedAt)
	require.NoError(t, db.Create(&models.RectEvidence{NoteID: note.ID, OrgCode: org, ItemID: item.ItemID, SHA: sha,
		Name: "整改报告.pdf", Size: int64(len(data)), ContentType: filestore.TypePDF}).Error)
	return seededRect{RectItem: item, sha: sha}
}

// seedRectNote stores one entry of an item's history.
func seedRectNote(t *testing.T, db *gorm.DB, item models.RectItem, kind, text string, at time.Time) models.RectNote {
	t.Helper()
	note := models.RectNote{ItemRowID: item.ID, CycleID: item.CycleID, OrgCode: item.OrgCode, ItemID: item.ItemID, Seq: item.Seq,
		Kind: kind, Text: text, AuthorName: "lc-" + item.OrgCode, AuthorRole: models.RoleBureau, At: at}
	require.NoError(t, db.Create(&note).Error)
	return note
}

// rectPath is the path of an item of rsj in the lifecycle's cycle.
func (e *lifecycle) rectPath(item string) string { return e.rsj + "/rectifications/" + item }
