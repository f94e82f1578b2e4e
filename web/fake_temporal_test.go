package web_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"

	"github.com/lawcycle/lawcycle/activities"
	"github.com/lawcycle/lawcycle/internal/temporaltest"
	"github.com/lawcycle/lawcycle/models"
	"github.com/lawcycle/lawcycle/wire"
)

// fakeTemporal stands in for the Temporal client. Each update runs the
// activity its workflow handler runs, against the test database, so an
// accepted action is recorded for real and a page shows what the service
// reads back; the state query is answered from the read model. It skips
// the workflows' own validators: the tests are about what the service
// refuses before an update is sent, and how the UI shows it.
type fakeTemporal struct {
	temporaltest.Healthy
	acts *activities.Activities
	// mu takes one update at a time, as a workflow does.
	mu  sync.Mutex
	seq atomic.Int64
	// completed keeps each completed update's result by workflow and
	// update ID, as Temporal does, for a retried request to find.
	completed map[[2]string]any
}

func (f *fakeTemporal) UpdateWorkflow(ctx context.Context, o client.UpdateWorkflowOptions) (client.WorkflowUpdateHandle, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	res, err := f.run(ctx, o)
	if err == nil {
		if f.completed == nil {
			f.completed = map[[2]string]any{}
		}
		f.completed[[2]string{o.WorkflowID, o.UpdateID}] = res
	}
	return temporaltest.UpdateHandle{Result: res, Err: err}, nil
}

// GetWorkflowUpdateHandle finds an update completed before, or answers
// NotFound as Temporal does for one it never accepted.
func (f *fakeTemporal) GetWorkflowUpdateHandle(o client.GetWorkflowUpdateHandleOptions) client.WorkflowUpdateHandle {
	f.mu.Lock()
	defer f.mu.Unlock()
	res, ok := f.completed[[2]string{o.WorkflowID, o.UpdateID}]
	if !ok {
		return temporaltest.UpdateHandle{Err: serviceerror.NewNotFound("update not found")}
	}
	return temporaltest.UpdateHandle{Result: res}
}

// next is the sequence number of the next read-model write, above what
// the tests' direct writes use.
func (f *fakeTemporal) next() int64 { return 1000 + f.seq.Add(1) }

func (f *fakeTemporal) run(ctx context.Context, o client.UpdateWorkflowOptions) (any, error) {
	rest, _ := strings.CutPrefix(o.WorkflowID, "cycle/")
	cycleID, org, _ := strings.Cut(rest, "/bureau/")
	at := f.acts.Now()
	// An item's workflow (…/bureau/{org}/rect/{item}) records its actions
	// as the rectification workflow does once its validators pass.
	if bureau, item, ok := strings.Cut(org, "/rect/"); ok {
		rec := wire.RectRecord{CycleID: cycleID, OrgCode: bureau, ItemID: item, Seq: int(f.next()), At: at}
		switch req := o.Args[0].(type) {
		case wire.RectProgress:
			if o.UpdateName == wire.UpdateRectRequestClosure {
				rec.Closure = &req
			} else {
				rec.Progress = &req
			}
		case wire.RectVerification:
			rec.Verification = &req
		default:
			return nil, fmt.Errorf("fake temporal: item update %s not handled", o.UpdateName)
		}
		return f.acts.RecordRectAction(ctx, rec)
	}
	switch req := o.Args[0].(type) {
	case wire.SubmitRequest:
		return f.acts.RecordSubmission(ctx, wire.SubmissionRecord{CycleID: cycleID, OrgCode: org, Request: req, Seq: f.next(), At: at})
	case wire.ReviewRequest:
		p, err := f.participant(ctx, cycleID, org)
		if err != nil {
			return nil, err
		}
		res, err := f.acts.RecordReview(ctx, wire.ReviewRecord{CycleID: cycleID, OrgCode: org, Request: req, Round: p.Round, Seq: f.next(), At: at})
		if err != nil || res.Decision != wire.ReviewApprove {
			return res, err
		}
		// The workflow moves on to publication as soon as it is approved.
		_, err = f.acts.RecordStage(ctx, wire.StageChange{CycleID: cycleID, OrgCode: org, Stage: wire.StageAwaitingPublication,
			Round: res.Round, Seq: f.next(), At: at})
		return res, err
	case wire.ExtensionRequest:
		return f.extension(ctx, cycleID, org, req.Kind, wire.ExtensionRecord{Request: &req})
	case wire.BureauExtension:
		return f.extension(ctx, cycleID, org, req.Kind, wire.ExtensionRecord{Grant: &req})
	case wire.ExtensionDecision:
		var ext models.Extension
		if err := f.acts.DB.WithContext(ctx).Take(&ext, req.ID).Error; err != nil {
			return nil, err
		}
		return f.extension(ctx, cycleID, org, wire.DeadlineKind(ext.Kind), wire.ExtensionRecord{Decision: &req, Round: ext.Round})
	case wire.PublishRequest:
		p, err := f.participant(ctx, cycleID, org)
		if err != nil {
			return nil, err
		}
		return f.acts.RecordPublication(ctx, wire.PublicationRecord{CycleID: cycleID, OrgCode: org, Request: req,
			Due: p.PublicationDue, Seq: f.next(), At: at})
	case wire.CycleExtension:
		return f.acts.ExtendCycle(ctx, wire.CycleExtensionRecord{CycleID: cycleID, Extension: req, At: at})
	case wire.CloseRequest:
		outcome, err := f.acts.CloseCycle(ctx, wire.CycleCloseRecord{CycleID: cycleID, Request: req, Final: true, At: at})
		return wire.CloseResult{Status: models.CycleClosed, Outcome: outcome}, err
	}
	return nil, fmt.Errorf("fake temporal: update %s not handled", o.UpdateName)
}

