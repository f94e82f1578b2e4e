package service

import (
	"context"
	"fmt"
	"time"

	"github.com/lawcycle/lawcycle/internal/apperr"
	"github.com/lawcycle/lawcycle/internal/chinatime"
	"github.com/lawcycle/lawcycle/wire"
)

// BureauRow is one participant of a cycle, from the read model.
type BureauRow struct {
	OrgCode        string    `json:"org_code"`
	OrgName        string    `json:"org_name"`
	Stage          string    `json:"stage"`
	StageLabel     string    `json:"stage_label"`
	Round          int       `json:"round"`
	SubmissionDue  time.Time `json:"submission_due"`
	PublicationDue time.Time `json:"publication_due"`
	Flags          []string  `json:"flags"`
}

// BureauFilter narrows and pages the list. Paging is by org code so a
// client walking a 10,000-bureau cycle never sees a row twice.
type BureauFilter struct {
	Stage string
	After string
	Limit int
}

// BureausSQL is the read-model query behind GET /cycles/{id}/bureaus; the
// benchmark runs the same text through a bare connection pool.
const BureausSQL = `SELECT p.org_code, o.name AS org_name, p.stage, p.round, p.submission_due, p.publication_due, p.flags
FROM cycle_participants p JOIN organisations o ON o.id = p.org_id
WHERE p.cycle_id = ? AND p.org_code > ? AND (? = '' OR p.stage = ?)
ORDER BY p.org_code`

// ListBureaus returns the cycle's bureaus with stage, round, due dates and
// flags, in org-code order.
func (s *Service) ListBureaus(ctx context.Context, p Principal, id string, f BureauFilter) ([]BureauRow, error) {
	tx := s.DB.WithContext(ctx)
	if _, _, err := s.loadCycle(tx, p, id); err != nil {
		return nil, err
	}
	if f.Stage != "" && !wire.Stage(f.Stage).Valid() {
		return nil, apperr.Invalid(fmt.Sprintf("阶段“%s”无效", f.Stage), apperr.Field(-1, "stage", "未知阶段"))
	}
	if f.Limit < 0 {
		return nil, apperr.Invalid("limit 不能为负数")
	}
	query := BureausSQL
	args := []any{id, f.After, f.Stage, f.Stage}
	if f.Limit > 0 {
		query += " LIMIT ?"
		args = append(args, f.Limit)
	}
	rows, err := tx.Raw(query, args...).Rows()
	if err != nil {
		return nil, fmt.Errorf("list bureaus: %w", err)
	}
	defer rows.Close()
	out := []BureauRow{}
	for rows.Next() {
		var r BureauRow
		var flags string
		if err := rows.Scan(&r.OrgCode, &r.OrgName, &r.Stage, &r.Round, &r.SubmissionDue, &r.PublicationDue, &flags); err != nil {
			return nil, fmt.Errorf("scan bureau: %w", err)
		}
		r.StageLabel = wire.Stage(r.Stage).Label()
		r.SubmissionDue, r.PublicationDue = chinatime.In(r.SubmissionDue), chinatime.In(r.PublicationDue)
		r.Flags, err = decodeFlags(flags)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
