package bench

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"time"

	"github.com/lawcycle/lawcycle/internal/proc"
	"github.com/lawcycle/lawcycle/internal/store"
)

// ReadResult compares one endpoint of lawcycle with the baseline.
type ReadResult struct {
	Engine   string
	Endpoint string
	API      LoadResult
	Baseline LoadResult
}

// ThroughputRatio is lawcycle's throughput over the baseline's.
func (r ReadResult) ThroughputRatio() float64 { return r.API.RPS() / r.Baseline.RPS() }

// P99Ratio is lawcycle's p99 latency over the baseline's.
func (r ReadResult) P99Ratio() float64 { return r.API.P99.Seconds() / r.Baseline.P99.Seconds() }

var baselinePattern = regexp.MustCompile(`baseline listening on (http://[0-9.:]+)`)

// ReadOptions configure RunReads.
type ReadOptions struct {
	Bin, SelfBin string
	Bureaus      int
	// DatabaseURL selects PostgreSQL (a fresh schema is made in it);
	// empty means SQLite under a temporary data dir.
	DatabaseURL string
	Concurrency int
	Duration    time.Duration
	Rounds      int
	// Topology is "dev" (one process with embedded Temporal and worker) or
	// "server" (`lawcycle server` alone, Temporal in its own process).
	Topology string
	// BaselineTransport is the baseline's HTTP server: "nethttp" (the
	// default) or "fiber".
	BaselineTransport string
}

