package e2e

import (
	"bufio"
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
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
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

// proc is a running lawcycle process with its output captured.
type proc struct {
	t    *testing.T
	name string
	cmd  *exec.Cmd
	mu   sync.Mutex
	out  bytes.Buffer
	done chan struct{}
	err  error
}

// startProc runs the binary with args and an environment built from the
// test's own, minus lawcycle's variables, plus env.
func startProc(t *testing.T, name string, env []string, args ...string) *proc {
	t.Helper()
	cmd := exec.Command(lawcycleBinary(t), args...)
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if k == "DATABASE_URL" || k == "TEMPORAL_ADDRESS" || k == "TEMPORAL_NAMESPACE" || strings.HasPrefix(k, "LAWCYCLE_") {
			continue
		}
		cmd.Env = append(cmd.Env, kv)
	}
	cmd.Env = append(cmd.Env, env...)
	p := &proc{t: t, name: name, cmd: cmd, done: make(chan struct{})}
	pr, pw := io.Pipe()
	cmd.Stdout, cmd.Stderr = pw, pw
	require.NoError(t, cmd.Start())
	go func() {
		sc := bufio.NewScanner(pr)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			p.mu.Lock()
			p.out.WriteString(sc.Text() + "\n")
			p.mu.Unlock()
		}
	}()
	go func() {
		p.err = cmd.Wait()
		pw.Close()
		close(p.done)
	}()
	t.Cleanup(func() {
		p.kill()
		if t.Failed() {
			t.Logf("--- output of %s ---\n%s", name, p.output())
		}
	})
	return p
}

func (p *proc) output() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.out.String()
}

// waitOutput waits until the output matches re and returns the first group.
func (p *proc) waitOutput(re *regexp.Regexp, timeout time.Duration) string {
	p.t.Helper()
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if m := re.FindStringSubmatch(p.output()); m != nil {
			return m[len(m)-1]
		}
		select {
		case <-p.done:
			p.t.Fatalf("%s exited (%v) before printing %s:\n%s", p.name, p.err, re, p.output())
		case <-time.After(50 * time.Millisecond):
		}
	}
	p.t.Fatalf("%s did not print %s within %s:\n%s", p.name, re, timeout, p.output())
	return ""
}

// stop sends SIGINT and waits for a clean exit.
func (p *proc) stop(timeout time.Duration) {
	p.t.Helper()
	require.NoError(p.t, p.cmd.Process.Signal(os.Interrupt))
	select {
	case <-p.done:
		require.NoError(p.t, p.err, "%s should exit cleanly on SIGINT", p.name)
	case <-time.After(timeout):
		p.t.Fatalf("%s did not stop within %s", p.name, timeout)
	}
}

// kill sends SIGKILL, as a crash would.
func (p *proc) kill() {
	select {
	case <-p.done:
		return
	default:
	}
	_ = p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.done
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
