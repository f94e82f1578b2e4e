// Package api is lawcycle's HTTP interface: the JSON API under /api/v1
// (docs/api.md), health and metrics endpoints.
package api

import (
	"fmt"
	"log/slog"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/recover"
	"github.com/prometheus/client_golang/prometheus"
	"go.temporal.io/sdk/client"
	"gorm.io/gorm"

	"github.com/lawcycle/lawcycle/internal/apperr"
	"github.com/lawcycle/lawcycle/internal/httpkit"
	"github.com/lawcycle/lawcycle/rules"
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
	// Kit is the process's shared HTTP toolkit (the record of refused
	// requests, the login limiter); nil makes one for this app alone.
	Kit *httpkit.Kit
	// LoginsPerMinute limits logins per client address when Kit is nil;
	// 0 means httpkit.DefaultLoginsPerMinute.
	LoginsPerMinute int
	// RequestTimeout bounds each request's work; 0 means
	// httpkit.DefaultRequestTimeout.
	RequestTimeout time.Duration
	// Mount adds routes beside the API's, before the final not-found
	// answer: cmd/lawcycle mounts the web UI (package web) here, so the
	// API does not depend on it.
	Mount []func(*fiber.App) error
}

// jsonBodyLimit caps JSON bodies: a cycle with 20,000 bureau codes is the
// largest legitimate one (about 400 KB). Upload routes allow more.
const jsonBodyLimit = 4 << 20

