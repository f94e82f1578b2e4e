package web

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"
	"gorm.io/gorm"

	"github.com/lawcycle/lawcycle/audit"
	"github.com/lawcycle/lawcycle/internal/apperr"
	"github.com/lawcycle/lawcycle/models"
	"github.com/lawcycle/lawcycle/rules"
	"github.com/lawcycle/lawcycle/service"
)

const (
	sessionCookie = "lawcycle_session"
	// loginCookie carries the pre-session CSRF token of the login form.
	loginCookie   = "lawcycle_login_csrf"
	loginTokenTTL = 12 * time.Hour
	// touchGranularity bounds how often a session's last use is written,
	// so pages are not each a write.
	touchGranularity = time.Minute
	// secretLen is the length of a 256-bit secret, unpadded base64url.
	secretLen = 43
)

// visit is a request of a logged-in user: the session and the principal
// rebuilt from the user row.
type visit struct {
	session models.WebSession
	p       service.Principal
	user    userView
}

// userView is the layout's account line.
type userView struct {
	Username string
	Role     rules.Role
	OrgName  string
}

// newSecret returns 256 random bits as unpadded base64url.
func newSecret() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("generate secret: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// wellFormed accepts only what newSecret makes, so junk cookies never
// reach the database.
func wellFormed(secret string) bool {
	if len(secret) != secretLen {
		return false
	}
	for _, r := range secret {
		if !(r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

// sessionID is the stored form of a session secret.
func sessionID(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// visit resolves the session cookie; nil means no valid session (none,
// unknown, revoked, idle too long, past its absolute expiry, or its user
// disabled or deleted), and the stale cookie is cleared.
func (u *ui) visit(c *fiber.Ctx) (*visit, error) {
	secret := c.Cookies(sessionCookie)
	if secret == "" {
		return nil, nil
	}
	ctx := c.UserContext()
	if !wellFormed(secret) {
		u.clearCookie(c, sessionCookie, "/")
		return nil, nil
	}
	var s models.WebSession
	err := u.db.WithContext(ctx).Take(&s, "id = ?", sessionID(secret)).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		u.clearCookie(c, sessionCookie, "/")
		return nil, nil
	} else if err != nil {
		return nil, fmt.Errorf("load session: %w", err)
	}
	now := u.now()
	if s.RevokedAt != nil || !now.Before(s.ExpiresAt) || !now.Before(s.LastSeenAt.Add(u.cfg.IdleTimeout)) {
		u.clearCookie(c, sessionCookie, "/")
		return nil, nil
	}
	p, err := u.svc.PrincipalForUser(ctx, s.UserID, requestIDOf(c))
	if ae, ok := apperr.As(err); ok && ae.Status == fiber.StatusUnauthorized {
		u.clearCookie(c, sessionCookie, "/")
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	if now.Sub(s.LastSeenAt) >= touchGranularity {
		if err := u.db.WithContext(ctx).Model(&models.WebSession{}).Where("id = ?", s.ID).
			Update("last_seen_at", now).Error; err != nil {
			u.log.Warn("record session use", "request_id", p.RequestID, "error", err)
		}
		s.LastSeenAt = now
	}
	v := &visit{session: s, p: p, user: userView{Username: p.Username, Role: p.Role}}
	if p.OrgCode != "" {
		var names []string
		if err := u.db.WithContext(ctx).Model(&models.Organisation{}).Where("code = ?", p.OrgCode).
			Limit(1).Pluck("name", &names).Error; err != nil {
			return nil, fmt.Errorf("load organisation name: %w", err)
		}
		if len(names) > 0 {
			v.user.OrgName = names[0]
		}
	}
	return v, nil
}

// startSession stores a new session for p and its audit event in one
// transaction, as CreateToken does for a token, and returns the secret
// for the cookie.
func (u *ui) startSession(c *fiber.Ctx, p service.Principal) (string, error) {
	secret, err := newSecret()
	if err != nil {
		return "", err
	}
	csrf, err := newSecret()
	if err != nil {
		return "", err
	}
	now := u.now()
	s := models.WebSession{
		ID: sessionID(secret), UserID: p.UserID, CSRFToken: csrf, CreatedAt: now, LastSeenAt: now,
		ExpiresAt: now.Add(u.cfg.SessionMaxAge), UserAgent: truncate(c.Get(fiber.HeaderUserAgent), 255), IP: truncate(c.IP(), 64),
	}
	err = u.db.WithContext(c.UserContext()).Transaction(func(tx *gorm.DB) error {
		// Sessions long past their absolute expiry are of no further use.
		if err := tx.Where("expires_at < ?", now.Add(-24*time.Hour)).Delete(&models.WebSession{}).Error; err != nil {
			return fmt.Errorf("purge expired sessions: %w", err)
		}
		if err := tx.Create(&s).Error; err != nil {
			return fmt.Errorf("store session: %w", err)
		}
		return audit.Record(tx, now, p.Actor(), audit.Event{
			Action: "session.created", TargetType: "user", TargetID: p.Username,
			After: map[string]any{"session": s.ID[:12], "expires_at": s.ExpiresAt, "ip": s.IP, "user_agent": s.UserAgent},
		})
	})
	if err != nil {
		return "", err
	}
	return secret, nil
}

// endSession revokes a session with its audit event; why is "logout" or
// "replaced" (a new login in the same browser).
func (u *ui) endSession(ctx context.Context, v *visit, why string) error {
	now := u.now()
	return u.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Model(&models.WebSession{}).Where("id = ? AND revoked_at IS NULL", v.session.ID).Update("revoked_at", now)
		if res.Error != nil {
			return fmt.Errorf("revoke session: %w", res.Error)
		}
		if res.RowsAffected == 0 {
			return nil
		}
		return audit.Record(tx, now, v.p.Actor(), audit.Event{
			Action: "session.revoked", TargetType: "user", TargetID: v.p.Username,
			Before: map[string]any{"session": v.session.ID[:12], "revoked": false},
			After:  map[string]any{"session": v.session.ID[:12], "revoked": true, "reason": why},
		})
	})
}

// setCookie writes an HttpOnly cookie, Secure unless configured otherwise.
// maxAge 0 makes a browser-session cookie.
func (u *ui) setCookie(c *fiber.Ctx, name, value, path, sameSite string, maxAge time.Duration) {
	c.Cookie(&fiber.Cookie{
		Name: name, Value: value, Path: path, HTTPOnly: true, Secure: !u.cfg.InsecureCookies,
		SameSite: sameSite, MaxAge: int(maxAge / time.Second), SessionOnly: maxAge == 0,
	})
}

func (u *ui) clearCookie(c *fiber.Ctx, name, path string) {
	c.Cookie(&fiber.Cookie{
		Name: name, Value: "", Path: path, HTTPOnly: true, Secure: !u.cfg.InsecureCookies,
		SameSite: fiber.CookieSameSiteLaxMode, Expires: time.Unix(0, 0),
	})
}

// truncate cuts s to at most n bytes on a rune boundary.
func truncate(s string, n int) string {
	s = strings.ToValidUTF8(s, "")
	if len(s) <= n {
		return strings.Clone(s)
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return strings.Clone(s[:n])
}
