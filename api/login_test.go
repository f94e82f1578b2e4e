package api_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/lawcycle/lawcycle/internal/apitest"
	"github.com/lawcycle/lawcycle/internal/testdb"
	"github.com/lawcycle/lawcycle/models"
	"github.com/lawcycle/lawcycle/service"
)

// Five failed logins lock a username for fifteen minutes, even against the
// right password; the lock lifts by itself; unknown usernames lock the
// same way, so the answers never reveal which accounts exist.
func TestLoginLockoutWorksAndLifts(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
		c := newClockedClient(t, db, &now, 1000)
		seedOffice(t, c)
		r := c.Do("POST", "/api/v1/users", map[string]any{"username": "alice", "password": "alice-password-1", "role": "reviewer", "org_code": "fzb"})
		require.Equal(t, http.StatusCreated, r.Status, string(r.Body))

		login := func(user, pw string) apitest.Response {
			return c.With("").Do("POST", "/api/v1/tokens", map[string]any{"username": user, "password": pw})
		}
		for _, user := range []string{"alice", "nobody"} {
			for i := range service.MaxLoginFailures {
				require.Equal(t, http.StatusUnauthorized, login(user, "wrong-password").Status, "%s attempt %d", user, i+1)
			}
			r = login(user, user+"-password-1")
			require.Equal(t, http.StatusTooManyRequests, r.Status, string(r.Body))
			require.Equal(t, "too_many_requests", r.Err(t).Error.Code)
			require.Contains(t, r.Err(t).Error.Message, "账号已暂时锁定")
		}

		now = now.Add(service.LockoutPeriod + time.Second)
		require.Equal(t, http.StatusCreated, login("alice", "alice-password-1").Status, "the lock lifts")
		// A success forgets earlier failures: four more do not lock.
		for range service.MaxLoginFailures - 1 {
			require.Equal(t, http.StatusUnauthorized, login("alice", "wrong-password").Status)
		}
		require.Equal(t, http.StatusCreated, login("alice", "alice-password-1").Status)

		// Failures spread beyond the window do not add up.
		for range service.MaxLoginFailures - 1 {
			require.Equal(t, http.StatusUnauthorized, login("alice", "wrong-password").Status)
		}
		now = now.Add(service.FailureWindow + time.Minute)
		require.Equal(t, http.StatusUnauthorized, login("alice", "wrong-password").Status)
		require.Equal(t, http.StatusCreated, login("alice", "alice-password-1").Status)

		var failed, locked int64
		require.NoError(t, db.Model(&models.AuditEvent{}).Where("action = ?", "login.failed").Count(&failed).Error)
		require.NoError(t, db.Model(&models.AuditEvent{}).Where("action = ?", "login.locked").Count(&locked).Error)
		require.Equal(t, int64(2*service.MaxLoginFailures+2*(service.MaxLoginFailures-1)+1), failed)
		require.Equal(t, int64(2), locked)
	})
}

// One address is limited to a number of login requests per minute.
func TestLoginRateLimitPerAddress(t *testing.T) {
	t.Parallel()
	c := newClockedClient(t, testdb.SQLite(t), nil, 3).With("")
	for i := range 3 {
		r := c.Do("POST", "/api/v1/tokens", map[string]any{"username": "u" + string(rune('a'+i)), "password": "x"})
		require.Equal(t, http.StatusUnauthorized, r.Status)
	}
	r := c.Do("POST", "/api/v1/tokens", map[string]any{"username": "ud", "password": "x"})
	require.Equal(t, http.StatusTooManyRequests, r.Status)
	require.Contains(t, r.Err(t).Error.Message, "登录请求过于频繁")
}

// Every answer carries the security headers, and errors expose no internals.
func TestSecurityHeaders(t *testing.T) {
	t.Parallel()
	c := newClient(t, testdb.SQLite(t))
	for _, path := range []string{"/healthz", "/api/v1/cycles", "/api/v1/nope"} {
		r := c.Do("GET", path, nil)
		require.Equal(t, "nosniff", r.Header.Get("X-Content-Type-Options"), path)
		require.NotEmpty(t, r.Header.Get("X-Frame-Options"), path)
		require.NotEmpty(t, r.Header.Get("Content-Security-Policy"), path)
		require.NotEmpty(t, r.Header.Get("X-Request-Id"), path)
	}
}