// New builds the Fiber app with every route.
func New(d Deps) *fiber.App {
	if d.Registry == nil {
		d.Registry = prometheus.NewRegistry()
	}
	if d.Kit == nil {
		d.Kit = httpkit.NewKit(d.DB, d.Logger, d.LoginsPerMinute)
	}
	app := fiber.New(fiber.Config{
		AppName:      "lawcycle",
		ErrorHandler: errorHandler(d.Logger, d.Kit.Denials),
		// The server-wide cap is the largest route's; every route then
		// applies its own (httpkit.MaxBody), small unless it takes uploads.
		BodyLimit:             uploadLimit,
		ReadTimeout:           60 * time.Second,
		WriteTimeout:          120 * time.Second,
		IdleTimeout:           120 * time.Second,
		DisableStartupMessage: true,
	})
	if d.RequestTimeout == 0 {
		d.RequestTimeout = httpkit.DefaultRequestTimeout
	}
	app.Use(httpkit.RequestContext(d.RequestTimeout))
	app.Use(httpkit.RequestID(service.WithRequestID))
	app.Use(httpkit.SecurityHeaders())
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
	v1.Post("/tokens", maxBody(jsonBodyLimit), d.Kit.Logins.Guard(loginLimited), h.createToken)
	// Published reports (docs/domain.md#public-reports): what anyone may read.
	v1.Get("/public/reports", maxBody(jsonBodyLimit), h.publicReports)
	v1.Get("/public/reports/:cycle/:org/report", maxBody(jsonBodyLimit), h.publicReportFile)

	// Every other route authenticates first, then checks the role. The
	// check is attached per route, not to the /api/v1 prefix, so a public
	// route added later is not silently put behind a token.
	auth := authenticate(d.Service)
	office := []fiber.Handler{auth, requireRole(rules.OfficeAdmins...)}
	officeRead := []fiber.Handler{auth, requireRole(rules.OfficeStaff...)}
	// Every route states its body limit: JSON routes small, upload routes
	// large enough for a return and its report.
	limited := func(limit int, guard []fiber.Handler, h fiber.Handler) []fiber.Handler {
		return append(append([]fiber.Handler{maxBody(limit)}, guard...), h)
	}
	with := func(guard []fiber.Handler, h fiber.Handler) []fiber.Handler {
		return limited(jsonBodyLimit, guard, h)
	}

	v1.Get("/tokens", with([]fiber.Handler{auth}, h.listTokens)...)
	v1.Delete("/tokens/:id", with([]fiber.Handler{auth}, h.revokeToken)...)

	// The caller's own notifications (package notify), whatever the role.
	v1.Get("/inbox", with([]fiber.Handler{auth}, h.listInbox)...)
	v1.Post("/inbox/:id/read", with([]fiber.Handler{auth}, h.markInboxRead)...)

	v1.Get("/audit", with(office, h.listAudit)...)
	v1.Get("/audit/export", with(office, h.exportAudit)...)

	v1.Post("/orgs", with(office, h.createOrgs)...)
	v1.Get("/orgs", with(officeRead, h.listOrgs)...)
	v1.Get("/orgs/:code", with(officeRead, h.getOrg)...)
	v1.Post("/users", with(office, h.createUser)...)

	v1.Get("/catalogues", with(officeRead, h.listCatalogues)...)
	v1.Get("/catalogues/:part/:version", with(officeRead, h.getCatalogue)...)
	v1.Post("/catalogues", with(office, h.uploadCatalogue)...)

	// The working-day calendar: everyone reads (the service picks whose
	// office); office admins change their office's days; loading a year's
	// official arrangement serves every office, so it is the platform's.
	v1.Get("/calendar/:year", with([]fiber.Handler{auth}, h.getCalendar)...)
	v1.Put("/calendar/days/:date", with(office, h.setCalendarDay)...)
	v1.Delete("/calendar/days/:date", with(office, h.deleteCalendarDay)...)
	v1.Post("/calendar/years/:year", with([]fiber.Handler{auth, requireRole(rules.RolePlatformAdmin)}, h.loadCalendarYear)...)

	v1.Post("/cycles", with(office, h.createCycle)...)
	// Cycle reads are also open to viewers; the service shows them only
	// the cycles they were granted.
	cycleRead := []fiber.Handler{auth, requireRole(rules.CycleReaders...)}
	v1.Get("/cycles", with(cycleRead, h.listCycles)...)
	v1.Get("/cycles/:id", with(cycleRead, h.getCycle)...)
	v1.Get("/cycles/:id/notice", with(cycleRead, h.getNotice)...)
	v1.Get("/cycles/:id/bureaus", with(cycleRead, h.listBureaus)...)
	v1.Post("/cycles/:id/viewers", with(office, h.grantViewer)...)
	v1.Get("/cycles/:id/viewers", with(office, h.listViewers)...)
	v1.Delete("/cycles/:id/viewers/:username", with(office, h.revokeViewer)...)
	v1.Post("/cycles/:id/launch", with(office, h.launchCycle)...)
	v1.Post("/cycles/:id/extend", with(office, postCycle(h.svc.ExtendCycle))...)
	v1.Post("/cycles/:id/close", with(office, postCycle(h.svc.CloseCycle))...)
	v1.Get("/cycles/:id/milestones", with(cycleRead, readCycle(h.svc.Milestones))...)

	// Per-bureau routes: the bureau itself and its office. Which of them
	// may do what, and for which organisation, is decided in the service.
	participant := []fiber.Handler{auth, requireRole(rules.Participants...)}
	participantRead := []fiber.Handler{auth, requireRole(rules.ParticipantsRO...)}
	bureau := "/cycles/:id/bureaus/:org"
	v1.Get(bureau+"/template", with(participantRead, h.downloadTemplate)...)
	v1.Post(bureau+"/submissions", limited(uploadLimit, participant, h.submitReturn)...)
	v1.Post(bureau+"/checks", limited(uploadLimit, participant, h.checkReturn)...)
	v1.Get(bureau+"/submissions", with(participantRead, h.listSubmissions)...)
	v1.Get(bureau+"/submissions/:version", with(participantRead, h.getSubmission)...)
	v1.Get(bureau+"/submissions/:version/file", with(participantRead, h.submissionFile("file"))...)
	v1.Get(bureau+"/submissions/:version/report", with(participantRead, h.submissionFile("report"))...)
	v1.Get(bureau+"/submissions/:version/annotated", with(participantRead, h.annotatedSubmission)...)
	v1.Get(bureau+"/submissions/:version/changes", with(participantRead, h.submissionChanges)...)
	v1.Get(bureau+"/status", with(participantRead, readBureau(h.svc.BureauStatus))...)
	// Reviews are the office's; a bureau reads its own.
	v1.Post(bureau+"/reviews", with(officeRead, postBureau(fiber.StatusCreated, h.svc.Review))...)
	v1.Get(bureau+"/reviews", with(participantRead, readBureau(h.svc.ListReviews))...)
	// A bureau asks for more time, an office admin grants it or decides
	// the bureau's request.
	v1.Post(bureau+"/extensions", with(participant, postBureau(fiber.StatusCreated, h.svc.Extend))...)
	v1.Get(bureau+"/extensions", with(participantRead, readBureau(h.svc.ListExtensions))...)
	v1.Post(bureau+"/extensions/:ext_id/decision", with(office, h.decideExtension)...)
	v1.Post(bureau+"/publication", with(participant, postBureau(fiber.StatusCreated, h.svc.Publish))...)
	v1.Get(bureau+"/publication", with(participantRead, readBureau(h.svc.GetPublication))...)

	// The rectification ledger (整改台账). The cycle's ledger is read by
	// its office and viewers, and by each bureau for its own items; the
	// office adds items and verifies closure requests; the bureau reports
	// progress (an office admin may for it) and alone asks for closure.
	// A bureau reaches the office's actions so that the service can tell
	// it why not.
	v1.Get("/cycles/:id/rectifications", with(participantRead, h.listRectifications)...)
	v1.Get("/cycles/:id/ledger.xlsx", with(participantRead, h.ledger)...)
	rect := bureau + "/rectifications"
	v1.Post(rect, with(participant, postBureau(fiber.StatusCreated, h.svc.CreateRectification))...)
	v1.Get(rect+"/:item", with(participantRead, h.getRectification)...)
	v1.Post(rect+"/:item/progress", limited(evidenceLimit, participant, h.rectProgress(false))...)
	v1.Post(rect+"/:item/closure", limited(evidenceLimit, participant, h.rectProgress(true))...)
	v1.Post(rect+"/:item/verification", with(participant, h.verifyRectification)...)
	v1.Get(rect+"/:item/evidence/:sha", with(participantRead, h.rectEvidence)...)

	// What the caller mounts beside the API (the web UI, outside /api/v1).
	for _, mount := range d.Mount {
		if err := mount(app); err != nil {
			panic(fmt.Sprintf("mount routes beside the API: %v", err))
		}
	}

	app.Use(func(c *fiber.Ctx) error { return fiber.ErrNotFound })
	return app
}

// maxBody refuses a body larger than limit; the error handler answers.
func maxBody(limit int) fiber.Handler {
	return httpkit.MaxBody(limit, func(_ *fiber.Ctx, err error) error { return err })
}

func loginLimited(*fiber.Ctx) error {
	return apperr.TooManyRequests("登录请求过于频繁，请一分钟后再试")
}

type handlers struct {
	svc      *service.Service
	db       *gorm.DB
	temporal client.Client
	log      *slog.Logger
}
