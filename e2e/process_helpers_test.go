package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	lcproc "github.com/lawcycle/lawcycle/internal/proc"
)

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
	binDir    string
)

// lawcycleBinary builds cmd/lawcycle once per test binary.
func lawcycleBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		binDir, buildErr = os.MkdirTemp("", "lawcycle-e2e-bin-")
		if buildErr != nil {
			return
		}
		binPath = filepath.Join(binDir, "lawcycle")
		cmd := exec.Command("go", "build", "-o", binPath, "github.com/lawcycle/lawcycle/cmd/lawcycle")
		out, err := cmd.CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	require.NoError(t, buildErr)
	return binPath
}

// proc is a running lawcycle process, stopped when the test ends.
type proc struct {
	*lcproc.Proc
	t    *testing.T
	name string
}

// startProc runs the binary with args and an environment built from the
// test's own, minus lawcycle's variables, plus env.
func startProc(t *testing.T, name string, env []string, args ...string) *proc {
	t.Helper()
	var base []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if k == "DATABASE_URL" || k == "TEMPORAL_ADDRESS" || k == "TEMPORAL_NAMESPACE" || strings.HasPrefix(k, "LAWCYCLE_") {
			continue
		}
		base = append(base, kv)
	}
	p, err := lcproc.Start(append(base, env...), lawcycleBinary(t), args...)
	require.NoError(t, err)
	t.Cleanup(func() {
		p.Kill()
		if t.Failed() {
			t.Logf("--- output of %s ---\n%s", name, p.Output())
		}
	})
	return &proc{Proc: p, t: t, name: name}
}

// waitOutput waits until the output matches re and returns the last group.
func (p *proc) waitOutput(re *regexp.Regexp, timeout time.Duration) string {
	p.t.Helper()
	v, err := p.Wait(re, timeout)
	require.NoError(p.t, err, p.name)
	return v
}

// stop sends SIGINT and requires a clean exit.
func (p *proc) stop(timeout time.Duration) {
	p.t.Helper()
	require.NoError(p.t, p.Interrupt(timeout), "%s should exit cleanly on SIGINT", p.name)
}

// httpClient talks to a lawcycle process over real HTTP.
type httpClient struct {
	t     *testing.T
	base  string
	token string
}

func (c httpClient) do(method, path string, body any, out any) int {
	c.t.Helper()
	var rd io.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		require.NoError(c.t, err)
		rd = bytes.NewReader(raw)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	require.NoError(c.t, err)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(c.t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(c.t, err)
	if out != nil && resp.StatusCode < 300 {
		require.NoError(c.t, json.Unmarshal(b, out), string(b))
	}
	if resp.StatusCode >= 300 && out != nil {
		c.t.Logf("%s %s → %d %s", method, path, resp.StatusCode, b)
	}
	return resp.StatusCode
}

func (c httpClient) seed(office string, n int) []string {
	c.t.Helper()
	orgs := []map[string]any{{"code": office, "name": office + "法治办", "kind": "office"}}
	codes := make([]string, n)
	for i := range n {
		codes[i] = fmt.Sprintf("%s-b%05d", office, i)
		orgs = append(orgs, map[string]any{"code": codes[i], "name": fmt.Sprintf("第%d局", i), "kind": "bureau", "parent_code": office})
	}
	require.Equal(c.t, http.StatusCreated, c.do("POST", "/api/v1/orgs", orgs, &[]any{}))
	return codes
}

func (c httpClient) createCycle(office string, codes []string) string {
	c.t.Helper()
	var v cycleView
	require.Equal(c.t, http.StatusCreated, c.do("POST", "/api/v1/cycles", map[string]any{
		"year": 2025, "office_code": office, "bureau_codes": codes,
		"submission_due": "2027-03-01", "publication_due": "2027-03-31",
	}, &v))
	return v.ID
}

func (c httpClient) cycle(id string) cycleView {
	c.t.Helper()
	var v cycleView
	require.Equal(c.t, http.StatusOK, c.do("GET", "/api/v1/cycles/"+id, nil, &v))
	return v
}
