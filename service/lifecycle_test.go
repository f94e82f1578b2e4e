package service_test

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	"gorm.io/gorm"

	"github.com/lawcycle/lawcycle/internal/apperr"
	"github.com/lawcycle/lawcycle/internal/testdb"
	"github.com/lawcycle/lawcycle/models"
	"github.com/lawcycle/lawcycle/rules"
	"github.com/lawcycle/lawcycle/service"
	"github.com/lawcycle/lawcycle/wire"
)

// recordingTemporal records the updates and queries it is sent and
// answers every update with an empty result.
type recordingTemporal struct {
	client.Client
	mu      sync.Mutex
	updates []client.UpdateWorkflowOptions
	queries int
}

func (r *recordingTemporal) UpdateWorkflow(_ context.Context, o client.UpdateWorkflowOptions) (client.WorkflowUpdateHandle, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.updates = append(r.updates, o)
	return emptyHandle{}, nil
}

func (r *recordingTemporal) QueryWorkflow(context.Context, string, string, string, ...any) (converter.EncodedValue, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.queries++
	return nil, context.Canceled
}

func (r *recordingTemporal) calls() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.updates) + r.queries
}

// GetWorkflowUpdateHandle finds no earlier update: every request in these
// tests is new.
func (r *recordingTemporal) GetWorkflowUpdateHandle(client.GetWorkflowUpdateHandleOptions) client.WorkflowUpdateHandle {
	return notFoundHandle{}
}

type notFoundHandle struct{ client.WorkflowUpdateHandle }

func (notFoundHandle) Get(context.Context, any) error {
	return serviceerror.NewNotFound("update not found")
}

type emptyHandle struct{ client.WorkflowUpdateHandle }

func (emptyHandle) Get(context.Context, any) error { return nil }

// bureauCycle is an open cycle of office fzb with bureaus rsj (under
// review, version 1 stored) and scj, another office with its bureau, and
// a principal per person.
type bureauCycle struct {
	svc      *service.Service
	temporal *recordingTemporal
	id       string
	as       map[string]service.Principal
	pending  uint // a pending extension request of rsj
}

func newBureauCycle(t *testing.T, db *gorm.DB) *bureauCycle {
	t.Helper()
	ctx := t.Context()
	temporal := &recordingTemporal{}
	svc := &service.Service{DB: db, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Temporal: temporal}
	_, err := svc.EnsureAdmin(ctx, "", rootToken)
	require.NoError(t, err)
	root, err := svc.Authenticate(ctx, rootToken)
	require.NoError(t, err)
	_, err = svc.CreateOrgs(ctx, root, []service.OrgInput{
		{Code: "fzb", Name: "某市法治办", Kind: models.KindOffice},
		{Code: "rsj", Name: "某市人社局", Kind: models.KindBureau, ParentCode: "fzb", Sector: "hrss"},
		{Code: "scj", Name: "某市市场监管局", Kind: models.KindBureau, ParentCode: "fzb"},
		{Code: "other", Name: "另一法治办", Kind: models.KindOffice},
		{Code: "other-rsj", Name: "另一人社局", Kind: models.KindBureau, ParentCode: "other"},
	})
	require.NoError(t, err)
	cv, err := svc.CreateCycle(ctx, root, service.CycleInput{Year: 2025, OfficeCode: "fzb", BureauCodes: []string{"rsj", "scj"},
		SubmissionDue: "2027-03-01", PublicationDue: "2027-03-31"})
	require.NoError(t, err)
	b := &bureauCycle{svc: svc, temporal: temporal, id: cv.ID, as: map[string]service.Principal{"root": root}}
	require.NoError(t, db.Model(&models.Cycle{}).Where("id = ?", b.id).Update("status", models.CycleOpen).Error)
	require.NoError(t, db.Model(&models.Participant{}).Where("cycle_id = ? AND org_code = ?", b.id, "rsj").
		Updates(map[string]any{"stage": string(wire.StageUnderReview), "round": 1}).Error)
	require.NoError(t, db.Create(&models.Submission{CycleID: b.id, OrgCode: "rsj", Version: 1, Round: 1, FileSHA: "f", FileName: "报表.xlsx",
		ReturnSHA: "r", Catalogue: "general@2025.1+hrss@2025.1", Values: "{}", Explanations: "{}", Info: "{}", Problems: "[]",
		Plans: "[]", Warnings: "[]", SubmittedAt: time.Now()}).Error)
	now := time.Now()
	ext := models.Extension{CycleID: b.id, OrgCode: "rsj", Kind: "submission", Round: 1, Status: wire.ExtensionPending,
		Reason: "出差", PreviousDue: now, RequestedBy: "rsj", RequestedAt: now}
	require.NoError(t, db.Create(&ext).Error)
	b.pending = ext.ID

	for _, u := range []struct {
		name string
		role rules.Role
		org  string
	}{
		{"admin", rules.RoleAdmin, "fzb"}, {"reviewer", rules.RoleReviewer, "fzb"}, {"rsj", rules.RoleBureau, "rsj"},
		{"scj", rules.RoleBureau, "scj"}, {"other-admin", rules.RoleAdmin, "other"}, {"other-reviewer", rules.RoleReviewer, "other"},
		{"other-rsj", rules.RoleBureau, "other-rsj"}, {"viewer", rules.RoleViewer, ""},
	} {
		_, err := svc.CreateUser(ctx, root, service.UserInput{Username: "u-" + u.name, Password: u.name + "-password", Role: u.role, OrgCode: u.org})
		require.NoError(t, err)
		var user models.User
		require.NoError(t, db.Take(&user, "username = ?", "u-"+u.name).Error)
		p, err := svc.PrincipalForUser(ctx, user.ID, "req-"+u.name)
		require.NoError(t, err)
		b.as[u.name] = p
	}
	_, err = svc.GrantViewer(ctx, root, b.id, service.ViewerInput{Username: "u-viewer"})
	require.NoError(t, err)
	return b
}

