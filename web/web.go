// Package web is lawcycle's server-rendered web UI (docs/api.md#web-ui): the
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

	"github.com/lawcycle/lawcycle/internal/httpkit"
	"github.com/lawcycle/lawcycle/rules"
	"github.com/lawcycle/lawcycle/service"
)

// Session and login defaults.
const (
	// DefaultIdleTimeout ends a session nobody has used for this long.
	DefaultIdleTimeout = 8 * time.Hour
	// DefaultSessionMaxAge ends a session this long after login, however
	// busy.
	DefaultSessionMaxAge = 7 * 24 * time.Hour
)

// Config tunes the web UI; the zero value is the production default.
type Config struct {
	// InsecureCookies drops the Secure attribute from cookies. Only for a
	// server reached over plain http on a host other than localhost
	// (browsers keep Secure cookies from http://localhost); anywhere else
	// keep it false and serve https.
	InsecureCookies bool
	// LoginsPerMinute limits logins per client address when Deps.Kit is
	// nil; 0 means httpkit.DefaultLoginsPerMinute.
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
	// Kit is the process's shared HTTP toolkit, the API's too; nil makes
	// one for the UI alone.
	Kit *httpkit.Kit
}

// Mount is Register for api.Deps.Mount: cmd/lawcycle mounts the UI beside
// the API on one app.
func Mount(d Deps) func(*fiber.App) error {
	return func(app *fiber.App) error { return Register(app, d) }
}

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
	kit := d.Kit
	if kit == nil {
		kit = httpkit.NewKit(d.DB, log, cfg.LoginsPerMinute)
	}
	u := &ui{svc: d.Service, db: d.DB, log: log, cfg: cfg, pages: pages, kit: kit}

	r := u.recovered
	// Every page has a request id in its context (login audits carry it);
	// on the composed app the API's middleware named it already.
	app.Use(httpkit.RequestID(service.WithRequestID))
	app.Get("/static/style.css", u.stylesheet)
	app.Get("/login", r(u.loginPage))
	app.Post("/login", u.maxBody(formLimit), kit.Logins.Guard(u.loginLimited), r(u.login))
	app.Post("/logout", u.maxBody(formLimit), r(u.logout))

	app.Get("/", r(u.page(rules.AnyRole, u.dashboard)))
	app.Get("/cycles/:id", r(u.page(rules.CycleReaders, u.cycleBoard)))
	app.Get("/cycles/:id/milestones", r(u.page(rules.CycleReaders, u.milestones)))
	app.Post("/cycles/:id/extend", u.maxBody(actionLimit), r(u.page(rules.OfficeAdmins, u.extendCycle)))
	app.Post("/cycles/:id/close", u.maxBody(actionLimit), r(u.page(rules.OfficeAdmins, u.closeCycle)))
	ws := "/cycles/:id/bureaus/:org"
	app.Get(ws, r(u.page(rules.ParticipantsRO, u.workspace)))
	app.Get(ws+"/template", r(u.page(rules.ParticipantsRO, u.template)))
	app.Post(ws+"/submissions", u.maxBody(uploadLimit), r(u.page(rules.Participants, u.upload)))
	app.Post(ws+"/checks", u.maxBody(uploadLimit), r(u.page(rules.Participants, u.check)))
	app.Get(ws+"/submissions/:version", r(u.page(rules.ParticipantsRO, u.version)))
	app.Get(ws+"/submissions/:version/file", r(u.page(rules.ParticipantsRO, u.submissionFile)))
	app.Get(ws+"/review", r(u.page(rules.OfficeStaff, u.reviewForm)))
	app.Post(ws+"/reviews", u.maxBody(actionLimit), r(u.page(rules.OfficeStaff, u.review)))
	app.Get(ws+"/extensions", r(u.page(rules.ParticipantsRO, u.extensions)))
	app.Post(ws+"/extensions", u.maxBody(actionLimit), r(u.page(rules.Participants, u.extend)))
	app.Post(ws+"/extensions/:ext_id/decision", u.maxBody(actionLimit), r(u.page(rules.OfficeAdmins, u.decideExtension)))
	app.Get(ws+"/publication", r(u.page(rules.ParticipantsRO, u.publication)))
	app.Post(ws+"/publication", u.maxBody(actionLimit), r(u.page(rules.Participants, u.publish)))
	// The rectification ledger (整改台账): read like the participation, the
	// actions left to the service's rules per role and status.
	app.Get("/cycles/:id/rectifications", r(u.page(rules.ParticipantsRO, u.ledger)))
	app.Get("/cycles/:id/ledger.xlsx", r(u.page(rules.ParticipantsRO, u.ledgerFile)))
	rect := ws + "/rectifications/:item"
	app.Get(rect, r(u.page(rules.ParticipantsRO, u.rectItem)))
	app.Post(rect+"/progress", u.maxBody(evidenceLimit), r(u.page(rules.Participants, u.rectProgress(false))))
	app.Post(rect+"/closure", u.maxBody(evidenceLimit), r(u.page(rules.Participants, u.rectProgress(true))))
	app.Post(rect+"/verification", u.maxBody(actionLimit), r(u.page(rules.Participants, u.rectVerify)))
	app.Get(rect+"/evidence/:sha", r(u.page(rules.ParticipantsRO, u.rectEvidence)))

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
	svc   *service.Service
	db    *gorm.DB
	log   *slog.Logger
	cfg   Config
	pages pageSet
	kit   *httpkit.Kit
}

func (u *ui) now() time.Time {
	if u.svc != nil && u.svc.Now != nil {
		return u.svc.Now().UTC()
	}
	return time.Now().UTC()
}
