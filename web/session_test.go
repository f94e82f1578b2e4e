package web_test

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/lawcycle/lawcycle/internal/testdb"
	"github.com/lawcycle/lawcycle/models"
	"github.com/lawcycle/lawcycle/rules"
	"github.com/lawcycle/lawcycle/service"
	"github.com/lawcycle/lawcycle/web"
	"github.com/lawcycle/lawcycle/wire"
)

func cookieNamed(p page, name string) *http.Cookie {
	for _, ck := range p.Cookies {
		if ck.Name == name {
			return ck
		}
	}
	return nil
}

// A login through the form sets a Secure, HttpOnly, SameSite=Lax session
// cookie whose secret is stored only as its SHA-256, records the session
// with its audit event, and shows the user, role and organisation.
func TestLoginStartsSession(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		e := newEnv(t, db, web.Config{})
		e.seedOrgs(orgNames{})
		e.user("alice", rules.RoleReviewer, "fzb")

		b := e.browser()
		r := b.get("/login")
		require.Equal(t, http.StatusOK, r.Status)
		pre := cookieNamed(r, "lawcycle_login_csrf")
		require.NotNil(t, pre)
		require.True(t, pre.HttpOnly && pre.Secure)
		require.Equal(t, "/login", pre.Path)
		require.Equal(t, http.SameSiteStrictMode, pre.SameSite)
		require.Equal(t, pre.Value, csrf(t, r), "the form echoes the pre-session cookie")

		r = b.post("/login", url.Values{"csrf_token": {csrf(t, r)}, "username": {"alice"}, "password": {passwordOf("alice")}})
		require.Equal(t, http.StatusSeeOther, r.Status, r.Body)
		require.Equal(t, "/", r.Location)
		ck := cookieNamed(r, "lawcycle_session")
		require.NotNil(t, ck)
		require.True(t, ck.HttpOnly, "HttpOnly")
		require.True(t, ck.Secure, "Secure by default")
		require.Equal(t, http.SameSiteLaxMode, ck.SameSite)
		require.Equal(t, "/", ck.Path)
		require.Len(t, ck.Value, 43, "256 random bits")
		require.Nil(t, b.jar["lawcycle_login_csrf"], "the pre-session token is spent")

		var s models.WebSession
		sum := sha256.Sum256([]byte(ck.Value))
		require.NoError(t, db.Take(&s, "id = ?", hex.EncodeToString(sum[:])).Error)
		require.Zero(t, e.count(&models.WebSession{}, "id = ?", ck.Value), "the secret itself is never stored")
		var alice models.User
		require.NoError(t, db.Take(&alice, "username = ?", "alice").Error)
		require.Equal(t, alice.ID, s.UserID)
		require.Len(t, s.CSRFToken, 43)
		require.Nil(t, s.RevokedAt)
		require.WithinDuration(t, s.CreatedAt.Add(web.DefaultSessionMaxAge), s.ExpiresAt, time.Second)
		require.NotEmpty(t, s.IP)
		require.Equal(t, int64(1), e.count(&models.AuditEvent{}, "action = ? AND target_id = ?", "session.created", "alice"))

		r = b.get("/")
		require.Equal(t, http.StatusOK, r.Status, r.Body)
		require.Contains(t, r.Body, "alice")
		require.Contains(t, r.Body, "审核人员")
		require.Contains(t, r.Body, "某市委全面依法治市委员会办公室")
		require.Contains(t, r.Body, `action="/logout"`)
		require.Equal(t, s.CSRFToken, csrf(t, r))

		// Logged in, the login page sends the user home.
		r = b.get("/login")
		require.Equal(t, http.StatusSeeOther, r.Status)
		require.Equal(t, "/", r.Location)
	})
}

