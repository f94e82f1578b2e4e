package service

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/lawcycle/lawcycle/internal/chinatime"
	"github.com/lawcycle/lawcycle/internal/ledgerxlsx"
	"github.com/lawcycle/lawcycle/models"
	"github.com/lawcycle/lawcycle/wire"
)

// ledgerPage is how many items the export reads at a time.
const ledgerPage = 500

// Ledger writes a cycle's rectification ledger (整改台账) as an .xlsx,
// with the list's filters and the same scoping: a bureau gets its own
// items only.
func (s *Service) Ledger(ctx context.Context, p Principal, id string, f RectFilter) (TemplateFile, error) {
	tx := s.DB.WithContext(ctx)
	ls, err := s.loadLedger(tx, p, id, &f)
	if err != nil {
		return TemplateFile{}, err
	}
	now := s.now()
	title := fmt.Sprintf("%s%d年度法治政府建设整改台账", ls.office.Name, ls.cycle.Year)
	var buf bytes.Buffer
	err = ledgerxlsx.Write(&buf, ledgerxlsx.Ledger{
		Title: title,
		Note:  ledgerNote(f, now),
		Each:  func(yield func(ledgerxlsx.Row) error) error { return eachLedgerRow(tx, id, f, now, yield) },
	})
	if err != nil {
		return TemplateFile{}, err
	}
	name := fmt.Sprintf("%s%d年度整改台账.xlsx", ls.office.Name, ls.cycle.Year)
	return TemplateFile{Name: name, Data: buf.Bytes()}, nil
}

// ledgerNote says when the ledger was read and which filters it shows.
func ledgerNote(f RectFilter, now time.Time) string {
	note := "截至" + chinatime.In(now).Format("2006年1月2日 15:04") + "。"
	var filters []string
	if f.Org != "" {
		filters = append(filters, "单位 "+f.Org)
	}
	if f.Status != "" {
		filters = append(filters, "状态 "+wire.RectStatus(f.Status).Label())
	}
	if f.Category != "" {
		filters = append(filters, "类别 "+wire.RectCategory(f.Category).Label())
	}
	if f.Overdue {
		filters = append(filters, "仅逾期事项")
	}
	if len(filters) > 0 {
		note += "筛选：" + strings.Join(filters, "，") + "。"
	}
	return note
}

// eachLedgerRow feeds the filtered items to yield in 序号 order, a page at
// a time, each with its progress history.
func eachLedgerRow(tx *gorm.DB, id string, f RectFilter, now time.Time, yield func(ledgerxlsx.Row) error) error {
	limit := f.Limit
	for {
		page := f
		page.Limit = ledgerPage
		if limit > 0 {
			page.Limit = min(ledgerPage, limit)
		}
		var rows []rectRow
		if err := rectItems(tx, id, page, now).Scan(&rows).Error; err != nil {
			return fmt.Errorf("read ledger items: %w", err)
		}
		history, err := ledgerHistory(tx, rows)
		if err != nil {
			return err
		}
		for _, r := range rows {
			if err := yield(ledgerRow(r, history[rectKey{r.OrgCode, r.ItemID, r.OriginCycleID}], now)); err != nil {
				return err
			}
		}
		if limit > 0 {
			if limit -= len(rows); limit <= 0 {
				return nil
			}
		}
		if len(rows) < page.Limit {
			return nil
		}
		f.After = rows[len(rows)-1].Serial
	}
}

// ledgerRow puts an item in the ledger's words.
func ledgerRow(r rectRow, history []string, now time.Time) ledgerxlsx.Row {
	description := r.Description
	if r.Cause != "" {
		description += "\n原因：" + r.Cause
	}
	department := r.Department
	if department == "" {
		department = r.OrgName
	}
	progress := strings.Join(history, "\n")
	if progress == "" {
		progress = r.Progress
	}
	overdue := rectOverdue(r.RectItem, now)
	status := wire.RectStatus(r.Status).Label()
	var marks []string
	if overdue {
		marks = append(marks, "逾期")
	}
	if l := rectLevelLabel(r.Level); l != "" && !wire.RectStatus(r.Status).Final() {
		marks = append(marks, l)
	}
	if len(marks) > 0 {
		status += "（" + strings.Join(marks, "，") + "）"
	}
	row := ledgerxlsx.Row{Serial: r.Serial, Org: r.OrgName, Source: rectSourceLabel(r.RectItem), Description: description,
		Measures: r.Measures, Department: department, Person: r.Person, Due: ledgerDue(r.RectItem), Progress: progress,
		Status: status, Overdue: overdue}
	if r.ClosedAt != nil {
		row.ClosedAt = chinatime.FormatDate(*r.ClosedAt)
	}
	return row
}

