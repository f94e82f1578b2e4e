// Package apitest drives the real Fiber app in-process for tests: JSON in,
// status and JSON out, with a bearer token.
package apitest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gofiber/fiber/v2"
)

// Client sends requests to app as the holder of Token.
type Client struct {
	T     testing.TB
	App   *fiber.App
	Token string
	// Header is added to every request (e.g. X-Request-Id).
	Header http.Header
}

// Response is a decoded answer.
type Response struct {
	Status int
	Body   []byte
	Header http.Header
}

// JSON decodes the body into v, failing the test on error.
func (r Response) JSON(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("decode %s: %v", r.Body, err)
	}
}

// ErrorBody is The error shape of docs/api.md#errors.
type ErrorBody struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
		Details []struct {
			Code      string `json:"code"`
			Index     *int   `json:"index"`
			Field     string `json:"field"`
			Sheet     string `json:"sheet"`
			Cell      string `json:"cell"`
			Indicator string `json:"indicator"`
			Message   string `json:"message"`
		} `json:"details"`
		RequestID string `json:"request_id"`
	} `json:"error"`
}

// Err decodes the error body.
func (r Response) Err(t testing.TB) ErrorBody {
	t.Helper()
	var e ErrorBody
	r.JSON(t, &e)
	return e
}

// Do sends body (marshalled unless it is a string or []byte) as JSON.
func (c Client) Do(method, path string, body any) Response {
	c.T.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = bytes.NewBufferString(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			c.T.Fatal(err)
		}
		rd = bytes.NewReader(raw)
	}
	req := httptest.NewRequest(method, path, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	return c.Raw(req)
}

// Raw sends a prepared request.
func (c Client) Raw(req *http.Request) Response {
	c.T.Helper()
	for k, vs := range c.Header {
		req.Header[k] = vs
	}
	resp, err := c.App.Test(req, 60_000)
	if err != nil {
		c.T.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		c.T.Fatal(err)
	}
	return Response{Status: resp.StatusCode, Body: b, Header: resp.Header}
}

// WithHeader returns a copy of the client that sends the header too.
func (c Client) WithHeader(key, value string) Client {
	h := c.Header.Clone()
	if h == nil {
		h = http.Header{}
	}
	h.Set(key, value)
	c.Header = h
	return c
}

// With returns a copy of the client using another token.
func (c Client) With(token string) Client {
	c.Token = token
	return c
}
