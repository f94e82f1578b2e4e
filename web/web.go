// Package web is lawcycle's server-rendered web UI (SPEC §7 Web UI): the
// login page, the office dashboard, a cycle's bureau board with its
// milestones, extension and close, and the bureau workspace (template
// download, upload, versions, reviews, extensions, publication) and the
// rectification ledger (整改台账) with its items. Pages are html/template
// in Simplified Chinese with an embedded stylesheet and no scripts, so the
// strict content security policy holds.
//
// Browsers authenticate with a session cookie (web_sessions) instead of a
// bearer token; every state-changing form carries the session's CSRF token
// and must come from the same origin. Handlers call the same service
// methods as the JSON API, so what a user may see and do is decided in one
// place.
package web

import (
	"errors"
	"log/slog"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"gorm.io/gorm"

	"github.com/lawcycle/lawcycle/models"
	"github.com/lawcycle/lawcycle/service"
)

// Session and login defaults.
const (
	// DefaultIdleTimeout ends a session nobody has used for this long.
	DefaultIdleTimeout = 8 * time.Hour
	// DefaultSessionMaxAge ends a session this long after login, however
	// busy.
	DefaultSessionMaxAge = 7 * 24 * time.Hour
	// DefaultLoginsPerMinute bounds POST /login per client address, as the
	// API bounds POST /api/v1/tokens.
	DefaultLoginsPerMinute = 30
)

// Config tunes the web UI; the zero value is the production default.
type Config struct {
	// InsecureCookies drops the Secure attribute from cookies. Only for a
	// server reached over plain http on a host other than localhost
	// (browsers keep Secure cookies from http://localhost); anywhere else
	// keep it false and serve https.
	InsecureCookies bool
	// LoginsPerMinute limits POST /login per client address; 0 means
	// DefaultLoginsPerMinute.
	LoginsPerMinute int
	// IdleTimeout and SessionMaxAge; 0 means the defaults.
	IdleTimeout   time.Duration
	SessionMaxAge time.Duration
}

// Deps are what the web UI needs.
type Deps struct {
	Service *service.Service
	DB      *gorm.DB
	Logger  *slog.Logger
	Config  Config
}

// Roles allowed per page, the same sets the API's routes use.
var (
	anyRole         = models.Roles
	cycleRoles      = []string{models.RolePlatformAdmin, models.RoleAdmin, models.RoleReviewer, models.RoleViewer}
	participantRead = []string{models.RolePlatformAdmin, models.RoleAdmin, models.RoleReviewer, models.RoleBureau, models.RoleViewer}
	participant     = []string{models.RolePlatformAdmin, models.RoleAdmin, models.RoleReviewer, models.RoleBureau}
	officeStaff     = []string{models.RolePlatformAdmin, models.RoleAdmin, models.RoleReviewer}
	officeAdmin     = []string{models.RolePlatformAdmin, models.RoleAdmin}
)

// Register adds the web UI's routes to app. Call it after the API's
// routes and before any catch-all: its not-found page answers only
// browsers asking for HTML outside the API.
func Register(app *fiber.App, d Deps) error {
	if d.Service == nil || d.DB == nil {
		return errors.New("web: Deps.Service and Deps.DB are required")
	}
	pages, err := parsePages()
	if err != nil {
		return err
	}
	cfg := d.Config
	if cfg.LoginsPerMinute == 0 {
		cfg.LoginsPerMinute = DefaultLoginsPerMinute
	}
	if cfg.IdleTimeout == 0 {
		cfg.IdleTimeout = DefaultIdleTimeout
	}
	if cfg.SessionMaxAge == 0 {
		cfg.SessionMaxAge = DefaultSessionMaxAge
	}
	log := d.Logger
	if log == nil {
		log = slog.Default()
	}
	u := &ui{svc: d.Service, db: d.DB, log: log, cfg: cfg, pages: pages, denied: newDenials(d.DB, log)}

	r := u.recovered
	app.Get("/static/style.css", u.stylesheet)
	app.Get("/login", r(u.loginPage))
	app.Post("/login", u.maxBody(formLimit), u.loginLimiter(), r(u.login))
	app.Post("/logout", u.maxBody(formLimit), r(u.logout))

	app.Get("/", r(u.page(anyRole, u.dashboard)))
	app.Get("/cycles/:id", r(u.page(cycleRoles, u.cycleBoard)))
	app.Get("/cycles/:id/milestones", r(u.page(cycleRoles, u.milestones)))
	app.Post("/cycles/:id/extend", u.maxBody(actionLimit), r(u.page(officeAdmin, u.extendCycle)))
	app.Post("/cycles/:id/close", u.maxBody(actionLimit), r(u.page(officeAdmin, u.closeCycle)))
	ws := "/cycles/:id/bureaus/:org"
	app.Get(ws, r(u.page(participantRead, u.workspace)))
	app.Get(ws+"/template", r(u.page(participantRead, u.template)))
	app.Post(ws+"/submissions", u.maxBody(uploadLimit), r(u.page(participant, u.upload)))
	app.Post(ws+"/checks", u.maxBody(uploadLimit), r(u.page(participant, u.check)))
	app.Get(ws+"/submissions/:version", r(u.page(participantRead, u.version)))
	app.Get(ws+"/submissions/:version/file", r(u.page(participantRead, u.submissionFile)))
	app.Get(ws+"/review", r(u.page(officeStaff, u.reviewForm)))
	app.Post(ws+"/reviews", u.maxBody(actionLimit), r(u.page(officeStaff, u.review)))
	app.Get(ws+"/extensions", r(u.page(participantRead, u.extensions)))
	app.Post(ws+"/extensions", u.maxBody(actionLimit), r(u.page(participant, u.extend)))
	app.Post(ws+"/extensions/:ext_id/decision", u.maxBody(actionLimit), r(u.page(officeAdmin, u.decideExtension)))
	app.Get(ws+"/publication", r(u.page(participantRead, u.publication)))
	app.Post(ws+"/publication", u.maxBody(actionLimit), r(u.page(participant, u.publish)))
	// The rectification ledger (整改台账): read like the participation, the
	// actions left to the service's rules per role and status.
	app.Get("/cycles/:id/rectifications", r(u.page(participantRead, u.ledger)))
	app.Get("/cycles/:id/ledger.xlsx", r(u.page(participantRead, u.ledgerFile)))
	rect := ws + "/rectifications/:item"
	app.Get(rect, r(u.page(participantRead, u.rectItem)))
	app.Post(rect+"/progress", u.maxBody(evidenceLimit), r(u.page(participant, u.rectProgress(false))))
	app.Post(rect+"/closure", u.maxBody(evidenceLimit), r(u.page(participant, u.rectProgress(true))))
	app.Post(rect+"/verification", u.maxBody(actionLimit), r(u.page(participant, u.rectVerify)))
	app.Get(rect+"/evidence/:sha", r(u.page(participantRead, u.rectEvidence)))

	app.Use(u.notFound)
	return nil
}

// apiPath reports whether path belongs to the JSON API or the operational
// endpoints, which answer in JSON even to browsers.
func apiPath(path string) bool {
	switch {
	case path == "/api" || strings.HasPrefix(path, "/api/"):
		return true
	case path == "/healthz" || path == "/readyz" || path == "/metrics":
		return true
	}
	return false
}

type ui struct {
	svc    *service.Service
	db     *gorm.DB
	log    *slog.Logger
	cfg    Config
	pages  pageSet
	denied *denials
}

func (u *ui) now() time.Time {
	if u.svc != nil && u.svc.Now != nil {
		return u.svc.Now().UTC()
	}
	return time.Now().UTC()
}
