package api_test

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/lawcycle/lawcycle/api"
	"github.com/lawcycle/lawcycle/internal/apitest"
	"github.com/lawcycle/lawcycle/internal/testdb"
	"github.com/lawcycle/lawcycle/models"
	"github.com/lawcycle/lawcycle/notify"
	"github.com/lawcycle/lawcycle/service"
	"github.com/lawcycle/lawcycle/wire"
)

var (
	officeWrite = apitest.Statuses{"*": 403, apitest.Anon: 401, apitest.Platform: 201, apitest.AdminOwn: 201, apitest.AdminOther: 422}
	officeList  = apitest.Statuses{"*": 403, apitest.Anon: 401, apitest.Platform: 200, apitest.AdminOwn: 200, apitest.AdminOther: 200, apitest.ReviewerOwn: 200, apitest.ReviewerOther: 200}
	officeRead  = apitest.Statuses{"*": 403, apitest.Anon: 401, apitest.Platform: 200, apitest.AdminOwn: 200, apitest.AdminOther: 404, apitest.ReviewerOwn: 200, apitest.ReviewerOther: 404}
	everyone    = apitest.Statuses{"*": 200}
	anyLoggedIn = apitest.Statuses{"*": 200, apitest.Anon: 401}
	// bureauRead: a bureau's own participation, seen by the bureau and
	// its office; another office's staff and other bureaus get 404.
	bureauRead = apitest.Statuses{"*": 403, apitest.Anon: 401, apitest.Platform: 200, apitest.AdminOwn: 200, apitest.AdminOther: 404, apitest.ReviewerOwn: 200,
		apitest.ReviewerOther: 404, apitest.BureauOwn: 200, apitest.BureauOther: 404, apitest.Viewer: 200, apitest.ViewerOther: 404}
	// cycleRead: the office's staff and the viewers granted the cycle.
	cycleRead = apitest.Statuses{"*": 403, apitest.Anon: 401, apitest.Platform: 200, apitest.AdminOwn: 200, apitest.AdminOther: 404, apitest.ReviewerOwn: 200, apitest.ReviewerOther: 404,
		apitest.Viewer: 200, apitest.ViewerOther: 404}
	cycleList = apitest.Statuses{"*": 403, apitest.Anon: 401, apitest.Platform: 200, apitest.AdminOwn: 200, apitest.AdminOther: 200, apitest.ReviewerOwn: 200, apitest.ReviewerOther: 200,
		apitest.Viewer: 200, apitest.ViewerOther: 200}
	// viewerAdmin: managing a cycle's viewers is for its office's admins.
	viewerAdmin = apitest.Statuses{"*": 403, apitest.Anon: 401, apitest.Platform: 200, apitest.AdminOwn: 200, apitest.AdminOther: 404}
)

// only keeps the listed actors' statuses and forbids everyone else logged in.
func only(s apitest.Statuses, actors ...string) apitest.Statuses {
	out := apitest.Statuses{"*": 403, apitest.Anon: s.Of(apitest.Anon)}
	for _, a := range actors {
		out[a] = s.Of(a)
	}
	return out
}

type matrixCase struct {
	method, route string // route as registered, e.g. /api/v1/cycles/:id
	path          func(actor string) string
	body          func(actor string) any
	want          apitest.Statuses
}

