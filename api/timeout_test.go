package api_test

import (
	"io"
	"log/slog"
	"net/http"
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

// A request whose work outlives its deadline is cut off and answered with
// 503 and a Chinese message carrying its request id, not a 500, and
// leaves nothing behind.
func TestRequestPastItsDeadlineIsAnswered503(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		log := slog.New(slog.NewTextHandler(io.Discard, nil))
		svc := &service.Service{DB: db, Logger: log}
		_, err := svc.EnsureAdmin(t.Context(), "", adminToken)
		require.NoError(t, err)
		app := api.New(api.Deps{Service: svc, DB: db, Logger: log, RequestTimeout: time.Nanosecond})
		c := apitest.Client{T: t, App: app, Token: adminToken}
		orgs := count(t, db, &models.Organisation{})

		for _, req := range []struct{ method, path string }{{"GET", "/api/v1/cycles"}, {"POST", "/api/v1/orgs"}} {
			r := c.Do(req.method, req.path, []map[string]any{{"code": "fzb", "name": "某市法治办", "kind": "office"}})
			require.Equal(t, http.StatusServiceUnavailable, r.Status, string(r.Body))
			e := r.Err(t)
			require.Equal(t, "service_unavailable", e.Error.Code)
			require.Contains(t, e.Error.Message, "请求处理超时")
			require.Contains(t, e.Error.Message, e.Error.RequestID)
		}
		require.Equal(t, orgs, count(t, db, &models.Organisation{}))

		// Liveness does no work that can time out.
		require.Equal(t, http.StatusOK, c.Do("GET", "/healthz", nil).Status)
	})
}
