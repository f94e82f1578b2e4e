package rules

import (
	"fmt"

	"github.com/lawcycle/lawcycle/wire"
)

// Codes of the bureau's refusals.
const (
	CodeBusy              Code = "busy"
	CodeCycleDraft        Code = "cycle_draft"
	CodeCycleClosed       Code = "cycle_closed"
	CodeNotNotified       Code = "not_notified"
	CodeUnderReview       Code = "under_review"
	CodeStage             Code = "stage"
	CodeStaleRound        Code = "stale_round"
	CodeOwnOrganisation   Code = "own_organisation"
	CodeNothingToReview   Code = "nothing_to_review"
	CodeReturned          Code = "returned"
	CodeAlreadyApproved   Code = "already_approved"
	CodeStaleVersion      Code = "stale_version"
	CodeExtensionKind     Code = "extension_kind"
	CodeExtensionPending  Code = "extension_pending"
	CodeExtensionDecided  Code = "extension_decided"
	CodeNoDeadline        Code = "no_deadline"
	CodeAlreadyPublished  Code = "already_published"
	CodeNotYetPublishable Code = "not_yet_publishable"
)

// Actions as messages name them.
const (
	ActionSubmit           = "报送"
	ActionReview           = "审核"
	ActionRequestExtension = "申请延期"
	ActionDecideExtension  = "审批延期申请"
	ActionExtend           = "延期"
	ActionPublish          = "登记公开"
)

// Bureau is what the rules need to know of one bureau in one cycle. The
// workflow fills it from its state; the service and the activities from
// the read model (docs/domain.md#stages).
type Bureau struct {
	// Cycle is the cycle's status (wire.CycleDraft …). The workflow knows
	// only open and, once the close reached it, closed.
	Cycle string
	Stage wire.Stage
	Round int
	// Version is the latest accepted submission; 0 before the first.
	Version int
	// Busy names an action the workflow is recording; only the workflow
	// knows it.
	Busy string
	// Pending is the extension request the office has not decided.
	Pending *wire.PendingExtension
}

// IsBureauActor reports whether someone of role and organisation acts as
// the bureau org itself: its own staff, or anyone bound to it.
func IsBureauActor(role Role, actorOrg, org string) bool {
	return role == RoleBureau || (actorOrg != "" && actorOrg == org)
}

// Acting refuses any action on the bureau while another is being recorded
// or when the cycle does not run (a draft, or closed).
func Acting(b Bureau, action string) *Refusal {
	switch {
	case b.Busy != "":
		return refuse(CodeBusy, KindState, fmt.Sprintf("本单位的另一项操作（%s）正在处理，请稍候刷新查看结果，不要重复提交", b.Busy))
	}
	return CycleRunning(b.Cycle, action)
}

// CycleRunning refuses an action on a cycle that has not been launched or
// has been closed: no workflow would take it.
func CycleRunning(status, action string) *Refusal {
	switch status {
	case wire.CycleDraft:
		return refuse(CodeCycleDraft, KindState, fmt.Sprintf("周期尚未启动（草稿），不能%s", action))
	case wire.CycleClosed:
		return refuse(CodeCycleClosed, KindState, fmt.Sprintf("周期已关闭，不能%s", action))
	}
	return nil
}

// MaySubmit: a bureau submits in awaiting_submission, for the current
// round. round is the round the upload was made for.
func MaySubmit(b Bureau, round int) *Refusal {
	if r := Acting(b, ActionSubmit); r != nil {
		return r
	}
	switch {
	case b.Stage == wire.StagePending || b.Stage == wire.StageNotified:
		return refuse(CodeNotNotified, KindState, "通知尚未送达本单位，暂不能报送")
	case b.Stage == wire.StageUnderReview:
		return refuse(CodeUnderReview, KindState, fmt.Sprintf("第%d轮报表（第%d版）已报送，正在审核中；审核退回后才能再次报送，更正报表或报告也请等审核退回后再上传", b.Round, b.Version))
	case b.Stage != wire.StageAwaitingSubmission:
		return refuse(CodeStage, KindState, fmt.Sprintf("本单位当前阶段为「%s」，不再接受报表", b.Stage.Label()))
	case round != b.Round:
		return refuse(CodeStaleRound, KindState, fmt.Sprintf("该报表针对第%d轮，而当前是第%d轮；请按最新要求重新报送", round, b.Round))
	}
	return nil
}

