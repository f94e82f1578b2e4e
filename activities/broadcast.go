package activities

import (
	"context"
	"errors"
	"fmt"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"

	"github.com/lawcycle/lawcycle/models"
	"github.com/lawcycle/lawcycle/wire"
)

// broadcastPage is how many bureaus are signalled between heartbeats.
const broadcastPage = 500

// broadcastProgress is the heartbeat of BroadcastToBureaus: a retry
// resumes after the last page it reports.
type broadcastProgress struct {
	AfterOrgCode string
	Signalled    int
}

// BroadcastToBureaus signals every bureau workflow of a cycle (or those in
// some stages), page by page in org-code order, so that the cycle
// workflow's own history holds one activity however many bureaus there
// are. A bureau whose workflow has already ended is skipped. A retry
// resumes after the last page heartbeated; bureaus of the page that
// failed may get the signal twice, which the bureau workflows tolerate.
func (a *Activities) BroadcastToBureaus(ctx context.Context, req wire.BroadcastRequest) (wire.BroadcastResult, error) {
	if a.Temporal == nil {
		return wire.BroadcastResult{}, temporal.NewNonRetryableApplicationError("activities have no Temporal client", "NoTemporalClient", nil)
	}
	var progress broadcastProgress
	if activity.HasHeartbeatDetails(ctx) {
		if err := activity.GetHeartbeatDetails(ctx, &progress); err != nil {
			return wire.BroadcastResult{}, fmt.Errorf("read broadcast progress: %w", err)
		}
	}
	for {
		q := a.DB.WithContext(ctx).Model(&models.Participant{}).
			Where("cycle_id = ? AND org_code > ?", req.CycleID, progress.AfterOrgCode)
		if len(req.OnlyStages) > 0 {
			stages := make([]string, len(req.OnlyStages))
			for i, s := range req.OnlyStages {
				stages[i] = string(s)
			}
			q = q.Where("stage IN ?", stages)
		}
		var codes []string
		if err := q.Order("org_code").Limit(broadcastPage).Pluck("org_code", &codes).Error; err != nil {
			return wire.BroadcastResult{}, fmt.Errorf("list bureaus of %s: %w", req.CycleID, err)
		}
		for _, code := range codes {
			err := a.Temporal.SignalWorkflow(ctx, wire.BureauWorkflowID(req.CycleID, code), "", req.Signal, nil)
			var gone *serviceerror.NotFound
			switch {
			case errors.As(err, &gone):
			case err != nil:
				return wire.BroadcastResult{}, fmt.Errorf("signal %s to %s: %w", req.Signal, code, err)
			default:
				progress.Signalled++
			}
		}
		if len(codes) == 0 {
			return wire.BroadcastResult{Signalled: progress.Signalled}, nil
		}
		progress.AfterOrgCode = codes[len(codes)-1]
		activity.RecordHeartbeat(ctx, progress)
		if len(codes) < broadcastPage {
			return wire.BroadcastResult{Signalled: progress.Signalled}, nil
		}
	}
}
