package service

import (
	"errors"
	"fmt"

	"gorm.io/gorm"

	"github.com/lawcycle/lawcycle/internal/apperr"
	"github.com/lawcycle/lawcycle/models"
	"github.com/lawcycle/lawcycle/rules"
)

// participation is one bureau in one cycle, as a caller may see it.
type participation struct {
	cycle       models.Cycle
	office      models.Organisation
	org         models.Organisation
	participant models.Participant
}

// loadParticipation finds the bureau org in cycle id and checks that p may
// act on it. Another office's cycle and another bureau's participation do
// not exist for the caller (404), so guessing codes reveals nothing.
func (s *Service) loadParticipation(tx *gorm.DB, p Principal, id, org string, access rules.Access) (participation, error) {
	var pt participation
	notFound := apperr.NotFound(fmt.Sprintf("周期“%s”中没有单位“%s”", id, org))
	if r := rules.Allowed(p.Role, access); r != nil {
		return pt, ruleError(r)
	}
	if p.Role == rules.RoleBureau && p.OrgCode != org {
		return pt, notFound
	}
	if err := tx.Take(&pt.cycle, "id = ?", id).Error; errors.Is(err, gorm.ErrRecordNotFound) {
		return pt, notFound
	} else if err != nil {
		return pt, fmt.Errorf("load cycle: %w", err)
	}
	switch p.Role {
	case rules.RoleBureau:
	case rules.RoleViewer:
		granted, err := isViewerOf(tx, p, id)
		if err != nil {
			return pt, err
		}
		if !granted {
			return pt, notFound
		}
	default:
		inScope, err := s.covers(tx, p, pt.cycle.OfficeID)
		if err != nil {
			return pt, err
		}
		if !inScope {
			return pt, notFound
		}
	}
	if err := tx.Scopes(models.OfBureau(id, org)).Take(&pt.participant).Error; errors.Is(err, gorm.ErrRecordNotFound) {
		return pt, notFound
	} else if err != nil {
		return pt, fmt.Errorf("load participant: %w", err)
	}
	if err := tx.Take(&pt.org, pt.participant.OrgID).Error; err != nil {
		return pt, fmt.Errorf("load organisation: %w", err)
	}
	if err := tx.Take(&pt.office, pt.cycle.OfficeID).Error; err != nil {
		return pt, fmt.Errorf("load office: %w", err)
	}
	return pt, nil
}
