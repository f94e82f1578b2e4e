package workflows

import (
	"fmt"
	"strings"

	"go.temporal.io/sdk/workflow"

	"github.com/lawcycle/lawcycle/wire"
)

// The bureau workflow's updates: people's actions. Each validator refuses,
// in Chinese and before anything reaches the history, what the bureau's
// state does not allow; each handler records the action through an
// activity and changes the state the main flow waits on.

// common refuses any action while another is being recorded or after the
// cycle closed.
func (b *bureau) common() error {
	switch {
	case b.busy != "":
		return refusal(fmt.Sprintf("本单位的另一项操作（%s）正在处理，请稍候刷新查看结果，不要重复提交", b.busy))
	case b.closing:
		return refusal("本周期已关闭，不再受理该操作")
	}
	return nil
}

// begin marks an action as being recorded; the returned func ends it.
// Validators of updates delivered in the same workflow task all run before
// the first handler, so a handler checks again.
func (b *bureau) begin(action string) (func(), error) {
	if b.busy != "" {
		return nil, b.common()
	}
	b.busy = action
	return func() { b.busy = "" }, nil
}

func isBureauActor(by wire.Actor, org string) bool {
	return by.Role == wire.ActorRoleBureau || (by.OrgCode != "" && by.OrgCode == org)
}

func (b *bureau) validateSubmit(req wire.SubmitRequest) error {
	if err := b.common(); err != nil {
		return err
	}
	switch {
	case b.stage == wire.StagePending || b.stage == wire.StageNotified:
		return refusal("通知尚未送达本单位，暂不能报送")
	case b.stage == wire.StageUnderReview:
		return refusal(fmt.Sprintf("第%d轮报表（第%d版）已报送，正在审核中；审核退回后才能再次报送", b.round, b.version))
	case b.stage != wire.StageAwaitingSubmission:
		return refusal(fmt.Sprintf("当前阶段为「%s」，不再接受报表", b.stage.Label()))
	case req.Round != b.round:
		return refusal(fmt.Sprintf("该报表针对第%d轮，而当前是第%d轮；请按最新要求重新报送", req.Round, b.round))
	case req.FileSHA == "" || req.ReturnSHA == "":
		return refusal("报表文件缺失")
	}
	return nil
}

// submit records the accepted return as the next version and moves the
// bureau to under_review.
func (b *bureau) submit(ctx workflow.Context, req wire.SubmitRequest) (wire.SubmitResult, error) {
	done, err := b.begin("报送")
	if err != nil {
		return wire.SubmitResult{}, err
	}
	defer done()
	b.seq++
	rec := wire.SubmissionRecord{CycleID: b.in.CycleID, OrgCode: b.in.OrgCode, Request: req, Seq: b.seq, At: workflow.Now(ctx)}
	var res wire.SubmitResult
	if err := workflow.ExecuteActivity(dbActivity(ctx), a.RecordSubmission, rec).Get(ctx, &res); err != nil {
		return wire.SubmitResult{}, actionFailed("record submission", err)
	}
	b.version = res.Version
	return res, b.moved(ctx, wire.StageUnderReview)
}

func (b *bureau) validateReview(req wire.ReviewRequest) error {
	if err := b.common(); err != nil {
		return err
	}
	switch {
	case isBureauActor(req.By, b.in.OrgCode):
		return refusal("不能审核本单位报送的报表")
	case b.version == 0:
		return refusal("本单位尚未报送报表，没有可审核的内容")
	case b.stage == wire.StageAwaitingSubmission:
		return refusal(fmt.Sprintf("第%d版已退回修改，正在等待本单位重新报送", b.version))
	case b.stage == wire.StageApproved || b.stage == wire.StageAwaitingPublication || b.stage == wire.StageCompleted:
		return refusal(fmt.Sprintf("第%d版已审核通过，不能重复审核", b.version))
	case b.stage != wire.StageUnderReview:
		return refusal(fmt.Sprintf("当前阶段为「%s」，不能审核", b.stage.Label()))
	case req.Version != b.version:
		return refusal(fmt.Sprintf("您审核的是第%d版，而本单位最新报送的是第%d版；请刷新后重新审核", req.Version, b.version))
	case req.Decision != wire.ReviewApprove && req.Decision != wire.ReviewReturn:
		return refusal("审核结论只能是“通过”或“退回”")
	case req.Decision == wire.ReviewReturn && len(req.Comments) == 0:
		return refusal("退回修改时请至少填写一条意见")
	}
	return nil
}

