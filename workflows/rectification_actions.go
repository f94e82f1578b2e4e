package workflows

import (
	"fmt"
	"slices"
	"strings"

	"go.temporal.io/sdk/workflow"

	"github.com/lawcycle/lawcycle/wire"
)

// The item workflow's updates: the bureau reports progress and asks for
// 销号, the office verifies. Validators refuse in Chinese what the item's
// state or the person's role does not allow; handlers record the action
// through RecordRectAction, which answers with the item's new state.

// officeRoles may act for the office on an item; verifyRoles may verify.
var (
	officeRoles = []string{wire.ActorRoleAdmin, wire.ActorRolePlatformAdmin}
	verifyRoles = []string{wire.ActorRoleReviewer, wire.ActorRoleAdmin, wire.ActorRolePlatformAdmin}
)

// available refuses any action while another is being recorded, before
// the item is recorded, and once it has ended in this cycle.
func (r *rect) available() error {
	switch {
	case r.busy != "":
		return refusal(fmt.Sprintf("该整改事项的另一项操作（%s）正在处理，请稍候刷新查看结果，不要重复提交", r.busy))
	case !r.opened:
		return refusal("该整改事项正在登记，请稍候再试")
	case r.Item.Status == wire.RectClosed:
		return refusal("该整改事项已销号，不再受理该操作")
	case r.Closing || r.Item.Status == wire.RectCarriedOver:
		return refusal("本周期已关闭，该整改事项结转至下一年度继续整改，请在新周期中办理")
	}
	return nil
}

// ownBureau reports whether by is a person of the item's bureau.
func (r *rect) ownBureau(by wire.Actor) bool {
	return by.Role == wire.ActorRoleBureau && by.OrgCode == r.in.OrgCode
}

func (r *rect) validateProgress(p wire.RectProgress) error {
	if err := r.available(); err != nil {
		return err
	}
	switch {
	case !r.ownBureau(p.By) && !slices.Contains(officeRoles, p.By.Role):
		return refusal("只有责任单位或法治办管理员可以报告该事项的整改进展")
	case strings.TrimSpace(p.Note) == "" && len(p.Evidence) == 0:
		return refusal("请填写整改进展或上传佐证材料")
	}
	return nil
}

func (r *rect) validateClosure(p wire.RectProgress) error {
	if err := r.available(); err != nil {
		return err
	}
	switch {
	case !r.ownBureau(p.By):
		return refusal("只有责任单位可以申请销号")
	case r.Item.Status == wire.RectClosureRequested:
		return refusal("已申请销号，正在等待法治办核验，请勿重复申请")
	case len(p.Evidence) == 0 && r.Item.Evidence == 0:
		return refusal("申请销号须上传整改佐证材料（如整改报告、制度文件、会议纪要等）")
	}
	return nil
}

func (r *rect) validateVerify(v wire.RectVerification) error {
	if err := r.available(); err != nil {
		return err
	}
	switch {
	case isBureauActor(v.By, r.in.OrgCode) || v.By.Role == wire.ActorRoleBureau:
		return refusal("整改事项由法治办核验销号，责任单位不能自行销号")
	case !slices.Contains(verifyRoles, v.By.Role):
		return refusal("只有法治办审核人员可以核验销号")
	case r.Item.Status != wire.RectClosureRequested:
		return refusal(fmt.Sprintf("该整改事项当前为「%s」，责任单位申请销号后才能核验", r.Item.Status.Label()))
	case !v.Close && strings.TrimSpace(v.Reason) == "":
		return refusal("退回销号申请时请说明理由")
	}
	return nil
}

func (r *rect) progress(ctx workflow.Context, p wire.RectProgress) (wire.RectState, error) {
	return r.record(ctx, "报告整改进展", wire.RectRecord{Progress: &p})
}

func (r *rect) requestClosure(ctx workflow.Context, p wire.RectProgress) (wire.RectState, error) {
	return r.record(ctx, "申请销号", wire.RectRecord{Closure: &p})
}

// verify closes the item (销号; the main flow then ends) or sends it back
// to in_progress.
func (r *rect) verify(ctx workflow.Context, v wire.RectVerification) (wire.RectState, error) {
	return r.record(ctx, "核验销号", wire.RectRecord{Verification: &v})
}

// record stores one action and takes the item's new state. Validators of
// updates delivered in the same workflow task all run before the first
// handler, so the handler checks for another action again.
func (r *rect) record(ctx workflow.Context, what string, rec wire.RectRecord) (wire.RectState, error) {
	if r.busy != "" {
		return wire.RectState{}, r.available()
	}
	r.busy = what
	defer func() { r.busy = "" }()
	r.Seq++
	rec.CycleID, rec.OrgCode, rec.ItemID, rec.Seq, rec.At = r.in.CycleID, r.in.OrgCode, r.in.ItemID, r.Seq, workflow.Now(ctx)
	var st wire.RectState
	if err := workflow.ExecuteActivity(dbActivity(ctx), a.RecordRectAction, rec).Get(ctx, &st); err != nil {
		return wire.RectState{}, actionFailed("record "+what, err)
	}
	r.take(st)
	r.busy = ""
	return r.state()
}
