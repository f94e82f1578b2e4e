package service

import (
	"errors"
	"fmt"

	"gorm.io/gorm"

	"github.com/lawcycle/lawcycle/apperr"
	"github.com/lawcycle/lawcycle/models"
)

// participation is one bureau in one cycle, as a caller may see it.
type participation struct {
	cycle       models.Cycle
	office      models.Organisation
	org         models.Organisation
	participant models.Participant
}

// Who may act on a bureau's participation. Scoping is decided here, once,
// for every per-bureau route.
type participationAccess int

const (
	// readAccess: the bureau itself and the office (admin, reviewer).
	readAccess participationAccess = iota
	// submitAccess: the bureau itself, or an office admin on its behalf.
	submitAccess
)

// loadParticipation finds the bureau org in cycle id and checks that p may
// act on it. Another office's cycle and another bureau's participation do
// not exist for the caller (404), so guessing codes reveals nothing.
func (s *Service) loadParticipation(tx *gorm.DB, p Principal, id, org string, access participationAccess) (participation, error) {
	var pt participation
	notFound := apperr.NotFound(fmt.Sprintf("周期“%s”中没有单位“%s”", id, org))
	switch p.Role {
	case models.RoleBureau:
		if p.OrgCode != org {
			return pt, notFound
		}
	case models.RoleReviewer:
		if access == submitAccess {
			return pt, apperr.Forbidden("审核人员不能代替单位报送；请由单位自行报送或由管理员代报")
		}
	case models.RoleViewer:
		if access == submitAccess {
			return pt, apperr.Forbidden("查看人员只能查看，不能报送")
		}
	case models.RolePlatformAdmin, models.RoleAdmin:
	default:
		return pt, apperr.Forbidden("当前角色无权访问单位报表")
	}
	if err := tx.Take(&pt.cycle, "id = ?", id).Error; errors.Is(err, gorm.ErrRecordNotFound) {
		return pt, notFound
	} else if err != nil {
		return pt, fmt.Errorf("load cycle: %w", err)
	}
	switch p.Role {
	case models.RoleBureau:
	case models.RoleViewer:
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
	if err := tx.Take(&pt.participant, "cycle_id = ? AND org_code = ?", id, org).Error; errors.Is(err, gorm.ErrRecordNotFound) {
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