// TestAuthorizationMatrix asserts the exact status of every route for every
// role, for resources of the actor's own office and of another. A route
// registered without a case here fails the test.
func TestAuthorizationMatrix(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		log := slog.New(slog.NewTextHandler(io.Discard, nil))
		svc := &service.Service{DB: db, Logger: log}
		_, err := svc.EnsureAdmin(t.Context(), "", adminToken)
		require.NoError(t, err)
		// The matrix never sends an update: every action is refused, or
		// found not to fit the bureau's stage, before Temporal is asked
		// (launch is exercised on a cycle that is already open). Only the
		// status route queries it.
		temporal := &fakeTemporal{}
		svc.Temporal = temporal
		app := api.New(api.Deps{Service: svc, DB: db, Temporal: temporal, Logger: log, LoginsPerMinute: 10000})
		root := apitest.Client{T: t, App: app, Token: adminToken}
		seedOffice(t, root)

		tokens := map[string]string{apitest.Anon: "", apitest.Platform: adminToken}
		users := map[string][2]string{ // actor → role, org
			apitest.AdminOwn: {"admin", "fzb"}, apitest.AdminOther: {"admin", "other"}, apitest.ReviewerOwn: {"reviewer", "fzb"},
			apitest.ReviewerOther: {"reviewer", "other"}, apitest.BureauOwn: {"bureau", "rsj"}, apitest.BureauOther: {"bureau", "other-rsj"},
			apitest.Viewer: {"viewer", ""}, apitest.ViewerOther: {"viewer", ""}, "victim": {"reviewer", "fzb"},
		}
		for _, a := range apitest.Actors {
			users["grantee/"+a] = [2]string{"viewer", ""}
		}
		for actor, u := range users {
			name := strings.NewReplacer("/", "-").Replace(actor)
			r := root.Do("POST", "/api/v1/users", map[string]any{"username": name, "password": name + "-password", "role": u[0], "org_code": u[1]})
			require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
			r = root.With("").Do("POST", "/api/v1/tokens", map[string]any{"username": name, "password": name + "-password"})
			require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
			var tok struct{ Token string }
			r.JSON(t, &tok)
			tokens[actor] = tok.Token
		}
		var victimToken models.APIToken
		require.NoError(t, db.Joins("JOIN users ON users.id = api_tokens.user_id").Where("users.username = ?", "victim").Take(&victimToken).Error)

		// A cycle of the own office, already open with its notice, so that
		// launch answers without Temporal.
		r := root.Do("POST", "/api/v1/cycles", map[string]any{"year": 2025, "office_code": "fzb", "bureau_codes": []string{"rsj", "scj"},
			"submission_due": "2027-03-01", "publication_due": "2027-03-31"})
		require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
		var cyc struct{ ID string }
		r.JSON(t, &cyc)
		var office models.Organisation
		require.NoError(t, db.Take(&office, "code = ?", "fzb").Error)
		require.NoError(t, db.Model(&models.Cycle{}).Where("id = ?", cyc.ID).Update("status", models.CycleOpen).Error)
		require.NoError(t, db.Create(&models.Notice{CycleID: cyc.ID, OfficeID: office.ID, DocNo: "法治办〔2026〕9号", Title: "通知", Body: "正文",
			SubmissionDue: time.Now(), PublicationDue: time.Now(), IssuedAt: time.Now()}).Error)

		r = root.Do("POST", "/api/v1/cycles/"+cyc.ID+"/viewers", map[string]any{"username": "viewer"})
		require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
		sub := seedSubmission(t, svc, db, cyc.ID, "rsj")
		bureauPath := "/api/v1/cycles/" + cyc.ID + "/bureaus/rsj"
		// rsj published version 1 (its stage stays pending, so publishing
		// again is refused by stage), and had an extension already decided.
		ext, _ := seedLifecycle(t, db, cyc.ID, "rsj")
		// rsj has a closed item, made of a review comment and with one
		// evidence file: acting on it is a 409 for whoever may act.
		rect := seedRectItem(t, db, cyc.ID, "rsj", wire.RectClosed)
		rectPath := bureauPath + "/rectifications/" + rect.ItemID
		// A draft cycle of the own office: extending or closing it is a 409.
		r = root.Do("POST", "/api/v1/cycles", map[string]any{"year": 2025, "office_code": "fzb", "bureau_codes": []string{"rsj"},
			"submission_due": "2027-03-01", "publication_due": "2027-03-31"})
		require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
		var draft struct{ ID string }
		r.JSON(t, &draft)
		// A county office below the own office, with a draft cycle: the own
		// office's staff act within its subtree (docs/domain.md#roles), county included.
		r = root.Do("POST", "/api/v1/orgs", []map[string]any{
			{"code": "county", "name": "某县法治办", "kind": "office", "parent_code": "fzb"},
			{"code": "county-scj", "name": "某县市场监督管理局", "kind": "bureau", "parent_code": "county"},
		})
		require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
		r = root.Do("POST", "/api/v1/cycles", map[string]any{"year": 2025, "office_code": "county", "bureau_codes": []string{"county-scj"},
			"submission_due": "2027-03-01", "publication_due": "2027-03-31"})
		require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
		var county struct{ ID string }
		r.JSON(t, &county)
		// A notification to the own office: only its people may mark it read.
		require.NoError(t, notify.Enqueue(db, notify.Message{Key: "authz/office", Kind: notify.KindNotice, OrgCode: "fzb", Subject: "通知", Body: "正文"}))
		var note models.Notification
		require.NoError(t, db.Take(&note, "idempotency_key = ?", "authz/office").Error)

		fixed := func(p string) func(string) string { return func(string) string { return p } }
		slug := func(a string) string { return strings.NewReplacer("/", "-", "_", "-").Replace(a) }
		cases := []matrixCase{
			{"GET", "/healthz", fixed("/healthz"), nil, everyone},
			{"GET", "/readyz", fixed("/readyz"), nil, everyone},
			{"GET", "/metrics", fixed("/metrics"), nil, everyone},
			{"GET", "/api/v1/openapi.json", fixed("/api/v1/openapi.json"), nil, everyone},
			{"POST", "/api/v1/tokens", fixed("/api/v1/tokens"),
				func(a string) any {
					return map[string]any{"username": "nobody-" + slug(a), "password": "wrong-password"}
				},
				apitest.Statuses{"*": 401}},
			{"GET", "/api/v1/tokens", fixed("/api/v1/tokens"), nil, anyLoggedIn},
			{"DELETE", "/api/v1/tokens/:id", fixed(fmt.Sprintf("/api/v1/tokens/%d", victimToken.ID)), nil,
				apitest.Statuses{"*": 404, apitest.Anon: 401, apitest.Platform: 204}},
			{"GET", "/api/v1/inbox", fixed("/api/v1/inbox"), nil, anyLoggedIn},
			{"POST", "/api/v1/inbox/:id/read", fixed(fmt.Sprintf("/api/v1/inbox/%d/read", note.ID)), nil,
				apitest.Statuses{"*": 404, apitest.Anon: 401, apitest.AdminOwn: 204, apitest.ReviewerOwn: 204}},
			{"GET", "/api/v1/audit", fixed("/api/v1/audit"), nil, only(officeList, apitest.Platform, apitest.AdminOwn, apitest.AdminOther)},
			{"GET", "/api/v1/audit/export", fixed("/api/v1/audit/export"), nil, only(officeList, apitest.Platform, apitest.AdminOwn, apitest.AdminOther)},
			{"POST", "/api/v1/orgs", fixed("/api/v1/orgs"),
				func(a string) any {
					return map[string]any{"code": "new-" + slug(a), "name": "新局", "kind": "bureau", "parent_code": "fzb"}
				}, officeWrite},
			{"GET", "/api/v1/orgs", fixed("/api/v1/orgs"), nil, officeList},
			{"GET", "/api/v1/orgs/:code", fixed("/api/v1/orgs/rsj"), nil, officeRead},
			{"POST", "/api/v1/users", fixed("/api/v1/users"),
				func(a string) any {
					return map[string]any{"username": "made-by-" + slug(a), "password": "long-enough-pw", "role": "reviewer", "org_code": "fzb"}
				}, officeWrite},
			{"GET", "/api/v1/catalogues", fixed("/api/v1/catalogues"), nil, officeList},
			{"GET", "/api/v1/catalogues/:part/:version", fixed("/api/v1/catalogues/general/2025.1"), nil, officeList},
			// Office admins upload parts for their own office's cycles, so
			// another office's admin may upload too (for its own office).
			{"POST", "/api/v1/catalogues", fixed("/api/v1/catalogues"),
				func(a string) any { return yamlBody(sectorYAML("sector_" + strings.ReplaceAll(slug(a), "-", "_"))) },
				apitest.Statuses{"*": 403, apitest.Anon: 401, apitest.Platform: 201, apitest.AdminOwn: 201, apitest.AdminOther: 201}},
			// The own office's calendar: its staff and bureaus read it; its
			// admins change its days (one day per actor, deleted below);
			// only a platform admin loads a year's official arrangement.
			{"GET", "/api/v1/calendar/:year", fixed("/api/v1/calendar/2026?office=fzb"), nil,
				apitest.Statuses{"*": 404, apitest.Anon: 401, apitest.Platform: 200, apitest.AdminOwn: 200, apitest.ReviewerOwn: 200, apitest.BureauOwn: 200}},
			{"PUT", "/api/v1/calendar/days/:date", calendarDayPath, func(string) any { return map[string]any{"kind": "holiday", "reason": "本地调休"} },
				apitest.Statuses{"*": 403, apitest.Anon: 401, apitest.Platform: 200, apitest.AdminOwn: 200, apitest.AdminOther: 404}},
			{"DELETE", "/api/v1/calendar/days/:date", calendarDayPath, nil,
				apitest.Statuses{"*": 403, apitest.Anon: 401, apitest.Platform: 204, apitest.AdminOwn: 204, apitest.AdminOther: 404}},
			{"POST", "/api/v1/calendar/years/:year", fixed("/api/v1/calendar/years/2027"), func(string) any { return map[string]any{"text": notice2027} },
				apitest.Statuses{"*": 403, apitest.Anon: 401, apitest.Platform: 201}},
			{"POST", "/api/v1/cycles", fixed("/api/v1/cycles"),
				func(string) any {
					return map[string]any{"year": 2025, "office_code": "fzb", "bureau_codes": []string{"rsj"},
						"submission_due": "2027-03-01", "publication_due": "2027-03-31"}
				}, officeWrite},
			{"GET", "/api/v1/cycles", fixed("/api/v1/cycles"), nil, cycleList},
			{"GET", "/api/v1/cycles/:id", fixed("/api/v1/cycles/" + cyc.ID), nil, cycleRead},
			{"GET", "/api/v1/cycles/:id/notice", fixed("/api/v1/cycles/" + cyc.ID + "/notice"), nil, cycleRead},
			{"GET", "/api/v1/cycles/:id/bureaus", fixed("/api/v1/cycles/" + cyc.ID + "/bureaus"), nil, cycleRead},
			{"POST", "/api/v1/cycles/:id/viewers", fixed("/api/v1/cycles/" + cyc.ID + "/viewers"),
				func(a string) any { return map[string]any{"username": strings.ReplaceAll("grantee/"+a, "/", "-")} },
				apitest.Statuses{"*": 403, apitest.Anon: 401, apitest.Platform: 201, apitest.AdminOwn: 201, apitest.AdminOther: 404}},
			{"GET", "/api/v1/cycles/:id/viewers", fixed("/api/v1/cycles/" + cyc.ID + "/viewers"), nil, viewerAdmin},
			// Revokes what the case above granted.
			{"DELETE", "/api/v1/cycles/:id/viewers/:username", func(a string) string {
				return "/api/v1/cycles/" + cyc.ID + "/viewers/" + strings.ReplaceAll("grantee/"+a, "/", "-")
			}, nil, apitest.Statuses{"*": 403, apitest.Anon: 401, apitest.Platform: 204, apitest.AdminOwn: 204, apitest.AdminOther: 404}},
			{"POST", "/api/v1/cycles/:id/launch", fixed("/api/v1/cycles/" + cyc.ID + "/launch"), nil,
				apitest.Statuses{"*": 403, apitest.Anon: 401, apitest.Platform: 409, apitest.AdminOwn: 409, apitest.AdminOther: 404}},
			{"GET", "/api/v1/cycles/:id/bureaus/:org/template", fixed(bureauPath + "/template"), nil, bureauRead},
			// The bureau is not awaiting submission (no workflow runs here),
			// so those allowed to submit get 409 and everyone else is
			// refused before the stage is looked at.
			{"POST", "/api/v1/cycles/:id/bureaus/:org/submissions", fixed(bureauPath + "/submissions"),
				func(string) any { return apitest.Multipart{{Field: "file", Name: "报表.xlsx", Data: sub.file}} },
				apitest.Statuses{"*": 403, apitest.Anon: 401, apitest.Platform: 409, apitest.AdminOwn: 409, apitest.AdminOther: 404, apitest.BureauOwn: 409, apitest.BureauOther: 404}},
			{"POST", "/api/v1/cycles/:id/bureaus/:org/checks", fixed(bureauPath + "/checks"),
				func(string) any { return apitest.Multipart{{Field: "file", Name: "报表.xlsx", Data: sub.file}} },
				only(bureauRead, apitest.Platform, apitest.AdminOwn, apitest.AdminOther, apitest.ReviewerOwn, apitest.ReviewerOther, apitest.BureauOwn, apitest.BureauOther)},
			{"GET", "/api/v1/cycles/:id/bureaus/:org/submissions", fixed(bureauPath + "/submissions"), nil, bureauRead},
			{"GET", "/api/v1/cycles/:id/bureaus/:org/submissions/:version", fixed(bureauPath + "/submissions/1"), nil, bureauRead},
			{"GET", "/api/v1/cycles/:id/bureaus/:org/submissions/:version/file", fixed(bureauPath + "/submissions/1/file"), nil, bureauRead},
			{"GET", "/api/v1/cycles/:id/bureaus/:org/submissions/:version/report", fixed(bureauPath + "/submissions/1/report"), nil, bureauRead},
			{"GET", "/api/v1/cycles/:id/bureaus/:org/submissions/:version/annotated", fixed(bureauPath + "/submissions/1/annotated"), nil, bureauRead},
			{"GET", "/api/v1/cycles/:id/bureaus/:org/submissions/:version/changes", fixed(bureauPath + "/submissions/1/changes"), nil, bureauRead},
			{"GET", "/api/v1/cycles/:id/bureaus/:org/status", fixed(bureauPath + "/status"), nil, bureauRead},

			// The lifecycle actions. rsj is not under review, not awaiting
			// publication and owes no deadline, so whoever may act gets 409
			// from the stage check, and everyone else is refused before it.
			{"POST", "/api/v1/cycles/:id/bureaus/:org/reviews", fixed(bureauPath + "/reviews"),
				func(string) any { return map[string]any{"decision": "approve"} },
				apitest.Statuses{"*": 403, apitest.Anon: 401, apitest.Platform: 409, apitest.AdminOwn: 409, apitest.AdminOther: 404, apitest.ReviewerOwn: 409, apitest.ReviewerOther: 404}},
			{"GET", "/api/v1/cycles/:id/bureaus/:org/reviews", fixed(bureauPath + "/reviews"), nil, bureauRead},
			{"POST", "/api/v1/cycles/:id/bureaus/:org/extensions", fixed(bureauPath + "/extensions"),
				func(string) any {
					return map[string]any{"kind": "submission", "until": "3个工作日", "reason": "主要负责人出差"}
				},
				apitest.Statuses{"*": 403, apitest.Anon: 401, apitest.Platform: 409, apitest.AdminOwn: 409, apitest.AdminOther: 404, apitest.BureauOwn: 409, apitest.BureauOther: 404}},
			{"GET", "/api/v1/cycles/:id/bureaus/:org/extensions", fixed(bureauPath + "/extensions"), nil, bureauRead},
			// The extension was decided already.
			{"POST", "/api/v1/cycles/:id/bureaus/:org/extensions/:ext_id/decision", fixed(fmt.Sprintf("%s/extensions/%d/decision", bureauPath, ext.ID)),
				func(string) any { return map[string]any{"approve": true, "reason": "同意"} },
				apitest.Statuses{"*": 403, apitest.Anon: 401, apitest.Platform: 409, apitest.AdminOwn: 409, apitest.AdminOther: 404}},
			{"POST", "/api/v1/cycles/:id/bureaus/:org/publication", fixed(bureauPath + "/publication"),
				func(string) any { return publicationBody() },
				apitest.Statuses{"*": 404, apitest.Anon: 401, apitest.Platform: 409, apitest.AdminOwn: 409, apitest.ReviewerOwn: 409, apitest.BureauOwn: 409, apitest.Viewer: 403, apitest.ViewerOther: 403}},
			{"GET", "/api/v1/cycles/:id/bureaus/:org/publication", fixed(bureauPath + "/publication"), nil, bureauRead},
			{"POST", "/api/v1/cycles/:id/extend", fixed("/api/v1/cycles/" + draft.ID + "/extend"),
				func(string) any {
					return map[string]any{"kind": "submission", "date": "2027-03-10", "reason": "统一顺延"}
				},
				apitest.Statuses{"*": 403, apitest.Anon: 401, apitest.Platform: 409, apitest.AdminOwn: 409, apitest.AdminOther: 404}},
			{"POST", "/api/v1/cycles/:id/close", fixed("/api/v1/cycles/" + draft.ID + "/close"),
				func(string) any { return map[string]any{"reason": "年度工作结束"} },
				apitest.Statuses{"*": 403, apitest.Anon: 401, apitest.Platform: 409, apitest.AdminOwn: 409, apitest.AdminOther: 404}},
			{"GET", "/api/v1/cycles/:id/milestones", fixed("/api/v1/cycles/" + cyc.ID + "/milestones"), nil, cycleRead},
			// The county's cycle, to the own office's staff above it: as
			// their own office's (no viewer is granted it).
			{"GET", "/api/v1/cycles/:id", fixed("/api/v1/cycles/" + county.ID), nil,
				apitest.Statuses{"*": 403, apitest.Anon: 401, apitest.Platform: 200, apitest.AdminOwn: 200, apitest.AdminOther: 404, apitest.ReviewerOwn: 200, apitest.ReviewerOther: 404,
					apitest.Viewer: 404, apitest.ViewerOther: 404}},
			{"GET", "/api/v1/cycles/:id/bureaus/:org/template", fixed("/api/v1/cycles/" + county.ID + "/bureaus/county-scj/template"), nil,
				apitest.Statuses{"*": 404, apitest.Anon: 401, apitest.Platform: 200, apitest.AdminOwn: 200, apitest.ReviewerOwn: 200}},
			{"POST", "/api/v1/cycles/:id/close", fixed("/api/v1/cycles/" + county.ID + "/close"),
				func(string) any { return map[string]any{"reason": "年度工作结束"} },
				apitest.Statuses{"*": 403, apitest.Anon: 401, apitest.Platform: 409, apitest.AdminOwn: 409, apitest.AdminOther: 404}},
			// The rectification ledger: read like a bureau's participation (a
			// bureau reads its own items); items are the office's to add and
			// verify, the bureau's to report on (an admin may for it) and its
			// alone to ask to close.
			{"GET", "/api/v1/cycles/:id/rectifications", fixed("/api/v1/cycles/" + cyc.ID + "/rectifications"), nil, bureauRead},
			{"GET", "/api/v1/cycles/:id/ledger.xlsx", fixed("/api/v1/cycles/" + cyc.ID + "/ledger.xlsx"), nil, bureauRead},
			{"POST", "/api/v1/cycles/:id/bureaus/:org/rectifications", fixed(bureauPath + "/rectifications"),
				func(string) any { return map[string]any{"from_comment": *rect.CommentID, "category": "immediate"} },
				apitest.Statuses{"*": 403, apitest.Anon: 401, apitest.Platform: 409, apitest.AdminOwn: 409, apitest.AdminOther: 404, apitest.ReviewerOwn: 409, apitest.ReviewerOther: 404}},
			{"GET", "/api/v1/cycles/:id/bureaus/:org/rectifications/:item", fixed(rectPath), nil, bureauRead},
			{"POST", "/api/v1/cycles/:id/bureaus/:org/rectifications/:item/progress", fixed(rectPath + "/progress"),
				func(string) any { return apitest.Multipart{{Field: "note", Data: []byte("已完成制度修订")}} },
				apitest.Statuses{"*": 403, apitest.Anon: 401, apitest.Platform: 409, apitest.AdminOwn: 409, apitest.AdminOther: 404, apitest.BureauOwn: 409, apitest.BureauOther: 404}},
			{"POST", "/api/v1/cycles/:id/bureaus/:org/rectifications/:item/closure", fixed(rectPath + "/closure"),
				func(string) any { return apitest.Multipart{{Field: "note", Data: []byte("申请销号")}} },
				apitest.Statuses{"*": 403, apitest.Anon: 401, apitest.BureauOwn: 409, apitest.BureauOther: 404}},
			{"POST", "/api/v1/cycles/:id/bureaus/:org/rectifications/:item/verification", fixed(rectPath + "/verification"),
				func(string) any { return map[string]any{"decision": "close"} },
				apitest.Statuses{"*": 403, apitest.Anon: 401, apitest.Platform: 409, apitest.AdminOwn: 409, apitest.AdminOther: 404, apitest.ReviewerOwn: 409, apitest.ReviewerOther: 404}},
			{"GET", "/api/v1/cycles/:id/bureaus/:org/rectifications/:item/evidence/:sha", fixed(rectPath + "/evidence/" + rect.SHA), nil, bureauRead},
			// Published reports are public; so is the file of one.
			{"GET", "/api/v1/public/reports", fixed("/api/v1/public/reports?year=2025"), nil, everyone},
			{"GET", "/api/v1/public/reports/:cycle/:org/report", fixed("/api/v1/public/reports/" + cyc.ID + "/rsj/report"), nil, everyone},
		}

		// Every registered route has a case, and every case a route.
		registered := registeredRoutes(app)
		covered := map[string]bool{}
		for _, c := range cases {
			covered[routeKey(c.method, c.route)] = true
		}
		require.Empty(t, apitest.MissingFrom(registered, covered), "routes without an authorization case: add them to TestAuthorizationMatrix")
		require.Empty(t, apitest.MissingFrom(covered, registered), "cases for routes that no longer exist")

		for _, c := range cases {
			for _, actor := range apitest.Actors {
				var body any
				if c.body != nil {
					body = c.body(actor)
				}
				var r apitest.Response
				switch b := body.(type) {
				case apitest.Multipart:
					r = root.With(tokens[actor]).Upload(c.method, c.path(actor), b)
				case yamlBody:
					r = root.With(tokens[actor]).Send(c.method, c.path(actor), "application/yaml", []byte(b))
				default:
					r = root.With(tokens[actor]).Do(c.method, c.path(actor), body)
				}
				require.Equal(t, c.want.Of(actor), r.Status, "%s %s as %s: %s", c.method, c.route, actor, r.Body)
			}
		}
		require.Empty(t, temporal.sent(), "an update reached Temporal")
	})
}
