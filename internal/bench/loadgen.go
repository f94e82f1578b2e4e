// Package bench measures lawcycle against baselines run in the same
// process and the same minute, as BENCHMARKS.md reports: machines here are
// small and shared, so only ratios are meaningful.
package bench

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
	"time"
)

// LoadResult is one closed-loop load run.
type LoadResult struct {
	Requests int
	Errors   int
	Elapsed  time.Duration
	P50, P99 time.Duration
	Bytes    int64
}

// RPS is successful requests per second.
func (r LoadResult) RPS() float64 { return float64(r.Requests) / r.Elapsed.Seconds() }

func (r LoadResult) String() string {
	return fmt.Sprintf("%8.1f req/s  p50 %7.2fms  p99 %7.2fms  (%d requests, %d errors, %.0f KB/response)",
		r.RPS(), ms(r.P50), ms(r.P99), r.Requests, r.Errors, float64(r.Bytes)/float64(max(r.Requests, 1))/1024)
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// Load sends GET url from concurrency clients in a closed loop (each sends
// its next request when the previous one is answered) for d, after a
// warm-up of the same length/4 that is not counted.
func Load(ctx context.Context, url string, header http.Header, concurrency int, d time.Duration) LoadResult {
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: concurrency, MaxConnsPerHost: concurrency}}
	defer client.CloseIdleConnections()
	run := func(d time.Duration) LoadResult {
		var mu sync.Mutex
		var all []time.Duration
		res := LoadResult{}
		deadline := time.Now().Add(d)
		start := time.Now()
		var wg sync.WaitGroup
		for range concurrency {
			wg.Add(1)
			go func() {
				defer wg.Done()
				var lat []time.Duration
				var errs int
				var bytes int64
				for time.Now().Before(deadline) && ctx.Err() == nil {
					t0 := time.Now()
					n, err := get(ctx, client, url, header)
					if err != nil {
						errs++
						continue
					}
					lat = append(lat, time.Since(t0))
					bytes += n
				}
				mu.Lock()
				all = append(all, lat...)
				res.Errors += errs
				res.Bytes += bytes
				mu.Unlock()
			}()
		}
		wg.Wait()
		res.Elapsed = time.Since(start)
		res.Requests = len(all)
		slices.Sort(all)
		if len(all) > 0 {
			res.P50 = all[len(all)*50/100]
			res.P99 = all[min(len(all)-1, len(all)*99/100)]
		}
		return res
	}
	run(d / 4)
	return run(d)
}

func get(ctx context.Context, c *http.Client, url string, header http.Header) (int64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, err
	}
	req.Header = header.Clone()
	resp, err := c.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	n, err := io.Copy(io.Discard, resp.Body)
	if err != nil {
		return n, err
	}
	if resp.StatusCode != http.StatusOK {
		return n, fmt.Errorf("status %d", resp.StatusCode)
	}
	return n, nil
}
