package web_test

import (
	"github.com/lawcycle/lawcycle/internal/apitest"
	"github.com/lawcycle/lawcycle/models"
	"github.com/lawcycle/lawcycle/wire"
)

// seedRectItem stores an item of org, due in a month, with one progress
// note carrying one PDF; edits change the item before it is stored. No
// workflow runs for it: actions the service lets through would reach the
// Temporal stand-in, which does not handle them, so tests only send what
// the service refuses first.
func (e *env) seedRectItem(cycleID, org string, status wire.RectStatus, edits ...func(*models.RectItem)) apitest.SeededRect {
	e.t.Helper()
	return apitest.SeedRectItem(e.t, e.db, e.clock.Now(), models.RectItem{CycleID: cycleID, OrgCode: org, Status: string(status)}, edits...)
}