// Who may act on which bureau is decided before anything is sent to
// Temporal: a refusal never depends on the workflow service.
func TestLifecycleActionsAreAuthorizedBeforeTemporal(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		b := newBureauCycle(t, db)
		ctx := t.Context()
		publication := service.PublicationInput{URL: "https://www.example.gov.cn/a.html", IssuedOn: "2026-03-20", Publisher: "某市人社局",
			SecrecyReviewed: true, LeaderApproved: true}
		actions := map[string]func(p service.Principal) error{
			"review": func(p service.Principal) error {
				_, err := b.svc.Review(ctx, p, b.id, "rsj", service.ReviewInput{Decision: "approve"})
				return err
			},
			"extend": func(p service.Principal) error {
				_, err := b.svc.Extend(ctx, p, b.id, "rsj", service.ExtensionInput{Kind: "publication", Until: "3个工作日", Reason: "出差"})
				return err
			},
			"decide": func(p service.Principal) error {
				yes := true
				_, err := b.svc.DecideExtension(ctx, p, b.id, "rsj", b.pending, service.ExtensionDecisionInput{Approve: &yes})
				return err
			},
			"publish": func(p service.Principal) error {
				_, err := b.svc.Publish(ctx, p, b.id, "rsj", publication)
				return err
			},
			"status": func(p service.Principal) error {
				_, err := b.svc.BureauStatus(ctx, p, b.id, "rsj")
				return err
			},
			"extend cycle": func(p service.Principal) error {
				_, err := b.svc.ExtendCycle(ctx, p, b.id, service.CycleExtensionInput{Kind: "publication", Date: "2027-04-10", Reason: "顺延"})
				return err
			},
			"close cycle": func(p service.Principal) error {
				_, err := b.svc.CloseCycle(ctx, p, b.id, service.CloseInput{Reason: "结束"})
				return err
			},
		}
		const forbidden, notFound = apperr.CodeForbidden, apperr.CodeNotFound
		for _, tc := range []struct{ action, who, code string }{
			{"review", "rsj", forbidden}, {"review", "scj", forbidden}, {"review", "viewer", forbidden},
			{"review", "other-admin", notFound}, {"review", "other-reviewer", notFound},
			{"extend", "scj", notFound}, {"extend", "other-rsj", notFound}, {"extend", "reviewer", forbidden},
			{"extend", "viewer", forbidden}, {"extend", "other-admin", notFound},
			{"decide", "rsj", forbidden}, {"decide", "scj", forbidden}, {"decide", "reviewer", forbidden},
			{"decide", "viewer", forbidden}, {"decide", "other-admin", notFound},
			{"publish", "scj", notFound}, {"publish", "other-rsj", notFound}, {"publish", "viewer", forbidden},
			{"publish", "other-reviewer", notFound},
			{"status", "scj", notFound}, {"status", "other-rsj", notFound}, {"status", "other-admin", notFound},
			{"extend cycle", "reviewer", forbidden}, {"extend cycle", "viewer", forbidden}, {"extend cycle", "rsj", notFound},
			{"extend cycle", "other-admin", notFound},
			{"close cycle", "reviewer", forbidden}, {"close cycle", "viewer", forbidden}, {"close cycle", "scj", notFound},
			{"close cycle", "other-admin", notFound},
		} {
			err := actions[tc.action](b.as[tc.who])
			ae, ok := apperr.As(err)
			require.True(t, ok, "%s as %s: %v", tc.action, tc.who, err)
			require.Equal(t, tc.code, ae.Code, "%s as %s: %s", tc.action, tc.who, ae.Message)
		}
		require.Zero(t, b.temporal.calls(), "a refused action reached Temporal")

		// The same actions by those allowed do reach it.
		for _, tc := range []struct{ action, who string }{
			{"review", "reviewer"}, {"extend", "admin"}, {"decide", "admin"}, {"extend cycle", "admin"}, {"close cycle", "root"},
		} {
			require.NoError(t, actions[tc.action](b.as[tc.who]), "%s as %s", tc.action, tc.who)
		}
		require.Len(t, b.temporal.updates, 5)
	})
}

