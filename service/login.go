package service

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/lawcycle/lawcycle/audit"
	"github.com/lawcycle/lawcycle/internal/apperr"
	"github.com/lawcycle/lawcycle/internal/chinatime"
	"github.com/lawcycle/lawcycle/models"
)

// Lockout policy: this many failed logins for one username within the
// window lock it for the lockout period, even against the right password.
const (
	MaxLoginFailures = 5
	FailureWindow    = 15 * time.Minute
	LockoutPeriod    = 15 * time.Minute
)

type requestIDKey struct{}

// WithRequestID carries the HTTP request id to where audit events are
// written for callers without a principal (a login).
func WithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDKey{}, id)
}

func requestIDFrom(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// lockedOut answers 429 while username is locked.
func (s *Service) lockedOut(ctx context.Context, username string) error {
	var f models.LoginFailure
	err := s.DB.WithContext(ctx).Take(&f, "username = ?", username).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil
	} else if err != nil {
		return fmt.Errorf("read login failures: %w", err)
	}
	if f.LockedUntil != nil && s.now().Before(*f.LockedUntil) {
		return apperr.TooManyRequests(fmt.Sprintf("登录失败次数过多，账号已暂时锁定，请于 %s 后再试，或联系管理员",
			chinatime.In(*f.LockedUntil).Format("2006-01-02 15:04")))
	}
	return nil
}

// recordLoginFailure counts a failure and locks the username when the
// count reaches the limit within the window. Unknown usernames are counted
// the same way, so the answer never tells whether an account exists.
func (s *Service) recordLoginFailure(ctx context.Context, username string) error {
	now := s.now()
	actor := audit.Actor{Name: username, RequestID: requestIDFrom(ctx)}
	return s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var f models.LoginFailure
		q := tx
		if tx.Dialector.Name() == "postgres" {
			q = q.Clauses(clause.Locking{Strength: "UPDATE"})
		}
		err := q.Take(&f, "username = ?", username).Error
		switch {
		case errors.Is(err, gorm.ErrRecordNotFound):
			f = models.LoginFailure{Username: username, WindowStart: now}
		case err != nil:
			return fmt.Errorf("read login failures: %w", err)
		}
		if now.Sub(f.WindowStart) > FailureWindow {
			f.Failures, f.WindowStart, f.LockedUntil = 0, now, nil
		}
		f.Failures++
		locked := f.Failures >= MaxLoginFailures
		if locked {
			until := now.Add(LockoutPeriod)
			f.LockedUntil = &until
		}
		if err := tx.Clauses(clause.OnConflict{UpdateAll: true}).Create(&f).Error; err != nil {
			return fmt.Errorf("record login failure: %w", err)
		}
		if err := audit.Record(tx, now, actor, audit.Event{
			Action: "login.failed", TargetType: "user", TargetID: username,
			After: map[string]int{"failures": f.Failures},
		}); err != nil {
			return err
		}
		if !locked {
			return nil
		}
		return audit.Record(tx, now, actor, audit.Event{
			Action: "login.locked", TargetType: "user", TargetID: username,
			After: map[string]any{"locked_until": f.LockedUntil},
		})
	})
}

// clearLoginFailures forgets failures after a successful login.
func (s *Service) clearLoginFailures(ctx context.Context, username string) error {
	if err := s.DB.WithContext(ctx).Delete(&models.LoginFailure{}, "username = ?", username).Error; err != nil {
		return fmt.Errorf("clear login failures: %w", err)
	}
	return nil
}
