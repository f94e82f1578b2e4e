package service_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/lawcycle/lawcycle/catalogue"
	"github.com/lawcycle/lawcycle/internal/apperr"
	"github.com/lawcycle/lawcycle/internal/returntest"
	"github.com/lawcycle/lawcycle/internal/testdb"
	"github.com/lawcycle/lawcycle/models"
	"github.com/lawcycle/lawcycle/rules"
	"github.com/lawcycle/lawcycle/rules/rulestest"
	"github.com/lawcycle/lawcycle/service"
	"github.com/lawcycle/lawcycle/wire"
)

// The service's pre-checks answer every situation of the rulebook's table
// exactly as the rule does, code and reason, from the read model alone;
// the workflow's validators are held to the same table
// (workflows/rulebook_internal_test.go), so both layers say one thing.
func TestPreChecksAnswerAsTheRulebook(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		b := newBureauCycle(t, db)
		ctx := t.Context()
		cat, err := catalogue.Builtin().ComposeFor("hrss")
		require.NoError(t, err)

		for i, s := range rulestest.Scenarios() {
			if s.WorkflowOnly {
				continue
			}
			// Submissions are immutable, so each situation is a bureau of
			// its own.
			org := fmt.Sprintf("b%02d", i)
			bureau := addBureau(t, db, b, org)
			tpl, err := b.svc.Template(ctx, b.as["root"], b.id, org)
			require.NoError(t, err)
			filled, err := returntest.Fill(tpl.Data, returntest.Filled{Values: returntest.Plausible(cat), Info: returntest.Info})
			require.NoError(t, err)
			s = setState(t, db, b.id, org, s)
			switch s.Action {
			case rulestest.Submit:
				_, err = b.svc.Submit(ctx, bureau, b.id, org, service.Upload{Name: "报表.xlsx", Data: filled}, nil)
			case rulestest.Review:
				_, err = b.svc.Review(ctx, b.as["reviewer"], b.id, org, service.ReviewInput{Decision: "approve", Version: s.Version})
			case rulestest.RequestExtension:
				_, err = b.svc.Extend(ctx, bureau, b.id, org, service.ExtensionInput{Kind: string(s.Kind), Until: "3个工作日", Reason: "出差"})
			case rulestest.Extend:
				_, err = b.svc.Extend(ctx, b.as["admin"], b.id, org, service.ExtensionInput{Kind: string(s.Kind), Until: "3个工作日", Reason: "出差"})
			case rulestest.DecideExtension:
				yes := true
				_, err = b.svc.DecideExtension(ctx, b.as["admin"], b.id, org, s.ID, service.ExtensionDecisionInput{Approve: &yes})
			case rulestest.Publish:
				_, err = b.svc.Publish(ctx, bureau, b.id, org, service.PublicationInput{URL: "https://www.example.gov.cn/a.html",
					IssuedOn: "2026-03-20", Publisher: "某市人社局", SecrecyReviewed: true, LeaderApproved: true})
			}
			want := s.Want()
			ae, ok := apperr.As(err)
			require.True(t, ok, "%s: the service allowed what the rulebook refuses (%s): %v", s.Name, want.Reason, err)
			require.Equal(t, want.Reason, ae.Message, s.Name)
			require.Len(t, ae.Details, 1, s.Name)
			require.Equal(t, string(want.Code), ae.Details[0].Code, s.Name)
			require.Equal(t, want.Reason, ae.Details[0].Message, s.Name)
			status := map[rules.Kind]string{rules.KindState: apperr.CodeConflict, rules.KindRole: apperr.CodeForbidden, rules.KindInput: apperr.CodeValidation}
			require.Equal(t, status[want.Kind], ae.Code, s.Name)
		}
		require.Zero(t, b.temporal.calls()-countQueries(b), "a refused action reached Temporal")
	})
}