// A retried request (same request id, same content) is the same update;
// anything else is a new one. Without a Temporal client an action is a
// 503, never a crash.
func TestUpdateIdentityAndUnavailableTemporal(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		b := newBureauCycle(t, db)
		ctx := t.Context()
		in := service.ExtensionInput{Kind: "publication", Until: "3个工作日", Reason: "出差"}
		admin := b.as["admin"]
		for range 2 {
			_, err := b.svc.Extend(ctx, admin, b.id, "rsj", in)
			require.NoError(t, err)
		}
		in.Reason = "另有安排"
		_, err := b.svc.Extend(ctx, admin, b.id, "rsj", in)
		require.NoError(t, err)
		admin.RequestID = "another-request"
		_, err = b.svc.Extend(ctx, admin, b.id, "rsj", in)
		require.NoError(t, err)
		ids := []string{}
		for _, u := range b.temporal.updates {
			require.Equal(t, wire.UpdateExtend, u.UpdateName)
			ids = append(ids, u.UpdateID)
		}
		require.Len(t, ids, 4)
		require.Equal(t, ids[0], ids[1], "a retry is the same update")
		require.NotEqual(t, ids[1], ids[2], "other content is another update")
		require.NotEqual(t, ids[2], ids[3], "another request is another update")

		_, err = b.svc.Review(ctx, b.as["reviewer"], b.id, "rsj", service.ReviewInput{Decision: "approve"})
		require.NoError(t, err)
		require.Equal(t, wire.ReviewUpdateID(1, "req-reviewer"), b.temporal.updates[4].UpdateID)

		b.svc.Temporal = nil
		_, err = b.svc.Review(ctx, b.as["reviewer"], b.id, "rsj", service.ReviewInput{Decision: "approve"})
		ae, ok := apperr.As(err)
		require.True(t, ok, "%v", err)
		require.Equal(t, apperr.CodeUnavailable, ae.Code)
		_, err = b.svc.BureauStatus(ctx, b.as["rsj"], b.id, "rsj")
		ae, ok = apperr.As(err)
		require.True(t, ok, "%v", err)
		require.Equal(t, apperr.CodeUnavailable, ae.Code)
	})
}
