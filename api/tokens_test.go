package api_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/lawcycle/lawcycle/internal/testdb"
	"github.com/lawcycle/lawcycle/models"
	"github.com/lawcycle/lawcycle/service"
)

type tokenInfo struct {
	ID         uint       `json:"id"`
	Prefix     string     `json:"prefix"`
	ExpiresAt  *time.Time `json:"expires_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
	RevokedAt  *time.Time `json:"revoked_at"`
}

// Tokens log in, expire, are listed without their secret, and stop working
// the moment they are revoked; nobody revokes someone else's.
func TestTokenLifecycle(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
		c := newClockedClient(t, db, &now, 0)
		seedOffice(t, c)
		for _, u := range []string{"alice", "bob"} {
			r := c.Do("POST", "/api/v1/users", map[string]any{"username": u, "password": u + "-password-1", "role": "reviewer", "org_code": "fzb"})
			require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
		}
		login := func(user string, days int) string {
			r := c.With("").Do("POST", "/api/v1/tokens", map[string]any{"username": user, "password": user + "-password-1", "expires_in_days": days})
			require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
			var v struct{ Token string }
			r.JSON(t, &v)
			require.Regexp(t, `^lc_[a-z2-7]{52}$`, v.Token)
			return v.Token
		}
		alice, bob := login("alice", 0), login("bob", 2)

		// Listed without the secret; use is recorded.
		require.Equal(t, http.StatusOK, c.With(alice).Do("GET", "/api/v1/cycles", nil).Status)
		r := c.With(alice).Do("GET", "/api/v1/tokens", nil)
		require.Equal(t, http.StatusOK, r.Status)
		require.NotContains(t, string(r.Body), alice)
		var list []tokenInfo
		r.JSON(t, &list)
		require.Len(t, list, 1)
		require.Equal(t, alice[:12], list[0].Prefix)
		require.NotNil(t, list[0].LastUsedAt)
		require.True(t, list[0].ExpiresAt.Equal(now.Add(service.DefaultTokenTTL)), "default expiry is 90 days")
		aliceID := list[0].ID

		// Bob cannot revoke Alice's token, nor learn that it exists.
		r = c.With(bob).Do("DELETE", fmt.Sprintf("/api/v1/tokens/%d", aliceID), nil)
		require.Equal(t, http.StatusNotFound, r.Status, string(r.Body))
		require.Equal(t, http.StatusOK, c.With(alice).Do("GET", "/api/v1/cycles", nil).Status)

		// Alice revokes her own: refused at once, and again is fine.
		require.Equal(t, http.StatusNoContent, c.With(alice).Do("DELETE", fmt.Sprintf("/api/v1/tokens/%d", aliceID), nil).Status)
		r = c.With(alice).Do("GET", "/api/v1/cycles", nil)
		require.Equal(t, http.StatusUnauthorized, r.Status)
		require.Contains(t, r.Err(t).Error.Message, "已撤销")
		require.Equal(t, http.StatusNoContent, c.Do("DELETE", fmt.Sprintf("/api/v1/tokens/%d", aliceID), nil).Status, "platform admin, already revoked")
		var revoked models.APIToken
		require.NoError(t, db.Take(&revoked, aliceID).Error)
		require.NotNil(t, revoked.RevokedAt)
		var events int64
		require.NoError(t, db.Model(&models.AuditEvent{}).Where("action = ? AND target_id = ?", "token.revoked", fmt.Sprint(aliceID)).Count(&events).Error)
		require.Equal(t, int64(1), events)

		// Bob's two-day token works until it expires.
		require.Equal(t, http.StatusOK, c.With(bob).Do("GET", "/api/v1/cycles", nil).Status)
		now = now.Add(48 * time.Hour)
		require.Equal(t, http.StatusUnauthorized, c.With(bob).Do("GET", "/api/v1/cycles", nil).Status)

		// Bad ids are simply not found.
		for _, id := range []string{"0", "abc", "99999", "-1"} {
			require.Equal(t, http.StatusNotFound, c.Do("DELETE", "/api/v1/tokens/"+id, nil).Status, id)
		}
		// An expiry beyond a year is refused.
		r = c.With("").Do("POST", "/api/v1/tokens", map[string]any{"username": "alice", "password": "alice-password-1", "expires_in_days": 400})
		require.Equal(t, http.StatusUnprocessableEntity, r.Status)
	})
}

// Lower-case "bearer" is accepted (the scheme is case-insensitive) and an
// unknown /api/v1 path is a 404 even without a token.
func TestAuthSchemeAndUnknownRoutes(t *testing.T) {
	t.Parallel()
	db := testdb.SQLite(t)
	c := newClient(t, db)
	req, _ := http.NewRequest("GET", "/api/v1/cycles", nil)
	req.Header.Set("Authorization", "bearer "+adminToken)
	require.Equal(t, http.StatusOK, c.Raw(req).Status)
	require.Equal(t, http.StatusNotFound, c.With("").Do("GET", "/api/v1/no-such-route", nil).Status)
	require.Equal(t, http.StatusOK, c.With("").Do("GET", "/api/v1/openapi.json", nil).Status)
}

// Refused requests are audited with who, what and from where.
func TestRefusedRequestsAreAudited(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		c := newClient(t, db)
		seedOffice(t, c)
		r := c.Do("POST", "/api/v1/users", map[string]any{"username": "rita", "password": "rita-password-1", "role": "reviewer", "org_code": "fzb"})
		require.Equal(t, http.StatusCreated, r.Status)
		r = c.With("").Do("POST", "/api/v1/tokens", map[string]any{"username": "rita", "password": "rita-password-1"})
		require.Equal(t, http.StatusCreated, r.Status)
		var tok struct{ Token string }
		r.JSON(t, &tok)

		require.Equal(t, http.StatusUnauthorized, c.With("lc_guessed").Do("GET", "/api/v1/cycles", nil).Status)
		require.Equal(t, http.StatusForbidden, c.With(tok.Token).Do("POST", "/api/v1/orgs", map[string]any{"code": "x"}).Status)

		var events []models.AuditEvent
		require.NoError(t, db.Where("action = ?", "access.denied").Order("seq").Find(&events).Error)
		require.Len(t, events, 2)
		require.Equal(t, "anonymous", events[0].ActorName)
		require.Equal(t, "GET /api/v1/cycles", events[0].TargetID)
		require.Contains(t, events[0].After, `"status":401`)
		require.NotEmpty(t, events[0].RequestID)
		require.Equal(t, "rita", events[1].ActorName)
		require.Equal(t, "reviewer", events[1].ActorRole)
		require.Equal(t, "fzb", events[1].OrgCode)
		require.Equal(t, "POST /api/v1/orgs", events[1].TargetID)
		require.Contains(t, events[1].After, `"status":403`)
	})
}
