package e2e

import (
	"fmt"
	"net/http"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/lawcycle/lawcycle/catalogue"
	"github.com/lawcycle/lawcycle/internal/apitest"
	"github.com/lawcycle/lawcycle/internal/returntest"
	"github.com/lawcycle/lawcycle/internal/testdb"
)

// TestMeasureUploadLatency measures the end-to-end upload (HTTP → parse →
// store → Update → 201) against the same upload through /checks (HTTP →
// parse, no Temporal), on the embedded server. It runs only when asked:
//
//	LAWCYCLE_BENCH_UPLOADS=200 go test ./e2e -run TestMeasureUploadLatency -v
func TestMeasureUploadLatency(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("LAWCYCLE_BENCH_UPLOADS"))
	if n <= 0 {
		t.Skip("set LAWCYCLE_BENCH_UPLOADS to the number of uploads to time")
	}
	s := newStack(t, testdb.SQLite(t))
	codes := s.seed("fzb", n)
	id := s.createCycle("fzb", codes)
	r := s.api.Do("POST", "/api/v1/cycles/"+id+"/launch", nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	waitFor(t, 5*time.Minute, "bureaus awaiting submission", func() bool {
		return s.cycle(id).Progress["awaiting_submission"] == int64(n)
	})
	cat, err := catalogue.Builtin().ComposeFor("")
	require.NoError(t, err)
	files := make([][]byte, n)
	for i, code := range codes {
		r := s.api.Do("GET", "/api/v1/cycles/"+id+"/bureaus/"+code+"/template", nil)
		require.Equal(t, http.StatusOK, r.Status)
		files[i], err = returntest.Fill(r.Body, returntest.Filled{Values: returntest.Plausible(cat), Info: returntest.Info})
		require.NoError(t, err)
	}
	timeAll := func(route string, want int) []time.Duration {
		out := make([]time.Duration, n)
		for i, code := range codes {
			start := time.Now()
			r := s.api.Upload("POST", "/api/v1/cycles/"+id+"/bureaus/"+code+route, apitest.Multipart{{Field: "file", Name: "报表.xlsx", Data: files[i]}})
			out[i] = time.Since(start)
			require.Equal(t, want, r.Status, string(r.Body))
		}
		slices.Sort(out)
		return out
	}
	check := timeAll("/checks", http.StatusOK)
	submit := timeAll("/submissions", http.StatusCreated)
	q := func(d []time.Duration, p float64) time.Duration { return d[int(float64(len(d)-1)*p)] }
	report := fmt.Sprintf("uploads=%d file=%d bytes\n  check (baseline): median %v p95 %v\n  submit:           median %v p95 %v\n  ratio submit/check: median %.2f p95 %.2f\n",
		n, len(files[0]), q(check, .5), q(check, .95), q(submit, .5), q(submit, .95),
		float64(q(submit, .5))/float64(q(check, .5)), float64(q(submit, .95))/float64(q(check, .95)))
	t.Log("\n" + report)
}
