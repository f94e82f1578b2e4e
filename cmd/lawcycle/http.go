package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/prometheus/client_golang/prometheus"
	"go.temporal.io/sdk/client"
	"gorm.io/gorm"

	"github.com/lawcycle/lawcycle/api"
	"github.com/lawcycle/lawcycle/internal/httpkit"
	"github.com/lawcycle/lawcycle/service"
	"github.com/lawcycle/lawcycle/web"
)

// listenHTTP binds the address first, so the banner can show the real
// port (":0" in tests) and a busy port fails before anything else starts.
func listenHTTP(addr string) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen on %s (LAWCYCLE_HTTP_ADDR): %w", addr, err)
	}
	return ln, nil
}

// serveHTTP serves until ctx ends, then drains in-flight requests.
func serveHTTP(ctx context.Context, ln net.Listener, svc *service.Service, db *gorm.DB, c client.Client, log *slog.Logger) error {
	// One toolkit for the process: the API and the web UI share the record
	// of refused requests and the login limiter.
	kit := httpkit.NewKit(db, log, 0)
	ui := web.Mount(web.Deps{Service: svc, DB: db, Logger: log, Kit: kit,
		Config: web.Config{InsecureCookies: plainHTTPHost(ln.Addr())}})
	app := api.New(api.Deps{Service: svc, DB: db, Temporal: c, Logger: log, Registry: prometheus.NewRegistry(),
		Kit: kit, Mount: []func(*fiber.App) error{ui}})
	errc := make(chan error, 1)
	go func() { errc <- app.Listener(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve http: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down http server")
	if err := app.ShutdownWithTimeout(15 * time.Second); err != nil {
		return fmt.Errorf("shut down http: %w", err)
	}
	return nil
}

// httpURL turns a listener address into a URL a person can open.
func httpURL(addr net.Addr) string {
	tcp, ok := addr.(*net.TCPAddr)
	if !ok {
		return "http://" + addr.String()
	}
	host := tcp.IP.String()
	if tcp.IP.IsUnspecified() {
		host = "localhost"
	}
	return fmt.Sprintf("http://%s", net.JoinHostPort(host, fmt.Sprint(tcp.Port)))
}

// plainHTTPHost reports whether the server listens on one specific host
// other than loopback: lawcycle serves plain http, so browsers reaching it
// there would drop Secure cookies. Listening on every address (the
// default ":8080", as behind a TLS-terminating proxy) or on loopback keeps
// cookies Secure; browsers accept those from http://localhost.
func plainHTTPHost(addr net.Addr) bool {
	tcp, ok := addr.(*net.TCPAddr)
	if !ok {
		return false
	}
	return !tcp.IP.IsUnspecified() && !tcp.IP.IsLoopback()
}