// review records the decision: approved (the main flow moves on to
// publication), or returned with the next round's due date.
func (b *bureau) review(ctx workflow.Context, req wire.ReviewRequest) (wire.ReviewResult, error) {
	done, err := b.begin("审核")
	if err != nil {
		return wire.ReviewResult{}, err
	}
	defer done()
	b.seq++
	rec := wire.ReviewRecord{CycleID: b.in.CycleID, OrgCode: b.in.OrgCode, Request: req, Round: b.round, Seq: b.seq, At: workflow.Now(ctx)}
	var res wire.ReviewResult
	if err := workflow.ExecuteActivity(dbActivity(ctx), a.RecordReview, rec).Get(ctx, &res); err != nil {
		return wire.ReviewResult{}, actionFailed("record review", err)
	}
	if res.Decision == wire.ReviewReturn {
		b.round = res.Round
		b.setDue(wire.DeadlineSubmission, res.SubmissionDue)
		return res, b.moved(ctx, wire.StageAwaitingSubmission)
	}
	return res, b.moved(ctx, wire.StageApproved)
}

// owes reports whether the bureau still owes a deadline of kind, so that
// extending it makes sense.
func (b *bureau) owes(kind wire.DeadlineKind) bool {
	switch kind {
	case wire.DeadlineSubmission:
		return b.stage == wire.StageNotified || b.stage == wire.StageAwaitingSubmission
	case wire.DeadlinePublication:
		return b.stage != wire.StageCompleted
	}
	return false
}

func (b *bureau) validateExtensionKind(kind wire.DeadlineKind, until wire.DueSetting, reason string) error {
	switch {
	case !kind.Valid():
		return refusal("延期事项只能是“报送”或“公开”")
	case !b.owes(kind):
		return refusal(fmt.Sprintf("本单位当前阶段为「%s」，没有待完成的%s期限，无需延期", b.stage.Label(), kind.Label()))
	case until.IsZero():
		return refusal("请填写延期后的截止日期或延长的工作日数")
	case strings.TrimSpace(reason) == "":
		return refusal("请说明延期理由")
	}
	return nil
}

func (b *bureau) validateExtensionRequest(req wire.ExtensionRequest) error {
	if err := b.common(); err != nil {
		return err
	}
	if b.pending != nil {
		return refusal(fmt.Sprintf("本单位已有一项%s延期申请等待法治办审批，请勿重复申请", b.pending.Kind.Label()))
	}
	return b.validateExtensionKind(req.Kind, req.Until, req.Reason)
}

// requestExtension records the request; the office decides it later.
func (b *bureau) requestExtension(ctx workflow.Context, req wire.ExtensionRequest) (wire.ExtensionResult, error) {
	done, err := b.begin("申请延期")
	if err != nil {
		return wire.ExtensionResult{}, err
	}
	defer done()
	res, err := b.recordExtension(ctx, wire.ExtensionRecord{Request: &req}, req.Kind)
	if err != nil {
		return res, err
	}
	b.pending = &wire.PendingExtension{ID: res.ID, Kind: req.Kind, Round: b.round}
	return res, nil
}

func (b *bureau) validateExtensionDecision(req wire.ExtensionDecision) error {
	if err := b.common(); err != nil {
		return err
	}
	switch {
	case isBureauActor(req.By, b.in.OrgCode):
		return refusal("本单位不能审批自己的延期申请")
	case b.pending == nil || b.pending.ID != req.ID:
		return refusal("该延期申请不存在或已处理")
	case !req.Approve && strings.TrimSpace(req.Reason) == "":
		return refusal("不同意延期时请说明理由")
	}
	return nil
}

