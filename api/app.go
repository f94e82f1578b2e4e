// Package api is lawcycle's HTTP interface: the JSON API under /api/v1
// (SPEC §7), health and metrics endpoints.
package api

import (
	"log/slog"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/helmet"
	"github.com/gofiber/fiber/v2/middleware/recover"
	"github.com/prometheus/client_golang/prometheus"
	"go.temporal.io/sdk/client"
	"gorm.io/gorm"

	"github.com/lawcycle/lawcycle/models"
	"github.com/lawcycle/lawcycle/service"
)

// Deps are what the API needs.
type Deps struct {
	Service  *service.Service
	DB       *gorm.DB
	Temporal client.Client
	Logger   *slog.Logger
	// Registry receives the HTTP metrics; nil creates a private one.
	Registry *prometheus.Registry
	// LoginsPerMinute limits POST /api/v1/tokens per client address;
	// 0 means DefaultLoginsPerMinute.
	LoginsPerMinute int
}

// DefaultLoginsPerMinute is generous for people behind one office NAT and
// still far too slow for guessing passwords.
const DefaultLoginsPerMinute = 30

// bodyLimit caps request bodies. JSON bodies are small; a cycle with
// 20,000 bureau codes is the largest legitimate one (about 400 KB).
const bodyLimit = 4 << 20

// New builds the Fiber app with every route.
func New(d Deps) *fiber.App {
	if d.Registry == nil {
		d.Registry = prometheus.NewRegistry()
	}
	app := fiber.New(fiber.Config{
		AppName:               "lawcycle",
		ErrorHandler:          errorHandler(d.Logger, newDenials(d.DB, d.Logger)),
		BodyLimit:             bodyLimit,
		ReadTimeout:           60 * time.Second,
		WriteTimeout:          120 * time.Second,
		IdleTimeout:           120 * time.Second,
		DisableStartupMessage: true,
	})
	if d.LoginsPerMinute == 0 {
		d.LoginsPerMinute = DefaultLoginsPerMinute
	}
	app.Use(requestID())
	// Security headers (nosniff, frame denial, a strict referrer policy
	// and content security policy) on every answer.
	app.Use(helmet.New(helmet.Config{
		ContentSecurityPolicy: "default-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
		ReferrerPolicy:        "same-origin",
	}))
	app.Use(recover.New(recover.Config{EnableStackTrace: true, StackTraceHandler: logPanic(d.Logger)}))
	app.Use(accessLog(d.Logger))
	app.Use(newMetrics(d.Registry).middleware())

	h := &handlers{svc: d.Service, db: d.DB, temporal: d.Temporal, log: d.Logger}
	app.Get("/healthz", h.healthz)
	app.Get("/readyz", h.readyz)
	app.Get("/metrics", metricsHandler(d.Registry))

	v1 := app.Group("/api/v1")
	// Public routes: the only ones reachable without a token.
	v1.Get("/openapi.json", h.openAPI)
	v1.Post("/tokens", loginLimiter(d.LoginsPerMinute), h.createToken)

	// Every other route authenticates first, then checks the role. The
	// check is attached per route, not to the /api/v1 prefix, so a public
	// route added later is not silently put behind a token.
	auth := authenticate(d.Service)
	office := []fiber.Handler{auth, requireRole(models.RolePlatformAdmin, models.RoleAdmin)}
	officeRead := []fiber.Handler{auth, requireRole(models.RolePlatformAdmin, models.RoleAdmin, models.RoleReviewer)}
	with := func(guard []fiber.Handler, h fiber.Handler) []fiber.Handler {
		return append(append([]fiber.Handler{}, guard...), h)
	}

	v1.Get("/tokens", auth, h.listTokens)
	v1.Delete("/tokens/:id", auth, h.revokeToken)

	v1.Get("/audit", with(office, h.listAudit)...)
	v1.Get("/audit/export", with(office, h.exportAudit)...)

	v1.Post("/orgs", with(office, h.createOrgs)...)
	v1.Get("/orgs", with(officeRead, h.listOrgs)...)
	v1.Get("/orgs/:code", with(officeRead, h.getOrg)...)
	v1.Post("/users", with(office, h.createUser)...)

	v1.Post("/cycles", with(office, h.createCycle)...)
	v1.Get("/cycles", with(officeRead, h.listCycles)...)
	v1.Get("/cycles/:id", with(officeRead, h.getCycle)...)
	v1.Get("/cycles/:id/notice", with(officeRead, h.getNotice)...)
	v1.Get("/cycles/:id/bureaus", with(officeRead, h.listBureaus)...)
	v1.Post("/cycles/:id/launch", with(office, h.launchCycle)...)

	app.Use(func(c *fiber.Ctx) error { return fiber.ErrNotFound })
	return app
}

type handlers struct {
	svc      *service.Service
	db       *gorm.DB
	temporal client.Client
	log      *slog.Logger
}
