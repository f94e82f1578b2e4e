package workflows

// An internal test: the validators are the workflow's own methods, and
// what is checked here is exactly how they turn their state into the
// rulebook's facts. The service runs the same table through its pre-checks
// (service/rulebook_test.go), so both layers give one answer.

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/temporal"

	"github.com/lawcycle/lawcycle/rules/rulestest"
	"github.com/lawcycle/lawcycle/wire"
)

func TestValidatorsAnswerAsTheRulebook(t *testing.T) {
	const org = "rsj"
	for _, s := range rulestest.Scenarios() {
		if s.ServiceOnly {
			continue
		}
		t.Run(s.Name, func(t *testing.T) {
			f := s.Facts
			b := &bureau{in: wire.BureauInput{CycleID: "2025-abc", OrgCode: org}, busy: f.Busy, BureauCarry: wire.BureauCarry{
				Stage: f.Stage, Round: f.Round, Version: f.Version, Pending: f.Pending, Closing: f.Cycle == wire.CycleClosed}}
			by := wire.Actor{Role: wire.ActorRoleReviewer, OrgCode: "fzb"}
			if s.ByBureau {
				by = wire.Actor{Role: wire.ActorRoleBureau, OrgCode: org}
			}
			until := wire.DueSetting{Workdays: 3}
			var err error
			switch s.Action {
			case rulestest.Submit:
				err = b.validateSubmit(wire.SubmitRequest{Round: s.Round, FileSHA: "f", ReturnSHA: "r"})
			case rulestest.Review:
				err = b.validateReview(wire.ReviewRequest{Version: s.Version, Decision: wire.ReviewApprove, By: by})
			case rulestest.RequestExtension:
				err = b.validateExtensionRequest(wire.ExtensionRequest{Kind: s.Kind, Until: until, Reason: "出差", By: by})
			case rulestest.Extend:
				err = b.validateExtend(wire.BureauExtension{Kind: s.Kind, Until: until, Reason: "出差", By: by})
			case rulestest.DecideExtension:
				err = b.validateExtensionDecision(wire.ExtensionDecision{ID: s.ID, Approve: true, By: by})
			case rulestest.Publish:
				err = b.validatePublish(wire.PublishRequest{URL: "https://www.example.gov.cn/a.html", SecrecyReviewed: true, LeaderApproved: true})
			}
			want := s.Want()
			var app *temporal.ApplicationError
			require.True(t, errors.As(err, &app), "validator allowed what the rulebook refuses (%s): %v", want.Reason, err)
			require.Equal(t, wire.RefusedErrorType, app.Type())
			require.Equal(t, want.Reason, app.Message())
			require.Equal(t, wire.RefusalInfo{Code: string(want.Code), Kind: int(want.Kind)}, wire.RefusalInfoOf(app))
		})
	}
}
