package api_test

import (
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/lawcycle/lawcycle/api"
	"github.com/lawcycle/lawcycle/internal/apitest"
	"github.com/lawcycle/lawcycle/internal/testdb"
	"github.com/lawcycle/lawcycle/models"
	"github.com/lawcycle/lawcycle/service"
)

const adminToken = "lc_test_admin_token_0123456789"

func newClient(t *testing.T, db *gorm.DB) apitest.Client {
	t.Helper()
	return newClockedClient(t, db, nil, 0)
}

// newClockedClient is the admin's client on an app whose clock reads *now
// (the wall clock when nil) and whose login limit is loginsPerMinute (the
// default when 0).
func newClockedClient(t *testing.T, db *gorm.DB, now *time.Time, loginsPerMinute int) apitest.Client {
	t.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	svc := &service.Service{DB: db, Logger: log}
	if now != nil {
		svc.Now = func() time.Time { return *now }
	}
	_, err := svc.EnsureAdmin(t.Context(), "", adminToken)
	require.NoError(t, err)
	app := api.New(api.Deps{Service: svc, DB: db, Logger: log, LoginsPerMinute: loginsPerMinute})
	return apitest.Client{T: t, App: app, Token: adminToken}
}

func seedOffice(t *testing.T, c apitest.Client) {
	t.Helper()
	r := c.Do("POST", "/api/v1/orgs", []map[string]any{
		{"code": "fzb", "name": "某市委全面依法治市委员会办公室", "kind": "office"},
		{"code": "rsj", "name": "某市人力资源和社会保障局", "kind": "bureau", "parent_code": "fzb", "sector": "hrss", "credit_code": "11331002002673575G"},
		{"code": "scj", "name": "某市市场监督管理局", "kind": "bureau", "parent_code": "fzb"},
		{"code": "other", "name": "另一法治办", "kind": "office"},
		{"code": "other-rsj", "name": "另一人社局", "kind": "bureau", "parent_code": "other"},
	})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
}

func count(t *testing.T, db *gorm.DB, model any) int64 {
	t.Helper()
	var n int64
	require.NoError(t, db.Model(model).Count(&n).Error)
	return n
}

