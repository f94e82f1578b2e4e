package api_test

import (
	"bytes"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"
	"gorm.io/gorm"

	"github.com/lawcycle/lawcycle/internal/apitest"
	"github.com/lawcycle/lawcycle/internal/chinatime"
	"github.com/lawcycle/lawcycle/internal/filestore"
	"github.com/lawcycle/lawcycle/internal/filetest"
	"github.com/lawcycle/lawcycle/internal/ledgerxlsx"
	"github.com/lawcycle/lawcycle/internal/testdb"
	"github.com/lawcycle/lawcycle/models"
	"github.com/lawcycle/lawcycle/service"
	"github.com/lawcycle/lawcycle/wire"
)

// rectLedger is a cycle's ledger as the read tests need it: rsj with an
// overdue item, a closed one, a 长期坚持 one and one carried over from an
// earlier cycle with notes in both; scj with one in progress; and an
// unrelated item of another cycle that happens to share the carried item's
// id.
type rectLedger struct {
	overdue, closed, ongoing, carried, scj apitest.SeededRect
	// oldSHA is the evidence the carried item brought from its first cycle.
	oldSHA string
}

func seedRectLedger(t *testing.T, e *lifecycle) rectLedger {
	t.Helper()
	db := e.db
	now := time.Now().UTC().Truncate(time.Second)
	var l rectLedger
	l.overdue = seedRectItem(t, db, e.cycle, "rsj", wire.RectInProgress, func(i *models.RectItem) {
		past := now.Add(-72 * time.Hour)
		i.Due, i.Level = &past, 2
	})
	l.closed = seedRectItem(t, db, e.cycle, "rsj", wire.RectClosed)
	l.ongoing = seedRectItem(t, db, e.cycle, "rsj", wire.RectInProgress, func(i *models.RectItem) {
		i.Category, i.CheckIn = string(wire.RectOngoing), 2
	})
	l.scj = seedRectItem(t, db, e.cycle, "scj", wire.RectInProgress)

	// The carried item: first in an earlier cycle, then in this one.
	earlier := e.createCycle(nil)
	first := seedRectItem(t, db, earlier, "rsj", wire.RectCarriedOver, func(i *models.RectItem) {
		i.ItemID, i.CommentID, i.Source, i.SourceRef = "2025-r1-3", nil, string(wire.RectFromReturn), "第1版存在问题第3行"
		i.CreatedAt = now.Add(-96 * time.Hour)
	})
	apitest.SeedRectNote(t, db, first.RectItem, models.RectNoteCarried, "", now.Add(-48*time.Hour))
	l.oldSHA = first.SHA
	l.carried = seedRectItem(t, db, e.cycle, "rsj", wire.RectInProgress, func(i *models.RectItem) {
		i.ItemID, i.CommentID, i.Source, i.SourceRef = "2025-r1-3", nil, string(wire.RectFromReturn), "第1版存在问题第3行"
		i.OriginCycleID, i.CarriedFrom = earlier, earlier
	})

	unrelated := e.createCycle(nil)
	seedRectItem(t, db, unrelated, "rsj", wire.RectOpen, func(i *models.RectItem) { i.ItemID, i.CommentID = "2025-r1-3", nil })
	return l
}

type rectListed struct {
	OrgCode     string `json:"org_code"`
	ItemID      string `json:"item_id"`
	Serial      int    `json:"serial"`
	SourceLabel string `json:"source_label"`
	Status      string `json:"status"`
	Overdue     bool   `json:"overdue"`
	LevelLabel  string `json:"level_label"`
}

func listRect(t *testing.T, e *lifecycle, as, query string, status int) []rectListed {
	t.Helper()
	r := e.as[as].Do("GET", "/api/v1/cycles/"+e.cycle+"/rectifications"+query, nil)
	require.Equal(t, status, r.Status, string(r.Body))
	var out []rectListed
	if status == http.StatusOK {
		r.JSON(t, &out)
	}
	return out
}

