package service

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/lawcycle/lawcycle/internal/chinatime"
	"github.com/lawcycle/lawcycle/models"
	"github.com/lawcycle/lawcycle/wire"
)

// CycleExtensionInput moves a deadline of the whole cycle.
type CycleExtensionInput struct {
	Kind   string `json:"kind"`
	Date   string `json:"date"`
	Reason string `json:"reason"`
}

// CycleExtensionView answers a cycle extension.
type CycleExtensionView struct {
	Kind      string    `json:"kind"`
	KindLabel string    `json:"kind_label"`
	Due       time.Time `json:"due"`
	// Bureaus is how many bureaus' due dates moved.
	Bureaus     int      `json:"bureaus"`
	DueWarnings []string `json:"due_warnings"`
}

// CloseInput closes a cycle.
type CloseInput struct {
	Reason string `json:"reason"`
}

// CloseView answers a close.
type CloseView struct {
	Status  string      `json:"status"`
	Outcome OutcomeView `json:"outcome"`
}

// OutcomeView counts how the bureaus stood when the cycle closed.
type OutcomeView struct {
	Bureaus       int `json:"bureaus"`
	Completed     int `json:"completed"`
	Unfinished    int `json:"unfinished"`
	LateSubmitted int `json:"late_submitted"`
	LatePublished int `json:"late_published"`
	NotPublished  int `json:"not_published"`
}

func outcomeView(o wire.CycleOutcome) OutcomeView {
	return OutcomeView{Bureaus: o.Bureaus, Completed: o.Completed, Unfinished: o.Unfinished,
		LateSubmitted: o.LateSubmitted, LatePublished: o.LatePublished, NotPublished: o.NotPublished}
}

// decodeOutcome reads a cycle's stored outcome; nil before it closed.
func decodeOutcome(raw string) (*OutcomeView, error) {
	if strings.TrimSpace(raw) == "" {
		return nil, nil
	}
	var o wire.CycleOutcome
	if err := json.Unmarshal([]byte(raw), &o); err != nil {
		return nil, fmt.Errorf("decode cycle outcome: %w", err)
	}
	v := outcomeView(o)
	return &v, nil
}

// ExtendCycle moves the submission or publication deadline of every
// bureau still owing it (docs/domain.md#extensions: the office can extend a deadline).
func (s *Service) ExtendCycle(ctx context.Context, p Principal, id string, in CycleExtensionInput) (CycleExtensionView, error) {
	tx := s.DB.WithContext(ctx)
	cycle, _, err := s.loadCycle(tx, p, id)
	if err != nil {
		return CycleExtensionView{}, err
	}
	if err := requireOfficeAdmin(p, "延长周期的期限"); err != nil {
		return CycleExtensionView{}, err
	}
	var bad fieldErrors
	kind := wire.DeadlineKind(strings.TrimSpace(in.Kind))
	if !kind.Valid() {
		bad.add(-1, "kind", "延期事项（kind）只能是 submission（报送）或 publication（公开）")
	}
	req := wire.CycleExtension{Kind: kind, By: p.wireActor()}
	// Checked against the cycle's current deadline, which a completed
	// extension moves: a retry of it must find its first answer.
	var notLater fieldErrors
	if raw := strings.TrimSpace(in.Date); raw == "" {
		bad.add(-1, "date", "请填写新的截止日期（date，如 2026-03-10）")
	} else {
		d, err := parseDay("date", "新的截止日期", raw)
		if err != nil {
			return CycleExtensionView{}, err
		}
		req.Date = d.String()
		switch kind {
		case wire.DeadlineSubmission:
			laterThan(&notLater, "date", &d, cycle.SubmissionDue)
			if d.EndOfDay().After(cycle.PublicationDue) {
				bad.add(-1, "date", fmt.Sprintf("报送截止日期（%s）不能晚于公开截止日期（%s）；请先延长公开期限",
					d.Chinese(), chinatime.FormatDate(cycle.PublicationDue)))
			}
		case wire.DeadlinePublication:
			laterThan(&notLater, "date", &d, cycle.PublicationDue)
		}
		if !d.EndOfDay().After(s.now()) {
			bad.add(-1, "date", fmt.Sprintf("新的截止日期（%s）已过，请设置今后的日期", d.Chinese()))
		}
	}
	req.Reason = bad.text("reason", "延期理由", in.Reason, MaxReasonLength, true)
	if err := bad.err("周期延期"); err != nil {
		return CycleExtensionView{}, err
	}
	refusal := firstRefusal(notLater.err("周期延期"), cycleRunning(cycle, "延期"))
	var out wire.CycleExtensionResult
	if err := s.checkedUpdate(ctx, cycleUpdate(p, id, "延长周期期限", wire.UpdateExtendCycle, req), refusal, &out); err != nil {
		return CycleExtensionView{}, err
	}
	return CycleExtensionView{Kind: string(out.Kind), KindLabel: out.Kind.Label(), Due: chinatime.In(out.Due),
		Bureaus: out.Bureaus, DueWarnings: nonNil(out.DueWarnings)}, nil
}

