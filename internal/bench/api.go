package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"
)

// API calls a running lawcycle over HTTP.
type API struct {
	Base  string
	Token string
}

// Do sends body as JSON and decodes a 2xx answer into out.
func (a API) Do(ctx context.Context, method, path string, body, out any) error {
	var raw []byte
	contentType := ""
	if body != nil {
		var err error
		if raw, err = json.Marshal(body); err != nil {
			return err
		}
		contentType = "application/json"
	}
	resp, err := a.Send(ctx, method, path, contentType, raw)
	if err != nil {
		return err
	}
	if out != nil {
		return json.Unmarshal(resp, out)
	}
	return nil
}

// Send sends a raw body (none when contentType is empty) and returns the
// body of a 2xx answer; any other status is an error carrying the body.
func (a API) Send(ctx context.Context, method, path, contentType string, body []byte) ([]byte, error) {
	var rd io.Reader
	if contentType != "" {
		rd = bytes.NewReader(body)
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, a.Base+path, rd)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+a.Token)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode >= 300 {
		return nil, fmt.Errorf("%s %s: %d %s", method, path, resp.StatusCode, raw)
	}
	return raw, nil
}

// Progress is the part of GET /cycles/{id} the benchmarks watch.
type Progress struct {
	ID       string           `json:"id"`
	Progress map[string]int64 `json:"progress"`
}

// WaitProgress polls GET /cycles/{id} every 100ms until n bureaus are in
// stage.
func (a API) WaitProgress(ctx context.Context, id, stage string, n int, limit time.Duration) error {
	start := time.Now()
	for {
		var p Progress
		if err := a.Do(ctx, "GET", "/api/v1/cycles/"+id, nil, &p); err != nil {
			return err
		}
		if p.Progress[stage] == int64(n) {
			return nil
		}
		if time.Since(start) > limit {
			return fmt.Errorf("cycle %s: %d bureaus not in %s after %s: %v", id, n, stage, limit, p.Progress)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// SeedAndCreate creates an office with n bureaus and a draft cycle for them.
func (a API) SeedAndCreate(ctx context.Context, office string, n int) (string, error) {
	codes, err := a.SeedOrgs(ctx, office, n)
	if err != nil {
		return "", err
	}
	return a.CreateCycle(ctx, office, codes, "2027-03-01", "2027-03-31")
}

// SeedOrgs creates an office and n bureaus under it, coded office-00000…,
// and returns the bureaus' codes.
func (a API) SeedOrgs(ctx context.Context, office string, n int) ([]string, error) {
	codes := make([]string, n)
	orgs := []map[string]any{{"code": office, "name": office + "法治办", "kind": "office"}}
	for i := range n {
		codes[i] = fmt.Sprintf("%s-%05d", office, i)
		orgs = append(orgs, map[string]any{"code": codes[i], "name": fmt.Sprintf("第%d局", i), "kind": "bureau", "parent_code": office})
	}
	for start := 0; start < len(orgs); start += 5000 {
		if err := a.Do(ctx, "POST", "/api/v1/orgs", orgs[start:min(start+5000, len(orgs))], nil); err != nil {
			return nil, err
		}
	}
	return codes, nil
}

// CreateCycle creates a draft 2025 cycle of office for the bureaus; the
// due dates are dates or RFC 3339 instants, as the API accepts them.
func (a API) CreateCycle(ctx context.Context, office string, codes []string, submissionDue, publicationDue string) (string, error) {
	var c Progress
	err := a.Do(ctx, "POST", "/api/v1/cycles", map[string]any{
		"year": 2025, "office_code": office, "bureau_codes": codes,
		"submission_due": submissionDue, "publication_due": publicationDue,
	}, &c)
	return c.ID, err
}
