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
// resumes after the last page it reports. The close's broadcast goes on,
// once the bureaus are done (Items), to the cycle's open rectification
// items, by row id.
type broadcastProgress struct {
	AfterOrgCode string
	Signalled    int
	Items        bool `json:",omitempty"`
	AfterItemRow uint `json:",omitempty"`
	ItemsSignals int  `json:",omitempty"`
}

// BroadcastToBureaus signals every bureau workflow of a cycle (or those in
// some stages), page by page in org-code order, so that the cycle
// workflow's own history holds one activity however many bureaus there
// are. The cycle's close is signalled to every rectification item not
// closed or carried over as well, so that each carries over. A workflow
// that has already ended is skipped. A retry resumes after the last page
// heartbeated; workflows of the page that failed may get the signal
// twice, which they tolerate.
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
	for !progress.Items {
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
		ids := make([]string, len(codes))
		for i, code := range codes {
			ids[i] = wire.BureauWorkflowID(req.CycleID, code)
		}
		n, err := a.signalEach(ctx, ids, req.Signal)
		progress.Signalled += n
		if err != nil {
			return wire.BroadcastResult{}, err
		}
		if len(codes) > 0 {
			progress.AfterOrgCode = codes[len(codes)-1]
		}
		progress.Items = len(codes) < broadcastPage
		activity.RecordHeartbeat(ctx, progress)
	}
	if req.Signal == wire.SignalCycleClosed {
		if err := a.signalOpenItems(ctx, req.CycleID, &progress); err != nil {
			return wire.BroadcastResult{}, err
		}
	}
	return wire.BroadcastResult{Signalled: progress.Signalled}, nil
}

// signalOpenItems tells every item of the cycle not closed or carried over
// that the cycle closed, page by page after the heartbeated row.
func (a *Activities) signalOpenItems(ctx context.Context, cycleID string, progress *broadcastProgress) error {
	final := []string{string(wire.RectClosed), string(wire.RectCarriedOver)}
	for {
		var rows []models.RectItem
		if err := a.DB.WithContext(ctx).Select("id", "cycle_id", "org_code", "item_id").
			Where("cycle_id = ? AND id > ? AND status NOT IN ?", cycleID, progress.AfterItemRow, final).
			Order("id").Limit(broadcastPage).Find(&rows).Error; err != nil {
			return fmt.Errorf("list open items of %s: %w", cycleID, err)
		}
		ids := make([]string, len(rows))
		for i, r := range rows {
			ids[i] = wire.RectificationWorkflowID(r.CycleID, r.OrgCode, r.ItemID)
		}
		n, err := a.signalEach(ctx, ids, wire.SignalRectCycleClosed)
		progress.ItemsSignals += n
		if err != nil {
			return err
		}
		if len(rows) == 0 {
			return nil
		}
		progress.AfterItemRow = rows[len(rows)-1].ID
		activity.RecordHeartbeat(ctx, *progress)
		if len(rows) < broadcastPage {
			return nil
		}
	}
}

// signalEach signals each workflow, skipping those already ended, and
// counts the signals delivered.
func (a *Activities) signalEach(ctx context.Context, workflowIDs []string, signal string) (int, error) {
	n := 0
	for _, id := range workflowIDs {
		err := a.Temporal.SignalWorkflow(ctx, id, "", signal, nil)
		var gone *serviceerror.NotFound
		switch {
		case errors.As(err, &gone):
		case err != nil:
			return n, fmt.Errorf("signal %s to %s: %w", signal, id, err)
		default:
			n++
		}
	}
	return n, nil
}
