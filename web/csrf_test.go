package web_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/lawcycle/lawcycle/internal/testdb"
	"github.com/lawcycle/lawcycle/models"
	"github.com/lawcycle/lawcycle/rules"
	"github.com/lawcycle/lawcycle/web"
	"github.com/lawcycle/lawcycle/wire"
)

// A state-changing form without the session's token, with a wrong one,
// or from another origin is refused with 403 and a Chinese page, audited,
// and changes nothing; the same form done right goes through.
func TestCSRFRefusals(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		e := newEnv(t, db, web.Config{})
		e.seedOrgs(orgNames{})
		e.user("rsj-staff", rules.RoleBureau, "rsj")
		id := e.openCycle("周期", wire.StageAwaitingSubmission, "rsj")
		good := e.filled(id, "rsj", "hrss", nil)
		b := e.login("rsj-staff")
		token := b.sessionToken()
		path := "/cycles/" + id + "/bureaus/rsj/submissions"
		file := filePart{field: "file", name: "报表.xlsx", data: good}

		// upload posts the form from a page of origin ("" sends no Origin).
		upload := func(origin string, fields url.Values, query string) page {
			from := *b
			from.origin = origin
			return from.upload(path+query, fields, file)
		}
		cases := []struct {
			name   string
			do     func() page
			reason string
		}{
			{"no token", func() page { return upload(site, nil, "") }, "csrf_token_mismatch"},
			{"empty token", func() page { return upload(site, url.Values{"csrf_token": {""}}, "") }, "csrf_token_mismatch"},
			{"wrong token", func() page {
				return upload(site, url.Values{"csrf_token": {strings.Repeat("A", len(token))}}, "")
			}, "csrf_token_mismatch"},
			{"another session's token", func() page {
				other := e.login("admin-x")
				return upload(site, url.Values{"csrf_token": {other.sessionToken()}}, "")
			}, "csrf_token_mismatch"},
			{"token only in the query string", func() page { return upload(site, nil, "?csrf_token="+token) }, "csrf_token_mismatch"},
			{"cross-origin", func() page {
				return upload("https://evil.example", url.Values{"csrf_token": {token}}, "")
			}, "origin_mismatch"},
			{"other port", func() page {
				return upload("http://example.com:8081", url.Values{"csrf_token": {token}}, "")
			}, "origin_mismatch"},
			{"other scheme", func() page {
				return upload("https://example.com", url.Values{"csrf_token": {token}}, "")
			}, "origin_mismatch"},
			{"null origin", func() page { return upload("null", url.Values{"csrf_token": {token}}, "") }, "origin_mismatch"},
			{"no origin, cross-site referer", func() page {
				return b.raw(http.MethodPost, "/logout", url.Values{"csrf_token": {token}}, "", "https://evil.example/page")
			}, "origin_mismatch"},
			{"no origin, no referer", func() page { return upload("", url.Values{"csrf_token": {token}}, "") }, "origin_missing"},
		}
		e.user("admin-x", rules.RoleAdmin, "fzb")
		for _, tc := range cases {
			before := e.count(&models.AuditEvent{}, "action = ?", "access.denied")
			r := tc.do()
			require.Equal(t, http.StatusForbidden, r.Status, "%s: %s", tc.name, r.Body)
			require.Contains(t, r.Body, "请求未通过安全校验", tc.name)
			require.Zero(t, e.count(&models.Submission{}), tc.name)
			require.Equal(t, string(wire.StageAwaitingSubmission), e.stageOf(id, "rsj"), tc.name)
			require.Equal(t, before+1, e.count(&models.AuditEvent{}, "action = ?", "access.denied"), tc.name)
			var ev models.AuditEvent
			require.NoError(t, db.Where("action = ?", "access.denied").Order("seq DESC").Take(&ev).Error)
			require.Contains(t, ev.After, tc.reason, tc.name)
			require.Equal(t, "rsj-staff", ev.ActorName, tc.name)
		}
		// The session survived every refused logout.
		require.Zero(t, e.count(&models.WebSession{}, "revoked_at IS NOT NULL"))

		// A same-origin Referer stands in for a missing Origin.
		r := b.raw(http.MethodPost, "/logout", url.Values{"csrf_token": {token}}, "", site+"/cycles/"+id)
		require.Equal(t, http.StatusSeeOther, r.Status, r.Body)
		b = e.login("rsj-staff")
		r = b.upload(path, url.Values{"csrf_token": {b.sessionToken()}}, file)
		require.Equal(t, http.StatusSeeOther, r.Status, r.Body)
		require.Equal(t, int64(1), e.count(&models.Submission{}))
	})
}

