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
	var rd io.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(raw)
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, a.Base+path, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+a.Token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode >= 300 {
		return fmt.Errorf("%s %s: %d %s", method, path, resp.StatusCode, raw)
	}
	if out != nil {
		return json.Unmarshal(raw, out)
	}
	return nil
}

// Progress is the part of GET /cycles/{id} the benchmarks watch.
type Progress struct {
	ID       string           `json:"id"`
	Progress map[string]int64 `json:"progress"`
}

// SeedAndCreate creates an office with n bureaus and a draft cycle for them.
func (a API) SeedAndCreate(ctx context.Context, office string, n int) (string, error) {
	codes := make([]string, n)
	orgs := []map[string]any{{"code": office, "name": office + "法治办", "kind": "office"}}
	for i := range n {
		codes[i] = fmt.Sprintf("%s-%05d", office, i)
		orgs = append(orgs, map[string]any{"code": codes[i], "name": fmt.Sprintf("第%d局", i), "kind": "bureau", "parent_code": office})
	}
	for start := 0; start < len(orgs); start += 5000 {
		if err := a.Do(ctx, "POST", "/api/v1/orgs", orgs[start:min(start+5000, len(orgs))], nil); err != nil {
			return "", err
		}
	}
	var c Progress
	err := a.Do(ctx, "POST", "/api/v1/cycles", map[string]any{
		"year": 2025, "office_code": office, "bureau_codes": codes,
		"submission_due": "2027-03-01", "publication_due": "2027-03-31",
	}, &c)
	return c.ID, err
}
