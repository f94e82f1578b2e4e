package api_test

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/lawcycle/lawcycle/api"
	"github.com/lawcycle/lawcycle/internal/apitest"
	"github.com/lawcycle/lawcycle/internal/temporaltest"
	"github.com/lawcycle/lawcycle/models"
	"github.com/lawcycle/lawcycle/service"
	"github.com/lawcycle/lawcycle/wire"
)

// lifecycle is the API on a fake Temporal with the own office's cycle
// open, rsj's version 1 stored, and a client per person: the office's
// admin and reviewer, the bureaus rsj and scj of the same office, and a
// viewer granted the cycle.
type lifecycle struct {
	t        *testing.T
	db       *gorm.DB
	temporal *fakeTemporal
	root     apitest.Client
	cycle    string
	rsj      string // rsj's path, /api/v1/cycles/{id}/bureaus/rsj
	as       map[string]apitest.Client
}

func newLifecycle(t *testing.T, db *gorm.DB) *lifecycle {
	t.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	temporal := &fakeTemporal{results: map[string]any{}}
	svc := &service.Service{DB: db, Logger: log, Temporal: temporal}
	_, err := svc.EnsureAdmin(t.Context(), "", adminToken)
	require.NoError(t, err)
	app := api.New(api.Deps{Service: svc, DB: db, Temporal: temporal, Logger: log, LoginsPerMinute: 10000})
	root := apitest.Client{T: t, App: app, Token: adminToken}
	seedOffice(t, root)
	e := &lifecycle{t: t, db: db, temporal: temporal, root: root, as: map[string]apitest.Client{}}
	e.cycle = e.createCycle(nil)
	require.NoError(t, db.Model(&models.Cycle{}).Where("id = ?", e.cycle).Update("status", models.CycleOpen).Error)
	e.rsj = "/api/v1/cycles/" + e.cycle + "/bureaus/rsj"
	seedSubmission(t, svc, db, e.cycle, "rsj")
	for _, u := range [][3]string{{"admin", "admin", "fzb"}, {"reviewer", "reviewer", "fzb"}, {"rsj", "bureau", "rsj"},
		{"scj", "bureau", "scj"}, {"viewer", "viewer", ""}} {
		e.as[u[0]] = loginAs(t, root, "lc-"+u[0], u[1], u[2])
	}
	r := root.Do("POST", "/api/v1/cycles/"+e.cycle+"/viewers", map[string]any{"username": "lc-viewer"})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
	return e
}

// createCycle creates a draft cycle of the own office with rsj and scj.
func (e *lifecycle) createCycle(settings map[string]any) string {
	e.t.Helper()
	body := map[string]any{"year": 2025, "office_code": "fzb", "bureau_codes": []string{"rsj", "scj"},
		"submission_due": "2027-03-01", "publication_due": "2027-03-31"}
	if settings != nil {
		body["settings"] = settings
	}
	r := e.root.Do("POST", "/api/v1/cycles", body)
	require.Equal(e.t, http.StatusCreated, r.Status, string(r.Body))
	var c struct{ ID string }
	r.JSON(e.t, &c)
	return c.ID
}

// stage puts a bureau of the cycle in a stage, as the workflow would.
func (e *lifecycle) stage(org string, st wire.Stage) {
	e.t.Helper()
	require.NoError(e.t, e.db.Model(&models.Participant{}).Where("cycle_id = ? AND org_code = ?", e.cycle, org).
		Updates(map[string]any{"stage": string(st), "round": 1}).Error)
}

// refused is one request that must be refused with status and a message
// (or detail) containing message.
type refused struct {
	name, as, method, path string
	body                   any
	status                 int
	message                string
}

// expectRefused runs the cases and checks that none reached Temporal.
func (e *lifecycle) expectRefused(cases []refused) {
	e.t.Helper()
	before := len(e.temporal.sent())
	for _, tc := range cases {
		e.t.Run(tc.name, func(t *testing.T) {
			var r apitest.Response
			if m, ok := tc.body.(apitest.Multipart); ok {
				r = e.as[tc.as].Upload(tc.method, tc.path, m)
			} else {
				r = e.as[tc.as].Do(tc.method, tc.path, tc.body)
			}
			require.Equal(t, tc.status, r.Status, string(r.Body))
			requireMessage(t, r, tc.message)
		})
	}
	require.Len(e.t, e.temporal.sent(), before, "a refused request reached Temporal")
}

// requireMessage checks that the error's message or a detail contains msg.
func requireMessage(t *testing.T, r apitest.Response, msg string) {
	t.Helper()
	e := r.Err(t)
	text := e.Error.Message
	for _, d := range e.Error.Details {
		text += "\n" + d.Message
	}
	require.Contains(t, text, msg)
}

// lastUpdate is the last update sent, with its argument decoded into arg.
func (e *lifecycle) lastUpdate(arg any) (name, workflowID, updateID string) {
	e.t.Helper()
	sent := e.temporal.sent()
	require.NotEmpty(e.t, sent)
	u := sent[len(sent)-1]
	require.Len(e.t, u.Args, 1)
	require.NoError(e.t, temporaltest.Value{V: u.Args[0]}.Get(arg))
	return u.UpdateName, u.WorkflowID, u.UpdateID
}

// seedLifecycle stores what the workflow would have recorded for org:
// an extension already approved and the publication of version 1.
func seedLifecycle(t *testing.T, db *gorm.DB, cycleID, org string) (models.Extension, models.Publication) {
	t.Helper()
	var bureau models.Organisation
	require.NoError(t, db.Take(&bureau, "code = ?", org).Error)
	now := time.Now()
	due := now.Add(30 * 24 * time.Hour)
	ext := models.Extension{CycleID: cycleID, OrgCode: org, Kind: "submission", Round: 1, Status: wire.ExtensionApproved,
		Reason: "主要负责人出差", Requested: "3个工作日", PreviousDue: now, NewDue: &due, RequestedBy: org, RequestedAt: now,
		DecidedBy: "admin", DecidedAt: &now}
	require.NoError(t, db.Create(&ext).Error)
	pub := models.Publication{CycleID: cycleID, OrgCode: org, OrgID: bureau.ID, Version: 1,
		URL: "https://www.example.gov.cn/art/" + cycleID + "/" + org + ".html", IndexNo: "11331002002673575G/" + cycleID + "-" + org,
		IssuedOn: "2026-03-20", Publisher: bureau.Name, Method: service.DefaultPublicationMethod, SecrecyReviewed: true,
		LeaderApproved: true, Due: now, RecordedBy: org, PublishedAt: now}
	require.NoError(t, db.Create(&pub).Error)
	return ext, pub
}

func publicationBody() map[string]any {
	return map[string]any{"url": "https://www.example.gov.cn/art/2026/3/20/art_1.html", "issued_on": "2026-03-20",
		"publisher": "某市人力资源和社会保障局", "secrecy_reviewed": true, "leader_approved": true}
}

func with(base map[string]any, kv ...any) map[string]any {
	out := map[string]any{}
	for k, v := range base {
		out[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == nil {
			delete(out, kv[i].(string))
			continue
		}
		out[kv[i].(string)] = kv[i+1]
	}
	return out
}

func comments(n int) []map[string]any {
	out := make([]map[string]any, n)
	for i := range out {
		out[i] = map[string]any{"message": fmt.Sprintf("意见%d", i+1)}
	}
	return out
}