func itemIDs(rows []rectListed) []string {
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = r.OrgCode + "/" + r.ItemID
	}
	return out
}

// The ledger is listed for the office and viewers in full, for a bureau
// only its own; filters narrow it and bad ones are refused.
func TestRectificationList(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		e := newLifecycle(t, db)
		l := seedRectLedger(t, e)
		all := []string{"rsj/" + l.overdue.ItemID, "rsj/" + l.closed.ItemID, "rsj/" + l.ongoing.ItemID, "scj/" + l.scj.ItemID, "rsj/2025-r1-3"}
		for _, who := range []string{"reviewer", "admin", "viewer"} {
			require.Equal(t, all, itemIDs(listRect(t, e, who, "", http.StatusOK)), who)
		}
		rows := listRect(t, e, "reviewer", "?overdue=true", http.StatusOK)
		require.Equal(t, []string{"rsj/" + l.overdue.ItemID}, itemIDs(rows))
		require.True(t, rows[0].Overdue)
		require.Equal(t, "已督办（告诫）", rows[0].LevelLabel)
		require.Equal(t, all[3:4], itemIDs(listRect(t, e, "reviewer", "?org=scj", http.StatusOK)))
		require.Equal(t, all[1:2], itemIDs(listRect(t, e, "reviewer", "?status=closed", http.StatusOK)))
		require.Equal(t, all[2:3], itemIDs(listRect(t, e, "reviewer", "?category="+url.QueryEscape("长期坚持"), http.StatusOK)))
		require.Equal(t, all[1:3], itemIDs(listRect(t, e, "reviewer", "?after=1&limit=2", http.StatusOK)))
		carried := listRect(t, e, "reviewer", "?org=rsj&category=deadline&status=in_progress&overdue=false", http.StatusOK)
		require.Equal(t, []string{all[0], all[4]}, itemIDs(carried))
		require.Equal(t, "自查发现（第1版存在问题第3行）（上年结转）", carried[1].SourceLabel)

		// A bureau sees its own items only, and nobody else's by asking.
		require.Equal(t, []string{all[0], all[1], all[2], all[4]}, itemIDs(listRect(t, e, "rsj", "", http.StatusOK)))
		require.Equal(t, all[3:4], itemIDs(listRect(t, e, "scj", "", http.StatusOK)))
		listRect(t, e, "rsj", "?org=scj", http.StatusNotFound)

		for query, msg := range map[string]string{
			"?status=done":   "整改状态“done”无效",
			"?category=急":    "整改类别“急”无效",
			"?overdue=maybe": "overdue 只能是 true 或 false",
			"?limit=x":       "limit 应为整数",
			"?limit=-1":      "不能为负数",
		} {
			r := e.as["reviewer"].Do("GET", "/api/v1/cycles/"+e.cycle+"/rectifications"+query, nil)
			require.Equal(t, http.StatusBadRequest, r.Status, "%s: %s", query, r.Body)
			requireMessage(t, r, msg)
		}
	})
}