// ledgerDue is the 整改时限: the date and the category, for 长期坚持 the
// next check-in while the item runs, and the 督办 deadline once set.
func ledgerDue(r models.RectItem) string {
	category := wire.RectCategory(r.Category)
	running := !wire.RectStatus(r.Status).Final()
	var due string
	switch {
	case category == wire.RectOngoing && r.Due != nil && running:
		due = fmt.Sprintf("%s（下次检查：%s）", category.Label(), chinatime.FormatDate(*r.Due))
	case category == wire.RectOngoing || r.Due == nil:
		due = category.Label()
	default:
		due = fmt.Sprintf("%s（%s）", chinatime.FormatDate(*r.Due), category.Label())
	}
	if r.FinalDue != nil && running {
		due += "\n督办期限：" + chinatime.FormatDate(*r.FinalDue)
	}
	return due
}

// rectKey names an item across the cycles it was carried through.
type rectKey struct{ org, item, origin string }

// ledgerHistory reads the notes of a page of items, from every cycle each
// was in, as one line per note, oldest first.
func ledgerHistory(tx *gorm.DB, rows []rectRow) (map[rectKey][]string, error) {
	out := map[rectKey][]string{}
	if len(rows) == 0 {
		return out, nil
	}
	orgs, items := make([]string, len(rows)), make([]string, len(rows))
	for i, r := range rows {
		orgs[i], items[i] = r.OrgCode, r.ItemID
	}
	// Which cycle's notes belong to which item: ids repeat across
	// unrelated items, never within one item's lineage.
	var lineage []models.RectItem
	if err := tx.Select("cycle_id, org_code, item_id, origin_cycle_id").
		Where("org_code IN ? AND item_id IN ?", orgs, items).Find(&lineage).Error; err != nil {
		return nil, fmt.Errorf("read ledger lineage: %w", err)
	}
	owner := map[[3]string]rectKey{}
	for _, l := range lineage {
		owner[[3]string{l.CycleID, l.OrgCode, l.ItemID}] = rectKey{l.OrgCode, l.ItemID, l.OriginCycleID}
	}
	var notes []models.RectNote
	if err := tx.Where("org_code IN ? AND item_id IN ?", orgs, items).Order("at, id").Find(&notes).Error; err != nil {
		return nil, fmt.Errorf("read ledger notes: %w", err)
	}
	files, err := evidenceCounts(tx, orgs, items)
	if err != nil {
		return nil, err
	}
	for _, n := range notes {
		key, ok := owner[[3]string{n.CycleID, n.OrgCode, n.ItemID}]
		if !ok {
			continue
		}
		line := chinatime.FormatDate(n.At) + " " + rectNoteKindLabel(n.Kind)
		if n.Text != "" {
			line += "：" + n.Text
		}
		if k := files[n.ID]; k > 0 {
			line += fmt.Sprintf("（佐证材料%d份）", k)
		}
		out[key] = append(out[key], line)
	}
	return out, nil
}

// evidenceCounts counts the evidence files of each note of the items.
func evidenceCounts(tx *gorm.DB, orgs, items []string) (map[uint]int, error) {
	var counts []struct {
		NoteID uint
		N      int
	}
	if err := tx.Model(&models.RectEvidence{}).Select("note_id, COUNT(*) AS n").
		Where("org_code IN ? AND item_id IN ?", orgs, items).Group("note_id").Scan(&counts).Error; err != nil {
		return nil, fmt.Errorf("count evidence: %w", err)
	}
	out := make(map[uint]int, len(counts))
	for _, c := range counts {
		out[c.NoteID] = c.N
	}
	return out, nil
}
