package service

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/lawcycle/lawcycle/calendar"
	"github.com/lawcycle/lawcycle/internal/apperr"
	"github.com/lawcycle/lawcycle/internal/chinatime"
	"github.com/lawcycle/lawcycle/models"
	"github.com/lawcycle/lawcycle/rules"
	"github.com/lawcycle/lawcycle/wire"
)

// MaxReasonLength bounds the reasons given for extensions, decisions and
// closing a cycle.
const MaxReasonLength = 500

// ExtensionInput asks for (a bureau) or grants (an office admin) more time
// for one of the bureau's deadlines.
type ExtensionInput struct {
	Kind string `json:"kind"`
	// Until is the new due date, or working days after the current one.
	Until  string `json:"until"`
	Reason string `json:"reason"`
}

// ExtensionDecisionInput is the office's answer to a bureau's request.
type ExtensionDecisionInput struct {
	Approve *bool `json:"approve"`
	// Due overrides the date asked for when approving.
	Due    string `json:"due,omitempty"`
	Reason string `json:"reason"`
}

// ExtensionResultView answers a request, a grant or a decision.
type ExtensionResultView struct {
	ID          uint       `json:"id"`
	Kind        string     `json:"kind"`
	KindLabel   string     `json:"kind_label"`
	Status      string     `json:"status"`
	StatusLabel string     `json:"status_label"`
	Due         *time.Time `json:"due,omitempty"`
	DueWarnings []string   `json:"due_warnings"`
}

// ExtensionView is a stored extension of the bureau.
type ExtensionView struct {
	ID          uint   `json:"id"`
	Kind        string `json:"kind"`
	KindLabel   string `json:"kind_label"`
	Round       int    `json:"round"`
	Status      string `json:"status"`
	StatusLabel string `json:"status_label"`
	Reason      string `json:"reason"`
	// Requested is the due date as asked for ("2026-03-10", "5个工作日").
	Requested       string     `json:"requested"`
	PreviousDue     time.Time  `json:"previous_due"`
	NewDue          *time.Time `json:"new_due,omitempty"`
	RequestedBy     string     `json:"requested_by"`
	RequestedAt     time.Time  `json:"requested_at"`
	DecidedBy       string     `json:"decided_by,omitempty"`
	DecidedAt       *time.Time `json:"decided_at,omitempty"`
	DecisionComment string     `json:"decision_comment,omitempty"`
}

// extensionStatusLabel names an extension's status.
func extensionStatusLabel(status string) string {
	switch status {
	case wire.ExtensionPending:
		return "待审批"
	case wire.ExtensionApproved:
		return "已同意"
	case wire.ExtensionRefused:
		return "不同意"
	case wire.ExtensionGranted:
		return "法治办直接延期"
	}
	return status
}

// Extend asks for more time when the caller is the bureau (a request the
// office decides later) and grants it when the caller is an office admin.
func (s *Service) Extend(ctx context.Context, p Principal, id, org string, in ExtensionInput) (ExtensionResultView, error) {
	tx := s.DB.WithContext(ctx)
	pt, err := s.loadParticipation(tx, p, id, org, rules.AccessExtend)
	if err != nil {
		return ExtensionResultView{}, err
	}
	kind := wire.DeadlineKind(strings.TrimSpace(in.Kind))
	if r := rules.DeadlineKindKnown(kind); r != nil {
		// The rule's code, and the field it is about for forms and clients.
		bad := refusalError(r.Reason, wire.RefusalInfo{Code: string(r.Code), Kind: int(r.Kind)})
		bad.Details[0].Field = "kind"
		return ExtensionResultView{}, bad
	}
	var bad fieldErrors
	var until wire.DueSetting
	var date *calendar.Date
	if raw := strings.TrimSpace(in.Until); raw == "" {
		bad.add(-1, "until", "请填写延期后的截止日期（如 2026-03-10）或延长的工作日数（如 3个工作日）")
	} else if until, date, err = s.parseDue(&bad, "until", "延期后的截止日期", raw); err != nil {
		return ExtensionResultView{}, err
	}
	reason := bad.text("reason", "延期理由", in.Reason, MaxReasonLength, true)
	if err := bad.err("延期"); err != nil {
		return ExtensionResultView{}, err
	}
	// Checked against the current due date, which a granted extension
	// moves: a retry of that grant must find its first answer.
	var notLater fieldErrors
	if date != nil {
		laterThan(&notLater, "until", date, participantDue(pt.participant, kind))
	}
	facts, err := bureauFacts(tx, pt)
	if err != nil {
		return ExtensionResultView{}, err
	}
	var u workflowUpdate
	var rule *rules.Refusal
	if p.Role == rules.RoleBureau {
		rule = rules.MayRequestExtension(facts, kind)
		u = bureauUpdate(p, id, org, rules.ActionRequestExtension, wire.UpdateRequestExtension,
			wire.ExtensionRequest{Kind: kind, Until: until, Reason: reason, By: p.wireActor()})
	} else {
		rule = rules.MayExtend(facts, rules.IsBureauActor(p.Role, p.OrgCode, org), kind)
		u = bureauUpdate(p, id, org, rules.ActionExtend, wire.UpdateExtend,
			wire.BureauExtension{Kind: kind, Until: until, Reason: reason, By: p.wireActor()})
	}
	refusal := firstRefusal(notLater.err("延期"), ruleError(rule))
	var out wire.ExtensionResult
	if err := s.checkedUpdate(ctx, u, refusal, &out); err != nil {
		return ExtensionResultView{}, err
	}
	return extensionResultView(out), nil
}