// Wrong passwords and unknown users get the same Chinese answer, no
// session and a login.failed event; five failures lock the name, even
// against the right password, known or not; the lock lifts by itself.
func TestLoginFailureAndLockout(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		e := newEnv(t, db, web.Config{})
		e.seedOrgs(orgNames{})
		e.user("alice", rules.RoleReviewer, "fzb")

		wrong := e.browser().login("alice", "not-the-password")
		unknown := e.browser().login("nobody", "not-the-password")
		for _, r := range []page{wrong, unknown} {
			require.Equal(t, http.StatusUnauthorized, r.Status)
			require.Contains(t, r.Body, "用户名或密码错误")
			require.Nil(t, cookieNamed(r, "lawcycle_session"))
		}
		strip := func(p page) string { // the answers differ only in the echoed name, the token and the request id
			s := strings.ReplaceAll(strings.ReplaceAll(p.Body, "alice", "X"), "nobody", "X")
			s = strings.ReplaceAll(s, csrf(t, p), "TOKEN")
			return s[:strings.Index(s, "请求编号")]
		}
		require.Equal(t, strip(wrong), strip(unknown), "the answer must not tell whether the user exists")
		require.Zero(t, e.count(&models.WebSession{}))
		require.Equal(t, int64(2), e.count(&models.AuditEvent{}, "action = ?", "login.failed"))

		for _, name := range []string{"alice", "nobody"} {
			for i := 2; i < service.MaxLoginFailures; i++ {
				require.Equal(t, http.StatusUnauthorized, e.browser().login(name, "not-the-password").Status)
			}
			r := e.browser().login(name, "still-wrong")
			require.Equal(t, http.StatusUnauthorized, r.Status, "the fifth failure")
			r = e.browser().login(name, passwordOf(name))
			require.Equal(t, http.StatusTooManyRequests, r.Status, r.Body)
			require.Contains(t, r.Body, "账号已暂时锁定")
			require.Nil(t, cookieNamed(r, "lawcycle_session"))
		}
		require.Equal(t, int64(2), e.count(&models.AuditEvent{}, "action = ?", "login.locked"))
		require.Zero(t, e.count(&models.WebSession{}))

		e.clock.Advance(service.LockoutPeriod + time.Second)
		r := e.browser().login("alice", passwordOf("alice"))
		require.Equal(t, http.StatusSeeOther, r.Status, "the lock lifts")
	})
}

// One address may post the login form only so often.
func TestLoginRateLimit(t *testing.T) {
	t.Parallel()
	e := newEnv(t, testdb.SQLite(t), web.Config{LoginsPerMinute: 3})
	b := e.browser()
	for i := range 3 {
		require.Equal(t, http.StatusUnauthorized, b.login("user"+string(rune('a'+i)), "x").Status)
	}
	r := b.login("userd", "x")
	require.Equal(t, http.StatusTooManyRequests, r.Status)
	require.Contains(t, r.Body, "登录请求过于频繁")
	require.Contains(t, r.Body, `name="csrf_token"`, "the form is shown again")
}

// Logout is a form with the CSRF token; it revokes the session row, so the
// old cookie no longer opens anything.
func TestLogoutRevokes(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		e := newEnv(t, db, web.Config{})
		e.seedOrgs(orgNames{})
		e.user("alice", rules.RoleReviewer, "fzb")
		b := e.login("alice")
		old := *b.jar["lawcycle_session"]

		r := b.post("/logout", url.Values{"csrf_token": {b.sessionToken()}})
		require.Equal(t, http.StatusSeeOther, r.Status, r.Body)
		require.Equal(t, "/login", r.Location)
		require.Nil(t, b.jar["lawcycle_session"], "the cookie is cleared")
		var s models.WebSession
		require.NoError(t, db.Take(&s).Error)
		require.NotNil(t, s.RevokedAt)
		require.Equal(t, int64(1), e.count(&models.AuditEvent{}, "action = ? AND target_id = ?", "session.revoked", "alice"))

		// The old cookie, replayed, leads to the login page.
		b.jar["lawcycle_session"] = &old
		r = b.get("/")
		require.Equal(t, http.StatusSeeOther, r.Status)
		require.True(t, strings.HasPrefix(r.Location, "/login"), r.Location)
		require.Nil(t, b.jar["lawcycle_session"], "the stale cookie is cleared")

		// A new login in a browser that still holds a session ends it.
		b2 := e.login("alice")
		first := b2.jar["lawcycle_session"].Value
		require.Equal(t, http.StatusSeeOther, b2.login("alice", passwordOf("alice")).Status)
		require.NotEqual(t, first, b2.jar["lawcycle_session"].Value, "a login always starts a fresh session")
		sum := sha256.Sum256([]byte(first))
		var replaced models.WebSession
		require.NoError(t, db.Take(&replaced, "id = ?", hex.EncodeToString(sum[:])).Error)
		require.NotNil(t, replaced.RevokedAt)
	})
}

