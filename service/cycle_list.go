package service

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/lawcycle/lawcycle/internal/apperr"
	"github.com/lawcycle/lawcycle/models"
	"github.com/lawcycle/lawcycle/rules"
)

// CyclePage pages the cycles a caller may see, newest first.
type CyclePage struct {
	// After is the ID of the last cycle of the previous page; "" starts.
	After string
	// Limit bounds the page; 0 means MaxCyclePage.
	Limit int
}

// MaxCyclePage bounds one page of cycles.
const MaxCyclePage = 500

// ListCycles lists, newest first, the cycles the caller may see with their
// progress per stage: an office's staff those of its office and the
// offices below it, a viewer those granted, the platform admin all. The
// scope, the page and the counts are decided in SQL, so a county office
// reads its own cycles and their counts, not the installation's.
func (s *Service) ListCycles(ctx context.Context, p Principal, page CyclePage) ([]CycleView, error) {
	tx := s.DB.WithContext(ctx)
	if page.Limit < 0 || page.Limit > MaxCyclePage {
		return nil, apperr.Invalid(fmt.Sprintf("limit 应为 1 至 %d 之间的整数", MaxCyclePage), apperr.Field(-1, "limit", "取值无效"))
	}
	if page.Limit == 0 {
		page.Limit = MaxCyclePage
	}
	// visible keeps the cycles p may see: all for the platform admin, the
	// granted ones for a viewer, those of the caller's office and the
	// offices below it for office staff.
	visible := func(q *gorm.DB) *gorm.DB { return q }
	switch {
	case p.IsPlatformAdmin():
	case p.Role == rules.RoleViewer:
		granted := tx.Model(&models.CycleViewer{}).Select("cycle_id").Where("user_id = ?", p.UserID)
		visible = func(q *gorm.DB) *gorm.DB { return q.Where("c.id IN (?)", granted) }
	case p.OrgID == nil:
		return []CycleView{}, nil
	default:
		offices, err := officeSubtree(tx, *p.OrgID)
		if err != nil {
			return nil, err
		}
		visible = func(q *gorm.DB) *gorm.DB { return q.Where("c.office_id IN ?", offices) }
	}
	q := tx.Table("cycles c").Select("c.*, o.code AS office_code, o.name AS office_name").
		Joins("JOIN organisations o ON o.id = c.office_id").Scopes(visible)
	if page.After != "" {
		// The cursor is looked up among the caller's cycles only: a cycle
		// outside them does not exist for the caller, as everywhere.
		var after struct {
			ID        string
			CreatedAt time.Time
		}
		err := tx.Table("cycles c").Select("c.id, c.created_at").Scopes(visible).Where("c.id = ?", page.After).Take(&after).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, apperr.Invalid(fmt.Sprintf("after 指定的周期“%s”不存在", page.After), apperr.Field(-1, "after", "取值无效"))
		} else if err != nil {
			return nil, fmt.Errorf("load cursor cycle: %w", err)
		}
		q = q.Where("(c.created_at < ? OR (c.created_at = ? AND c.id < ?))", after.CreatedAt, after.CreatedAt, after.ID)
	}
	var rows []struct {
		models.Cycle
		OfficeCode string
		OfficeName string
	}
	if err := q.Order("c.created_at DESC, c.id DESC").Limit(page.Limit).Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("list cycles: %w", err)
	}
	out := make([]CycleView, 0, len(rows))
	index := make(map[string]int, len(rows))
	ids := make([]string, 0, len(rows))
	for _, r := range rows {
		v, err := cycleView(r.Cycle, r.OfficeCode, r.OfficeName)
		if err != nil {
			return nil, err
		}
		index[r.ID] = len(out)
		ids = append(ids, r.ID)
		out = append(out, v)
	}
	if len(ids) == 0 {
		return out, nil
	}
	var counts []struct {
		CycleID string
		Stage   string
		N       int64
	}
	if err := tx.Model(&models.Participant{}).Select("cycle_id, stage, COUNT(*) AS n").
		Where("cycle_id IN ?", ids).Group("cycle_id, stage").Scan(&counts).Error; err != nil {
		return nil, fmt.Errorf("count stages: %w", err)
	}
	for _, c := range counts {
		if i, ok := index[c.CycleID]; ok {
			out[i].Progress[c.Stage] = c.N
			out[i].BureauCount += c.N
		}
	}
	return out, nil
}

// officeSubtree is root and every office below it: cycles belong to
// offices, so the walk never reads an office's bureaus.
func officeSubtree(tx *gorm.DB, root uint) ([]uint, error) {
	ids := []uint{root}
	seen := map[uint]bool{root: true}
	frontier := []uint{root}
	for depth := 0; len(frontier) > 0 && depth < maxDepth; depth++ {
		var next []uint
		if err := tx.Table("organisations").Where("parent_id IN ? AND kind = ?", frontier, models.KindOffice).
			Pluck("id", &next).Error; err != nil {
			return nil, fmt.Errorf("load office subtree: %w", err)
		}
		frontier = frontier[:0]
		for _, id := range next {
			if !seen[id] {
				seen[id] = true
				ids = append(ids, id)
				frontier = append(frontier, id)
			}
		}
	}
	return ids, nil
}
