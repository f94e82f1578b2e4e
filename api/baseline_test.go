package api_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/lawcycle/lawcycle/api"
	"github.com/lawcycle/lawcycle/internal/bench"
	"github.com/lawcycle/lawcycle/internal/testdb"
	"github.com/lawcycle/lawcycle/service"
)

// The read benchmark (lawcycle-bench reads) sets lawcycle against a
// baseline said to run the same SQL: the comparison means something only
// if both answer the same, behind either of the baseline's servers.
func TestBaselineAnswersAsLawcycleDoes(t *testing.T) {
	t.Parallel()
	targets := map[string]func(t *testing.T) (*gorm.DB, string){
		"sqlite": func(t *testing.T) (*gorm.DB, string) {
			path := t.TempDir() + "/lawcycle.db"
			return testdb.Open(t, path), path
		},
		"postgres": func(t *testing.T) (*gorm.DB, string) { return testdb.PostgresSchema(t) },
	}
	for name, open := range targets {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			db, databaseURL := open(t)
			id, err := bench.SeedReadModel(t.Context(), db, 30)
			require.NoError(t, err)
			log := slog.New(slog.NewTextHandler(io.Discard, nil))
			app := api.New(api.Deps{Service: &service.Service{DB: db, Logger: log}, DB: db, Logger: log})
			base, err := bench.OpenBaseline(databaseURL, "")
			require.NoError(t, err)
			t.Cleanup(func() { _ = base.Close() })

			lawcycle := func(path string) any {
				req := httptest.NewRequest("GET", "/api/v1"+path, nil)
				req.Header.Set("Authorization", "Bearer lc_bench_token_0123456789abcdef")
				resp, err := app.Test(req, -1)
				require.NoError(t, err)
				defer resp.Body.Close()
				require.Equal(t, http.StatusOK, resp.StatusCode)
				var v any
				require.NoError(t, json.NewDecoder(resp.Body).Decode(&v))
				return v
			}
			for transport, serve := range map[string]func(net.Listener) error{"nethttp": base.Serve, "fiber": base.ServeFiber} {
				ln, err := net.Listen("tcp", "127.0.0.1:0")
				require.NoError(t, err)
				t.Cleanup(func() { _ = ln.Close() })
				go func() { _ = serve(ln) }()
				for _, path := range []string{"/cycles/" + id, "/cycles/" + id + "/bureaus"} {
					resp, err := http.Get("http://" + ln.Addr().String() + path)
					require.NoError(t, err)
					var v any
					require.NoError(t, json.NewDecoder(resp.Body).Decode(&v))
					resp.Body.Close()
					require.Equal(t, http.StatusOK, resp.StatusCode, transport+" "+path)
					require.Equal(t, lawcycle(path), v, transport+" "+path)
				}
			}
		})
	}
}
