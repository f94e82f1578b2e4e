package activities_test

import (
	"testing"
	"time"

	"github.com/lawcycle/lawcycle/wire"
)

// Temporal reads an activity error's type and retry decision from the
// outermost error: refusals and final failures must arrive there intact,
// not wrapped in a retryable one.
func TestFailuresCrossTemporalIntact(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		err := f.viaTemporal(f.acts.RecordReview, wire.ReviewRecord{CycleID: cycleID, OrgCode: "scj", Round: 1, Seq: 4,
			At: cst(time.February, 12, 10, 0), Request: wire.ReviewRequest{Version: 1, Decision: wire.ReviewApprove, By: reviewer}})
		requireRefused(t, err, "某县市场监督管理局尚未报送，没有可审核的版本")

		err = f.viaTemporal(f.acts.ExtendCycle, wire.CycleExtensionRecord{CycleID: cycleID, At: cst(time.March, 12, 10, 0),
			Extension: wire.CycleExtension{Kind: wire.DeadlineSubmission, Date: "2026-03-11", By: reviewer}})
		requireRefused(t, err, "新的报送截止日期2026年3月11日已过")

		err = f.viaTemporal(f.acts.RecordBureauClosed, wire.BureauClosure{CycleID: cycleID, OrgCode: "nobody", Seq: 1})
		requireFinal(t, err, "ParticipantNotFound")

		err = f.viaTemporal(f.acts.CloseCycle, wire.CycleCloseRecord{CycleID: "nope"})
		requireFinal(t, err, "CycleNotFound")
	})
}
