package api

import (
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/adaptor"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

type metrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

func newMetrics(reg *prometheus.Registry) *metrics {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "lawcycle_http_requests_total", Help: "HTTP requests by route pattern and status.",
		}, []string{"method", "route", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "lawcycle_http_request_duration_seconds", Help: "HTTP request latency by route pattern.",
			Buckets: prometheus.DefBuckets,
		}, []string{"method", "route"}),
	}
	// Registration fails only when a collector is registered twice, as
	// when several apps share one registry in tests; keep the first.
	_ = reg.Register(m.requests)
	_ = reg.Register(m.duration)
	_ = reg.Register(collectors.NewGoCollector())
	_ = reg.Register(collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// middleware labels by route pattern (/api/v1/cycles/:id), never by raw
// path, so label cardinality stays bounded.
func (m *metrics) middleware() fiber.Handler {
	return func(c *fiber.Ctx) error {
		start := time.Now()
		err := c.Next()
		status := c.Response().StatusCode()
		if err != nil {
			status = statusOf(err)
		}
		route := c.Route().Path
		m.requests.WithLabelValues(c.Method(), route, strconv.Itoa(status)).Inc()
		m.duration.WithLabelValues(c.Method(), route).Observe(time.Since(start).Seconds())
		return err
	}
}

func metricsHandler(reg *prometheus.Registry) fiber.Handler {
	return adaptor.HTTPHandler(promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
}
