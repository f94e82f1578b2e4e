package service

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.temporal.io/api/serviceerror"

	"github.com/lawcycle/lawcycle/internal/apperr"
	"github.com/lawcycle/lawcycle/internal/chinatime"
	"github.com/lawcycle/lawcycle/models"
	"github.com/lawcycle/lawcycle/rules"
	"github.com/lawcycle/lawcycle/wire"
)

// queryTimeout bounds a status query.
const queryTimeout = 10 * time.Second

// BureauStatus is the bureau workflow's own account of where the bureau
// stands and what it waits for: the answer to "why can't I submit?".
type BureauStatus struct {
	CycleID        string    `json:"cycle_id"`
	OrgCode        string    `json:"org_code"`
	Stage          string    `json:"stage"`
	StageLabel     string    `json:"stage_label"`
	Round          int       `json:"round"`
	Version        int       `json:"version"`
	CanSubmit      bool      `json:"can_submit"`
	Waiting        string    `json:"waiting"`
	SubmissionDue  time.Time `json:"submission_due"`
	PublicationDue time.Time `json:"publication_due"`
	// Deadline is the due date the bureau works to with its notices; null
	// when it owes nothing (under review, completed).
	Deadline         *DeadlineView         `json:"deadline"`
	PendingExtension *PendingExtensionView `json:"pending_extension"`
	Closed           bool                  `json:"closed"`
}

// DeadlineView is a deadline with its reminder, overdue and escalation steps.
type DeadlineView struct {
	Kind      string     `json:"kind"`
	KindLabel string     `json:"kind_label"`
	Round     int        `json:"round"`
	Due       time.Time  `json:"due"`
	Steps     []StepView `json:"steps"`
}

// StepView is one scheduled notice and whether it went out.
type StepView struct {
	Name  string    `json:"name"`
	Label string    `json:"label"`
	At    time.Time `json:"at"`
	Sent  bool      `json:"sent"`
}

// PendingExtensionView is a request the office has not decided yet.
type PendingExtensionView struct {
	ID        uint   `json:"id"`
	Kind      string `json:"kind"`
	KindLabel string `json:"kind_label"`
	Round     int    `json:"round"`
}

// stepLabel names a deadline step in Chinese.
func stepLabel(name string) string {
	switch name {
	case wire.StepOverdue:
		return "逾期通知"
	case wire.StepEscalation:
		return "逾期督办（报法治办）"
	}
	if n, ok := strings.CutPrefix(name, wire.StepReminderPrefix); ok {
		if n == "0" {
			return "截止当日提醒"
		}
		if _, err := strconv.Atoi(n); err == nil {
			return fmt.Sprintf("截止前%s个工作日提醒", n)
		}
	}
	return name
}

// BureauStatus asks the bureau workflow for its state. Access is that of
// the bureau's submissions; a cycle not launched has no workflow (409).
func (s *Service) BureauStatus(ctx context.Context, p Principal, id, org string) (BureauStatus, error) {
	pt, err := s.loadParticipation(s.DB.WithContext(ctx), p, id, org, rules.AccessRead)
	if err != nil {
		return BureauStatus{}, err
	}
	if pt.cycle.Status == models.CycleDraft {
		return BureauStatus{}, apperr.Conflict("周期尚未启动（草稿），本单位的流程尚未开始")
	}
	if s.Temporal == nil {
		return BureauStatus{}, apperr.Unavailable("查询流程状态失败：工作流服务未连接，请稍后重试")
	}
	ctx, cancel := context.WithTimeout(ctx, queryTimeout)
	defer cancel()
	var st wire.BureauState
	value, err := s.Temporal.QueryWorkflow(ctx, wire.BureauWorkflowID(id, org), "", wire.QueryState)
	if err == nil {
		err = value.Get(&st)
	}
	if err != nil {
		var notFound *serviceerror.NotFound
		if errors.As(err, &notFound) {
			return BureauStatus{}, apperr.Conflict("本单位的流程尚未启动或已清理，暂无流程状态；阶段以单位列表为准")
		}
		return BureauStatus{}, temporalError("查询流程状态", err)
	}
	return bureauStatus(st), nil
}

func bureauStatus(st wire.BureauState) BureauStatus {
	out := BureauStatus{
		CycleID: st.CycleID, OrgCode: st.OrgCode, Stage: string(st.Stage), StageLabel: st.Stage.Label(), Round: st.Round,
		Version: st.Version, CanSubmit: st.CanSubmit, Waiting: st.Waiting,
		SubmissionDue: chinatime.In(st.SubmissionDue), PublicationDue: chinatime.In(st.PublicationDue), Closed: st.Closed,
	}
	if d := st.Deadline; d != nil {
		dv := &DeadlineView{Kind: string(d.Kind), KindLabel: d.Kind.Label(), Round: d.Round, Due: chinatime.In(d.Due), Steps: []StepView{}}
		for _, step := range d.Steps {
			sent := slices.Contains(st.Sent, step.Key) || slices.Contains(st.Sent, step.Name)
			dv.Steps = append(dv.Steps, StepView{Name: step.Name, Label: stepLabel(step.Name), At: chinatime.In(step.At), Sent: sent})
		}
		out.Deadline = dv
	}
	if e := st.PendingExtension; e != nil {
		out.PendingExtension = &PendingExtensionView{ID: e.ID, Kind: string(e.Kind), KindLabel: e.Kind.Label(), Round: e.Round}
	}
	return out
}
