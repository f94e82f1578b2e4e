package apitest

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/lawcycle/lawcycle/internal/filestore"
	"github.com/lawcycle/lawcycle/internal/filetest"
	"github.com/lawcycle/lawcycle/models"
	"github.com/lawcycle/lawcycle/rules"
	"github.com/lawcycle/lawcycle/wire"
)

// SeededRect is a rectification item as its workflow's activities would
// have stored it, with the hash of its one evidence file.
type SeededRect struct {
	models.RectItem
	SHA string
}

// SeedRectItem stores item of its organisation: due a month after now, with
// one progress note carrying one PDF, written at now; item names the
// cycle, organisation, status and where it came from, and the rest takes
// plausible values. Edits change the item before it is stored. No workflow
// runs for it.
func SeedRectItem(t testing.TB, db *gorm.DB, now time.Time, item models.RectItem, edits ...func(*models.RectItem)) SeededRect {
	t.Helper()
	var bureau models.Organisation
	require.NoError(t, db.Take(&bureau, "code = ?", item.OrgCode).Error)
	var n int64
	require.NoError(t, db.Model(&models.RectItem{}).Where("cycle_id = ?", item.CycleID).Count(&n).Error)
	now = now.UTC().Truncate(time.Second)
	due := now.Add(30 * 24 * time.Hour)
	if item.ItemID == "" {
		item.ItemID = fmt.Sprintf("2025-o%d", n+1)
	}
	if item.Source == "" {
		item.Source, item.SourceRef = string(wire.RectFromOffice), "督察发现"
	}
	if item.Description == "" {
		item.Description = "行政执法公示不及时"
	}
	item.OrgID, item.Serial, item.OriginCycleID = bureau.ID, int(n)+1, item.CycleID
	item.Measures, item.Department, item.Person = "修订公示制度", "执法科", "张三"
	item.Category, item.Due, item.Seq, item.Evidence, item.Progress = string(wire.RectDeadline), &due, 1, 1, "已修订制度"
	item.CreatedBy, item.CreatedAt, item.UpdatedAt = "lc-reviewer", now, now
	if item.Status == string(wire.RectClosed) {
		item.ClosedAt, item.ClosedBy = &now, "lc-reviewer"
	}
	for _, edit := range edits {
		edit(&item)
	}
	require.NoError(t, db.Create(&item).Error)
	data := filetest.PDF(item.CycleID + "/" + item.OrgCode + "/" + item.ItemID)
	sha, err := filestore.Put(db, data, filestore.TypePDF)
	require.NoError(t, err)
	note := SeedRectNote(t, db, item, models.RectNoteProgress, item.Progress, item.CreatedAt)
	require.NoError(t, db.Create(&models.RectEvidence{NoteID: note.ID, OrgCode: item.OrgCode, ItemID: item.ItemID, SHA: sha,
		Name: "整改报告.pdf", Size: int64(len(data)), ContentType: filestore.TypePDF}).Error)
	return SeededRect{RectItem: item, SHA: sha}
}

// SeedRectNote stores one entry of an item's history, by the bureau.
func SeedRectNote(t testing.TB, db *gorm.DB, item models.RectItem, kind, text string, at time.Time) models.RectNote {
	t.Helper()
	note := models.RectNote{ItemRowID: item.ID, CycleID: item.CycleID, OrgCode: item.OrgCode, ItemID: item.ItemID, Seq: item.Seq,
		Kind: kind, Text: text, AuthorName: "lc-" + item.OrgCode, AuthorRole: string(rules.RoleBureau), At: at}
	require.NoError(t, db.Create(&note).Error)
	return note
}