// extension records one step of an extension against the due date the
// bureau currently works to, as the bureau workflow does.
func (f *fakeTemporal) extension(ctx context.Context, cycleID, org string, kind wire.DeadlineKind, rec wire.ExtensionRecord) (any, error) {
	p, err := f.participant(ctx, cycleID, org)
	if err != nil {
		return nil, err
	}
	rec.CycleID, rec.OrgCode, rec.At, rec.CurrentDue = cycleID, org, f.acts.Now(), p.SubmissionDue
	if kind == wire.DeadlinePublication {
		rec.CurrentDue = p.PublicationDue
	}
	if rec.Round == 0 {
		rec.Round = p.Round
	}
	return f.acts.RecordExtension(ctx, rec)
}

func (f *fakeTemporal) participant(ctx context.Context, cycleID, org string) (models.Participant, error) {
	var p models.Participant
	err := f.acts.DB.WithContext(ctx).Take(&p, "cycle_id = ? AND org_code = ?", cycleID, org).Error
	return p, err
}

// QueryWorkflow answers the bureau state query from the read model.
func (f *fakeTemporal) QueryWorkflow(ctx context.Context, workflowID, _ string, queryType string, _ ...any) (converter.EncodedValue, error) {
	if queryType != wire.QueryState {
		return nil, fmt.Errorf("fake temporal: query %s not handled", queryType)
	}
	rest, _ := strings.CutPrefix(workflowID, "cycle/")
	cycleID, org, _ := strings.Cut(rest, "/bureau/")
	p, err := f.participant(ctx, cycleID, org)
	if err != nil {
		return nil, err
	}
	db := f.acts.DB.WithContext(ctx)
	st := wire.BureauState{CycleID: cycleID, OrgCode: org, Stage: wire.Stage(p.Stage), Round: p.Round,
		SubmissionDue: p.SubmissionDue, PublicationDue: p.PublicationDue,
		CanSubmit: wire.Stage(p.Stage) == wire.StageAwaitingSubmission}
	if err := db.Model(&models.Submission{}).Where("cycle_id = ? AND org_code = ?", cycleID, org).
		Select("COALESCE(MAX(version), 0)").Scan(&st.Version).Error; err != nil {
		return nil, err
	}
	var pending []models.Extension
	if err := db.Where("cycle_id = ? AND org_code = ? AND status = ?", cycleID, org, wire.ExtensionPending).Find(&pending).Error; err != nil {
		return nil, err
	}
	for _, e := range pending {
		st.PendingExtension = &wire.PendingExtension{ID: e.ID, Kind: wire.DeadlineKind(e.Kind), Round: e.Round}
	}
	switch st.Stage {
	case wire.StageAwaitingSubmission:
		st.Waiting = fmt.Sprintf("等待本单位报送第%d轮报表和报告", st.Round)
		st.Deadline = &wire.DeadlinePlan{Kind: wire.DeadlineSubmission, Round: st.Round, Due: p.SubmissionDue}
	case wire.StageUnderReview:
		st.Waiting = fmt.Sprintf("第%d版报表已报送，等待法治办审核；审核退回后才能再次报送", st.Version)
	case wire.StageAwaitingPublication:
		st.Waiting = fmt.Sprintf("第%d版已审核通过，等待本单位公开报告并登记公开信息", st.Version)
	default:
		st.Waiting = st.Stage.Label()
	}
	return temporaltest.Value{V: st}, nil
}
