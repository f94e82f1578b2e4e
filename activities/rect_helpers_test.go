package activities_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
	enumspb "go.temporal.io/api/enums/v1"

	"github.com/lawcycle/lawcycle/internal/filestore"
	"github.com/lawcycle/lawcycle/internal/temporaltest"
	"github.com/lawcycle/lawcycle/models"
	"github.com/lawcycle/lawcycle/wire"
)

// starts records the item workflows started and the signals sent.
type starts struct {
	temporaltest.Recorder
	t *testing.T
}

// started lists the items started, checking each start is idempotent:
// a start of an ID seen before is answered with the run that has it.
func (s *starts) started() []wire.RectInput {
	var out []wire.RectInput
	for _, st := range s.Starts() {
		require.Len(s.t, st.Args, 1)
		in := st.Args[0].(wire.RectInput)
		require.Equal(s.t, wire.RectificationWorkflow, st.Workflow)
		require.Equal(s.t, wire.RectificationWorkflowID(in.CycleID, in.OrgCode, in.ItemID), st.Options.ID)
		require.Equal(s.t, enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE, st.Options.WorkflowIDReusePolicy)
		require.False(s.t, st.Options.WorkflowExecutionErrorWhenAlreadyStarted, "a second start is no error")
		out = append(out, in)
	}
	return out
}

// queues lists the task queues the items were started on.
func (s *starts) queues() []string {
	var out []string
	for _, st := range s.Starts() {
		out = append(out, st.Options.TaskQueue)
	}
	return out
}

// signalled lists the signals as "name workflowID".
func (s *starts) signalled() []string {
	var out []string
	for _, sig := range s.Signals() {
		out = append(out, sig.Name+" "+sig.WorkflowID)
	}
	return out
}

// recordStarts makes the fixture's activities start workflows through a
// recording client.
func (f *fixture) recordStarts() *starts {
	s := &starts{t: f.t}
	f.acts.Temporal = s
	return s
}

var (
	clerk = wire.Actor{Name: "李填报", Role: wire.ActorRoleBureau, OrgCode: "rsj", RequestID: "req-3"}
	admin = wire.Actor{Name: "王管理", Role: wire.ActorRoleAdmin, OrgCode: "fzb", RequestID: "req-4"}
)

// openItem records an office item of rsj, as its workflow's first
// activity does.
func (f *fixture) openItem(itemID string, fields wire.RectFields) wire.RectState {
	f.t.Helper()
	st, err := f.acts.RecordRectOpen(f.t.Context(), wire.RectInput{CycleID: cycleID, OrgCode: "rsj", ItemID: itemID,
		Spec: wire.RectSpec{Source: wire.RectFromOffice, SourceRef: "某法督〔2026〕3号", Fields: fields, By: reviewer}})
	require.NoError(f.t, err)
	return st
}

func (f *fixture) rectItem(cycle, itemID string) models.RectItem {
	f.t.Helper()
	var row models.RectItem
	require.NoError(f.t, f.db.Take(&row, "cycle_id = ? AND org_code = ? AND item_id = ?", cycle, "rsj", itemID).Error)
	return row
}

// evidenceFile stores an evidence file as the service does before the
// update.
func (f *fixture) evidenceFile(name string) wire.RectEvidence {
	f.t.Helper()
	data := []byte("%PDF-1.7 " + name)
	sha, err := filestore.Put(f.db, data, "application/pdf")
	require.NoError(f.t, err)
	return wire.RectEvidence{SHA: sha, Name: name, Size: int64(len(data)), ContentType: "application/pdf"}
}

// act records an action on rsj's item with the next Seq.
func (f *fixture) act(itemID string, seq int, rec wire.RectRecord) (wire.RectState, error) {
	rec.CycleID, rec.OrgCode, rec.ItemID, rec.Seq, rec.At = cycleID, "rsj", itemID, seq, f.clock.Now()
	return f.acts.RecordRectAction(f.t.Context(), rec)
}

// history lists an item's notes across cycles as "cycle kind: text".
func (f *fixture) history(itemID string) []string {
	f.t.Helper()
	var notes []models.RectNote
	require.NoError(f.t, f.db.Where("org_code = ? AND item_id = ?", "rsj", itemID).Order("at, id").Find(&notes).Error)
	out := make([]string, len(notes))
	for i, n := range notes {
		out[i] = fmt.Sprintf("%s %s: %s", n.CycleID, n.Kind, n.Text)
	}
	return out
}
