package service

import (
	"context"
	"fmt"
	"time"

	"github.com/lawcycle/lawcycle/internal/chinatime"
	"github.com/lawcycle/lawcycle/models"
	"github.com/lawcycle/lawcycle/rules"
	"github.com/lawcycle/lawcycle/wire"
)

// Workspace is one bureau's participation in one cycle, as the web UI's
// bureau workspace shows it.
type Workspace struct {
	CycleID        string
	CycleTitle     string
	CycleYear      int
	CycleStatus    string
	OfficeCode     string
	OfficeName     string
	OrgCode        string
	OrgName        string
	Stage          string
	StageLabel     string
	Round          int
	SubmissionDue  time.Time
	PublicationDue time.Time
	Flags          []string
	// CanSubmit says whether the principal may upload for the bureau at
	// all (the bureau itself or an office admin); whether the bureau is
	// awaiting a submission is a separate matter (Stage).
	CanSubmit bool
}

// GetWorkspace returns one participation, scoped exactly as every
// per-bureau route: another bureau's or office's answers 404.
func (s *Service) GetWorkspace(ctx context.Context, p Principal, id, org string) (Workspace, error) {
	tx := s.DB.WithContext(ctx)
	pt, err := s.loadParticipation(tx, p, id, org, rules.AccessRead)
	if err != nil {
		return Workspace{}, err
	}
	_, submitErr := s.loadParticipation(tx, p, id, org, rules.AccessSubmit)
	flags := pt.participant.Flags
	if flags == nil {
		flags = []string{}
	}
	return Workspace{
		CycleID: pt.cycle.ID, CycleTitle: pt.cycle.Title, CycleYear: pt.cycle.Year, CycleStatus: pt.cycle.Status,
		OfficeCode: pt.office.Code, OfficeName: pt.office.Name, OrgCode: pt.org.Code, OrgName: pt.org.Name,
		Stage: pt.participant.Stage, StageLabel: wire.Stage(pt.participant.Stage).Label(), Round: pt.participant.Round,
		SubmissionDue: chinatime.In(pt.participant.SubmissionDue), PublicationDue: chinatime.In(pt.participant.PublicationDue),
		Flags: flags, CanSubmit: submitErr == nil,
	}, nil
}

// OwnWorkspaces lists a bureau user's participations in launched cycles
// (a draft's bureaus are not notified yet), newest cycle first. Other
// roles have none: they reach bureaus through the cycles they may see.
func (s *Service) OwnWorkspaces(ctx context.Context, p Principal) ([]Workspace, error) {
	out := []Workspace{}
	if p.Role != rules.RoleBureau || p.OrgID == nil {
		return out, nil
	}
	var rows []struct {
		CycleID        string
		Title          string
		Year           int
		Status         string
		OfficeCode     string
		OfficeName     string
		OrgCode        string
		OrgName        string
		Stage          string
		Round          int
		SubmissionDue  time.Time
		PublicationDue time.Time
		Flags          string
	}
	err := s.DB.WithContext(ctx).Raw(`SELECT p.cycle_id, c.title, c.year, c.status, o.code AS office_code, o.name AS office_name,
  p.org_code, b.name AS org_name, p.stage, p.round, p.submission_due, p.publication_due, p.flags
FROM cycle_participants p
JOIN cycles c ON c.id = p.cycle_id
JOIN organisations o ON o.id = c.office_id
JOIN organisations b ON b.id = p.org_id
WHERE p.org_id = ? AND c.status <> ?
ORDER BY c.created_at DESC, c.id`, *p.OrgID, models.CycleDraft).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("list own workspaces: %w", err)
	}
	for _, r := range rows {
		flags, err := decodeFlags(r.Flags)
		if err != nil {
			return nil, err
		}
		out = append(out, Workspace{
			CycleID: r.CycleID, CycleTitle: r.Title, CycleYear: r.Year, CycleStatus: r.Status,
			OfficeCode: r.OfficeCode, OfficeName: r.OfficeName, OrgCode: r.OrgCode, OrgName: r.OrgName,
			Stage: r.Stage, StageLabel: wire.Stage(r.Stage).Label(), Round: r.Round,
			SubmissionDue: chinatime.In(r.SubmissionDue), PublicationDue: chinatime.In(r.PublicationDue),
			Flags: flags, CanSubmit: true,
		})
	}
	return out, nil
}
