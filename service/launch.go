package service

import (
	"context"
	"errors"
	"fmt"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"gorm.io/gorm"

	"github.com/lawcycle/lawcycle/audit"
	"github.com/lawcycle/lawcycle/internal/apperr"
	"github.com/lawcycle/lawcycle/internal/chinatime"
	"github.com/lawcycle/lawcycle/models"
	"github.com/lawcycle/lawcycle/wire"
)

// launchTimeout bounds how long the office waits for the notice; the
// workflow keeps going if the caller gives up.
const launchTimeout = 30 * time.Second

// LaunchView answers POST /cycles/{id}/launch.
type LaunchView struct {
	ID     string     `json:"id"`
	Status string     `json:"status"`
	Notice NoticeView `json:"notice"`
}

// Launch issues the notice and starts the cycle workflow. The workflow is
// started together with its launch update, which completes once the notice
// is issued; a retried launch attaches to the same execution.
func (s *Service) Launch(ctx context.Context, p Principal, id string) (LaunchView, error) {
	tx := s.DB.WithContext(ctx)
	cycle, _, err := s.loadCycle(tx, p, id)
	if err != nil {
		return LaunchView{}, err
	}
	if cycle.Status != models.CycleDraft {
		return LaunchView{}, apperr.Conflict(fmt.Sprintf("周期已启动（当前状态：%s），不能重复启动", cycle.Status))
	}
	err = tx.Transaction(func(tx *gorm.DB) error {
		return audit.Record(tx, s.now(), p.Actor(), audit.Event{
			Action: "cycle.launch_requested", TargetType: "cycle", TargetID: id,
			Before: map[string]string{"status": cycle.Status},
		})
	})
	if err != nil {
		return LaunchView{}, err
	}

	ctx, cancel := context.WithTimeout(ctx, launchTimeout)
	defer cancel()
	start := s.Temporal.NewWithStartWorkflowOperation(client.StartWorkflowOptions{
		ID:                       wire.CycleWorkflowID(id),
		TaskQueue:                s.taskQueue(),
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
		// A launch whose workflow failed (the cycle is still a draft) may be
		// retried; a completed cycle workflow is never started again.
		WorkflowIDReusePolicy: enumspb.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE_FAILED_ONLY,
	}, wire.CycleWorkflow, wire.CycleInput{CycleID: id, Year: cycle.Year})
	handle, err := s.Temporal.UpdateWithStartWorkflow(ctx, client.UpdateWithStartWorkflowOptions{
		StartWorkflowOperation: start,
		UpdateOptions: client.UpdateWorkflowOptions{
			UpdateName:   wire.UpdateLaunch,
			WaitForStage: client.WorkflowUpdateStageCompleted,
		},
	})
	if err != nil {
		return LaunchView{}, temporalError("启动周期", err)
	}
	var res wire.LaunchResult
	if err := handle.Get(ctx, &res); err != nil {
		return LaunchView{}, temporalError("印发通知", err)
	}
	return LaunchView{ID: id, Status: res.Status, Notice: NoticeView{
		DocNo: res.Notice.DocNo, Title: res.Notice.Title, IssuedAt: chinatime.In(res.Notice.IssuedAt),
	}}, nil
}

// temporalError turns an unreachable or slow Temporal into a 503 the
// office can retry; anything else stays an internal error.
func temporalError(what string, err error) error {
	var unavailable *serviceerror.Unavailable
	var deadline *serviceerror.DeadlineExceeded
	switch {
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &deadline):
		return apperr.Unavailable(fmt.Sprintf("%s超时：工作流服务繁忙，操作可能仍在进行；请稍后刷新查看结果", what))
	case errors.As(err, &unavailable):
		return apperr.Unavailable(fmt.Sprintf("%s失败：工作流服务暂不可用，请稍后重试", what))
	}
	return fmt.Errorf("%s: %w", what, err)
}
