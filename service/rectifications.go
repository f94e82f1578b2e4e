package service

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/lawcycle/lawcycle/internal/apperr"
	"github.com/lawcycle/lawcycle/internal/chinatime"
	"github.com/lawcycle/lawcycle/models"
	"github.com/lawcycle/lawcycle/rules"
	"github.com/lawcycle/lawcycle/wire"
)

// RectFilter narrows a cycle's ledger; the list and the .xlsx take the
// same one. Paging is by serial (序号), stable as items are added.
type RectFilter struct {
	Org      string
	Status   string
	Category string
	// Overdue keeps the items past their due date that the bureau still
	// has to act on.
	Overdue bool
	After   int
	Limit   int
}

// ledgerScope is a cycle's ledger as the caller may read it: the office's
// staff and the viewers granted the cycle read every bureau's items, a
// bureau only its own (ownOrg).
type ledgerScope struct {
	cycle  models.Cycle
	office models.Organisation
	ownOrg string
}

// loadLedger checks that p may read cycle id's ledger and normalises f.
// A bureau that is not in the cycle, or asks for another bureau's items,
// finds nothing there (404), as on every per-bureau route.
func (s *Service) loadLedger(tx *gorm.DB, p Principal, id string, f *RectFilter) (ledgerScope, error) {
	var ls ledgerScope
	notFound := apperr.NotFound(fmt.Sprintf("周期“%s”不存在", id))
	f.Org = strings.TrimSpace(f.Org)
	if p.Role == rules.RoleBureau {
		if f.Org != "" && f.Org != p.OrgCode {
			return ls, apperr.NotFound(fmt.Sprintf("周期“%s”中没有单位“%s”", id, f.Org))
		}
		var n int64
		if err := tx.Model(&models.Participant{}).Scopes(models.OfBureau(id, p.OrgCode)).Count(&n).Error; err != nil {
			return ls, fmt.Errorf("check participant: %w", err)
		}
		if n == 0 {
			return ls, notFound
		}
		if err := tx.Take(&ls.cycle, "id = ?", id).Error; err != nil {
			return ls, fmt.Errorf("load cycle: %w", err)
		}
		if err := tx.Take(&ls.office, ls.cycle.OfficeID).Error; err != nil {
			return ls, fmt.Errorf("load office: %w", err)
		}
		ls.ownOrg, f.Org = p.OrgCode, p.OrgCode
	} else {
		var err error
		if ls.cycle, ls.office, err = s.loadCycle(tx, p, id); err != nil {
			return ls, err
		}
	}
	return ls, checkRectFilter(f)
}

// checkRectFilter refuses unknown statuses and categories (a category may
// be named in Chinese) and negative paging.
func checkRectFilter(f *RectFilter) error {
	var bad fieldErrors
	f.Status = strings.TrimSpace(f.Status)
	if f.Status != "" && !slices.Contains(wire.RectStatuses, wire.RectStatus(f.Status)) {
		bad.add(-1, "status", fmt.Sprintf("整改状态“%s”无效，可选：%s", f.Status, rectStatusChoices()))
	}
	if raw := strings.TrimSpace(f.Category); raw != "" {
		c, ok := wire.ParseRectCategory(raw)
		if !ok {
			bad.add(-1, "category", fmt.Sprintf("整改类别“%s”无效，%s", raw, rectCategoryChoices))
		}
		f.Category = string(c)
	}
	if f.After < 0 || f.Limit < 0 {
		bad.add(-1, "limit", "after 和 limit 不能为负数")
	}
	if len(bad) > 0 {
		return apperr.Invalid(bad[0].Message, bad...)
	}
	return nil
}

func rectStatusChoices() string {
	out := make([]string, len(wire.RectStatuses))
	for i, st := range wire.RectStatuses {
		out[i] = fmt.Sprintf("%s（%s）", st, st.Label())
	}
	return strings.Join(out, "、")
}

// rectItems is the filtered ledger query, in 序号 order.
func rectItems(tx *gorm.DB, id string, f RectFilter, now time.Time) *gorm.DB {
	q := tx.Table("rect_items").Select("rect_items.*, organisations.name AS org_name").
		Joins("JOIN organisations ON organisations.id = rect_items.org_id").
		Where("rect_items.cycle_id = ? AND rect_items.serial > ?", id, f.After)
	if f.Org != "" {
		q = q.Where("rect_items.org_code = ?", f.Org)
	}
	if f.Status != "" {
		q = q.Where("rect_items.status = ?", f.Status)
	}
	if f.Category != "" {
		q = q.Where("rect_items.category = ?", f.Category)
	}
	if f.Overdue {
		q = q.Where("rect_items.status IN ? AND rect_items.due IS NOT NULL AND rect_items.due < ?", rectOverdueStatuses, now)
	}
	q = q.Order("rect_items.serial, rect_items.id")
	if f.Limit > 0 {
		q = q.Limit(f.Limit)
	}
	return q
}