// A session ends after 8 idle hours and 7 days after login however busy;
// the browser is sent to the login page and comes back where it was.
func TestSessionExpiry(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		e := newEnv(t, db, web.Config{})
		e.seedOrgs(orgNames{})
		e.user("alice", rules.RoleReviewer, "fzb")
		id := e.openCycle("周期", wire.StageAwaitingSubmission, "rsj")

		b := e.login("alice")
		e.clock.Advance(web.DefaultIdleTimeout - time.Minute)
		require.Equal(t, http.StatusOK, b.get("/").Status, "used within the idle timeout")
		e.clock.Advance(web.DefaultIdleTimeout - time.Minute)
		require.Equal(t, http.StatusOK, b.get("/").Status, "each use restarts the idle timeout")
		e.clock.Advance(web.DefaultIdleTimeout + time.Second)
		r := b.get("/cycles/" + id)
		require.Equal(t, http.StatusSeeOther, r.Status, "idle too long")
		require.Equal(t, "/login?next="+url.QueryEscape("/cycles/"+id), r.Location)
		require.Nil(t, b.jar["lawcycle_session"])

		// Logging in again returns to the page asked for.
		r = b.get(r.Location)
		require.Equal(t, http.StatusOK, r.Status)
		r = b.post("/login", url.Values{"csrf_token": {csrf(t, r)}, "next": {"/cycles/" + id}, "username": {"alice"}, "password": {passwordOf("alice")}})
		require.Equal(t, http.StatusSeeOther, r.Status, r.Body)
		require.Equal(t, "/cycles/"+id, r.Location)

		// Busy all week: the absolute expiry still ends it.
		for elapsed := time.Duration(0); elapsed < web.DefaultSessionMaxAge-7*time.Hour; elapsed += 7 * time.Hour {
			e.clock.Advance(7 * time.Hour)
			require.Equal(t, http.StatusOK, b.get("/").Status, "after %s", elapsed+7*time.Hour)
		}
		e.clock.Advance(7 * time.Hour)
		r = b.get("/")
		require.Equal(t, http.StatusSeeOther, r.Status, "past the absolute expiry")
		require.True(t, strings.HasPrefix(r.Location, "/login"))
	})
}

// The principal is rebuilt from the user row on every request: a changed
// role applies at once, a disabled account loses its sessions.
func TestSessionFollowsUserRow(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		e := newEnv(t, db, web.Config{})
		e.seedOrgs(orgNames{})
		e.user("alice", rules.RoleReviewer, "fzb")
		id := e.openCycle("周期", wire.StageAwaitingSubmission, "rsj")
		b := e.login("alice")
		require.Equal(t, http.StatusOK, b.get("/cycles/"+id).Status)

		require.NoError(t, db.Model(&models.User{}).Where("username = ?", "alice").Update("role", rules.RoleViewer).Error)
		r := b.get("/cycles/" + id)
		require.Equal(t, http.StatusNotFound, r.Status, "a viewer not granted the cycle")
		require.Contains(t, r.Body, "查看人员", "the layout shows the new role")

		require.NoError(t, db.Model(&models.User{}).Where("username = ?", "alice").Update("disabled", true).Error)
		r = b.get("/")
		require.Equal(t, http.StatusSeeOther, r.Status)
		require.True(t, strings.HasPrefix(r.Location, "/login"))
		r = e.browser().login("alice", passwordOf("alice"))
		require.Equal(t, http.StatusUnauthorized, r.Status, "a disabled account cannot log in")
	})
}

// InsecureCookies drops Secure, for plain http on a LAN host only.
func TestInsecureCookiesOption(t *testing.T) {
	t.Parallel()
	e := newEnv(t, testdb.SQLite(t), web.Config{InsecureCookies: true})
	r := e.browser().login(service.AdminUsername, adminPassword)
	require.Equal(t, http.StatusSeeOther, r.Status, r.Body)
	ck := cookieNamed(r, "lawcycle_session")
	require.NotNil(t, ck)
	require.False(t, ck.Secure)
	require.True(t, ck.HttpOnly)
}

// The page to return to after login is always a path on this site.
func TestLoginNextStaysOnSite(t *testing.T) {
	t.Parallel()
	e := newEnv(t, testdb.SQLite(t), web.Config{})
	for _, next := range []string{"//evil.example/x", "https://evil.example/", "javascript:alert(1)", "/\\evil.example", "/login", ""} {
		b := e.browser()
		r := b.get("/login?next=" + url.QueryEscape(next))
		require.Equal(t, http.StatusOK, r.Status)
		require.Contains(t, r.Body, `name="next" value="/"`, next)
		r = b.post("/login", url.Values{"csrf_token": {csrf(t, r)}, "next": {next}, "username": {"admin"}, "password": {adminPassword}})
		require.Equal(t, http.StatusSeeOther, r.Status, r.Body)
		require.Equal(t, "/", r.Location, "next=%q", next)
	}
}
