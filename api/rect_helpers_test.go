package api_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/lawcycle/lawcycle/internal/apitest"
	"github.com/lawcycle/lawcycle/models"
	"github.com/lawcycle/lawcycle/wire"
)

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
func seedRectItem(t *testing.T, db *gorm.DB, cycleID, org string, status wire.RectStatus, edits ...func(*models.RectItem)) apitest.SeededRect {
	t.Helper()
	comment := seedComment(t, db, cycleID, org, "行政执法公示不及时")
	return apitest.SeedRectItem(t, db, time.Now(), models.RectItem{CycleID: cycleID, OrgCode: org, Status: string(status),
		ItemID: fmt.Sprintf("2025-f%d", comment.ID), Source: string(wire.RectFromFinding), SourceRef: "第1版审核意见第1条",
		CommentID: &comment.ID, Description: comment.Message}, edits...)
}

// rectPath is the path of an item of rsj in the lifecycle's cycle.
func (e *lifecycle) rectPath(item string) string { return e.rsj + "/rectifications/" + item }