// MayReview: the office reviews the latest version while it is under
// review. byBureau: the reviewer acts as the bureau itself (IsBureauActor).
// version is the version the reviewer looked at; 0 when not stated.
func MayReview(b Bureau, byBureau bool, version int) *Refusal {
	if r := Acting(b, ActionReview); r != nil {
		return r
	}
	switch {
	case byBureau:
		return refuse(CodeOwnOrganisation, KindRole, "不能审核本单位报送的报表")
	case b.Version == 0:
		return refuse(CodeNothingToReview, KindState, fmt.Sprintf("本单位尚未报送报表（当前阶段：%s），没有可审核的内容", b.Stage.Label()))
	case b.Stage == wire.StageAwaitingSubmission:
		return refuse(CodeReturned, KindState, fmt.Sprintf("第%d版已退回修改，正在等待本单位重新报送", b.Version))
	case b.Stage == wire.StageApproved || b.Stage == wire.StageAwaitingPublication || b.Stage == wire.StageCompleted:
		return refuse(CodeAlreadyApproved, KindState, fmt.Sprintf("本单位第%d版报表已审核通过（当前阶段：%s），不能重复审核", b.Version, b.Stage.Label()))
	case b.Stage != wire.StageUnderReview:
		return refuse(CodeStage, KindState, fmt.Sprintf("本单位当前阶段为「%s」，不能审核", b.Stage.Label()))
	case version != 0 && version != b.Version:
		return refuse(CodeStaleVersion, KindState, fmt.Sprintf("您审核的是第%d版，而本单位最新报送的是第%d版；请刷新后重新审核", version, b.Version))
	}
	return nil
}

// MayRequestExtension: the bureau asks for more time on a deadline it
// still owes, one request at a time.
func MayRequestExtension(b Bureau, kind wire.DeadlineKind) *Refusal {
	if r := Acting(b, ActionRequestExtension); r != nil {
		return r
	}
	if b.Pending != nil {
		return PendingRequest(*b.Pending)
	}
	return extensible(b, kind)
}

// PendingRequest is the refusal of a second request while one awaits the
// office.
func PendingRequest(p wire.PendingExtension) *Refusal {
	return refuse(CodeExtensionPending, KindState, fmt.Sprintf("本单位已有一项%s延期申请（编号 %d）等待法治办审批，请勿重复申请", p.Kind.Label(), p.ID))
}

// MayExtend: the office extends a deadline the bureau still owes; the
// bureau itself asks instead.
func MayExtend(b Bureau, byBureau bool, kind wire.DeadlineKind) *Refusal {
	if r := Acting(b, ActionExtend); r != nil {
		return r
	}
	if byBureau {
		return refuse(CodeOwnOrganisation, KindRole, "本单位不能自行延期，请提交延期申请")
	}
	return extensible(b, kind)
}

// DeadlineKindKnown refuses an extension of a deadline that does not
// exist.
func DeadlineKindKnown(kind wire.DeadlineKind) *Refusal {
	if !kind.Valid() {
		return refuse(CodeExtensionKind, KindInput, "延期事项（kind）只能是 submission（报送）或 publication（公开）")
	}
	return nil
}

func extensible(b Bureau, kind wire.DeadlineKind) *Refusal {
	if r := DeadlineKindKnown(kind); r != nil {
		return r
	}
	switch {
	case !Owes(b.Stage, kind):
		return refuse(CodeNoDeadline, KindState, fmt.Sprintf("本单位当前阶段为「%s」，没有待完成的%s期限，无需延期", b.Stage.Label(), kind.Label()))
	}
	return nil
}

// MayDecideExtension: the office decides the bureau's pending request id.
func MayDecideExtension(b Bureau, byBureau bool, id uint) *Refusal {
	if r := Acting(b, ActionDecideExtension); r != nil {
		return r
	}
	switch {
	case byBureau:
		return refuse(CodeOwnOrganisation, KindRole, "本单位不能审批自己的延期申请")
	case b.Pending == nil || b.Pending.ID != id:
		return refuse(CodeExtensionDecided, KindState, fmt.Sprintf("延期申请（编号 %d）已处理或已撤销，不能再次审批；请刷新查看结果", id))
	}
	return nil
}

// MayPublish: publication is recorded once, after approval.
func MayPublish(b Bureau) *Refusal {
	if r := Acting(b, ActionPublish); r != nil {
		return r
	}
	switch {
	case b.Stage == wire.StageCompleted:
		return refuse(CodeAlreadyPublished, KindState, "本单位已登记公开信息，不能重复登记")
	case b.Stage != wire.StageAwaitingPublication:
		return refuse(CodeNotYetPublishable, KindState, fmt.Sprintf("本单位当前阶段为「%s」，报表审核通过后才能登记公开", b.Stage.Label()))
	}
	return nil
}
