package service

import (
	"context"
	"fmt"
	"strings"

	"github.com/lawcycle/lawcycle/internal/apperr"
	"github.com/lawcycle/lawcycle/models"
	"github.com/lawcycle/lawcycle/rules"
	"github.com/lawcycle/lawcycle/wire"
)

// MaxRectNoteLength bounds a progress note or closure request.
const MaxRectNoteLength = 2000

// rectNotRunning is what a refused action says when the item's workflow
// has ended or never started.
const rectNotRunning = "该整改事项的流程未在运行（可能已销号或已结转）"

// RectProgressInput is a progress report or a closure request: a note and
// evidence files (multipart fields note and evidence).
type RectProgressInput struct {
	Note     string
	Evidence []EvidenceUpload
}

// RectVerifyInput is an office reviewer's verdict on a closure request.
type RectVerifyInput struct {
	// Decision is close (销号) or reject (退回继续整改).
	Decision string `json:"decision"`
	Reason   string `json:"reason"`
}

// rectUpdate is an action on an item's workflow.
func rectUpdate(p Principal, id, org, item, what, name string, arg any) workflowUpdate {
	return workflowUpdate{what: what, workflowID: wire.RectificationWorkflowID(id, org, item), notRunning: rectNotRunning,
		updateID: updateID(name, p, arg), name: name, arg: arg, replayable: p.RequestID != ""}
}

// ReportRectProgress records progress on an item: the bureau's, or an
// office admin's on its behalf. A note or evidence is required.
func (s *Service) ReportRectProgress(ctx context.Context, p Principal, id, org, item string, in RectProgressInput) (RectResultView, error) {
	return s.rectProgress(ctx, p, id, org, item, in, rectProgressAction)
}

// RequestRectClosure asks for the item to be closed (销号): the bureau's
// alone, with evidence sent now or before.
func (s *Service) RequestRectClosure(ctx context.Context, p Principal, id, org, item string, in RectProgressInput) (RectResultView, error) {
	return s.rectProgress(ctx, p, id, org, item, in, rectClosureAction)
}

// rectAction is what differs between progress and a closure request.
type rectAction struct {
	what   string
	update string
	access rules.Access
	// needsContent: a note or a file is required.
	needsContent bool
	// ready refuses an item in a status the action does not fit, or, for
	// a closure, without evidence.
	ready func(item models.RectItem, newEvidence int) error
}

var rectProgressAction = rectAction{what: "报告整改进展", update: wire.UpdateRectProgress, access: rules.AccessRectProgress,
	needsContent: true, ready: func(item models.RectItem, _ int) error {
		return rectStatusIs(item, "报告整改进展", wire.RectOpen, wire.RectInProgress, wire.RectClosureRequested)
	}}

var rectClosureAction = rectAction{what: "申请销号", update: wire.UpdateRectRequestClosure, access: rules.AccessRectClosure,
	ready: func(item models.RectItem, newEvidence int) error {
		if item.Status == string(wire.RectClosureRequested) {
			return apperr.Conflict("该事项已申请销号，正在等待法治办核验，请勿重复申请")
		}
		if err := rectStatusIs(item, "申请销号", wire.RectOpen, wire.RectInProgress); err != nil {
			return err
		}
		if newEvidence == 0 && item.Evidence == 0 {
			return apperr.Conflict("申请销号须提供整改佐证材料：本事项尚无佐证材料，请随申请上传（字段 evidence）")
		}
		return nil
	}}

func (s *Service) rectProgress(ctx context.Context, p Principal, id, org, item string, in RectProgressInput, a rectAction) (RectResultView, error) {
	tx := s.DB.WithContext(ctx)
	if _, err := s.loadParticipation(tx, p, id, org, a.access); err != nil {
		return RectResultView{}, err
	}
	row, err := loadRectItem(tx, id, org, item)
	if err != nil {
		return RectResultView{}, err
	}
	evidence, err := checkEvidence(in.Evidence)
	if err != nil {
		return RectResultView{}, err
	}
	var bad fieldErrors
	note := bad.text("note", "说明", in.Note, MaxRectNoteLength, false)
	if a.needsContent && note == "" && len(evidence) == 0 {
		bad.add(-1, "note", "请填写整改进展（note）或上传佐证材料（evidence）")
	}
	if err := bad.err(a.what); err != nil {
		return RectResultView{}, err
	}
	u := rectUpdate(p, id, org, item, a.what, a.update, wire.RectProgress{Note: note, Evidence: evidence, By: p.wireActor()})
	var out wire.RectState
	if refusal := a.ready(row, len(evidence)); refusal != nil {
		if err := s.checkedUpdate(ctx, u, refusal, &out); err != nil {
			return RectResultView{}, err
		}
		return rectResultView(out), nil
	}
	if err := storeEvidence(tx, in.Evidence, evidence); err != nil {
		return RectResultView{}, err
	}
	if err := s.update(ctx, u, &out); err != nil {
		return RectResultView{}, err
	}
	return rectResultView(out), nil
}

// VerifyRectification is the office's verdict on a closure request: close
// the item (销号) or send it back with a reason. Never a bureau's.
func (s *Service) VerifyRectification(ctx context.Context, p Principal, id, org, item string, in RectVerifyInput) (RectResultView, error) {
	tx := s.DB.WithContext(ctx)
	if _, err := s.loadParticipation(tx, p, id, org, rules.AccessRectify); err != nil {
		return RectResultView{}, err
	}
	row, err := loadRectItem(tx, id, org, item)
	if err != nil {
		return RectResultView{}, err
	}
	var bad fieldErrors
	req := wire.RectVerification{By: p.wireActor()}
	switch strings.TrimSpace(in.Decision) {
	case "close":
		req.Close = true
	case "reject":
	case "":
		bad.add(-1, "decision", "请给出核验结论：close（销号）或 reject（退回继续整改）")
	default:
		bad.add(-1, "decision", fmt.Sprintf("核验结论“%s”无效，只能是 close（销号）或 reject（退回继续整改）", in.Decision))
	}
	req.Reason = bad.text("reason", "退回理由", in.Reason, MaxReasonLength, strings.TrimSpace(in.Decision) == "reject")
	if err := bad.err("核验"); err != nil {
		return RectResultView{}, err
	}
	var refusal error
	if row.Status != string(wire.RectClosureRequested) {
		refusal = apperr.Conflict(fmt.Sprintf("该事项当前状态为「%s」，没有待核验的销号申请", wire.RectStatus(row.Status).Label()))
	}
	var out wire.RectState
	if err := s.checkedUpdate(ctx, rectUpdate(p, id, org, item, "核验销号", wire.UpdateRectVerify, req), refusal, &out); err != nil {
		return RectResultView{}, err
	}
	return rectResultView(out), nil
}

// rectStatusIs refuses an action on an item in another status, saying
// why in the item's terms.
func rectStatusIs(item models.RectItem, action string, allowed ...wire.RectStatus) error {
	st := wire.RectStatus(item.Status)
	for _, a := range allowed {
		if st == a {
			return nil
		}
	}
	switch st {
	case wire.RectClosed:
		return apperr.Conflict(fmt.Sprintf("该事项已销号，不能再%s", action))
	case wire.RectCarriedOver:
		return apperr.Conflict(fmt.Sprintf("该事项已结转至下一周期，请在新周期中%s", action))
	}
	return apperr.Conflict(fmt.Sprintf("该事项当前状态为「%s」，不能%s", st.Label(), action))
}
