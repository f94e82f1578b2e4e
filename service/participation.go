package service

import (
	"errors"
	"fmt"
	"slices"

	"gorm.io/gorm"

	"github.com/lawcycle/lawcycle/internal/apperr"
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
	// readAccess: the bureau itself, the office (admin, reviewer) and the
	// viewers granted the cycle.
	readAccess participationAccess = iota
	// submitAccess: the bureau itself, or an office admin on its behalf.
	submitAccess
	// reviewAccess: the office's admins and reviewers.
	reviewAccess
	// publishAccess: the bureau itself, or the office (admin, reviewer)
	// on its behalf.
	publishAccess
	// extendAccess: the bureau asks for more time, an office admin grants
	// it directly.
	extendAccess
	// decideAccess: the office's admins, deciding a bureau's request.
	decideAccess
	// rectifyAccess: the office's admins and reviewers add items to a
	// bureau's ledger and verify its closure requests.
	rectifyAccess
	// rectProgressAccess: the bureau reports progress on its items, an
	// office admin on its behalf.
	rectProgressAccess
	// rectClosureAccess: only the bureau itself asks for its item to be
	// closed; nobody asks on its behalf, not even a platform admin.
	rectClosureAccess
)

// participationRules says, per access, which roles besides the platform
// admin may act, and why each other role may not (403). Every role is
// still scoped: office staff to their office's cycles, a bureau to itself,
// a viewer to the cycles granted.
var participationRules = map[participationAccess]struct {
	roles   []string
	refused map[string]string
	// exclusive: the platform admin may act only if listed in roles.
	exclusive bool
}{
	readAccess: {roles: []string{models.RoleAdmin, models.RoleReviewer, models.RoleBureau, models.RoleViewer}},
	submitAccess: {roles: []string{models.RoleAdmin, models.RoleBureau}, refused: map[string]string{
		models.RoleReviewer: "审核人员不能代替单位报送；请由单位自行报送或由管理员代报",
		models.RoleViewer:   "查看人员只能查看，不能报送",
	}},
	reviewAccess: {roles: []string{models.RoleAdmin, models.RoleReviewer}, refused: map[string]string{
		models.RoleBureau: "部门不能审核报表；审核由法治办的审核人员或管理员进行",
		models.RoleViewer: "查看人员只能查看，不能审核",
	}},
	publishAccess: {roles: []string{models.RoleAdmin, models.RoleReviewer, models.RoleBureau}, refused: map[string]string{
		models.RoleViewer: "查看人员只能查看，不能登记公开",
	}},
	extendAccess: {roles: []string{models.RoleAdmin, models.RoleBureau}, refused: map[string]string{
		models.RoleReviewer: "审核人员不能办理延期；延期由单位申请、法治办管理员批准",
		models.RoleViewer:   "查看人员只能查看，不能申请延期",
	}},
	decideAccess: {roles: []string{models.RoleAdmin}, refused: map[string]string{
		models.RoleReviewer: "只有法治办管理员可以审批延期申请",
		models.RoleBureau:   "只有法治办管理员可以审批延期申请",
		models.RoleViewer:   "查看人员只能查看，不能审批延期申请",
	}},
	rectifyAccess: {roles: []string{models.RoleAdmin, models.RoleReviewer}, refused: map[string]string{
		models.RoleBureau: "部门不能自行添加或核验整改事项；整改事项由法治办添加，销号由法治办审核人员核验",
		models.RoleViewer: "查看人员只能查看，不能办理整改事项",
	}},
	rectProgressAccess: {roles: []string{models.RoleAdmin, models.RoleBureau}, refused: map[string]string{
		models.RoleReviewer: "审核人员不能代替单位报告整改进展；请由责任单位报告，或由法治办管理员代为报告",
		models.RoleViewer:   "查看人员只能查看，不能报告整改进展",
	}},
	rectClosureAccess: {roles: []string{models.RoleBureau}, exclusive: true, refused: map[string]string{
		models.RolePlatformAdmin: "销号申请只能由责任单位提出；平台管理员不能代为申请",
		models.RoleAdmin:         "销号申请只能由责任单位提出；法治办可代为报告进展，但不能代为申请销号",
		models.RoleReviewer:      "销号申请只能由责任单位提出；审核人员负责核验销号申请",
		models.RoleViewer:        "查看人员只能查看，不能申请销号",
	}},
}

// allowed refuses, with a 403, a role that may not act under access at all.
func (a participationAccess) allowed(role string) error {
	rule := participationRules[a]
	if (role == models.RolePlatformAdmin && !rule.exclusive) || slices.Contains(rule.roles, role) {
		return nil
	}
	if msg, ok := rule.refused[role]; ok {
		return apperr.Forbidden(msg)
	}
	return apperr.Forbidden("当前角色无权访问单位报表")
}

// loadParticipation finds the bureau org in cycle id and checks that p may
// act on it. Another office's cycle and another bureau's participation do
// not exist for the caller (404), so guessing codes reveals nothing.
func (s *Service) loadParticipation(tx *gorm.DB, p Principal, id, org string, access participationAccess) (participation, error) {
	var pt participation
	notFound := apperr.NotFound(fmt.Sprintf("周期“%s”中没有单位“%s”", id, org))
	if err := access.allowed(p.Role); err != nil {
		return pt, err
	}
	if p.Role == models.RoleBureau && p.OrgCode != org {
		return pt, notFound
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
