package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/lawcycle/lawcycle/internal/apitest"
	"github.com/lawcycle/lawcycle/internal/chinatime"
	"github.com/lawcycle/lawcycle/internal/testdb"
	"github.com/lawcycle/lawcycle/rules"
	"github.com/lawcycle/lawcycle/service"
	"github.com/lawcycle/lawcycle/web"
	"github.com/lawcycle/lawcycle/wire"
)

// accounts are the actors' users: role and organisation.
var accounts = map[string][2]string{
	apitest.AdminOwn: {"admin", "fzb"}, apitest.AdminOther: {"admin", "other"}, apitest.ReviewerOwn: {"reviewer", "fzb"},
	apitest.ReviewerOther: {"reviewer", "other"}, apitest.BureauOwn: {"bureau", "rsj"}, apitest.BureauOther: {"bureau", "other-rsj"},
	apitest.Viewer: {"viewer", ""}, apitest.ViewerOther: {"viewer", ""},
}

func usernameOf(actor string) string {
	if actor == apitest.Platform {
		return service.AdminUsername
	}
	return strings.NewReplacer("/", "-").Replace(actor)
}

var (
	everyone = apitest.Statuses{"*": 200}
	loggedIn = apitest.Statuses{"*": 200, apitest.Anon: 303}
	// cyclePage: the office's staff and the viewers granted the cycle;
	// bureaus are refused by role, as on the API's cycle routes.
	cyclePage = apitest.Statuses{"*": 403, apitest.Anon: 303, apitest.Platform: 200, apitest.AdminOwn: 200, apitest.AdminOther: 404, apitest.ReviewerOwn: 200, apitest.ReviewerOther: 404,
		apitest.Viewer: 200, apitest.ViewerOther: 404}
	// bureauPage: a bureau's own participation, seen by the bureau, its
	// office and granted viewers; anyone else gets 404.
	bureauPage = apitest.Statuses{"*": 403, apitest.Anon: 303, apitest.Platform: 200, apitest.AdminOwn: 200, apitest.AdminOther: 404, apitest.ReviewerOwn: 200,
		apitest.ReviewerOther: 404, apitest.BureauOwn: 200, apitest.BureauOther: 404, apitest.Viewer: 200, apitest.ViewerOther: 404}
)

type webCase struct {
	method, route string // route as registered
	path          string
	// send posts the case's request; nil is a GET.
	send func(b *browser, path string) page
	want apitest.Statuses
	// to is where a 303 leads per actor, "*" for everyone else; the
	// default is the login page.
	to map[string]string
	// fresh runs the case on a session of its own, which it may end.
	fresh bool
}

