package web_test

import (
	"fmt"
	"time"

	"github.com/stretchr/testify/require"

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

// seedRectItem stores an item of org, due in a month, with one progress
// note carrying one PDF; edits change the item before it is stored. No
// workflow runs for it: actions the service lets through would reach the
// Temporal stand-in, which does not handle them, so tests only send what
// the service refuses first.
func (e *env) seedRectItem(cycleID, org string, status wire.RectStatus, edits ...func(*models.RectItem)) seededRect {
	t := e.t
	t.Helper()
	var bureau models.Organisation
	require.NoError(t, e.db.Take(&bureau, "code = ?", org).Error)
	var n int64
	require.NoError(t, e.db.Model(&models.RectItem{}).Where("cycle_id = ?", cycleID).Count(&n).Error)
	now := e.clock.Now().UTC().Truncate(time.Second)
	due := now.Add(30 * 24 * time.Hour)
	item := models.RectItem{CycleID: cycleID, OrgCode: org, ItemID: fmt.Sprintf("2025-o%d", n+1), OrgID: bureau.ID,
		Serial: int(n) + 1, Source: string(wire.RectFromOffice), SourceRef: "督察发现", OriginCycleID: cycleID,
		Description: "行政执法公示不及时", Measures: "修订公示制度", Department: "执法科", Person: "张三",
		Category: string(wire.RectDeadline), Due: &due, Status: string(status), Seq: 1, Evidence: 1, Progress: "已修订制度",
		CreatedBy: "lc-reviewer", CreatedAt: now, UpdatedAt: now}
	if status == wire.RectClosed {
		item.ClosedAt, item.ClosedBy = &now, "lc-reviewer"
	}
	for _, edit := range edits {
		edit(&item)
	}
	require.NoError(t, e.db.Create(&item).Error)
	data := filetest.PDF(cycleID + "/" + org + "/" + item.ItemID)
	sha, err := filestore.Put(e.db, data, filestore.TypePDF)
	require.NoError(t, err)
	note := models.RectNote{ItemRowID: item.ID, CycleID: item.CycleID, OrgCode: item.OrgCode, ItemID: item.ItemID, Seq: item.Seq,
		Kind: models.RectNoteProgress, Text: item.Progress, AuthorName: "lc-" + org, AuthorRole: models.RoleBureau, At: now}
	require.NoError(t, e.db.Create(&note).Error)
	require.NoError(t, e.db.Create(&models.RectEvidence{NoteID: note.ID, OrgCode: org, ItemID: item.ItemID, SHA: sha,
		Name: "整改报告.pdf", Size: int64(len(data)), ContentType: filestore.TypePDF}).Error)
	return seededRect{RectItem: item, sha: sha}
}
