package service

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/alexedwards/argon2id"
	"gorm.io/gorm"

	"github.com/lawcycle/lawcycle/internal/apperr"
	"github.com/lawcycle/lawcycle/models"
	"github.com/lawcycle/lawcycle/rules"
)

// errSessionUser answers a session whose user is gone or disabled.
var errSessionUser = apperr.Unauthenticated("登录已失效，请重新登录")

// PrincipalForUser rebuilds a logged-in user's principal from the user
// row. The web UI calls it on every request, so a disabled account, a
// changed role or a moved organisation applies at once to every open
// browser session, as it does to bearer tokens.
func (s *Service) PrincipalForUser(ctx context.Context, userID uint, requestID string) (Principal, error) {
	var r struct {
		ID       uint
		Username string
		Role     rules.Role
		OrgID    *uint
		Disabled bool
		OrgCode  *string
	}
	err := s.DB.WithContext(ctx).Table("users u").
		Select("u.id, u.username, u.role, u.org_id, u.disabled, o.code AS org_code").
		Joins("LEFT JOIN organisations o ON o.id = u.org_id").
		Where("u.id = ?", userID).
		Take(&r).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return Principal{}, errSessionUser
	} else if err != nil {
		return Principal{}, fmt.Errorf("load session user: %w", err)
	}
	if r.Disabled {
		return Principal{}, errSessionUser
	}
	p := Principal{UserID: r.ID, Username: r.Username, Role: r.Role, OrgID: r.OrgID, RequestID: requestID}
	if r.OrgCode != nil {
		p.OrgCode = *r.OrgCode
	}
	return p, nil
}

// Login checks a username and password for a browser session, with the
// same lockout, timing and failure audit as CreateToken: unknown users,
// wrong passwords and disabled accounts all answer 401 “用户名或密码错误”,
// and a locked username 429. It issues nothing; the caller records what it
// issues (the web UI its session) together with the success event.
func (s *Service) Login(ctx context.Context, username, password string) (Principal, error) {
	user, err := s.checkCredentials(ctx, username, password)
	if err != nil {
		return Principal{}, err
	}
	return s.PrincipalForUser(ctx, user.ID, requestIDFrom(ctx))
}

// checkCredentials is the one password check of the web form and of
// POST /tokens: lockout first, the same argon2id work whether or not the
// user exists, every failure counted.
func (s *Service) checkCredentials(ctx context.Context, username, password string) (models.User, error) {
	var user models.User
	username = strings.TrimSpace(username)
	if username == "" || utf8.RuneCountInString(username) > 64 {
		return user, errBadCredentials
	}
	if err := s.lockedOut(ctx, username); err != nil {
		return user, err
	}
	err := s.DB.WithContext(ctx).Take(&user, "username = ?", username).Error
	ok := false
	switch {
	case errors.Is(err, gorm.ErrRecordNotFound):
		_, _ = argon2id.ComparePasswordAndHash(password, dummyHash)
	case err != nil:
		return user, fmt.Errorf("look up user: %w", err)
	default:
		if ok, err = argon2id.ComparePasswordAndHash(password, user.PasswordHash); err != nil {
			return user, fmt.Errorf("compare password: %w", err)
		}
		ok = ok && !user.Disabled
	}
	if !ok {
		if err := s.recordLoginFailure(ctx, username); err != nil {
			return user, err
		}
		return user, errBadCredentials
	}
	if err := s.clearLoginFailures(ctx, username); err != nil {
		return user, err
	}
	return user, nil
}
