package service

import (
	"errors"
	"fmt"
	"strings"

	"gorm.io/gorm"

	"github.com/lawcycle/lawcycle/internal/apperr"
	"github.com/lawcycle/lawcycle/models"
	"github.com/lawcycle/lawcycle/rules"
)

// Whose calendar a caller reads and changes (docs/domain.md#working-days):
// reading is for everyone, about the office they belong to or one in
// their scope; changing days is for an office's admins and the platform.

// nearestOffice is the organisation itself if it is an office, else the
// closest office above it; the zero value when there is none.
func nearestOffice(tx *gorm.DB, orgID uint) (models.Organisation, error) {
	for id, hops := orgID, 0; id != 0 && hops < 64; hops++ {
		var o models.Organisation
		if err := tx.Take(&o, id).Error; errors.Is(err, gorm.ErrRecordNotFound) {
			break
		} else if err != nil {
			return o, fmt.Errorf("load organisation: %w", err)
		}
		if o.Kind == models.KindOffice {
			return o, nil
		}
		if o.ParentID == nil {
			break
		}
		id = *o.ParentID
	}
	return models.Organisation{}, nil
}

// calendarOfficeForRead is the office whose calendar the caller reads:
// the zero Organisation for the installation's.
func (s *Service) calendarOfficeForRead(tx *gorm.DB, p Principal, code string) (models.Organisation, error) {
	code = strings.TrimSpace(code)
	if code == "" {
		if p.IsPlatformAdmin() || p.OrgID == nil {
			return models.Organisation{}, nil
		}
		return nearestOffice(tx, *p.OrgID)
	}
	org, err := calendarOrg(tx, code)
	if err != nil {
		return org, err
	}
	visible := false
	switch p.Role {
	case rules.RolePlatformAdmin, rules.RoleAdmin, rules.RoleReviewer:
		scope, err := s.scope(tx, p)
		if err != nil {
			return org, err
		}
		visible = scope.contains(org.ID)
	case rules.RoleBureau:
		if p.OrgID != nil {
			own, err := nearestOffice(tx, *p.OrgID)
			if err != nil {
				return org, err
			}
			visible = own.ID == org.ID
		}
	}
	if !visible {
		return org, apperr.NotFound(fmt.Sprintf("机构“%s”不存在", code))
	}
	return org, requireOffice(org)
}

// calendarOrg looks up an organisation by code for the calendar routes.
func calendarOrg(tx *gorm.DB, code string) (models.Organisation, error) {
	var org models.Organisation
	if err := tx.Take(&org, "code = ?", code).Error; errors.Is(err, gorm.ErrRecordNotFound) {
		return org, apperr.NotFound(fmt.Sprintf("机构“%s”不存在", code))
	} else if err != nil {
		return org, fmt.Errorf("look up office: %w", err)
	}
	return org, nil
}

// requireOffice refuses a bureau where the calendar wants an office; call
// it only once the caller may see the organisation.
func requireOffice(org models.Organisation) error {
	if org.Kind != models.KindOffice {
		return apperr.Validation(fmt.Sprintf("“%s”是部门：工作日日历按法治办设置，请指定法治办", org.Code),
			apperr.Field(-1, "office", "不是法治办"))
	}
	return nil
}

// calendarOfficeForWrite is the scope of a change: 0 for the
// installation (platform admins only), else an office the caller manages.
func (s *Service) calendarOfficeForWrite(tx *gorm.DB, p Principal, code string) (uint, string, error) {
	if !p.IsPlatformAdmin() && p.Role != rules.RoleAdmin {
		return 0, "", apperr.Forbidden("只有管理员可以调整工作日日历")
	}
	code = strings.TrimSpace(code)
	if code == "" {
		if p.IsPlatformAdmin() {
			return 0, "", nil
		}
		if p.OrgID == nil {
			return 0, "", apperr.Forbidden("您的账号未绑定法治办，不能调整工作日日历")
		}
		own, err := nearestOffice(tx, *p.OrgID)
		if err != nil {
			return 0, "", err
		}
		if own.ID == 0 {
			return 0, "", apperr.Forbidden("您的账号未绑定法治办，不能调整工作日日历")
		}
		return own.ID, own.Code, nil
	}
	office, err := calendarOrg(tx, code)
	if err != nil {
		return 0, "", err
	}
	scope, err := s.scope(tx, p)
	if err != nil {
		return 0, "", err
	}
	if !scope.contains(office.ID) {
		return 0, "", apperr.NotFound(fmt.Sprintf("机构“%s”不存在", code))
	}
	if err := requireOffice(office); err != nil {
		return 0, "", err
	}
	return office.ID, office.Code, nil
}