// RunReads seeds an n-bureau cycle, starts `bin dev` and the baseline
// server as separate processes on the same database, and loads both from
// this process, alternating lawcycle and baseline, round after round.
func RunReads(ctx context.Context, o ReadOptions, log io.Writer) ([]ReadResult, error) {
	dir, err := os.MkdirTemp("", "lawcycle-bench-read-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	dataDir := filepath.Join(dir, "data")
	engine := "sqlite"
	databaseURL := o.DatabaseURL
	if databaseURL != "" {
		engine = "postgres"
		url, drop, err := freshSchema(ctx, databaseURL)
		if err != nil {
			return nil, err
		}
		defer drop()
		databaseURL = url
	}
	target, err := store.Resolve(databaseURL, dataDir)
	if err != nil {
		return nil, err
	}
	db, err := store.Open(ctx, target, store.Options{})
	if err != nil {
		return nil, err
	}
	id, err := SeedReadModel(ctx, db, o.Bureaus)
	_ = store.Close(db)
	if err != nil {
		return nil, fmt.Errorf("seed: %w", err)
	}

	apiBase, stop, err := startAPI(o, databaseURL, dataDir)
	if err != nil {
		return nil, err
	}
	defer stop()
	base, err := proc.Start(os.Environ(), o.SelfBin, "baseline-server", "--database-url", databaseURL, "--data", dataDir,
		"--transport", cmp.Or(o.BaselineTransport, "nethttp"))
	if err != nil {
		return nil, err
	}
	defer base.Stop()
	baseURL, err := base.Wait(baselinePattern, time.Minute)
	if err != nil {
		return nil, err
	}

	auth := http.Header{"Authorization": {"Bearer " + benchToken}}
	endpoints := []struct{ name, api, base string }{
		{"GET /api/v1/cycles/{id}", apiBase + "/api/v1/cycles/" + id, baseURL + "/cycles/" + id},
		{"GET /api/v1/cycles/{id}/bureaus", apiBase + "/api/v1/cycles/" + id + "/bureaus", baseURL + "/cycles/" + id + "/bureaus"},
	}
	var out []ReadResult
	for _, ep := range endpoints {
		res := ReadResult{Engine: engine + " (" + o.Topology + ")", Endpoint: ep.name}
		if o.BaselineTransport == "fiber" {
			res.Engine += ", baseline behind Fiber"
		}
		for round := range o.Rounds {
			a := Load(ctx, ep.api, auth, o.Concurrency, o.Duration)
			b := Load(ctx, ep.base, nil, o.Concurrency, o.Duration)
			fmt.Fprintf(log, "  %s %s round %d\n    lawcycle %s\n    baseline %s\n", engine, ep.name, round+1, a, b)
			if a.Errors > 0 || b.Errors > 0 || a.Requests == 0 || b.Requests == 0 {
				return nil, fmt.Errorf("%s: errors under load (lawcycle %d, baseline %d)", ep.name, a.Errors, b.Errors)
			}
			res.API = merge(res.API, a)
			res.Baseline = merge(res.Baseline, b)
		}
		out = append(out, res)
	}
	return out, nil
}

var (
	temporalPattern2 = regexp.MustCompile(`temporal listening on ([0-9.]+:\d+)`)
	serverPattern    = regexp.MustCompile(`lawcycle server listening.*url=(http://[0-9.:]+)`)
)

// startAPI starts lawcycle's HTTP side in the chosen topology and returns
// its base URL.
func startAPI(o ReadOptions, databaseURL, dataDir string) (string, func(), error) {
	env := append(os.Environ(), "LAWCYCLE_HTTP_ADDR=127.0.0.1:0", "LAWCYCLE_LOG_LEVEL=warn")
	if databaseURL != "" {
		env = append(env, "DATABASE_URL="+databaseURL)
	}
	if o.Topology != "server" {
		dev, err := proc.Start(env, o.Bin, "dev", "--data", dataDir, "--temporal-port", "0")
		if err != nil {
			return "", nil, err
		}
		base, err := dev.Wait(apiPattern, 2*time.Minute)
		if err != nil {
			dev.Stop()
			return "", nil, err
		}
		return base, dev.Stop, nil
	}
	temporal, err := proc.Start(os.Environ(), o.Bin, "temporal", "--data", dataDir, "--port", "0")
	if err != nil {
		return "", nil, err
	}
	addr, err := temporal.Wait(temporalPattern2, 2*time.Minute)
	if err != nil {
		temporal.Stop()
		return "", nil, err
	}
	if databaseURL == "" {
		env = append(env, "DATABASE_URL="+filepath.Join(dataDir, "lawcycle.db"))
	}
	// info level: the readiness line is logged at info.
	server, err := proc.Start(append(env, "TEMPORAL_ADDRESS="+addr, "LAWCYCLE_LOG_LEVEL=info"), o.Bin, "server")
	if err != nil {
		temporal.Stop()
		return "", nil, err
	}
	base, err := server.Wait(serverPattern, time.Minute)
	stop := func() { server.Stop(); temporal.Stop() }
	if err != nil {
		stop()
		return "", nil, err
	}
	return base, stop, nil
}

// merge sums counts and keeps the worse latencies of two rounds.
func merge(a, b LoadResult) LoadResult {
	return LoadResult{
		Requests: a.Requests + b.Requests, Errors: a.Errors + b.Errors, Elapsed: a.Elapsed + b.Elapsed,
		Bytes: a.Bytes + b.Bytes, P50: max(a.P50, b.P50), P99: max(a.P99, b.P99),
	}
}

// freshSchema makes an empty schema on the server and returns a URL bound to it.
func freshSchema(ctx context.Context, databaseURL string) (string, func(), error) {
	target, err := store.Resolve(databaseURL, "")
	if err != nil {
		return "", nil, err
	}
	admin, err := store.Open(ctx, target, store.Options{MaxOpenConns: 1})
	if err != nil {
		return "", nil, err
	}
	schema := fmt.Sprintf("lcbench_%d", time.Now().UnixNano())
	if err := admin.Exec("CREATE SCHEMA " + schema).Error; err != nil {
		_ = store.Close(admin)
		return "", nil, err
	}
	drop := func() {
		_ = admin.Exec("DROP SCHEMA " + schema + " CASCADE").Error
		_ = store.Close(admin)
	}
	sep := "?"
	if regexp.MustCompile(`\?`).MatchString(databaseURL) {
		sep = "&"
	}
	return databaseURL + sep + "search_path=" + schema, drop, nil
}
