package service

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/lawcycle/lawcycle/audit"
	"github.com/lawcycle/lawcycle/internal/apperr"
	"github.com/lawcycle/lawcycle/internal/chinatime"
	"github.com/lawcycle/lawcycle/models"
	"github.com/lawcycle/lawcycle/rules"
)

// ViewerView is one viewer granted a cycle.
type ViewerView struct {
	Username  string    `json:"username"`
	GrantedBy string    `json:"granted_by"`
	GrantedAt time.Time `json:"granted_at"`
}

// ViewerInput names the viewer to grant.
type ViewerInput struct {
	Username string `json:"username"`
}

// isViewerOf reports whether p is a viewer granted cycle id.
func isViewerOf(tx *gorm.DB, p Principal, id string) (bool, error) {
	if p.Role != rules.RoleViewer {
		return false, nil
	}
	var n int64
	if err := tx.Model(&models.CycleViewer{}).Where("cycle_id = ? AND user_id = ?", id, p.UserID).Count(&n).Error; err != nil {
		return false, fmt.Errorf("check viewer grant: %w", err)
	}
	return n > 0, nil
}

// viewerCycles lists the cycles a viewer has been granted.
func viewerCycles(tx *gorm.DB, p Principal) (map[string]bool, error) {
	var ids []string
	if err := tx.Model(&models.CycleViewer{}).Where("user_id = ?", p.UserID).Pluck("cycle_id", &ids).Error; err != nil {
		return nil, fmt.Errorf("list viewer grants: %w", err)
	}
	out := make(map[string]bool, len(ids))
	for _, id := range ids {
		out[id] = true
	}
	return out, nil
}

// GrantViewer lets a viewer read one cycle of the admin's office.
func (s *Service) GrantViewer(ctx context.Context, p Principal, id string, in ViewerInput) (ViewerView, error) {
	var out ViewerView
	err := s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if _, _, err := s.loadCycle(tx, p, id); err != nil {
			return err
		}
		name := strings.TrimSpace(in.Username)
		var u models.User
		if err := tx.Take(&u, "username = ?", name).Error; errors.Is(err, gorm.ErrRecordNotFound) {
			return apperr.Validation(fmt.Sprintf("用户“%s”不存在", name), apperr.Field(-1, "username", "用户不存在"))
		} else if err != nil {
			return fmt.Errorf("load user: %w", err)
		}
		if u.Role != rules.RoleViewer {
			return apperr.Validation(fmt.Sprintf("用户“%s”的角色是 %s，只能向查看人员（viewer）授权查看周期", name, u.Role),
				apperr.Field(-1, "username", "不是查看人员"))
		}
		grant := models.CycleViewer{CycleID: id, UserID: u.ID, GrantedBy: p.Username, GrantedAt: s.now()}
		if p.UserID != 0 {
			by := p.UserID
			grant.GrantedByID = &by
		}
		if err := tx.Create(&grant).Error; err != nil {
			if isDuplicate(err) {
				return apperr.Conflict(fmt.Sprintf("用户“%s”已有查看该周期的权限", name))
			}
			return fmt.Errorf("grant viewer: %w", err)
		}
		out = ViewerView{Username: u.Username, GrantedBy: grant.GrantedBy, GrantedAt: chinatime.In(grant.GrantedAt)}
		return audit.Record(tx, s.now(), p.Actor(), audit.Event{
			Action: "cycle.viewer_granted", TargetType: "cycle", TargetID: id, After: map[string]any{"viewer": u.Username},
		})
	})
	return out, err
}

// ListViewers lists a cycle's viewers.
func (s *Service) ListViewers(ctx context.Context, p Principal, id string) ([]ViewerView, error) {
	tx := s.DB.WithContext(ctx)
	if _, _, err := s.loadCycle(tx, p, id); err != nil {
		return nil, err
	}
	var rows []struct {
		Username  string
		GrantedBy string
		GrantedAt time.Time
	}
	if err := tx.Table("cycle_viewers v").Select("u.username, v.granted_by, v.granted_at").
		Joins("JOIN users u ON u.id = v.user_id").Where("v.cycle_id = ?", id).Order("u.username").Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("list viewers: %w", err)
	}
	out := make([]ViewerView, len(rows))
	for i, r := range rows {
		out[i] = ViewerView{Username: r.Username, GrantedBy: r.GrantedBy, GrantedAt: chinatime.In(r.GrantedAt)}
	}
	return out, nil
}

// RevokeViewer withdraws a viewer's access to a cycle.
func (s *Service) RevokeViewer(ctx context.Context, p Principal, id, username string) error {
	return s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if _, _, err := s.loadCycle(tx, p, id); err != nil {
			return err
		}
		res := tx.Where("cycle_id = ? AND user_id = (SELECT id FROM users WHERE username = ?)", id, username).Delete(&models.CycleViewer{})
		if res.Error != nil {
			return fmt.Errorf("revoke viewer: %w", res.Error)
		}
		if res.RowsAffected == 0 {
			return apperr.NotFound(fmt.Sprintf("用户“%s”没有查看该周期的权限", username))
		}
		return audit.Record(tx, s.now(), p.Actor(), audit.Event{
			Action: "cycle.viewer_revoked", TargetType: "cycle", TargetID: id, Before: map[string]any{"viewer": username},
		})
	})
}
