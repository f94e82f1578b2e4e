package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"net/http"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/lawcycle/lawcycle/internal/apperr"
	"github.com/lawcycle/lawcycle/internal/chinatime"
	"github.com/lawcycle/lawcycle/internal/httpkit"
	"github.com/lawcycle/lawcycle/models"
	"github.com/lawcycle/lawcycle/rules"
	"github.com/lawcycle/lawcycle/wire"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static/style.css
var stylesheet []byte

// pageSet holds one template per page, each the layout plus the page.
type pageSet map[string]*template.Template

var pageNames = []string{"login", "dashboard", "cycle", "milestones", "workspace", "version", "review", "extensions", "publication", "ledger", "rectification", "error"}

var funcs = template.FuncMap{
	"roleLabel":   roleLabel,
	"stageLabel":  func(s string) string { return wire.Stage(s).Label() },
	"statusLabel": statusLabel,
	"flagLabel":   flagLabel,
	"date":        func(t time.Time) string { return chinatime.FormatDate(t) },
	"datetime":    func(t time.Time) string { return chinatime.In(t).Format("2006-01-02 15:04") },
	// ordinal numbers list items from 1, as the service's messages do
	// ("第2条意见").
	"ordinal": func(i int) int { return i + 1 },
}

func parsePages() (pageSet, error) {
	set := pageSet{}
	for _, name := range pageNames {
		t, err := template.New(name).Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/partials.html", "templates/"+name+".html")
		if err != nil {
			return nil, fmt.Errorf("parse page %s: %w", name, err)
		}
		set[name] = t
	}
	return set, nil
}

// pageData is what the layout needs around every page.
type pageData struct {
	Title string
	// User is nil on pages shown without a session.
	User      *userView
	CSRF      string
	RequestID string
	Page      any
}

// roleLabel names a role, whether a page holds it typed (the user) or as
// stored text (a history note's author).
func roleLabel(role any) string { return rules.Role(fmt.Sprint(role)).Label() }

func statusLabel(status string) string {
	switch status {
	case models.CycleDraft:
		return "草稿"
	case models.CycleOpen:
		return "进行中"
	case models.CycleClosing:
		return "收尾中"
	case models.CycleClosed:
		return "已结束"
	}
	return status
}

func flagLabel(flag string) string {
	if flag == "late" {
		return wire.FlagLabel(wire.FlagOverdue)
	}
	return wire.FlagLabel(flag)
}

// render writes a page. Pages carry personal data: never cached.
func (u *ui) render(c *fiber.Ctx, status int, name string, v *visit, title string, page any) error {
	data := pageData{Title: title, RequestID: requestIDOf(c), Page: page}
	if v != nil {
		data.User = &v.user
		data.CSRF = v.session.CSRFToken
	}
	var buf bytes.Buffer
	if err := u.pages[name].ExecuteTemplate(&buf, "layout", data); err != nil {
		u.log.Error("render page", "request_id", data.RequestID, "page", name, "error", err)
		buf.Reset()
		status = http.StatusInternalServerError
		fmt.Fprintf(&buf, "<!DOCTYPE html><html lang=\"zh-CN\"><meta charset=\"utf-8\"><title>服务器内部错误</title><p>服务器内部错误（请求编号 %s）</p></html>",
			template.HTMLEscapeString(data.RequestID))
	}
	httpkit.NoStore(c)
	if len(c.Response().Header.Peek("Content-Security-Policy")) == 0 {
		c.Set("Content-Security-Policy", httpkit.ContentSecurityPolicy)
	}
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	return c.Status(status).Send(buf.Bytes())
}

// errorPage is a refusal or failure explained.
type errorPage struct {
	Status  int
	Heading string
	Message string
	Details []apperr.Detail
	// Retry is where to go next, e.g. the login page.
	Retry, RetryLabel string
}

var headings = map[int]string{
	400: "请求有误", 401: "需要登录", 403: "无权访问", 404: "页面不存在", 405: "请求方式不受支持",
	409: "当前不能执行此操作", 413: "文件过大", 415: "文件类型不受支持", 422: "内容未通过校验",
	429: "请求过于频繁", 500: "服务器内部错误", 503: "服务暂不可用",
}

// fail renders err as a Chinese error page with its status. Internal
// errors are logged and shown only as the request id; refusals (401, 403)
// are audited.
func (u *ui) fail(c *fiber.Ctx, v *visit, err error) error {
	rid := requestIDOf(c)
	ae, ok := apperr.As(err)
	if !ok {
		u.log.Error("web request failed", "request_id", rid, "method", c.Method(), "path", c.Path(), "error", err)
		ae = &apperr.Error{Status: http.StatusInternalServerError, Code: apperr.CodeInternal,
			Message: fmt.Sprintf("服务器内部错误（请求编号 %s）", rid)}
	}
	if ae.Status == http.StatusUnauthorized || ae.Status == http.StatusForbidden {
		u.recordDenied(c, v, ae.Status, ae.Code, "")
	}
	return u.render(c, ae.Status, "error", v, headingOf(ae.Status), errorPage{
		Status: ae.Status, Heading: headingOf(ae.Status), Message: ae.Message, Details: ae.Details,
	})
}