// addBureau adds a bureau of the 人社 sector to the cycle and returns its
// user.
func addBureau(t *testing.T, db *gorm.DB, b *bureauCycle, org string) service.Principal {
	t.Helper()
	ctx := t.Context()
	root := b.as["root"]
	_, err := b.svc.CreateOrgs(ctx, root, []service.OrgInput{{Code: org, Name: "某市人社局" + org, Kind: models.KindBureau, ParentCode: "fzb", Sector: "hrss"}})
	require.NoError(t, err)
	var o models.Organisation
	require.NoError(t, db.Take(&o, "code = ?", org).Error)
	var rsj models.Participant
	require.NoError(t, db.Take(&rsj, "cycle_id = ? AND org_code = ?", b.id, "rsj").Error)
	require.NoError(t, db.Create(&models.Participant{CycleID: b.id, OrgCode: org, OrgID: o.ID, Stage: string(wire.StageAwaitingSubmission), Round: 1,
		SubmissionDue: rsj.SubmissionDue, PublicationDue: rsj.PublicationDue, Flags: []string{}}).Error)
	return addUser(t, db, b, "u-"+org, rules.RoleBureau, org)
}

func countQueries(b *bureauCycle) int {
	b.temporal.mu.Lock()
	defer b.temporal.mu.Unlock()
	return b.temporal.queries
}

// setState writes s's facts into the read model of rsj: the cycle's
// status, the stage and round of org, versions 1..Version, and the pending or
// decided extension request. IDs the database gives replace the
// scenario's, so the rule is asked with what the service will find.
func setState(t *testing.T, db *gorm.DB, cycleID, org string, s rulestest.Scenario) rulestest.Scenario {
	t.Helper()
	f := s.Facts
	require.NoError(t, db.Model(&models.Cycle{}).Where("id = ?", cycleID).Update("status", f.Cycle).Error)
	require.NoError(t, db.Model(&models.Participant{}).Where("cycle_id = ? AND org_code = ?", cycleID, org).
		Updates(map[string]any{"stage": string(f.Stage), "round": f.Round}).Error)
	for v := 1; v <= f.Version; v++ {
		seedVersion(t, db, cycleID, org, v)
	}
	now := time.Now()
	ext := models.Extension{CycleID: cycleID, OrgCode: org, Kind: string(wire.DeadlineSubmission), Round: 1, Status: wire.ExtensionApproved,
		Reason: "出差", PreviousDue: now, RequestedBy: "rsj", RequestedAt: now}
	if f.Pending != nil {
		ext.Kind, ext.Round, ext.Status = string(f.Pending.Kind), f.Pending.Round, wire.ExtensionPending
	}
	require.NoError(t, db.Create(&ext).Error)
	if f.Pending != nil {
		p := *f.Pending
		p.ID = ext.ID
		s.Facts.Pending = &p
	}
	if s.ID != 0 {
		s.ID = ext.ID
	}
	return s
}

// The narrative report is part of what names a submission: the same
// return sent again with the same report is the same update (its first
// answer comes back), with a corrected report it is another, which the
// workflow stores as a new version or refuses while one is under review
// (rules.CodeUnderReview) — never the first answer with the new report
// silently dropped.
func TestCorrectedReportIsAnotherSubmission(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		b := newBureauCycle(t, db)
		ctx := t.Context()
		bureau := addBureau(t, db, b, "rpt")
		tpl, err := b.svc.Template(ctx, b.as["root"], b.id, "rpt")
		require.NoError(t, err)
		cat, err := catalogue.Builtin().ComposeFor("hrss")
		require.NoError(t, err)
		filled, err := returntest.Fill(tpl.Data, returntest.Filled{Values: returntest.Plausible(cat), Info: returntest.Info})
		require.NoError(t, err)
		file := service.Upload{Name: "报表.xlsx", Data: filled}
		first := &service.Upload{Name: "报告.txt", Data: []byte("2025年度法治政府建设情况报告")}
		corrected := &service.Upload{Name: "报告.txt", Data: []byte("2025年度法治政府建设情况报告（更正）")}
		for _, report := range []*service.Upload{first, first, corrected, nil} {
			_, _ = b.svc.Submit(ctx, bureau, b.id, "rpt", file, report)
		}
		var ids []string
		for _, u := range b.temporal.updates {
			require.Equal(t, wire.UpdateSubmit, u.UpdateName)
			ids = append(ids, u.UpdateID)
		}
		require.Len(t, ids, 4)
		require.Equal(t, ids[0], ids[1], "the same return and report again is a retry")
		require.NotEqual(t, ids[1], ids[2], "a corrected report is another submission")
		require.NotEqual(t, ids[2], ids[3], "without the report it is another submission again")
	})
}
