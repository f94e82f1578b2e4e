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
	"github.com/lawcycle/lawcycle/service"
	"github.com/lawcycle/lawcycle/wire"
)

// Outcomes of an action in the matrix.
const (
	sent      = "sent to the workflow"
	forbidden = apperr.CodeForbidden
	notFound  = apperr.CodeNotFound
	conflict  = apperr.CodeConflict
)

// TestActionsByPrincipalAndStage is the business layer's own matrix: each
// person (every role, of the bureau's own office, of a parent office, of
// another office; the bureau itself and another bureau; a granted and an
// ungranted viewer) tries each of a bureau's actions in a stage that
// allows it and in one that does not. Who may act is decided before the
// stage, and nothing refused reaches Temporal.
func TestActionsByPrincipalAndStage(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		b := newBureauCycle(t, db)
		ctx := t.Context()
		// A city office above fzb, with its admin.
		_, err := b.svc.CreateOrgs(ctx, b.as["root"], []service.OrgInput{{Code: "city", Name: "某市法治办", Kind: models.KindOffice}})
		require.NoError(t, err)
		var city models.Organisation
		require.NoError(t, db.Take(&city, "code = ?", "city").Error)
		require.NoError(t, db.Model(&models.Organisation{}).Where("code = ?", "fzb").Update("parent_id", city.ID).Error)
		b.as["city-admin"] = addUser(t, db, b, "city-admin", rules.RoleAdmin, "city")

		org := "mx"
		b.as["mx"] = addBureau(t, db, b, org)
		cat, err := catalogue.Builtin().ComposeFor("hrss")
		require.NoError(t, err)
		tpl, err := b.svc.Template(ctx, b.as["root"], b.id, org)
		require.NoError(t, err)
		filled, err := returntest.Fill(tpl.Data, returntest.Filled{Values: returntest.Plausible(cat), Info: returntest.Info})
		require.NoError(t, err)

		actions := map[string]func(p service.Principal) error{
			"submit": func(p service.Principal) error {
				_, err := b.svc.Submit(ctx, p, b.id, org, service.Upload{Name: "报表.xlsx", Data: filled}, nil)
				return err
			},
			"review": func(p service.Principal) error {
				_, err := b.svc.Review(ctx, p, b.id, org, service.ReviewInput{Decision: "approve"})
				return err
			},
			"extend": func(p service.Principal) error {
				_, err := b.svc.Extend(ctx, p, b.id, org, service.ExtensionInput{Kind: "submission", Until: "3个工作日", Reason: "出差"})
				return err
			},
			"publish": func(p service.Principal) error {
				_, err := b.svc.Publish(ctx, p, b.id, org, service.PublicationInput{URL: "https://www.example.gov.cn/mx.html",
					IssuedOn: "2026-03-20", Publisher: "某市人社局", SecrecyReviewed: true, LeaderApproved: true})
				return err
			},
			"status": func(p service.Principal) error {
				_, err := b.svc.GetWorkspace(ctx, p, b.id, org)
				return err
			},
		}
		// Per action: a stage that allows it and one that does not, and
		// what each person gets in the stage that allows it. In the other
		// stage, whoever would have sent it gets 409 instead.
		type row struct {
			action      string
			open, shut  wire.Stage
			version     int
			byPrincipal map[string]string
		}
		table := []row{
			{"submit", wire.StageAwaitingSubmission, wire.StageUnderReview, 0, map[string]string{
				"root": sent, "admin": sent, "city-admin": sent, "other-admin": notFound,
				"reviewer": forbidden, "other-reviewer": forbidden,
				"mx": sent, "rsj": notFound, "other-rsj": notFound, "viewer": forbidden}},
			{"review", wire.StageUnderReview, wire.StageAwaitingSubmission, 1, map[string]string{
				"root": sent, "admin": sent, "city-admin": sent, "other-admin": notFound,
				"reviewer": sent, "other-reviewer": notFound,
				"mx": forbidden, "rsj": forbidden, "other-rsj": forbidden, "viewer": forbidden}},
			{"extend", wire.StageAwaitingSubmission, wire.StageCompleted, 0, map[string]string{
				"root": sent, "admin": sent, "city-admin": sent, "other-admin": notFound,
				"reviewer": forbidden, "other-reviewer": forbidden,
				"mx": sent, "rsj": notFound, "other-rsj": notFound, "viewer": forbidden}},
			{"publish", wire.StageAwaitingPublication, wire.StageUnderReview, 1, map[string]string{
				"root": sent, "admin": sent, "city-admin": sent, "other-admin": notFound,
				"reviewer": sent, "other-reviewer": notFound,
				"mx": sent, "rsj": notFound, "other-rsj": notFound, "viewer": forbidden}},
		}
		version := 0
		for _, r := range table {
			for _, stage := range []wire.Stage{r.open, r.shut} {
				require.NoError(t, db.Model(&models.Participant{}).Where("cycle_id = ? AND org_code = ?", b.id, org).
					Updates(map[string]any{"stage": string(stage), "round": 1}).Error)
				for version < r.version {
					version++
					seedVersion(t, db, b.id, org, version)
				}
				for who, want := range r.byPrincipal {
					if stage == r.shut && want == sent {
						want = conflict
					}
					before := len(b.temporal.updates)
					err := actions[r.action](b.as[who])
					reached := len(b.temporal.updates) > before
					name := fmt.Sprintf("%s in %s by %s", r.action, stage, who)
					if want == sent {
						require.True(t, reached, "%s: not sent (%v)", name, err)
						continue
					}
					require.False(t, reached, "%s: a refusal reached Temporal", name)
					ae, ok := apperr.As(err)
					require.True(t, ok, "%s: %v", name, err)
					require.Equal(t, want, ae.Code, "%s: %s", name, ae.Message)
				}
			}
		}

		// Reading the bureau's workspace: its own people, its office and
		// the offices above, the granted viewer.
		for who, want := range map[string]string{
			"root": "", "admin": "", "city-admin": "", "other-admin": notFound, "reviewer": "", "other-reviewer": notFound,
			"mx": "", "rsj": notFound, "other-rsj": notFound, "viewer": "",
		} {
			err := actions["status"](b.as[who])
			if want == "" {
				require.NoError(t, err, "status by %s", who)
				continue
			}
			ae, ok := apperr.As(err)
			require.True(t, ok, "status by %s: %v", who, err)
			require.Equal(t, want, ae.Code, "status by %s", who)
		}
	})
}