func headingOf(status int) string {
	if h, ok := headings[status]; ok {
		return h
	}
	if status >= 500 {
		return "服务暂不可用"
	}
	return "请求未能完成"
}

// refuse answers a state-changing request that failed the CSRF checks:
// 403, audited, nothing done.
func (u *ui) refuse(c *fiber.Ctx, v *visit, reason string, retry, retryLabel string) error {
	u.recordDenied(c, v, http.StatusForbidden, apperr.CodeForbidden, reason)
	msg := "请求未通过安全校验（可能来自其他网站，或页面已过期），系统未执行任何操作。请回到本系统页面刷新后重试。"
	return u.render(c, http.StatusForbidden, "error", v, headingOf(http.StatusForbidden), errorPage{
		Status: http.StatusForbidden, Heading: "请求已被拒绝", Message: msg, Retry: retry, RetryLabel: retryLabel,
	})
}

// handler is a page of a logged-in user.
type handler func(c *fiber.Ctx, v *visit) error

// page guards a handler: a valid session (else the login page), the CSRF
// checks on anything but GET and HEAD, then the role, as the API's routes
// check them. Whatever the handler returns is rendered as a page; nothing
// reaches the API's JSON error handler.
func (u *ui) page(roles []rules.Role, h handler) fiber.Handler {
	return func(c *fiber.Ctx) error {
		requestIDOf(c)
		v, err := u.visit(c)
		if err != nil {
			return u.fail(c, nil, err)
		}
		safe := c.Method() == fiber.MethodGet || c.Method() == fiber.MethodHead
		if v == nil {
			if !safe {
				u.recordDenied(c, nil, http.StatusUnauthorized, apperr.CodeUnauthenticated, "no_session")
				return c.Redirect("/login", http.StatusSeeOther)
			}
			return c.Redirect("/login?next="+urlQueryEscape(c.OriginalURL()), http.StatusSeeOther)
		}
		if !safe {
			reason := checkOrigin(c)
			if reason == "" {
				reason = checkToken(c, v.session.CSRFToken)
			}
			if reason != "" {
				return u.refuse(c, v, reason, "/", "返回首页")
			}
		}
		if !slices.Contains(roles, v.p.Role) {
			return u.fail(c, v, apperr.Forbidden("您的角色无权访问此页面"))
		}
		if err := h(c, v); err != nil {
			return u.fail(c, v, err)
		}
		return nil
	}
}

// recovered renders a panic in h as the internal-error page, with the
// stack in the log only, so a browser never sees the API's JSON.
func (u *ui) recovered(h fiber.Handler) fiber.Handler {
	return func(c *fiber.Ctx) (err error) {
		defer func() {
			if r := recover(); r != nil {
				u.log.Error("panic", "request_id", requestIDOf(c), "path", c.Path(), "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
				err = u.fail(c, nil, fmt.Errorf("panic: %v", r))
			}
		}()
		return h(c)
	}
}

// notFound answers browsers asking for a page that does not exist; API
// clients and other requests fall through to the API's JSON 404.
func (u *ui) notFound(c *fiber.Ctx) error {
	if (c.Method() != fiber.MethodGet && c.Method() != fiber.MethodHead) || apiPath(c.Path()) ||
		!strings.Contains(c.Get(fiber.HeaderAccept), fiber.MIMETextHTML) {
		return c.Next()
	}
	return u.fail(c, nil, apperr.NotFound("页面不存在，请核对地址，或从首页进入"))
}

// maxBody refuses a body larger than limit with 413 before anything else
// reads it, on an error page.
func (u *ui) maxBody(limit int) fiber.Handler {
	return httpkit.MaxBody(limit, func(c *fiber.Ctx, err error) error { return u.fail(c, nil, err) })
}

// loginLimited answers a login over the process's per-address limit
// (httpkit.LoginLimiter, shared with the API's token route).
func (u *ui) loginLimited(c *fiber.Ctx) error {
	return u.renderLogin(c, http.StatusTooManyRequests, loginForm{Error: "登录请求过于频繁，请一分钟后再试"})
}

// stylesheet serves the embedded CSS.
func (u *ui) stylesheet(c *fiber.Ctx) error {
	c.Set(fiber.HeaderContentType, "text/css; charset=utf-8")
	c.Set(fiber.HeaderCacheControl, "public, max-age=3600")
	return c.Send(stylesheet)
}
