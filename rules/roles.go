package rules

import (
	"slices"

	"github.com/lawcycle/lawcycle/wire"
)

// Role is what a user may do (docs/domain.md#roles). The users table and
// wire.Actor carry the same strings.
type Role string

// Roles.
const (
	RolePlatformAdmin Role = wire.ActorRolePlatformAdmin
	RoleAdmin         Role = wire.ActorRoleAdmin
	RoleReviewer      Role = wire.ActorRoleReviewer
	RoleBureau        Role = wire.ActorRoleBureau
	RoleViewer        Role = wire.ActorRoleViewer
)

// Valid reports whether r is one of the roles.
func (r Role) Valid() bool { return slices.Contains(AnyRole, r) }

// Label is the role's name as offices say it.
func (r Role) Label() string {
	switch r {
	case RolePlatformAdmin:
		return "平台管理员"
	case RoleAdmin:
		return "管理员"
	case RoleReviewer:
		return "审核人员"
	case RoleBureau:
		return "部门填报人员"
	case RoleViewer:
		return "查看人员"
	}
	return string(r)
}

// Role sets that routes and pages admit before the service decides per
// organisation; defined here once for the API and the web UI.
var (
	AnyRole        = []Role{RolePlatformAdmin, RoleAdmin, RoleReviewer, RoleBureau, RoleViewer}
	OfficeAdmins   = []Role{RolePlatformAdmin, RoleAdmin}
	OfficeStaff    = []Role{RolePlatformAdmin, RoleAdmin, RoleReviewer}
	CycleReaders   = []Role{RolePlatformAdmin, RoleAdmin, RoleReviewer, RoleViewer}
	Participants   = []Role{RolePlatformAdmin, RoleAdmin, RoleReviewer, RoleBureau}
	ParticipantsRO = []Role{RolePlatformAdmin, RoleAdmin, RoleReviewer, RoleBureau, RoleViewer}
)

// Access is what someone wants to do with a bureau's participation in a
// cycle. Scoping (which office, which bureau, which granted cycle) is the
// service's; Allowed decides only whether the role may do it at all.
type Access int

const (
	// AccessRead: the bureau itself, the office (admin, reviewer) and the
	// viewers granted the cycle.
	AccessRead Access = iota
	// AccessSubmit: the bureau itself, or an office admin on its behalf.
	AccessSubmit
	// AccessReview: the office's admins and reviewers.
	AccessReview
	// AccessPublish: the bureau itself, or the office on its behalf.
	AccessPublish
	// AccessExtend: the bureau asks for more time, an office admin grants
	// it directly.
	AccessExtend
	// AccessDecide: the office's admins, deciding a bureau's request.
	AccessDecide
	// AccessRectify: the office's admins and reviewers add items to a
	// bureau's ledger and verify its closure requests (销号核验).
	AccessRectify
	// AccessRectProgress: the bureau reports progress on its items, an
	// office admin on its behalf.
	AccessRectProgress
	// AccessRectClosure: only the bureau itself asks for its item to be
	// closed; nobody asks on its behalf, not even a platform admin.
	AccessRectClosure
)

// CodeRole is the code of every role refusal.
const CodeRole Code = "role"

var accessRules = map[Access]struct {
	roles   []Role
	refused map[Role]string
	// exclusive: the platform admin may act only if listed in roles.
	exclusive bool
}{
	AccessRead: {roles: []Role{RoleAdmin, RoleReviewer, RoleBureau, RoleViewer}},
	AccessSubmit: {roles: []Role{RoleAdmin, RoleBureau}, refused: map[Role]string{
		RoleReviewer: "审核人员不能代替单位报送；请由单位自行报送或由管理员代报",
		RoleViewer:   "查看人员只能查看，不能报送",
	}},
	AccessReview: {roles: []Role{RoleAdmin, RoleReviewer}, refused: map[Role]string{
		RoleBureau: "部门不能审核报表；审核由法治办的审核人员或管理员进行",
		RoleViewer: "查看人员只能查看，不能审核",
	}},
	AccessPublish: {roles: []Role{RoleAdmin, RoleReviewer, RoleBureau}, refused: map[Role]string{
		RoleViewer: "查看人员只能查看，不能登记公开",
	}},
	AccessExtend: {roles: []Role{RoleAdmin, RoleBureau}, refused: map[Role]string{
		RoleReviewer: "审核人员不能办理延期；延期由单位申请、法治办管理员批准",
		RoleViewer:   "查看人员只能查看，不能申请延期",
	}},
	AccessDecide: {roles: []Role{RoleAdmin}, refused: map[Role]string{
		RoleReviewer: "只有法治办管理员可以审批延期申请",
		RoleBureau:   "只有法治办管理员可以审批延期申请",
		RoleViewer:   "查看人员只能查看，不能审批延期申请",
	}},
	AccessRectify: {roles: []Role{RoleAdmin, RoleReviewer}, refused: map[Role]string{
		RoleBureau: "部门不能自行添加或核验整改事项；整改事项由法治办添加，销号由法治办审核人员核验",
		RoleViewer: "查看人员只能查看，不能办理整改事项",
	}},
	AccessRectProgress: {roles: []Role{RoleAdmin, RoleBureau}, refused: map[Role]string{
		RoleReviewer: "审核人员不能代替单位报告整改进展；请由责任单位报告，或由法治办管理员代为报告",
		RoleViewer:   "查看人员只能查看，不能报告整改进展",
	}},
	AccessRectClosure: {roles: []Role{RoleBureau}, exclusive: true, refused: map[Role]string{
		RolePlatformAdmin: "销号申请只能由责任单位提出；平台管理员不能代为申请",
		RoleAdmin:         "销号申请只能由责任单位提出；法治办可代为报告进展，但不能代为申请销号",
		RoleReviewer:      "销号申请只能由责任单位提出；审核人员负责核验销号申请",
		RoleViewer:        "查看人员只能查看，不能申请销号",
	}},
}

// Allowed refuses a role that may not act under access at all, saying
// why in the role's terms.
func Allowed(role Role, access Access) *Refusal {
	rule, ok := accessRules[access]
	if !ok {
		return refuse(CodeRole, KindRole, "当前角色无权访问单位报表")
	}
	if (role == RolePlatformAdmin && !rule.exclusive) || slices.Contains(rule.roles, role) {
		return nil
	}
	if msg, ok := rule.refused[role]; ok {
		return refuse(CodeRole, KindRole, msg)
	}
	return refuse(CodeRole, KindRole, "当前角色无权访问单位报表")
}