// CloseCycle asks the cycle workflow to close the cycle: every bureau
// stops where it stands and the outcome is compiled.
func (s *Service) CloseCycle(ctx context.Context, p Principal, id string, in CloseInput) (CloseView, error) {
	tx := s.DB.WithContext(ctx)
	cycle, _, err := s.loadCycle(tx, p, id)
	if err != nil {
		return CloseView{}, err
	}
	if err := requireOfficeAdmin(p, "关闭周期"); err != nil {
		return CloseView{}, err
	}
	var bad fieldErrors
	req := wire.CloseRequest{Reason: bad.text("reason", "关闭理由", in.Reason, MaxReasonLength, true), By: p.wireActor()}
	if err := bad.err("关闭周期"); err != nil {
		return CloseView{}, err
	}
	var out wire.CloseResult
	if err := s.checkedUpdate(ctx, cycleUpdate(p, id, "关闭周期", wire.UpdateCloseCycle, req), cycleRunning(cycle, "关闭"), &out); err != nil {
		return CloseView{}, err
	}
	return CloseView{Status: out.Status, Outcome: outcomeView(out.Outcome)}, nil
}

// MilestoneView is a deadline's compiled list.
type MilestoneView struct {
	Kind       string           `json:"kind"`
	KindLabel  string           `json:"kind_label"`
	Due        time.Time        `json:"due"`
	Listed     int              `json:"listed"`
	CompiledAt time.Time        `json:"compiled_at"`
	Entries    []MilestoneEntry `json:"entries"`
}

// MilestoneEntry is one bureau on a milestone's list.
type MilestoneEntry struct {
	OrgCode     string `json:"org_code"`
	OrgName     string `json:"org_name"`
	Stage       string `json:"stage"`
	StageLabel  string `json:"stage_label"`
	Status      string `json:"status"`
	StatusLabel string `json:"status_label"`
}

// milestoneStatusLabel names why a bureau is listed.
func milestoneStatusLabel(status string) string {
	switch status {
	case "missing":
		return "逾期未报送"
	case "late":
		return "逾期公开"
	case "not_published":
		return "未公开"
	}
	return status
}

// Milestones lists the cycle's compiled milestones, earliest due first:
// who had not submitted at the submission deadline, who published late or
// not at all at the publication deadline.
func (s *Service) Milestones(ctx context.Context, p Principal, id string) ([]MilestoneView, error) {
	tx := s.DB.WithContext(ctx)
	if _, _, err := s.loadCycle(tx, p, id); err != nil {
		return nil, err
	}
	var rows []models.Milestone
	if err := tx.Where("cycle_id = ?", id).Order("due, kind").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("list milestones: %w", err)
	}
	out := make([]MilestoneView, len(rows))
	for i, r := range rows {
		v := MilestoneView{Kind: r.Kind, KindLabel: wire.DeadlineKind(r.Kind).Label(), Due: chinatime.In(r.Due),
			Listed: r.Listed, CompiledAt: chinatime.In(r.CompiledAt), Entries: []MilestoneEntry{}}
		if strings.TrimSpace(r.Entries) != "" {
			if err := json.Unmarshal([]byte(r.Entries), &v.Entries); err != nil {
				return nil, fmt.Errorf("decode %s milestone entries: %w", r.Kind, err)
			}
		}
		for j := range v.Entries {
			e := &v.Entries[j]
			e.StageLabel, e.StatusLabel = wire.Stage(e.Stage).Label(), milestoneStatusLabel(e.Status)
		}
		out[i] = v
	}
	return out, nil
}
