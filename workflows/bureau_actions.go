package workflows

import (
	"strings"

	"go.temporal.io/sdk/workflow"

	"github.com/lawcycle/lawcycle/rules"
	"github.com/lawcycle/lawcycle/wire"
)

// The bureau workflow's updates: people's actions. Each validator refuses,
// in Chinese and before anything reaches the history, what the bureau's
// state does not allow; each handler records the action through an
// activity and changes the state the main flow waits on.

// facts is the bureau as the rulebook sees it. The workflow runs only
// while its cycle is open; once the close reached it, the cycle is closed.
func (b *bureau) facts() rules.Bureau {
	cycle := wire.CycleOpen
	if b.Closing {
		cycle = wire.CycleClosed
	}
	return rules.Bureau{Cycle: cycle, Stage: b.Stage, Round: b.Round, Version: b.Version, Busy: b.busy, Pending: b.Pending}
}

// begin marks an action as being recorded; the returned func ends it.
// Validators of updates delivered in the same workflow task all run before
// the first handler, so a handler checks again.
func (b *bureau) begin(action string) (func(), error) {
	if b.busy != "" {
		return nil, refused(rules.Acting(b.facts(), action))
	}
	b.busy = action
	return func() { b.busy = "" }, nil
}

func isBureauActor(by wire.Actor, org string) bool {
	return rules.IsBureauActor(rules.Role(by.Role), by.OrgCode, org)
}

func (b *bureau) validateSubmit(req wire.SubmitRequest) error {
	if r := rules.MaySubmit(b.facts(), req.Round); r != nil {
		return refused(r)
	}
	if req.FileSHA == "" || req.ReturnSHA == "" {
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
	b.Seq++
	rec := wire.SubmissionRecord{CycleID: b.in.CycleID, OrgCode: b.in.OrgCode, Request: req, Seq: b.Seq, At: workflow.Now(ctx)}
	var res wire.SubmitResult
	if err := workflow.ExecuteActivity(dbActivity(ctx), a.RecordSubmission, rec).Get(ctx, &res); err != nil {
		return wire.SubmitResult{}, actionFailed("record submission", err)
	}
	b.Version = res.Version
	return res, b.moved(ctx, wire.StageUnderReview)
}

func (b *bureau) validateReview(req wire.ReviewRequest) error {
	if r := rules.MayReview(b.facts(), isBureauActor(req.By, b.in.OrgCode), req.Version); r != nil {
		return refused(r)
	}
	switch {
	case req.Version == 0:
		// The service always names the version the reviewer saw; a review
		// of "whatever is latest" is refused here too.
		return refusal("审核请求未注明所审核的版本，请刷新后重新审核")
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
	b.Seq++
	rec := wire.ReviewRecord{CycleID: b.in.CycleID, OrgCode: b.in.OrgCode, Request: req, Round: b.Round, Seq: b.Seq, At: workflow.Now(ctx)}
	var res wire.ReviewResult
	if err := workflow.ExecuteActivity(dbActivity(ctx), a.RecordReview, rec).Get(ctx, &res); err != nil {
		return wire.ReviewResult{}, actionFailed("record review", err)
	}
	if res.Decision == wire.ReviewReturn {
		b.Round = res.Round
		b.setDue(wire.DeadlineSubmission, res.SubmissionDue)
		return res, b.moved(ctx, wire.StageAwaitingSubmission)
	}
	return res, b.moved(ctx, wire.StageApproved)
}

// extensionInput refuses an extension without its date or reason.
func extensionInput(until wire.DueSetting, reason string) error {
	switch {
	case until.IsZero():
		return refusal("请填写延期后的截止日期或延长的工作日数")
	case strings.TrimSpace(reason) == "":
		return refusal("请说明延期理由")
	}
	return nil
}

func (b *bureau) validateExtensionRequest(req wire.ExtensionRequest) error {
	if r := rules.MayRequestExtension(b.facts(), req.Kind); r != nil {
		return refused(r)
	}
	return extensionInput(req.Until, req.Reason)
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
	b.Pending = &wire.PendingExtension{ID: res.ID, Kind: req.Kind, Round: b.Round}
	return res, nil
}

func (b *bureau) validateExtensionDecision(req wire.ExtensionDecision) error {
	if r := rules.MayDecideExtension(b.facts(), isBureauActor(req.By, b.in.OrgCode), req.ID); r != nil {
		return refused(r)
	}
	if !req.Approve && strings.TrimSpace(req.Reason) == "" {
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
	kind := b.Pending.Kind
	res, err := b.recordExtension(ctx, wire.ExtensionRecord{Decision: &req, Round: b.Pending.Round}, kind)
	if err != nil {
		return res, err
	}
	b.Pending = nil
	return res, nil
}

func (b *bureau) validateExtend(req wire.BureauExtension) error {
	if r := rules.MayExtend(b.facts(), isBureauActor(req.By, b.in.OrgCode), req.Kind); r != nil {
		return refused(r)
	}
	return extensionInput(req.Until, req.Reason)
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
		rec.Round = b.Round
	}
	var res wire.ExtensionResult
	if err := workflow.ExecuteActivity(dbActivity(ctx), a.RecordExtension, rec).Get(ctx, &res); err != nil {
		return wire.ExtensionResult{}, actionFailed("record extension", err)
	}
	b.setDue(kind, res.Due)
	return res, nil
}

func (b *bureau) validatePublish(req wire.PublishRequest) error {
	if r := rules.MayPublish(b.facts()); r != nil {
		return refused(r)
	}
	switch {
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
	b.Seq++
	rec := wire.PublicationRecord{CycleID: b.in.CycleID, OrgCode: b.in.OrgCode, Request: req, Due: b.PublicationDue, Seq: b.Seq, At: workflow.Now(ctx)}
	var res wire.PublishResult
	if err := workflow.ExecuteActivity(dbActivity(ctx), a.RecordPublication, rec).Get(ctx, &res); err != nil {
		return wire.PublishResult{}, actionFailed("record publication", err)
	}
	return res, b.moved(ctx, wire.StageCompleted)
}
