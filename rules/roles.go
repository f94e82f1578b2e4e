package rules

import (
	"slices"

	"github.com/lawcycle/lawcycle/wire"
)

// Roles (docs/domain.md#roles), the same strings wire.Actor and the users
// table carry.
const (
	RolePlatformAdmin = wire.ActorRolePlatformAdmin
	RoleAdmin         = wire.ActorRoleAdmin
	RoleReviewer      = wire.ActorRoleReviewer
	RoleBureau        = wire.ActorRoleBureau
	RoleViewer        = wire.ActorRoleViewer
)

// Role sets that routes and pages admit before the service decides per
// organisation; defined here once for the API and the web UI.
var (
	AnyRole        = []string{RolePlatformAdmin, RoleAdmin, RoleReviewer, RoleBureau, RoleViewer}
	OfficeAdmins   = []string{RolePlatformAdmin, RoleAdmin}
	OfficeStaff    = []string{RolePlatformAdmin, RoleAdmin, RoleReviewer}
	CycleReaders   = []string{RolePlatformAdmin, RoleAdmin, RoleReviewer, RoleViewer}
	Participants   = []string{RolePlatformAdmin, RoleAdmin, RoleReviewer, RoleBureau}
	ParticipantsRO = []string{RolePlatformAdmin, RoleAdmin, RoleReviewer, RoleBureau, RoleViewer}
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
	roles   []string
	refused map[string]string
	// exclusive: the platform admin may act only if listed in roles.
	exclusive bool
}{
	AccessRead: {roles: []string{RoleAdmin, RoleReviewer, RoleBureau, RoleViewer}},
	AccessSubmit: {roles: []string{RoleAdmin, RoleBureau}, refused: map[string]string{
		RoleReviewer: "审核人员不能代替单位报送；请由单位自行报送或由管理员代报",
		RoleViewer:   "查看人员只能查看，不能报送",
	}},
	AccessReview: {roles: []string{RoleAdmin, RoleReviewer}, refused: map[string]string{
		RoleBureau: "部门不能审核报表；审核由法治办的审核人员或管理员进行",
		RoleViewer: "查看人员只能查看，不能审核",
	}},
	AccessPublish: {roles: []string{RoleAdmin, RoleReviewer, RoleBureau}, refused: map[string]string{
		RoleViewer: "查看人员只能查看，不能登记公开",
	}},
	AccessExtend: {roles: []string{RoleAdmin, RoleBureau}, refused: map[string]string{
		RoleReviewer: "审核人员不能办理延期；延期由单位申请、法治办管理员批准",
		RoleViewer:   "查看人员只能查看，不能申请延期",
	}},
	AccessDecide: {roles: []string{RoleAdmin}, refused: map[string]string{
		RoleReviewer: "只有法治办管理员可以审批延期申请",
		RoleBureau:   "只有法治办管理员可以审批延期申请",
		RoleViewer:   "查看人员只能查看，不能审批延期申请",
	}},
	AccessRectify: {roles: []string{RoleAdmin, RoleReviewer}, refused: map[string]string{
		RoleBureau: "部门不能自行添加或核验整改事项；整改事项由法治办添加，销号由法治办审核人员核验",
		RoleViewer: "查看人员只能查看，不能办理整改事项",
	}},
	AccessRectProgress: {roles: []string{RoleAdmin, RoleBureau}, refused: map[string]string{
		RoleReviewer: "审核人员不能代替单位报告整改进展；请由责任单位报告，或由法治办管理员代为报告",
		RoleViewer:   "查看人员只能查看，不能报告整改进展",
	}},
	AccessRectClosure: {roles: []string{RoleBureau}, exclusive: true, refused: map[string]string{
		RolePlatformAdmin: "销号申请只能由责任单位提出；平台管理员不能代为申请",
		RoleAdmin:         "销号申请只能由责任单位提出；法治办可代为报告进展，但不能代为申请销号",
		RoleReviewer:      "销号申请只能由责任单位提出；审核人员负责核验销号申请",
		RoleViewer:        "查看人员只能查看，不能申请销号",
	}},
}

// Allowed refuses a role that may not act under access at all, saying
// why in the role's terms.
func Allowed(role string, access Access) *Refusal {
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
