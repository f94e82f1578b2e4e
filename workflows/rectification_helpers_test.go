package workflows_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/lawcycle/lawcycle/internal/filestore"
	"github.com/lawcycle/lawcycle/models"
	"github.com/lawcycle/lawcycle/wire"
)

// startedItems lists the item workflows the activities started, which a
// test then runs in an environment of its own.
func (l *lifecycle) startedItems() []wire.RectInput {
	var out []wire.RectInput
	for _, st := range l.starts.Starts() {
		out = append(out, st.Args[0].(wire.RectInput))
	}
	return out
}

var otherClerk = wire.Actor{Name: "scj-clerk", Role: "bureau", OrgCode: "scj"}

// rectSettings gives the cycle three reminders before a due day and a
// final deadline three working days after it.
func (l *lifecycle) rectSettings() {
	l.t.Helper()
	require.NoError(l.t, l.db.Model(&models.Cycle{}).Where("id = ?", lcCycle).Update("settings",
		models.CycleSettings{RectReminderWorkdays: []int{5, 2, 1}, RectSuperviseWorkdays: 3}).Error)
}

// officeItem is an item the office raises for rsj.
func officeItem(itemID string, fields wire.RectFields) wire.RectInput {
	return wire.RectInput{CycleID: lcCycle, OrgCode: lcOrg, ItemID: itemID,
		Spec: wire.RectSpec{Source: wire.RectFromOffice, SourceRef: "某法督〔2026〕2号", Fields: fields, By: reviewer}}
}

// runItem runs an item's workflow to its end.
func (l *lifecycle) runItem(in wire.RectInput) {
	l.t.Helper()
	l.env.ExecuteWorkflow(wire.RectificationWorkflow, in)
	require.True(l.t, l.env.IsWorkflowCompleted(), "the item workflow ends (closed or carried over)")
	require.NoError(l.t, l.env.GetWorkflowError())
}

// evidence stores a file as the service does before the update.
func (l *lifecycle) evidence(name string) []wire.RectEvidence {
	l.t.Helper()
	data := []byte("%PDF-1.7 " + name)
	sha, err := filestore.Put(l.db, data, "application/pdf")
	require.NoError(l.t, err)
	return []wire.RectEvidence{{SHA: sha, Name: name, Size: int64(len(data)), ContentType: "application/pdf"}}
}

func (l *lifecycle) progress(when time.Time, note string, by wire.Actor, evidence ...wire.RectEvidence) *outcome {
	return l.on(when, wire.UpdateRectProgress, wire.RectProgress{Note: note, Evidence: evidence, By: by})
}

func (l *lifecycle) requestClosure(when time.Time, note string, evidence ...wire.RectEvidence) *outcome {
	return l.on(when, wire.UpdateRectRequestClosure, wire.RectProgress{Note: note, Evidence: evidence, By: clerk})
}

func (l *lifecycle) verify(when time.Time, close bool, reason string, by wire.Actor) *outcome {
	return l.on(when, wire.UpdateRectVerify, wire.RectVerification{Close: close, Reason: reason, By: by})
}

// query reads the item's state at a moment of virtual time.
func (l *lifecycle) query(when time.Time) *wire.RectState {
	st := &wire.RectState{}
	l.env.RegisterDelayedCallback(func() {
		v, err := l.env.QueryWorkflow(wire.QueryState)
		require.NoError(l.t, err)
		require.NoError(l.t, v.Get(st))
	}, when.Sub(l.start))
	return st
}

func (l *lifecycle) item(cycle, itemID string) models.RectItem {
	l.t.Helper()
	var row models.RectItem
	require.NoError(l.t, l.db.Take(&row, "cycle_id = ? AND org_code = ? AND item_id = ?", cycle, lcOrg, itemID).Error)
	return row
}

// history lists the item's notes across cycles as "cycle kind: text".
func (l *lifecycle) history(itemID string) []string {
	l.t.Helper()
	var notes []models.RectNote
	require.NoError(l.t, l.db.Where("org_code = ? AND item_id = ?", lcOrg, itemID).Order("at, id").Find(&notes).Error)
	out := make([]string, len(notes))
	for i, n := range notes {
		out[i] = fmt.Sprintf("%s %s: %s", n.CycleID, n.Kind, n.Text)
	}
	return out
}

func requireRejected(t *testing.T, o *outcome, want string) {
	t.Helper()
	require.True(t, o.done, "the update was answered")
	require.ErrorContains(t, o.rejected, want)
}

// nextCycle adds the office's 2026 cycle with rsj not yet notified.
func (l *lifecycle) nextCycle(id, status string) {
	l.t.Helper()
	var office models.Organisation
	require.NoError(l.t, l.db.Take(&office, "code = ?", lcOffice).Error)
	var bureau models.Organisation
	require.NoError(l.t, l.db.Take(&bureau, "code = ?", lcOrg).Error)
	due := time.Date(2027, time.March, 1, 23, 59, 59, 0, cst).UTC()
	require.NoError(l.t, l.db.Create(&models.Cycle{ID: id, Year: 2026, Title: "2026年度法治政府建设情况报告",
		OfficeID: office.ID, Status: status, SubmissionDue: due, PublicationDue: due}).Error)
	require.NoError(l.t, l.db.Create(&models.Participant{CycleID: id, OrgCode: lcOrg, OrgID: bureau.ID,
		Stage: string(wire.StagePending), SubmissionDue: due, PublicationDue: due, Flags: []string{}}).Error)
}
