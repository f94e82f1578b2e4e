package httpkit_test

import (
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"
	"github.com/stretchr/testify/require"

	"github.com/lawcycle/lawcycle/internal/httpkit"
)

// One limiter counts logins from an address over both login routes: an
// attacker gets the limit once, not once per route.
func TestLoginLimitIsSharedByEveryLoginRoute(t *testing.T) {
	kit := httpkit.NewKit(nil, nil, 3)
	app := fiber.New()
	limited := func(c *fiber.Ctx) error { return c.SendStatus(fiber.StatusTooManyRequests) }
	ok := func(c *fiber.Ctx) error { return c.SendStatus(fiber.StatusNoContent) }
	app.Post("/api/v1/tokens", kit.Logins.Guard(limited), ok)
	app.Post("/login", kit.Logins.Guard(limited), ok)
	var statuses []int
	var retry string
	for _, path := range []string{"/api/v1/tokens", "/login", "/api/v1/tokens", "/login", "/api/v1/tokens"} {
		res, err := app.Test(httptest.NewRequest(fiber.MethodPost, path, nil))
		require.NoError(t, err)
		statuses = append(statuses, res.StatusCode)
		retry = res.Header.Get(fiber.HeaderRetryAfter)
	}
	require.Equal(t, []int{204, 204, 204, 429, 429}, statuses)
	secs, err := strconv.Atoi(retry)
	require.NoError(t, err, "a refused login says when to try again")
	require.True(t, secs >= 1 && secs <= 60, "Retry-After %d", secs)
}

// The body limit refuses on the declared length, before the handler reads
// anything, and the refusal goes to the caller's renderer.
func TestMaxBodyRefusesOnDeclaredLength(t *testing.T) {
	app := fiber.New()
	reached := false
	app.Post("/x", httpkit.MaxBody(10, func(c *fiber.Ctx, err error) error {
		return c.Status(fiber.StatusRequestEntityTooLarge).SendString(err.Error())
	}), func(c *fiber.Ctx) error { reached = true; return nil })
	res, err := app.Test(httptest.NewRequest(fiber.MethodPost, "/x", strings.NewReader(strings.Repeat("a", 11))))
	require.NoError(t, err)
	require.Equal(t, fiber.StatusRequestEntityTooLarge, res.StatusCode)
	require.False(t, reached)
}

// A caller's well-formed request id is kept and echoed; anything else is
// replaced, so the header cannot pollute logs.
func TestRequestID(t *testing.T) {
	app := fiber.New()
	app.Use(httpkit.RequestID(nil))
	var seen []string
	app.Get("/", func(c *fiber.Ctx) error { seen = append(seen, httpkit.RequestIDOf(c)); return nil })
	for _, id := range []string{"client-id-0001", "bad id\nwith newline", ""} {
		req := httptest.NewRequest(fiber.MethodGet, "/", nil)
		if id != "" {
			req.Header.Set(httpkit.HeaderRequestID, strings.ReplaceAll(id, "\n", " "))
		}
		res, err := app.Test(req)
		require.NoError(t, err)
		require.Equal(t, seen[len(seen)-1], res.Header.Get(httpkit.HeaderRequestID))
	}
	require.Equal(t, "client-id-0001", seen[0])
	require.Len(t, seen[1], 24)
	require.NotEqual(t, seen[1], seen[2])
}

// A second RequestID middleware (the web UI's, on the API's app) keeps the
// id the first gave: one id a request.
func TestRequestIDIsNamedOnce(t *testing.T) {
	app := fiber.New()
	app.Use(httpkit.RequestID(nil))
	var ids []string
	app.Use(func(c *fiber.Ctx) error { ids = append(ids, httpkit.RequestIDOf(c)); return c.Next() })
	app.Use(httpkit.RequestID(nil))
	app.Get("/", func(c *fiber.Ctx) error { ids = append(ids, httpkit.RequestIDOf(c)); return nil })
	res, err := app.Test(httptest.NewRequest(fiber.MethodGet, "/", nil))
	require.NoError(t, err)
	require.Len(t, ids, 2)
	require.Equal(t, ids[0], ids[1])
	require.Equal(t, ids[0], res.Header.Get(httpkit.HeaderRequestID))
}

func TestContentDispositionKeepsTheNameAndASCIIFallback(t *testing.T) {
	require.Equal(t, `attachment; filename="download.xlsx"; filename*=UTF-8''%E6%8A%A5%E8%A1%A8.xlsx`, httpkit.ContentDisposition("报表.xlsx"))
	require.Equal(t, `attachment; filename="download"; filename*=UTF-8''a%22%3B.x%20y`, httpkit.ContentDisposition(`a";.x y`))
}
