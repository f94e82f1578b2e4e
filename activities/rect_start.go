package activities

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
	"gorm.io/gorm"

	"github.com/lawcycle/lawcycle/excelreturn"
	"github.com/lawcycle/lawcycle/models"
	"github.com/lawcycle/lawcycle/wire"
)

// rectStartOptions start an item's workflow so that every start is
// idempotent: an item's ID is used once, and starting it again answers
// with the run that has it. The item runs on the task queue of the
// activity starting it, which this worker polls.
func rectStartOptions(ctx context.Context, in wire.RectInput) client.StartWorkflowOptions {
	queue := wire.TaskQueue
	if activity.IsActivity(ctx) {
		if q := activity.GetInfo(ctx).TaskQueue; q != "" {
			queue = q
		}
	}
	return client.StartWorkflowOptions{
		ID:                                       wire.RectificationWorkflowID(in.CycleID, in.OrgCode, in.ItemID),
		TaskQueue:                                queue,
		WorkflowIDReusePolicy:                    enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
		WorkflowExecutionErrorWhenAlreadyStarted: false,
	}
}

// startRect starts an item's workflow, or finds it started.
func (a *Activities) startRect(ctx context.Context, in wire.RectInput) error {
	if a.Temporal == nil {
		return temporal.NewNonRetryableApplicationError("activities have no Temporal client", "NoTemporalClient", nil)
	}
	if _, err := a.Temporal.ExecuteWorkflow(ctx, rectStartOptions(ctx, in), wire.RectificationWorkflow, in); err != nil {
		return fmt.Errorf("start item %s of %s in %s: %w", in.ItemID, in.OrgCode, in.CycleID, err)
	}
	return nil
}

// startReturnItems starts an item workflow per 存在问题 row of an approved
// version, as its submission stored them. Items are named by year,
// version and row ("2025-r2-3"), so starting them again starts nothing.
func (a *Activities) startReturnItems(ctx context.Context, req wire.RectStartRequest) (wire.RectStartResult, error) {
	db := a.DB.WithContext(ctx)
	cycle, err := loadCycle(db, req.CycleID)
	if err != nil {
		return wire.RectStartResult{}, err
	}
	var sub models.Submission
	err = db.Select("problems").Scopes(models.OfBureau(req.CycleID, req.OrgCode)).Where("version = ?", req.Version).Take(&sub).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return wire.RectStartResult{}, invalid("SubmissionNotFound", "%s has no version %d in %s", req.OrgCode, req.Version, req.CycleID)
	}
	if err != nil {
		return wire.RectStartResult{}, fmt.Errorf("load version %d: %w", req.Version, err)
	}
	var problems []excelreturn.Problem
	if err := json.Unmarshal([]byte(sub.Problems), &problems); err != nil {
		return wire.RectStartResult{}, invalid("ReturnCorrupt", "problems of %s v%d in %s are not readable: %v", req.OrgCode, req.Version, req.CycleID, err)
	}
	var res wire.RectStartResult
	for _, p := range problems {
		in := wire.RectInput{CycleID: req.CycleID, OrgCode: req.OrgCode,
			ItemID: fmt.Sprintf("%d-r%d-%d", cycle.Year, req.Version, p.Row), Spec: problemSpec(p, req)}
		if err := a.startRect(ctx, in); err != nil {
			return res, err
		}
		res.ItemIDs = append(res.ItemIDs, in.ItemID)
	}
	return res, nil
}

// problemSpec is the item a 存在问题 row describes. The parser has checked
// the category and a 限期整改 row's date; a row that somehow lacks them
// becomes a 立行立改 item, due by the cycle's default, rather than be
// lost.
func problemSpec(p excelreturn.Problem, req wire.RectStartRequest) wire.RectSpec {
	category, ok := wire.ParseRectCategory(p.Category)
	if !ok || (category == wire.RectDeadline && p.Due == "") {
		category = wire.RectImmediate
	}
	f := wire.RectFields{Description: p.Description, Cause: p.Cause, Measures: p.Measures,
		Department: p.Department, Person: p.Person, Category: category}
	if category != wire.RectOngoing {
		f.Due = wire.DueSetting{Date: p.Due}
	}
	return wire.RectSpec{Source: wire.RectFromReturn, SourceRef: fmt.Sprintf("第%d版存在问题第%d行", req.Version, p.Row),
		Fields: f, By: req.By}
}