// An item's detail carries its history from every cycle it was in, and
// its evidence is downloaded by those who may read the item only.
func TestRectificationDetailAndEvidence(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		e := newLifecycle(t, db)
		l := seedRectLedger(t, e)
		var detail struct {
			ItemID      string `json:"item_id"`
			CarriedFrom string `json:"carried_from"`
			Notes       []struct {
				CycleID   string `json:"cycle_id"`
				KindLabel string `json:"kind_label"`
				Evidence  []struct {
					SHA256 string `json:"sha256"`
					Name   string `json:"name"`
					URL    string `json:"url"`
				} `json:"evidence"`
			} `json:"notes"`
		}
		for _, who := range []string{"rsj", "reviewer", "viewer"} {
			r := e.as[who].Do("GET", e.rectPath("2025-r1-3"), nil)
			require.Equal(t, http.StatusOK, r.Status, string(r.Body))
			r.JSON(t, &detail)
		}
		require.Equal(t, l.carried.CarriedFrom, detail.CarriedFrom)
		require.Len(t, detail.Notes, 3, "the earlier cycle's progress and carry-over, then this cycle's progress")
		require.Equal(t, l.carried.CarriedFrom, detail.Notes[0].CycleID)
		require.Equal(t, "整改进展", detail.Notes[0].KindLabel)
		require.Equal(t, "结转至下一周期", detail.Notes[1].KindLabel)
		require.Equal(t, e.cycle, detail.Notes[2].CycleID)
		old := detail.Notes[0].Evidence[0]
		require.Equal(t, l.oldSHA, old.SHA256)
		require.Equal(t, e.rectPath("2025-r1-3")+"/evidence/"+l.oldSHA, old.URL)

		// The bureau downloads its evidence, whichever cycle it came with.
		r := e.as["rsj"].Do("GET", old.URL, nil)
		require.Equal(t, http.StatusOK, r.Status, string(r.Body))
		require.True(t, bytes.HasPrefix(r.Body, []byte("%PDF-")))
		require.Equal(t, filestore.TypePDF, r.Header.Get("Content-Type"))
		require.Contains(t, r.Header.Get("Content-Disposition"), "filename*=UTF-8''"+url.PathEscape("整改报告.pdf"))
		require.Equal(t, "nosniff", r.Header.Get("X-Content-Type-Options"))

		// Nobody reaches evidence through an item it does not belong to.
		for _, tc := range []struct{ as, path string }{
			{"scj", old.URL},
			{"rsj", e.rectPath(l.overdue.ItemID) + "/evidence/" + l.scj.SHA},
			{"rsj", e.rectPath(l.overdue.ItemID) + "/evidence/" + l.oldSHA},
			{"scj", "/api/v1/cycles/" + e.cycle + "/bureaus/scj/rectifications/" + l.scj.ItemID + "/evidence/" + l.overdue.SHA},
			{"reviewer", e.rectPath(l.overdue.ItemID) + "/evidence/" + filestore.Sum(filetest.PDF("never stored"))},
			{"rsj", e.rectPath("2025-d404") + "/evidence/" + l.overdue.SHA},
		} {
			r := e.as[tc.as].Do("GET", tc.path, nil)
			require.Equal(t, http.StatusNotFound, r.Status, "%s %s: %s", tc.as, tc.path, r.Body)
		}
		r = e.as["scj"].Do("GET", e.rectPath(l.overdue.ItemID), nil)
		require.Equal(t, http.StatusNotFound, r.Status, string(r.Body))
	})
}

