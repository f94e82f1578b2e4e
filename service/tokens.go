package service

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/alexedwards/argon2id"
	"gorm.io/gorm"

	"github.com/lawcycle/lawcycle/audit"
	"github.com/lawcycle/lawcycle/internal/apperr"
	"github.com/lawcycle/lawcycle/models"
	"github.com/lawcycle/lawcycle/rules"
)

const (
	tokenPrefix = "lc_"
	// DefaultTokenTTL applies when a login does not ask for another expiry.
	DefaultTokenTTL = 90 * 24 * time.Hour
	maxTokenTTL     = 366 * 24 * time.Hour
	// lastUsedGranularity bounds how often a token's last-use time is
	// written, so authenticated reads do not each become a write.
	lastUsedGranularity = time.Minute
)

// dummyHash is compared against when the user does not exist, so a login
// takes as long for an unknown user as for a wrong password.
var dummyHash, _ = argon2id.CreateHash("lawcycle-timing-equaliser", passwordParams)

// TokenRequest logs in for an API token (docs/api.md#routes: POST /api/v1/tokens).
type TokenRequest struct {
	Username      string `json:"username"`
	Password      string `json:"password"`
	Name          string `json:"name,omitempty"`
	ExpiresInDays int    `json:"expires_in_days,omitempty"`
}

// TokenView answers a login; the token is shown this once.
type TokenView struct {
	Token     string    `json:"token"`
	ExpiresAt time.Time `json:"expires_at"`
}

var errBadCredentials = apperr.Unauthenticated("用户名或密码错误")

// CreateToken checks the password and issues a new token.
func (s *Service) CreateToken(ctx context.Context, req TokenRequest) (TokenView, error) {
	if utf8.RuneCountInString(req.Name) > 100 {
		return TokenView{}, apperr.Validation("令牌名称不能超过100个字", apperr.Field(-1, "name", "名称过长"))
	}
	if req.ExpiresInDays < 0 || time.Duration(req.ExpiresInDays)*24*time.Hour > maxTokenTTL {
		return TokenView{}, apperr.Validation("令牌有效期应在1至366天之间", apperr.Field(-1, "expires_in_days", "有效期超出范围"))
	}
	user, err := s.checkCredentials(ctx, req.Username, req.Password)
	if err != nil {
		return TokenView{}, err
	}
	ttl := DefaultTokenTTL
	if req.ExpiresInDays > 0 {
		ttl = time.Duration(req.ExpiresInDays) * 24 * time.Hour
	}
	secret, err := NewTokenSecret()
	if err != nil {
		return TokenView{}, err
	}
	expires := s.now().Add(ttl)
	err = s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := insertToken(tx, user.ID, req.Name, secret, &expires); err != nil {
			return err
		}
		p := Principal{UserID: user.ID, Username: user.Username, Role: user.Role, RequestID: requestIDFrom(ctx)}
		return audit.Record(tx, s.now(), p.Actor(), audit.Event{
			Action: "token.created", TargetType: "user", TargetID: user.Username,
			After: map[string]any{"prefix": secret[:len(tokenPrefix)+4], "expires_at": expires},
		})
	})
	if err != nil {
		return TokenView{}, err
	}
	return TokenView{Token: secret, ExpiresAt: expires}, nil
}

// NewTokenSecret returns a fresh random token: "lc_" and 32 random bytes.
func NewTokenSecret() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("generate token: %w", err)
	}
	return tokenPrefix + strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b)), nil
}