// Bad input on the spine's routes gets the right 4xx, a Chinese message
// naming the problem, and changes nothing.
func TestBadInputIsRefusedAndChangesNothing(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		c := newClient(t, db)
		seedOffice(t, c)
		orgs, cycles, participants := count(t, db, &models.Organisation{}), count(t, db, &models.Cycle{}), count(t, db, &models.Participant{})
		users := count(t, db, &models.User{})

		cycle := func(mut func(m map[string]any)) map[string]any {
			m := map[string]any{"year": 2025, "office_code": "fzb", "bureau_codes": []string{"rsj", "scj"},
				"submission_due": "2027-03-01", "publication_due": "2027-03-31"}
			if mut != nil {
				mut(m)
			}
			return m
		}
		cases := []struct {
			name, method, path string
			body               any
			token              *string
			status             int
			code               string
			message            string // substring of message or a detail
		}{
			{name: "missing token", method: "GET", path: "/api/v1/cycles", token: ptr(""), status: 401, code: "unauthenticated", message: "缺少访问令牌"},
			{name: "wrong token", method: "GET", path: "/api/v1/cycles", token: ptr("lc_wrong"), status: 401, code: "unauthenticated", message: "访问令牌无效"},
			{name: "malformed authorization", method: "GET", path: "/api/v1/cycles", token: ptr("Basic abc"), status: 401, code: "unauthenticated", message: "Bearer"},
			{name: "wrong password", method: "POST", path: "/api/v1/tokens", body: map[string]any{"username": "admin", "password": "not-the-password"}, token: ptr(""), status: 401, code: "unauthenticated", message: "用户名或密码错误"},
			{name: "unknown user", method: "POST", path: "/api/v1/tokens", body: map[string]any{"username": "nobody", "password": "whatever123"}, token: ptr(""), status: 401, code: "unauthenticated", message: "用户名或密码错误"},

			{name: "duplicate org code", method: "POST", path: "/api/v1/orgs", body: map[string]any{"code": "rsj", "name": "重复", "kind": "bureau", "parent_code": "fzb"}, status: 409, code: "conflict", message: "机构代码“rsj”已存在"},
			{name: "duplicate within batch", method: "POST", path: "/api/v1/orgs", body: []map[string]any{{"code": "new1", "name": "甲", "kind": "bureau", "parent_code": "fzb"}, {"code": "new1", "name": "乙", "kind": "bureau", "parent_code": "fzb"}}, status: 422, code: "validation_failed", message: "重复出现"},
			{name: "unknown parent", method: "POST", path: "/api/v1/orgs", body: map[string]any{"code": "x1", "name": "甲局", "kind": "bureau", "parent_code": "nope"}, status: 422, code: "validation_failed", message: "上级机构“nope”不存在"},
			{name: "bad credit code", method: "POST", path: "/api/v1/orgs", body: map[string]any{"code": "x2", "name": "甲局", "kind": "bureau", "parent_code": "fzb", "credit_code": "11440000006940129X"}, status: 422, code: "validation_failed", message: "校验位错误"},
			{name: "duplicate credit code", method: "POST", path: "/api/v1/orgs", body: map[string]any{"code": "x3", "name": "甲局", "kind": "bureau", "parent_code": "fzb", "credit_code": "11331002002673575G"}, status: 409, code: "conflict", message: "已被其他机构使用"},
			{name: "bad kind", method: "POST", path: "/api/v1/orgs", body: map[string]any{"code": "x4", "name": "甲局", "kind": "department", "parent_code": "fzb"}, status: 422, code: "validation_failed", message: "机构类型“department”无效"},
			{name: "slash in code", method: "POST", path: "/api/v1/orgs", body: map[string]any{"code": "a/b", "name": "甲局", "kind": "bureau", "parent_code": "fzb"}, status: 422, code: "validation_failed", message: "格式不正确"},
			{name: "batch with one bad item", method: "POST", path: "/api/v1/orgs", body: []map[string]any{{"code": "ok1", "name": "甲局", "kind": "bureau", "parent_code": "fzb"}, {"code": "ok2", "name": "", "kind": "bureau", "parent_code": "fzb"}}, status: 422, code: "validation_failed", message: "机构名称不能为空"},
			{name: "bureau under bureau", method: "POST", path: "/api/v1/orgs", body: map[string]any{"code": "x5", "name": "甲局", "kind": "bureau", "parent_code": "rsj"}, status: 422, code: "validation_failed", message: "上级只能是法治办"},
			{name: "wrong content type", method: "POST", path: "/api/v1/orgs", body: nil, status: 415, code: "unsupported_media_type", message: "application/json"},
			{name: "malformed json", method: "POST", path: "/api/v1/orgs", body: `{"code": "x6",`, status: 400, code: "invalid_input", message: "JSON"},
			{name: "unknown field", method: "POST", path: "/api/v1/cycles", body: map[string]any{"year": 2025, "office_code": "fzb", "bureau_codes": []string{"rsj"}, "submision_due": "2027-03-01"}, status: 400, code: "invalid_input", message: "未知字段“submision_due”"},
			{name: "year as string", method: "POST", path: "/api/v1/cycles", body: map[string]any{"year": "2025", "office_code": "fzb", "bureau_codes": []string{"rsj"}}, status: 400, code: "invalid_input", message: "字段“year”的类型不正确"},

			{name: "unknown office", method: "POST", path: "/api/v1/cycles", body: cycle(func(m map[string]any) { m["office_code"] = "nope" }), status: 422, code: "validation_failed", message: "机构“nope”不存在"},
			{name: "office is a bureau", method: "POST", path: "/api/v1/cycles", body: cycle(func(m map[string]any) { m["office_code"] = "rsj" }), status: 422, code: "validation_failed", message: "周期只能由法治办组织"},
			{name: "unknown bureau", method: "POST", path: "/api/v1/cycles", body: cycle(func(m map[string]any) { m["bureau_codes"] = []string{"rsj", "ghost"} }), status: 422, code: "validation_failed", message: "以下部门代码不存在：ghost"},
			{name: "bureau of another office", method: "POST", path: "/api/v1/cycles", body: cycle(func(m map[string]any) { m["bureau_codes"] = []string{"rsj", "other-rsj"} }), status: 422, code: "validation_failed", message: "不属于法治办“fzb”：other-rsj"},
			{name: "repeated bureau", method: "POST", path: "/api/v1/cycles", body: cycle(func(m map[string]any) { m["bureau_codes"] = []string{"rsj", "rsj"} }), status: 422, code: "validation_failed", message: "部门代码重复：rsj"},
			{name: "no bureaus", method: "POST", path: "/api/v1/cycles", body: cycle(func(m map[string]any) { m["bureau_codes"] = []string{} }), status: 422, code: "validation_failed", message: "请至少选择一个"},
			{name: "bad date", method: "POST", path: "/api/v1/cycles", body: cycle(func(m map[string]any) { m["submission_due"] = "2027/03/01" }), status: 400, code: "invalid_input", message: "日期“2027/03/01”格式不正确"},
			{name: "impossible date", method: "POST", path: "/api/v1/cycles", body: cycle(func(m map[string]any) { m["publication_due"] = "2027-02-30" }), status: 400, code: "invalid_input", message: "格式不正确"},
			{name: "submission after publication", method: "POST", path: "/api/v1/cycles", body: cycle(func(m map[string]any) { m["submission_due"] = "2027-04-15" }), status: 422, code: "validation_failed", message: "不能晚于公开截止日期"},
			{name: "submission due in the past", method: "POST", path: "/api/v1/cycles", body: cycle(func(m map[string]any) {
				m["year"] = 2020
				m["submission_due"] = "2021-03-01"
				m["publication_due"] = "2021-03-31"
			}), status: 422, code: "validation_failed", message: "已过"},
			{name: "future report year", method: "POST", path: "/api/v1/cycles", body: cycle(func(m map[string]any) { m["year"] = 2999 }), status: 422, code: "validation_failed", message: "报告年度应在2000年至"},

			{name: "unknown cycle", method: "GET", path: "/api/v1/cycles/2025-nosuch", status: 404, code: "not_found", message: "周期“2025-nosuch”不存在"},
			{name: "launch unknown cycle", method: "POST", path: "/api/v1/cycles/2025-nosuch/launch", status: 404, code: "not_found", message: "不存在"},
			{name: "bad stage filter", method: "GET", path: "/api/v1/cycles/2025-nosuch/bureaus?stage=x", status: 404, code: "not_found", message: "不存在"},
			{name: "unknown route", method: "GET", path: "/api/v1/nothing-here", status: 404, code: "not_found", message: "接口不存在"},

			{name: "user with bad role", method: "POST", path: "/api/v1/users", body: map[string]any{"username": "bob", "password": "long-enough-pw", "role": "king"}, status: 422, code: "validation_failed", message: "角色“king”无效"},
			{name: "user short password", method: "POST", path: "/api/v1/users", body: map[string]any{"username": "bob", "password": "short", "role": "viewer"}, status: 422, code: "validation_failed", message: "密码至少8位"},
			{name: "bureau user on office", method: "POST", path: "/api/v1/users", body: map[string]any{"username": "bob", "password": "long-enough-pw", "role": "bureau", "org_code": "fzb"}, status: 422, code: "validation_failed", message: "部门用户应隶属于部门"},
			{name: "user unknown org", method: "POST", path: "/api/v1/users", body: map[string]any{"username": "bob", "password": "long-enough-pw", "role": "bureau", "org_code": "ghost"}, status: 422, code: "validation_failed", message: "机构“ghost”不存在"},
			{name: "duplicate user", method: "POST", path: "/api/v1/users", body: map[string]any{"username": "admin", "password": "long-enough-pw", "role": "viewer"}, status: 409, code: "conflict", message: "用户名“admin”已存在"},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				cl := c
				if tc.token != nil {
					cl = c.With("")
				}
				var r apitest.Response
				if tc.token != nil && *tc.token != "" {
					req := newRequest(tc.method, tc.path, tc.body)
					req.Header.Set("Authorization", bearerOrRaw(*tc.token))
					r = cl.Raw(req)
				} else if tc.name == "wrong content type" {
					req := newRequest(tc.method, tc.path, `{"code":"x"}`)
					req.Header.Set("Content-Type", "text/plain")
					req.Header.Set("Authorization", "Bearer "+adminToken)
					r = cl.Raw(req)
				} else {
					r = cl.Do(tc.method, tc.path, tc.body)
				}
				require.Equal(t, tc.status, r.Status, string(r.Body))
				e := r.Err(t)
				require.Equal(t, tc.code, e.Error.Code)
				require.NotEmpty(t, e.Error.RequestID)
				text := e.Error.Message
				for _, d := range e.Error.Details {
					text += "\n" + d.Message
				}
				require.Contains(t, text, tc.message)
			})
		}

		require.Equal(t, orgs, count(t, db, &models.Organisation{}), "organisations changed")
		require.Equal(t, cycles, count(t, db, &models.Cycle{}), "cycles changed")
		require.Equal(t, participants, count(t, db, &models.Participant{}), "participants changed")
		require.Equal(t, users, count(t, db, &models.User{}), "users changed")
	})
}

func ptr(s string) *string { return &s }

func bearerOrRaw(tok string) string {
	if strings.HasPrefix(tok, "Basic ") {
		return tok
	}
	return "Bearer " + tok
}

func newRequest(method, path string, body any) *http.Request {
	var rd io.Reader
	if s, ok := body.(string); ok {
		rd = strings.NewReader(s)
	} else if body != nil {
		panic("newRequest takes a string body")
	}
	req, _ := http.NewRequest(method, path, rd)
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return req
}
