package service

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/alexedwards/argon2id"
	"gorm.io/gorm"

	"github.com/lawcycle/lawcycle/audit"
	"github.com/lawcycle/lawcycle/internal/apperr"
	"github.com/lawcycle/lawcycle/models"
	"github.com/lawcycle/lawcycle/rules"
)

var usernamePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.@-]{2,63}$`)

// passwordParams: argon2id with 64 MiB and 3 passes, the RFC 9106 second
// recommended option scaled to what a small server can afford per login.
var passwordParams = &argon2id.Params{Memory: 64 * 1024, Iterations: 3, Parallelism: 2, SaltLength: 16, KeyLength: 32}

// UserInput creates a user (docs/api.md#routes: POST /api/v1/users).
type UserInput struct {
	Username string     `json:"username"`
	Password string     `json:"password"`
	Role     rules.Role `json:"role"`
	OrgCode  string     `json:"org_code,omitempty"`
	// Email receives the user's notifications by e-mail; optional.
	Email string `json:"email,omitempty"`
}

// UserView is a user as the API shows it; never the password hash.
type UserView struct {
	Username string     `json:"username"`
	Role     rules.Role `json:"role"`
	OrgCode  string     `json:"org_code,omitempty"`
	Email    string     `json:"email,omitempty"`
}

// CreateUser validates and creates one user.
func (s *Service) CreateUser(ctx context.Context, p Principal, in UserInput) (UserView, error) {
	var view UserView
	err := s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		user, orgCode, err := s.validateUser(tx, p, in)
		if err != nil {
			return err
		}
		if err := tx.Create(&user).Error; err != nil {
			if isDuplicate(err) {
				return apperr.Conflict(fmt.Sprintf("用户名“%s”已存在", user.Username), apperr.Field(-1, "username", "用户名已存在"))
			}
			return fmt.Errorf("create user: %w", err)
		}
		view = UserView{Username: user.Username, Role: user.Role, OrgCode: orgCode, Email: user.Email}
		return audit.Record(tx, s.now(), p.Actor(), audit.Event{
			Action: "user.created", TargetType: "user", TargetID: user.Username, After: view,
		})
	})
	return view, err
}

func (s *Service) validateUser(tx *gorm.DB, p Principal, in UserInput) (models.User, string, error) {
	var details []apperr.Detail
	bad := func(field, msg string) { details = append(details, apperr.Field(-1, field, msg)) }
	username := strings.TrimSpace(in.Username)
	orgCode := strings.TrimSpace(in.OrgCode)
	if !usernamePattern.MatchString(username) {
		bad("username", "用户名应为3至64位字母、数字或“_”“.”“@”“-”，以字母或数字开头")
	}
	if msg := checkPassword(in.Password, username); msg != "" {
		bad("password", msg)
	}
	role := rules.Role(strings.TrimSpace(string(in.Role)))
	if !role.Valid() {
		names := make([]string, len(rules.AnyRole))
		for i, r := range rules.AnyRole {
			names[i] = string(r)
		}
		bad("role", fmt.Sprintf("角色“%s”无效，应为 %s 之一", in.Role, strings.Join(names, "、")))
	}
	if role == rules.RolePlatformAdmin && !p.IsPlatformAdmin() {
		bad("role", "只有平台管理员可以创建平台管理员")
	}
	email, msg := checkEmail(in.Email)
	if msg != "" {
		bad("email", msg)
	}

	var org *models.Organisation
	if orgCode != "" {
		var o models.Organisation
		if err := tx.Take(&o, "code = ?", orgCode).Error; errors.Is(err, gorm.ErrRecordNotFound) {
			bad("org_code", fmt.Sprintf("机构“%s”不存在", orgCode))
		} else if err != nil {
			return models.User{}, "", fmt.Errorf("look up organisation: %w", err)
		} else {
			org = &o
		}
	}
	if org != nil {
		inScope, err := s.covers(tx, p, org.ID)
		if err != nil {
			return models.User{}, "", err
		}
		if !inScope {
			bad("org_code", fmt.Sprintf("机构“%s”不在您的管辖范围内", orgCode))
		}
	}
	switch role {
	case rules.RolePlatformAdmin:
		if orgCode != "" {
			bad("org_code", "平台管理员不隶属于任何机构，请不要填写 org_code")
		}
	case rules.RoleAdmin, rules.RoleReviewer:
		if orgCode == "" {
			bad("org_code", "管理员和审核人员必须指定所属法治办（org_code）")
		} else if org != nil && org.Kind != models.KindOffice {
			bad("org_code", fmt.Sprintf("“%s”是部门，管理员和审核人员应隶属于法治办", orgCode))
		}
	case rules.RoleBureau:
		if orgCode == "" {
			bad("org_code", "部门用户必须指定所属部门（org_code）")
		} else if org != nil && org.Kind != models.KindBureau {
			bad("org_code", fmt.Sprintf("“%s”是法治办，部门用户应隶属于部门", orgCode))
		}
	}
	if len(details) > 0 {
		return models.User{}, "", apperr.Validation("用户信息有误，未创建用户", details...)
	}
	hash, err := argon2id.CreateHash(in.Password, passwordParams)
	if err != nil {
		return models.User{}, "", fmt.Errorf("hash password: %w", err)
	}
	user := models.User{Username: username, PasswordHash: hash, Role: role, Email: email}
	if org != nil {
		user.OrgID = &org.ID
	}
	return user, orgCode, nil
}

func checkPassword(pw, username string) string {
	n := utf8.RuneCountInString(pw)
	switch {
	case n < 8:
		return "密码至少8位"
	case n > 128:
		return "密码不能超过128位"
	case strings.EqualFold(pw, username):
		return "密码不能与用户名相同"
	}
	return ""
}
