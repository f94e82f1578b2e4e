package web

import (
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/lawcycle/lawcycle/internal/apperr"
	"github.com/lawcycle/lawcycle/internal/httpkit"
)

// formLimit bounds the login and logout forms.
const formLimit = 64 << 10

// loginForm is the login page.
type loginForm struct {
	CSRF     string
	Next     string
	Username string
	Error    string
	// InsecureTransport warns that the browser will not keep the Secure
	// session cookie over plain http on this host.
	InsecureTransport bool
}

func urlQueryEscape(s string) string { return url.QueryEscape(s) }

func (u *ui) loginPage(c *fiber.Ctx) error {
	requestIDOf(c)
	v, err := u.visit(c)
	if err != nil {
		return u.fail(c, nil, err)
	}
	if v != nil {
		return c.Redirect("/", http.StatusSeeOther)
	}
	return u.renderLogin(c, http.StatusOK, loginForm{Next: safeNext(c.Query("next"))})
}

// renderLogin shows the form with its pre-session CSRF token: a random
// value in a cookie scoped to /login that the form echoes (double
// submit), so another site cannot log a browser in to an account of its
// choosing. An existing token is kept, so two open login tabs both work.
func (u *ui) renderLogin(c *fiber.Ctx, status int, f loginForm) error {
	token := c.Cookies(loginCookie)
	if wellFormed(token) {
		token = strings.Clone(token)
	} else {
		var err error
		if token, err = newSecret(); err != nil {
			return u.fail(c, nil, err)
		}
	}
	u.setCookie(c, loginCookie, token, "/login", fiber.CookieSameSiteStrictMode, loginTokenTTL)
	f.CSRF = token
	if f.Next == "" {
		f.Next = "/"
	}
	f.InsecureTransport = !u.cfg.InsecureCookies && c.Protocol() == "http" && !isLocalhost(c.Hostname())
	return u.render(c, status, "login", nil, "登录", f)
}

// login checks the form's origin and token, then the password through the
// service (lockout, failure audit), then starts a session.
func (u *ui) login(c *fiber.Ctx) error {
	requestIDOf(c)
	reason := checkOrigin(c)
	if reason == "" {
		want := c.Cookies(loginCookie)
		if !wellFormed(want) {
			reason = reasonToken
		} else {
			reason = checkToken(c, want)
		}
	}
	if reason != "" {
		return u.refuse(c, nil, reason, "/login", "重新打开登录页面")
	}
	f := loginForm{Username: strings.TrimSpace(formValue(c, "username")), Next: safeNext(formValue(c, "next"))}
	p, err := u.svc.Login(c.UserContext(), f.Username, formValue(c, "password"))
	if err != nil {
		if ae, ok := apperr.As(err); ok && (ae.Status == http.StatusUnauthorized || ae.Status == http.StatusTooManyRequests) {
			f.Error = ae.Message
			return u.renderLogin(c, ae.Status, f)
		}
		return u.fail(c, nil, err)
	}
	// A login always starts a fresh session; one this browser already
	// had ends.
	if old, err := u.visit(c); err != nil {
		u.log.Warn("look up previous session", "request_id", p.RequestID, "error", err)
	} else if old != nil {
		if err := u.endSession(c.UserContext(), old, "replaced"); err != nil {
			u.log.Warn("end previous session", "request_id", p.RequestID, "error", err)
		}
	}
	secret, err := u.startSession(c, p)
	if err != nil {
		return u.fail(c, nil, err)
	}
	u.setCookie(c, sessionCookie, secret, "/", fiber.CookieSameSiteLaxMode, 0)
	u.clearCookie(c, loginCookie, "/login")
	httpkit.NoStore(c)
	return c.Redirect(f.Next, http.StatusSeeOther)
}

// logout revokes the session; it is a form with the CSRF token like any
// other change, so another site cannot log a user out either.
func (u *ui) logout(c *fiber.Ctx) error {
	requestIDOf(c)
	v, err := u.visit(c)
	if err != nil {
		return u.fail(c, nil, err)
	}
	if v == nil {
		return c.Redirect("/login", http.StatusSeeOther)
	}
	reason := checkOrigin(c)
	if reason == "" {
		reason = checkToken(c, v.session.CSRFToken)
	}
	if reason != "" {
		return u.refuse(c, v, reason, "/", "返回首页")
	}
	if err := u.endSession(c.UserContext(), v, "logout"); err != nil {
		return u.fail(c, v, err)
	}
	u.clearCookie(c, sessionCookie, "/")
	return c.Redirect("/login", http.StatusSeeOther)
}

// safeNext keeps a post-login destination only if it is a path on this
// site: never another host, scheme or the login page itself.
func safeNext(next string) string {
	if next == "" || len(next) > 1024 || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") {
		return "/"
	}
	for _, r := range next {
		if r < 0x20 || r == 0x7f || r == '\\' {
			return "/"
		}
	}
	p, err := url.Parse(next)
	if err != nil || p.Scheme != "" || p.Host != "" || p.Path == "/login" || p.Path == "/logout" {
		return "/"
	}
	return next
}

func isLocalhost(host string) bool {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.Trim(host, "[]")
	if strings.EqualFold(host, "localhost") || strings.HasSuffix(strings.ToLower(host), ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