// Logout needs the token too, so another site cannot end a session.
func TestLogoutNeedsToken(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		e := newEnv(t, db, web.Config{})
		e.seedOrgs(orgNames{})
		e.user("alice", rules.RoleReviewer, "fzb")
		b := e.login("alice")
		for _, form := range []url.Values{nil, {"csrf_token": {"wrong"}}} {
			r := b.post("/logout", form)
			require.Equal(t, http.StatusForbidden, r.Status)
		}
		evil := *b
		evil.origin = "https://evil.example"
		require.Equal(t, http.StatusForbidden, evil.post("/logout", url.Values{"csrf_token": {b.sessionToken()}}).Status)
		require.Zero(t, e.count(&models.WebSession{}, "revoked_at IS NOT NULL"))
		require.Equal(t, http.StatusOK, b.get("/").Status, "still logged in")
	})
}

// The login form is protected before any session exists: its token must
// match the pre-session cookie and the post must come from this site, so
// another site cannot log a browser in to an account of its choosing.
func TestLoginCSRF(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		e := newEnv(t, db, web.Config{})
		creds := url.Values{"username": {"admin"}, "password": {adminPassword}}
		with := func(extra url.Values) url.Values {
			v := url.Values{}
			for k, vs := range creds {
				v[k] = vs
			}
			for k, vs := range extra {
				v[k] = vs
			}
			return v
		}

		// No pre-session cookie: an attacker's page posting the form.
		b := e.browser()
		token := e.browser().loginToken()
		r := b.post("/login", with(url.Values{"csrf_token": {token}}))
		require.Equal(t, http.StatusForbidden, r.Status, "no cookie")

		b = e.browser()
		token = b.loginToken()
		r = b.post("/login", with(url.Values{"csrf_token": {e.browser().loginToken()}}))
		require.Equal(t, http.StatusForbidden, r.Status, "token of another browser")
		r = b.post("/login", with(nil))
		require.Equal(t, http.StatusForbidden, r.Status, "no token")
		evil := *b
		evil.origin = "https://evil.example"
		r = evil.post("/login", with(url.Values{"csrf_token": {token}}))
		require.Equal(t, http.StatusForbidden, r.Status, "cross-origin")
		require.Contains(t, r.Body, "重新打开登录页面")
		require.Zero(t, e.count(&models.WebSession{}))
		require.Zero(t, e.count(&models.AuditEvent{}, "action = ?", "login.failed"), "refused before the password is looked at")
		require.Equal(t, int64(4), e.count(&models.AuditEvent{}, "action = ? AND actor_name = ?", "access.denied", "anonymous"))

		r = b.post("/login", with(url.Values{"csrf_token": {token}}))
		require.Equal(t, http.StatusSeeOther, r.Status, r.Body)
		require.Equal(t, int64(1), e.count(&models.WebSession{}))
	})
}

// raw posts a url-encoded form with the given Origin and Referer headers
// ("" sends none).
func (b *browser) raw(method, path string, form url.Values, origin, referer string) page {
	b.t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if origin != "" {
		req.Header.Set("Origin", origin)
	}
	if referer != "" {
		req.Header.Set("Referer", referer)
	}
	return b.send(req)
}
