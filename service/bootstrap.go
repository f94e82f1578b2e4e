package service

import (
	"context"
	"errors"
	"fmt"

	"github.com/alexedwards/argon2id"
	"gorm.io/gorm"

	"github.com/lawcycle/lawcycle/audit"
	"github.com/lawcycle/lawcycle/models"
	"github.com/lawcycle/lawcycle/rules"
)

// AdminUsername is the platform admin created on first start.
const AdminUsername = "admin"

// minBootstrapToken keeps a guessable LAWCYCLE_ADMIN_TOKEN out.
const minBootstrapToken = 20

// Bootstrap says what EnsureAdmin did, for the start-up banner.
type Bootstrap struct {
	Created bool
	// GeneratedPassword and GeneratedToken are set only when lawcycle
	// invented them (first start without LAWCYCLE_ADMIN_*): they are shown
	// once and never stored in clear.
	GeneratedPassword string
	GeneratedToken    string
	PasswordSet       bool
	TokenSet          bool
}

// EnsureAdmin creates the platform admin on first start and applies
// LAWCYCLE_ADMIN_PASSWORD / LAWCYCLE_ADMIN_TOKEN without a prompt: the
// password is (re)set to the given one, the token is registered if new.
func (s *Service) EnsureAdmin(ctx context.Context, password, token string) (Bootstrap, error) {
	var out Bootstrap
	if token != "" && len(token) < minBootstrapToken {
		return out, fmt.Errorf("LAWCYCLE_ADMIN_TOKEN must be at least %d characters", minBootstrapToken)
	}
	if password != "" {
		if msg := checkPassword(password, AdminUsername); msg != "" {
			return out, fmt.Errorf("LAWCYCLE_ADMIN_PASSWORD: %s", msg)
		}
	}
	err := s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var admin models.User
		err := tx.Take(&admin, "username = ?", AdminUsername).Error
		switch {
		case errors.Is(err, gorm.ErrRecordNotFound):
			pw := password
			if pw == "" {
				secret, err := NewTokenSecret()
				if err != nil {
					return err
				}
				pw = secret[len(tokenPrefix) : len(tokenPrefix)+16]
				out.GeneratedPassword = pw
			}
			hash, err := argon2id.CreateHash(pw, passwordParams)
			if err != nil {
				return fmt.Errorf("hash password: %w", err)
			}
			admin = models.User{Username: AdminUsername, PasswordHash: hash, Role: rules.RolePlatformAdmin}
			if err := tx.Create(&admin).Error; err != nil {
				return fmt.Errorf("create admin: %w", err)
			}
			out.Created, out.PasswordSet = true, password != ""
			if token == "" && password == "" {
				if out.GeneratedToken, err = NewTokenSecret(); err != nil {
					return err
				}
				if err := insertToken(tx, admin.ID, "bootstrap", out.GeneratedToken, nil); err != nil {
					return err
				}
			}
			if err := audit.Record(tx, s.now(), audit.System, audit.Event{
				Action: "user.bootstrapped", TargetType: "user", TargetID: AdminUsername,
				After: UserView{Username: AdminUsername, Role: rules.RolePlatformAdmin},
			}); err != nil {
				return err
			}
		case err != nil:
			return fmt.Errorf("look up admin: %w", err)
		case password != "":
			if ok, _ := argon2id.ComparePasswordAndHash(password, admin.PasswordHash); !ok {
				hash, err := argon2id.CreateHash(password, passwordParams)
				if err != nil {
					return fmt.Errorf("hash password: %w", err)
				}
				if err := tx.Model(&admin).Update("password_hash", hash).Error; err != nil {
					return fmt.Errorf("reset admin password: %w", err)
				}
				if err := audit.Record(tx, s.now(), audit.System, audit.Event{
					Action: "user.password_reset", TargetType: "user", TargetID: AdminUsername,
				}); err != nil {
					return err
				}
			}
			out.PasswordSet = true
		}
		if token == "" {
			return nil
		}
		var existing models.APIToken
		err = tx.Take(&existing, "hash = ?", HashToken(token)).Error
		switch {
		case err == nil && existing.UserID != admin.ID:
			return errors.New("LAWCYCLE_ADMIN_TOKEN is already registered to another user")
		case err == nil:
			if existing.RevokedAt != nil {
				return errors.New("LAWCYCLE_ADMIN_TOKEN was revoked; choose a new one")
			}
		case errors.Is(err, gorm.ErrRecordNotFound):
			if err := insertToken(tx, admin.ID, "LAWCYCLE_ADMIN_TOKEN", token, nil); err != nil {
				return err
			}
			if err := audit.Record(tx, s.now(), audit.System, audit.Event{
				Action: "token.bootstrapped", TargetType: "user", TargetID: AdminUsername,
			}); err != nil {
				return err
			}
		default:
			return fmt.Errorf("look up bootstrap token: %w", err)
		}
		out.TokenSet = true
		return nil
	})
	return out, err
}