// decideExtension records the office's answer; an approval moves the due
// date, and the main flow plans the new deadline.
func (b *bureau) decideExtension(ctx workflow.Context, req wire.ExtensionDecision) (wire.ExtensionResult, error) {
	done, err := b.begin("审批延期")
	if err != nil {
		return wire.ExtensionResult{}, err
	}
	defer done()
	kind := b.pending.Kind
	res, err := b.recordExtension(ctx, wire.ExtensionRecord{Decision: &req, Round: b.pending.Round}, kind)
	if err != nil {
		return res, err
	}
	b.pending = nil
	return res, nil
}

func (b *bureau) validateExtend(req wire.BureauExtension) error {
	if err := b.common(); err != nil {
		return err
	}
	if isBureauActor(req.By, b.in.OrgCode) {
		return refusal("本单位不能自行延期，请提交延期申请")
	}
	return b.validateExtensionKind(req.Kind, req.Until, req.Reason)
}

// extend records the office's extension of this bureau's deadline.
func (b *bureau) extend(ctx workflow.Context, req wire.BureauExtension) (wire.ExtensionResult, error) {
	done, err := b.begin("延期")
	if err != nil {
		return wire.ExtensionResult{}, err
	}
	defer done()
	return b.recordExtension(ctx, wire.ExtensionRecord{Grant: &req}, req.Kind)
}

// recordExtension runs RecordExtension for the deadline of kind and takes
// the new due date it computed, if any.
func (b *bureau) recordExtension(ctx workflow.Context, rec wire.ExtensionRecord, kind wire.DeadlineKind) (wire.ExtensionResult, error) {
	rec.CycleID, rec.OrgCode, rec.CurrentDue, rec.At = b.in.CycleID, b.in.OrgCode, b.due(kind), workflow.Now(ctx)
	if rec.Round == 0 {
		rec.Round = b.round
	}
	var res wire.ExtensionResult
	if err := workflow.ExecuteActivity(dbActivity(ctx), a.RecordExtension, rec).Get(ctx, &res); err != nil {
		return wire.ExtensionResult{}, actionFailed("record extension", err)
	}
	b.setDue(kind, res.Due)
	return res, nil
}

func (b *bureau) validatePublish(req wire.PublishRequest) error {
	if err := b.common(); err != nil {
		return err
	}
	switch {
	case b.stage == wire.StageCompleted:
		return refusal("本单位已登记公开信息，不能重复登记")
	case b.stage != wire.StageAwaitingPublication:
		return refusal(fmt.Sprintf("本单位当前阶段为「%s」，报表审核通过后才能登记公开", b.stage.Label()))
	case !req.SecrecyReviewed:
		return refusal("公开前须完成保密审查")
	case !req.LeaderApproved:
		return refusal("公开前须经主要负责人审定")
	case strings.TrimSpace(req.URL) == "":
		return refusal("请填写公开网址")
	}
	return nil
}

// publish records the published report and completes the bureau.
func (b *bureau) publish(ctx workflow.Context, req wire.PublishRequest) (wire.PublishResult, error) {
	done, err := b.begin("登记公开")
	if err != nil {
		return wire.PublishResult{}, err
	}
	defer done()
	b.seq++
	rec := wire.PublicationRecord{CycleID: b.in.CycleID, OrgCode: b.in.OrgCode, Request: req, Due: b.publicationDue, Seq: b.seq, At: workflow.Now(ctx)}
	var res wire.PublishResult
	if err := workflow.ExecuteActivity(dbActivity(ctx), a.RecordPublication, rec).Get(ctx, &res); err != nil {
		return wire.PublishResult{}, actionFailed("record publication", err)
	}
	return res, b.moved(ctx, wire.StageCompleted)
}
