package api_test

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"testing"

	"github.com/lawcycle/lawcycle/api"
	"github.com/lawcycle/lawcycle/internal/bench"
	"github.com/lawcycle/lawcycle/internal/testdb"
	"github.com/lawcycle/lawcycle/service"
)

// BenchmarkGetCycle is GET /api/v1/cycles/{id} through the whole app (auth, GORM,
// Fiber) on a 10,000-bureau cycle; BenchmarkBaselineCycle is the same SQL
// through a bare database/sql pool and net/http.
func BenchmarkGetCycle(b *testing.B) {
	db := testdb.SQLite(b)
	id, err := bench.SeedReadModel(context.Background(), db, 10000)
	if err != nil {
		b.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	app := api.New(api.Deps{Service: &service.Service{DB: db, Logger: log}, DB: db, Logger: log})
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		req := httptest.NewRequest("GET", "/api/v1/cycles/"+id, nil)
		req.Header.Set("Authorization", "Bearer lc_bench_token_0123456789abcdef")
		resp, err := app.Test(req, -1)
		if err != nil || resp.StatusCode != 200 {
			b.Fatal(err, resp.StatusCode)
		}
		resp.Body.Close()
	}
}

func BenchmarkBaselineCycle(b *testing.B) {
	path := b.TempDir() + "/lawcycle.db"
	db := testdb.Open(b, path)
	id, err := bench.SeedReadModel(context.Background(), db, 10000)
	if err != nil {
		b.Fatal(err)
	}
	base, err := bench.OpenBaseline(path, "")
	if err != nil {
		b.Fatal(err)
	}
	h := base.Handler()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", "/cycles/"+id, nil))
		if rec.Code != 200 {
			b.Fatal(rec.Code)
		}
	}
}