// addUser creates a user of role in org and returns its principal.
func addUser(t *testing.T, _ *gorm.DB, b *bureauCycle, name string, role rules.Role, org string) service.Principal {
	t.Helper()
	return newUser(t, b.svc, b.as["root"], name, role, org)
}

// newUser is a user that root creates, as its requests will see it.
func newUser(t *testing.T, svc *service.Service, root service.Principal, name string, role rules.Role, org string) service.Principal {
	t.Helper()
	ctx := t.Context()
	_, err := svc.CreateUser(ctx, root, service.UserInput{Username: name, Password: name + "-password-x", Role: role, OrgCode: org})
	require.NoError(t, err)
	var user models.User
	require.NoError(t, svc.DB.Take(&user, "username = ?", name).Error)
	p, err := svc.PrincipalForUser(ctx, user.ID, "req-"+name)
	require.NoError(t, err)
	return p
}

// seedVersion stores version v of org's return, as the workflow's
// activity would.
func seedVersion(t *testing.T, db *gorm.DB, cycleID, org string, v int) {
	t.Helper()
	require.NoError(t, db.Create(&models.Submission{CycleID: cycleID, OrgCode: org, Version: v, Round: v, FileSHA: "f", FileName: "报表.xlsx",
		ReturnSHA: "r", Catalogue: "general@2025.1+hrss@2025.1", Values: "{}", Explanations: "{}", Info: "{}", Problems: "[]",
		Plans: "[]", Warnings: "[]", SubmittedAt: time.Now()}).Error)
}