// DecideExtension approves or refuses a bureau's pending request.
func (s *Service) DecideExtension(ctx context.Context, p Principal, id, org string, extID uint, in ExtensionDecisionInput) (ExtensionResultView, error) {
	tx := s.DB.WithContext(ctx)
	pt, err := s.loadParticipation(tx, p, id, org, rules.AccessDecide)
	if err != nil {
		return ExtensionResultView{}, err
	}
	var ext models.Extension
	if err := tx.Take(&ext, "id = ? AND cycle_id = ? AND org_code = ?", extID, id, org).Error; errors.Is(err, gorm.ErrRecordNotFound) {
		return ExtensionResultView{}, apperr.NotFound(fmt.Sprintf("单位“%s”没有编号为 %d 的延期申请", org, extID))
	} else if err != nil {
		return ExtensionResultView{}, fmt.Errorf("load extension: %w", err)
	}
	var bad fieldErrors
	approve := in.Approve != nil && *in.Approve
	if in.Approve == nil {
		bad.add(-1, "approve", "请选择是否同意延期（approve: true 或 false）")
	}
	req := wire.ExtensionDecision{ID: ext.ID, Approve: approve, By: p.wireActor()}
	if raw := strings.TrimSpace(in.Due); raw != "" {
		if !approve {
			bad.add(-1, "due", "只有同意延期时才能指定新的截止日期")
		} else {
			var date *calendar.Date
			if req.Due, date, err = s.parseDue(&bad, "due", "新的截止日期", raw); err != nil {
				return ExtensionResultView{}, err
			}
			if date != nil {
				laterThan(&bad, "due", date, ext.PreviousDue)
			}
		}
	}
	req.Reason = bad.text("reason", "审批意见", in.Reason, MaxReasonLength, in.Approve != nil && !approve)
	if err := bad.err("延期审批"); err != nil {
		return ExtensionResultView{}, err
	}
	facts, err := bureauFacts(tx, pt)
	if err != nil {
		return ExtensionResultView{}, err
	}
	refusal := ruleError(rules.MayDecideExtension(facts, rules.IsBureauActor(p.Role, p.OrgCode, org), ext.ID))
	var out wire.ExtensionResult
	if err := s.checkedUpdate(ctx, bureauUpdate(p, id, org, "审批延期申请", wire.UpdateDecideExtension, req), refusal, &out); err != nil {
		return ExtensionResultView{}, err
	}
	return extensionResultView(out), nil
}

// ListExtensions lists the bureau's extensions, newest first.
func (s *Service) ListExtensions(ctx context.Context, p Principal, id, org string) ([]ExtensionView, error) {
	tx := s.DB.WithContext(ctx)
	if _, err := s.loadParticipation(tx, p, id, org, rules.AccessRead); err != nil {
		return nil, err
	}
	var rows []models.Extension
	if err := tx.Scopes(models.OfBureau(id, org)).Order("id DESC").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("list extensions: %w", err)
	}
	out := make([]ExtensionView, len(rows))
	for i, r := range rows {
		out[i] = ExtensionView{
			ID: r.ID, Kind: r.Kind, KindLabel: wire.DeadlineKind(r.Kind).Label(), Round: r.Round,
			Status: r.Status, StatusLabel: extensionStatusLabel(r.Status), Reason: r.Reason, Requested: r.Requested,
			PreviousDue: chinatime.In(r.PreviousDue), NewDue: inChina(r.NewDue), RequestedBy: r.RequestedBy,
			RequestedAt: chinatime.In(r.RequestedAt), DecidedBy: r.DecidedBy, DecidedAt: inChina(r.DecidedAt),
			DecisionComment: r.DecisionComment,
		}
	}
	return out, nil
}

func extensionResultView(r wire.ExtensionResult) ExtensionResultView {
	v := ExtensionResultView{
		ID: r.ID, Kind: string(r.Kind), KindLabel: r.Kind.Label(), Status: r.Status, StatusLabel: extensionStatusLabel(r.Status),
		DueWarnings: nonNil(r.DueWarnings),
	}
	if !r.Due.IsZero() {
		due := chinatime.In(r.Due)
		v.Due = &due
	}
	return v
}

// participantDue is the bureau's current due date of kind.
func participantDue(pt models.Participant, kind wire.DeadlineKind) time.Time {
	if kind == wire.DeadlinePublication {
		return pt.PublicationDue
	}
	return pt.SubmissionDue
}

// laterThan refuses an extended date that does not move the due date.
func laterThan(bad *fieldErrors, field string, date *calendar.Date, current time.Time) {
	if !date.EndOfDay().After(current) {
		bad.add(-1, field, fmt.Sprintf("延期后的截止日期（%s）应晚于当前截止日期（%s）", date.Chinese(), chinatime.FormatDate(current)))
	}
}