// HashToken is the stored form of a token. Tokens carry 256 random bits,
// so a fast hash suffices; passwords get argon2id instead.
func HashToken(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

func insertToken(tx *gorm.DB, userID uint, name, secret string, expires *time.Time) error {
	prefix := secret
	if len(prefix) > 12 {
		prefix = prefix[:12]
	}
	tok := models.APIToken{UserID: userID, Name: name, Prefix: prefix, Hash: HashToken(secret), ExpiresAt: expires}
	if err := tx.Create(&tok).Error; err != nil {
		return fmt.Errorf("store token: %w", err)
	}
	return nil
}

// Authenticate resolves a bearer token to its principal.
func (s *Service) Authenticate(ctx context.Context, secret string) (Principal, error) {
	if secret == "" {
		return Principal{}, apperr.Unauthenticated("缺少访问令牌：请在请求头中提供 Authorization: Bearer <令牌>")
	}
	invalid := apperr.Unauthenticated("访问令牌无效、已过期或已撤销，请重新获取令牌")
	type row struct {
		TokenID    uint
		LastUsedAt *time.Time
		ExpiresAt  *time.Time
		RevokedAt  *time.Time
		UserID     uint
		Username   string
		Role       rules.Role
		OrgID      *uint
		Disabled   bool
		OrgCode    *string
	}
	var r row
	err := s.DB.WithContext(ctx).Table("api_tokens t").
		Select("t.id AS token_id, t.last_used_at, t.expires_at, t.revoked_at, u.id AS user_id, u.username, u.role, u.org_id, u.disabled, o.code AS org_code").
		Joins("JOIN users u ON u.id = t.user_id").
		Joins("LEFT JOIN organisations o ON o.id = u.org_id").
		Where("t.hash = ?", HashToken(secret)).
		Take(&r).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return Principal{}, invalid
	} else if err != nil {
		return Principal{}, fmt.Errorf("look up token: %w", err)
	}
	now := s.now()
	if r.RevokedAt != nil || (r.ExpiresAt != nil && !now.Before(*r.ExpiresAt)) || r.Disabled {
		return Principal{}, invalid
	}
	if r.LastUsedAt == nil || now.Sub(*r.LastUsedAt) >= lastUsedGranularity {
		if err := s.DB.WithContext(ctx).Model(&models.APIToken{}).Where("id = ?", r.TokenID).
			Update("last_used_at", now).Error; err != nil {
			s.Logger.Warn("record token use", "error", err)
		}
	}
	p := Principal{UserID: r.UserID, Username: r.Username, Role: r.Role, OrgID: r.OrgID}
	if r.OrgCode != nil {
		p.OrgCode = *r.OrgCode
	}
	return p, nil
}

// TokenInfo describes a token without its secret.
type TokenInfo struct {
	ID         uint       `json:"id"`
	Name       string     `json:"name"`
	Prefix     string     `json:"prefix"`
	CreatedAt  time.Time  `json:"created_at"`
	ExpiresAt  *time.Time `json:"expires_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
	RevokedAt  *time.Time `json:"revoked_at"`
}

// ListTokens returns the caller's own tokens, newest first.
func (s *Service) ListTokens(ctx context.Context, p Principal) ([]TokenInfo, error) {
	var rows []models.APIToken
	if err := s.DB.WithContext(ctx).Where("user_id = ?", p.UserID).Order("id DESC").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("list tokens: %w", err)
	}
	out := make([]TokenInfo, len(rows))
	for i, t := range rows {
		out[i] = TokenInfo{ID: t.ID, Name: t.Name, Prefix: t.Prefix, CreatedAt: t.CreatedAt,
			ExpiresAt: t.ExpiresAt, LastUsedAt: t.LastUsedAt, RevokedAt: t.RevokedAt}
	}
	return out, nil
}

// RevokeToken revokes one of the caller's tokens; a platform admin may
// revoke anyone's. Revoking twice is not an error. Someone else's token
// answers 404, so token ids reveal nothing.
func (s *Service) RevokeToken(ctx context.Context, p Principal, id uint) error {
	return s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var tok models.APIToken
		q := tx.Where("id = ?", id)
		if !p.IsPlatformAdmin() {
			q = q.Where("user_id = ?", p.UserID)
		}
		if err := q.Take(&tok).Error; errors.Is(err, gorm.ErrRecordNotFound) {
			return apperr.NotFound(fmt.Sprintf("令牌 %d 不存在", id))
		} else if err != nil {
			return fmt.Errorf("load token: %w", err)
		}
		if tok.RevokedAt != nil {
			return nil
		}
		now := s.now()
		if err := tx.Model(&tok).Update("revoked_at", now).Error; err != nil {
			return fmt.Errorf("revoke token: %w", err)
		}
		return audit.Record(tx, now, p.Actor(), audit.Event{
			Action: "token.revoked", TargetType: "api_token", TargetID: fmt.Sprint(tok.ID),
			Before: map[string]any{"prefix": tok.Prefix, "revoked": false},
			After:  map[string]any{"prefix": tok.Prefix, "revoked": true},
		})
	})
}