// The ledger workbook: title, legend, frozen headers, one row per item in
// 序号 order with overdue rows filled, carried and 长期坚持 items shown as
// offices write them; the list's filters and scoping apply.
func TestLedgerWorkbook(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		e := newLifecycle(t, db)
		l := seedRectLedger(t, e)
		r := e.as["reviewer"].Do("GET", "/api/v1/cycles/"+e.cycle+"/ledger.xlsx", nil)
		require.Equal(t, http.StatusOK, r.Status, string(r.Body))
		require.Equal(t, service.ContentTypeXLSX, r.Header.Get("Content-Type"))
		require.Contains(t, r.Header.Get("Content-Disposition"), "filename*=UTF-8''"+url.PathEscape("某市委全面依法治市委员会办公室2025年度整改台账.xlsx"))

		f, err := excelize.OpenReader(bytes.NewReader(r.Body))
		require.NoError(t, err)
		defer f.Close()
		rows, err := f.GetRows(ledgerxlsx.Sheet)
		require.NoError(t, err)
		require.Equal(t, "某市委全面依法治市委员会办公室2025年度法治政府建设整改台账", rows[0][0])
		require.Equal(t, "逾期", rows[1][0])
		require.Equal(t, ledgerxlsx.Headers, rows[2])
		require.Len(t, rows, 3+5)
		panes, err := f.GetPanes(ledgerxlsx.Sheet)
		require.NoError(t, err)
		require.True(t, panes.Freeze)
		require.Equal(t, 3, panes.YSplit)

		for i, row := range rows[3:] {
			require.Equal(t, itoa(int64(i+1)), row[0], "序号")
		}
		cell := func(row int, col string) string {
			v, err := f.GetCellValue(ledgerxlsx.Sheet, col+itoa(int64(row)))
			require.NoError(t, err)
			return v
		}
		fill := func(row int) []string {
			id, err := f.GetCellStyle(ledgerxlsx.Sheet, "D"+itoa(int64(row)))
			require.NoError(t, err)
			st, err := f.GetStyle(id)
			require.NoError(t, err)
			return st.Fill.Color
		}
		// Row 4 is the overdue item: filled, and said so.
		require.Equal(t, "某市人力资源和社会保障局", cell(4, "B"))
		require.Equal(t, "审核发现（第1版审核意见第1条）", cell(4, "C"))
		require.Equal(t, "行政执法公示不及时", cell(4, "D"))
		require.Equal(t, "修订公示制度", cell(4, "E"))
		require.Equal(t, "执法科", cell(4, "F"))
		require.Equal(t, "张三", cell(4, "G"))
		require.Equal(t, chinatime.FormatDate(*l.overdue.Due)+"（限期整改）", cell(4, "H"))
		require.Contains(t, cell(4, "I"), "整改进展：已修订制度（佐证材料1份）")
		require.Equal(t, "整改中（逾期，已督办（告诫））", cell(4, "J"))
		require.Equal(t, []string{"FFC7CE"}, fill(4))
		// Row 5 is closed: its 销号时间, no fill.
		require.Equal(t, "已销号", cell(5, "J"))
		require.Equal(t, chinatime.FormatDate(*l.closed.ClosedAt), cell(5, "K"))
		require.Empty(t, fill(5))
		// Row 6 is 长期坚持: its next check-in.
		require.Equal(t, "长期坚持（下次检查："+chinatime.FormatDate(*l.ongoing.Due)+"）", cell(6, "H"))
		// Row 8 is carried: its source says so, its progress spans cycles.
		require.Equal(t, "自查发现（第1版存在问题第3行）（上年结转）", cell(8, "C"))
		progress := cell(8, "I")
		require.Regexp(t, `(?s)整改进展：已修订制度（佐证材料1份）\n.*结转至下一周期\n.*整改进展：已修订制度（佐证材料1份）`, progress)

		// Filters and scoping are the list's.
		for _, tc := range []struct {
			as, query string
			rows      int
		}{
			{"reviewer", "?status=closed", 1},
			{"viewer", "?overdue=true", 1},
			{"rsj", "", 4},
			{"scj", "", 1},
		} {
			r := e.as[tc.as].Do("GET", "/api/v1/cycles/"+e.cycle+"/ledger.xlsx"+tc.query, nil)
			require.Equal(t, http.StatusOK, r.Status, string(r.Body))
			f, err := excelize.OpenReader(bytes.NewReader(r.Body))
			require.NoError(t, err)
			rows, err := f.GetRows(ledgerxlsx.Sheet)
			require.NoError(t, err)
			require.Len(t, rows, 3+tc.rows, "%s %s", tc.as, tc.query)
			require.NoError(t, f.Close())
		}
		r = e.as["rsj"].Do("GET", "/api/v1/cycles/"+e.cycle+"/ledger.xlsx?org=scj", nil)
		require.Equal(t, http.StatusNotFound, r.Status, string(r.Body))
		r = e.as["reviewer"].Do("GET", "/api/v1/cycles/"+e.cycle+"/ledger.xlsx?status=nope", nil)
		require.Equal(t, http.StatusBadRequest, r.Status, string(r.Body))
	})
}