// ListRectifications lists a cycle's rectification items (docs/api.md#routes: GET
// /cycles/{id}/rectifications).
func (s *Service) ListRectifications(ctx context.Context, p Principal, id string, f RectFilter) ([]RectItemView, error) {
	tx := s.DB.WithContext(ctx)
	if _, err := s.loadLedger(tx, p, id, &f); err != nil {
		return nil, err
	}
	now := s.now()
	var rows []rectRow
	if err := rectItems(tx, id, f, now).Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("list rectification items: %w", err)
	}
	out := make([]RectItemView, len(rows))
	for i, r := range rows {
		out[i] = rectItemView(r, now)
	}
	return out, nil
}

// GetRectification returns one item with its history across cycles.
func (s *Service) GetRectification(ctx context.Context, p Principal, id, org, item string) (RectDetailView, error) {
	tx := s.DB.WithContext(ctx)
	pt, err := s.loadParticipation(tx, p, id, org, rules.AccessRead)
	if err != nil {
		return RectDetailView{}, err
	}
	row, err := loadRectItem(tx, id, org, item)
	if err != nil {
		return RectDetailView{}, err
	}
	v := RectDetailView{RectItemView: rectItemView(rectRow{RectItem: row, OrgName: pt.org.Name}, s.now()), Notes: []RectNoteView{}}
	cycles, err := rectLineage(tx, row)
	if err != nil {
		return v, err
	}
	var notes []models.RectNote
	if err := tx.Where("org_code = ? AND item_id = ? AND cycle_id IN ?", org, item, cycles).
		Order("at, id").Find(&notes).Error; err != nil {
		return v, fmt.Errorf("load rectification notes: %w", err)
	}
	if len(notes) == 0 {
		return v, nil
	}
	ids := make([]uint, len(notes))
	for i, n := range notes {
		ids[i] = n.ID
	}
	var files []models.RectEvidence
	if err := tx.Where("note_id IN ?", ids).Order("id").Find(&files).Error; err != nil {
		return v, fmt.Errorf("load rectification evidence: %w", err)
	}
	byNote := map[uint][]RectEvidenceView{}
	for _, f := range files {
		byNote[f.NoteID] = append(byNote[f.NoteID], RectEvidenceView{SHA256: f.SHA, Name: f.Name, Size: f.Size,
			ContentType: f.ContentType, URL: evidenceURL(id, org, item, f.SHA)})
	}
	for _, n := range notes {
		ev := byNote[n.ID]
		if ev == nil {
			ev = []RectEvidenceView{}
		}
		v.Notes = append(v.Notes, RectNoteView{CycleID: n.CycleID, Kind: n.Kind, KindLabel: rectNoteKindLabel(n.Kind),
			Text: n.Text, AuthorName: n.AuthorName, AuthorRole: n.AuthorRole, At: chinatime.In(n.At), Evidence: ev})
	}
	return v, nil
}

// loadRectItem finds an item of the bureau in the cycle.
func loadRectItem(tx *gorm.DB, id, org, item string) (models.RectItem, error) {
	var row models.RectItem
	err := tx.Scopes(models.OfBureau(id, org)).Take(&row, "item_id = ?", item).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return row, apperr.NotFound(fmt.Sprintf("单位“%s”在本周期没有编号为“%s”的整改事项", org, item))
	}
	if err != nil {
		return row, fmt.Errorf("load rectification item: %w", err)
	}
	return row, nil
}

// rectLineage lists the cycles an item has been in: the cycle it first
// appeared in and every cycle it was carried into. Item ids repeat across
// unrelated items (two cycles of one year both have a "2025-d1"), so the
// history is read only within these.
func rectLineage(tx *gorm.DB, row models.RectItem) ([]string, error) {
	var cycles []string
	if err := tx.Model(&models.RectItem{}).
		Where("org_code = ? AND item_id = ? AND origin_cycle_id = ?", row.OrgCode, row.ItemID, row.OriginCycleID).
		Pluck("cycle_id", &cycles).Error; err != nil {
		return nil, fmt.Errorf("load item lineage: %w", err)
	}
	return cycles, nil
}