// TestWebAuthorizationMatrix asserts the exact status of every web route
// for every role, for resources of the actor's own office and of another,
// through real sessions and CSRF tokens. A web route registered without a
// case fails the test; api.TestAuthorizationMatrix covers the rest.
func TestWebAuthorizationMatrix(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		e := newEnv(t, db, web.Config{})
		e.seedOrgs(orgNames{})
		for actor, acc := range accounts {
			e.user(usernameOf(actor), rules.Role(acc[0]), acc[1])
		}
		// An open cycle of the own office; its bureaus are not awaiting
		// submission (no workflow runs here), so those allowed to submit
		// get 409 and everyone else is refused first.
		id := e.openCycle("2025年度法治政府建设情况报告", wire.StagePending, "rsj", "scj")
		_, err := e.svc.GrantViewer(t.Context(), e.root, id, service.ViewerInput{Username: usernameOf(apitest.Viewer)})
		require.NoError(t, err)
		e.seedSubmission(id, "rsj", "报表.xlsx", "rsj-staff", nil)
		upload := e.filled(id, "rsj", "hrss", nil)
		// rsj had an extension decided already, so deciding it again is a
		// 409 for whoever may decide.
		ext := e.seedExtension(id, "rsj", wire.ExtensionApproved, "主要负责人出差")
		// A draft cycle of the own office: extending or closing it is a
		// 409 for whoever may.
		draft := e.draftCycle("草稿周期", "rsj")
		today := chinatime.Date(e.clock.Now())
		// A closed rectification item of rsj: every action on it is a 409
		// for whoever may take it.
		rect := e.seedRectItem(id, "rsj", wire.RectClosed)

		browsers := map[string]*browser{apitest.Anon: e.browser()}
		for _, actor := range apitest.Actors[1:] {
			if actor == apitest.Platform {
				b := e.browser()
				require.Equal(t, http.StatusSeeOther, b.login(service.AdminUsername, adminPassword).Status)
				browsers[actor] = b
				continue
			}
			browsers[actor] = e.login(usernameOf(actor))
		}
		tokens := map[string]string{}
		for actor, b := range browsers {
			if actor != apitest.Anon {
				tokens[actor] = b.sessionToken()
			}
		}
		session := func(actor string) *browser {
			if actor == apitest.Anon {
				return e.browser()
			}
			if actor == apitest.Platform {
				b := e.browser()
				require.Equal(t, http.StatusSeeOther, b.login(service.AdminUsername, adminPassword).Status)
				return b
			}
			return e.login(usernameOf(actor))
		}

		bureauPath := "/cycles/" + id + "/bureaus/rsj"
		rectPath := bureauPath + "/rectifications/" + rect.ItemID
		cases := []webCase{
			{method: "GET", route: "/static/style.css", path: "/static/style.css", want: everyone},
			{method: "GET", route: "/login", path: "/login", want: apitest.Statuses{"*": 303, apitest.Anon: 200}, to: map[string]string{"*": "/"}},
			{method: "POST", route: "/login", path: "/login",
				send: func(b *browser, path string) page {
					// A name per actor, so the lockout never answers instead.
					return b.post(path, url.Values{"csrf_token": {b.loginToken()}, "username": {"nobody-" + actorOf(b, browsers)},
						"password": {"wrong-password"}})
				},
				want: apitest.Statuses{"*": 401}},
			{method: "POST", route: "/logout", path: "/logout", fresh: true,
				send: func(b *browser, path string) page {
					tok := ""
					if b.jar["lawcycle_session"] != nil {
						tok = b.sessionToken()
					}
					return b.post(path, url.Values{"csrf_token": {tok}})
				},
				want: apitest.Statuses{"*": 303}},
			{method: "GET", route: "/", path: "/", want: apitest.Statuses{"*": 200, apitest.Anon: 303, apitest.BureauOwn: 303},
				to: map[string]string{apitest.BureauOwn: bureauPath, apitest.Anon: "/login"}},
			{method: "GET", route: "/cycles/:id", path: "/cycles/" + id, want: cyclePage},
			{method: "GET", route: "/cycles/:id/bureaus/:org", path: bureauPath, want: bureauPage},
			{method: "GET", route: "/cycles/:id/bureaus/:org/template", path: bureauPath + "/template", want: bureauPage},
			{method: "POST", route: "/cycles/:id/bureaus/:org/submissions", path: bureauPath + "/submissions",
				send: func(b *browser, path string) page {
					return b.upload(path, url.Values{"csrf_token": {tokenOf(tokens, b, browsers)}},
						filePart{field: "file", name: "报表.xlsx", data: upload})
				},
				want: apitest.Statuses{"*": 403, apitest.Anon: 303, apitest.Platform: 409, apitest.AdminOwn: 409, apitest.AdminOther: 404, apitest.BureauOwn: 409, apitest.BureauOther: 404}},
			{method: "POST", route: "/cycles/:id/bureaus/:org/checks", path: bureauPath + "/checks",
				send: func(b *browser, path string) page {
					return b.upload(path, url.Values{"csrf_token": {tokenOf(tokens, b, browsers)}},
						filePart{field: "file", name: "报表.xlsx", data: upload})
				},
				want: apitest.Statuses{"*": 403, apitest.Anon: 303, apitest.Platform: 200, apitest.AdminOwn: 200, apitest.AdminOther: 404, apitest.ReviewerOwn: 200,
					apitest.ReviewerOther: 404, apitest.BureauOwn: 200, apitest.BureauOther: 404}},
			{method: "GET", route: "/cycles/:id/bureaus/:org/submissions/:version", path: bureauPath + "/submissions/1", want: bureauPage},
			{method: "GET", route: "/cycles/:id/bureaus/:org/submissions/:version/file", path: bureauPath + "/submissions/1/file", want: bureauPage},
			{method: "GET", route: "/cycles/:id/milestones", path: "/cycles/" + id + "/milestones", want: cyclePage},
			{method: "POST", route: "/cycles/:id/extend", path: "/cycles/" + draft.ID + "/extend",
				send: func(b *browser, path string) page {
					return b.post(path, url.Values{"csrf_token": {tokenOf(tokens, b, browsers)}, "kind": {"submission"},
						"date": {chinatime.Date(draft.SubmissionDue.AddDate(0, 0, 5))}, "reason": {"统一顺延"}})
				},
				want: apitest.Statuses{"*": 403, apitest.Anon: 303, apitest.Platform: 409, apitest.AdminOwn: 409, apitest.AdminOther: 404}},
			{method: "POST", route: "/cycles/:id/close", path: "/cycles/" + draft.ID + "/close",
				send: func(b *browser, path string) page {
					return b.post(path, url.Values{"csrf_token": {tokenOf(tokens, b, browsers)}, "reason": {"年度工作结束"}})
				},
				want: apitest.Statuses{"*": 403, apitest.Anon: 303, apitest.Platform: 409, apitest.AdminOwn: 409, apitest.AdminOther: 404}},
			// The lifecycle pages. rsj is not under review, not awaiting
			// publication and owes no deadline, so whoever may act gets 409
			// from the stage check, and everyone else is refused before it.
			{method: "GET", route: "/cycles/:id/bureaus/:org/review", path: bureauPath + "/review",
				want: apitest.Statuses{"*": 403, apitest.Anon: 303, apitest.Platform: 200, apitest.AdminOwn: 200, apitest.AdminOther: 404, apitest.ReviewerOwn: 200, apitest.ReviewerOther: 404}},
			{method: "POST", route: "/cycles/:id/bureaus/:org/reviews", path: bureauPath + "/reviews",
				send: func(b *browser, path string) page {
					return b.post(path, url.Values{"csrf_token": {tokenOf(tokens, b, browsers)}, "decision": {"approve"}, "version": {"1"}})
				},
				want: apitest.Statuses{"*": 403, apitest.Anon: 303, apitest.Platform: 409, apitest.AdminOwn: 409, apitest.AdminOther: 404, apitest.ReviewerOwn: 409, apitest.ReviewerOther: 404}},
			{method: "GET", route: "/cycles/:id/bureaus/:org/extensions", path: bureauPath + "/extensions", want: bureauPage},
			{method: "POST", route: "/cycles/:id/bureaus/:org/extensions", path: bureauPath + "/extensions",
				send: func(b *browser, path string) page {
					return b.post(path, url.Values{"csrf_token": {tokenOf(tokens, b, browsers)}, "kind": {"submission"},
						"until": {"3个工作日"}, "reason": {"主要负责人出差"}})
				},
				want: apitest.Statuses{"*": 403, apitest.Anon: 303, apitest.Platform: 409, apitest.AdminOwn: 409, apitest.AdminOther: 404, apitest.BureauOwn: 409, apitest.BureauOther: 404}},
			{method: "POST", route: "/cycles/:id/bureaus/:org/extensions/:ext_id/decision", path: fmt.Sprintf("%s/extensions/%d/decision", bureauPath, ext.ID),
				send: func(b *browser, path string) page {
					return b.post(path, url.Values{"csrf_token": {tokenOf(tokens, b, browsers)}, "approve": {"yes"}, "reason": {"同意"}})
				},
				want: apitest.Statuses{"*": 403, apitest.Anon: 303, apitest.Platform: 409, apitest.AdminOwn: 409, apitest.AdminOther: 404}},
			{method: "GET", route: "/cycles/:id/bureaus/:org/publication", path: bureauPath + "/publication", want: bureauPage},
			{method: "POST", route: "/cycles/:id/bureaus/:org/publication", path: bureauPath + "/publication",
				send: func(b *browser, path string) page {
					return b.post(path, url.Values{"csrf_token": {tokenOf(tokens, b, browsers)}, "url": {"https://www.example.gov.cn/art/1.html"},
						"issued_on": {today}, "publisher": {"某市人力资源和社会保障局"}, "secrecy_reviewed": {"1"}, "leader_approved": {"1"}})
				},
				want: apitest.Statuses{"*": 404, apitest.Anon: 303, apitest.Platform: 409, apitest.AdminOwn: 409, apitest.ReviewerOwn: 409, apitest.BureauOwn: 409, apitest.Viewer: 403, apitest.ViewerOther: 403}},
			// The rectification ledger: read like the participation; the
			// item is closed, so whoever may act on it gets 409.
			{method: "GET", route: "/cycles/:id/rectifications", path: "/cycles/" + id + "/rectifications", want: bureauPage},
			{method: "GET", route: "/cycles/:id/ledger.xlsx", path: "/cycles/" + id + "/ledger.xlsx", want: bureauPage},
			{method: "GET", route: "/cycles/:id/bureaus/:org/rectifications/:item", path: rectPath, want: bureauPage},
			{method: "POST", route: "/cycles/:id/bureaus/:org/rectifications/:item/progress", path: rectPath + "/progress",
				send: func(b *browser, path string) page {
					return b.upload(path, url.Values{"csrf_token": {tokenOf(tokens, b, browsers)}, "note": {"已完成整改"}})
				},
				want: apitest.Statuses{"*": 403, apitest.Anon: 303, apitest.Platform: 409, apitest.AdminOwn: 409, apitest.AdminOther: 404, apitest.BureauOwn: 409, apitest.BureauOther: 404}},
			{method: "POST", route: "/cycles/:id/bureaus/:org/rectifications/:item/closure", path: rectPath + "/closure",
				send: func(b *browser, path string) page {
					return b.upload(path, url.Values{"csrf_token": {tokenOf(tokens, b, browsers)}, "note": {"已完成整改"}})
				},
				want: apitest.Statuses{"*": 403, apitest.Anon: 303, apitest.BureauOwn: 409, apitest.BureauOther: 404}},
			{method: "POST", route: "/cycles/:id/bureaus/:org/rectifications/:item/verification", path: rectPath + "/verification",
				send: func(b *browser, path string) page {
					return b.post(path, url.Values{"csrf_token": {tokenOf(tokens, b, browsers)}, "decision": {"close"}})
				},
				want: apitest.Statuses{"*": 403, apitest.Anon: 303, apitest.Platform: 409, apitest.AdminOwn: 409, apitest.AdminOther: 404, apitest.ReviewerOwn: 409, apitest.ReviewerOther: 404}},
			{method: "GET", route: "/cycles/:id/bureaus/:org/rectifications/:item/evidence/:sha", path: rectPath + "/evidence/" + rect.SHA, want: bureauPage},
		}

		// Every registered web route has a case, and every case a route.
		registered := webRoutes(e.app)
		covered := map[string]bool{}
		for _, c := range cases {
			covered[c.method+" "+c.route] = true
		}
		require.Empty(t, apitest.MissingFrom(registered, covered), "web routes without an authorization case: add them to TestWebAuthorizationMatrix")
		require.Empty(t, apitest.MissingFrom(covered, registered), "cases for web routes that no longer exist")

		for _, c := range cases {
			for _, actor := range apitest.Actors {
				b := browsers[actor]
				if c.fresh {
					b = session(actor)
				}
				var r page
				if c.send != nil {
					r = c.send(b, c.path)
				} else {
					r = b.get(c.path)
				}
				want := c.want.Of(actor)
				require.Equal(t, want, r.Status, "%s %s as %s: %s", c.method, c.route, actor, r.Body)
				if want == http.StatusSeeOther {
					to := "/login"
					if v, ok := c.to[actor]; ok {
						to = v
					} else if v, ok := c.to["*"]; ok {
						to = v
					}
					require.True(t, r.Location == to || strings.HasPrefix(r.Location, to+"?"),
						"%s %s as %s redirected to %q, want %q", c.method, c.route, actor, r.Location, to)
				}
			}
		}
	})
}

// actorOf names the actor b belongs to.
func actorOf(b *browser, browsers map[string]*browser) string {
	for actor, other := range browsers {
		if other == b {
			return usernameOf(actor)
		}
	}
	return "unknown"
}

// tokenOf is the CSRF token of the session b belongs to.
func tokenOf(tokens map[string]string, b *browser, browsers map[string]*browser) string {
	for actor, other := range browsers {
		if other == b {
			return tokens[actor]
		}
	}
	return ""
}

var fiberParam = regexp.MustCompile(`:([A-Za-z0-9_]+)\??`)

// webRoutes lists the routes the web UI registers: every route outside the
// JSON API and the operational endpoints, except middleware and the HEAD
// twins Fiber adds for each GET.
func webRoutes(app *fiber.App) map[string]bool {
	out := map[string]bool{}
	for _, r := range app.GetRoutes(true) {
		if r.Method == fiber.MethodHead || r.Method == "USE" {
			continue
		}
		if r.Path == "/api/v1" || strings.HasPrefix(r.Path, "/api/v1/") || slices.Contains([]string{"/healthz", "/readyz", "/metrics"}, r.Path) {
			continue
		}
		out[r.Method+" "+r.Path] = true
	}
	return out
}
