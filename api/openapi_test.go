package api_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"

	"github.com/lawcycle/lawcycle/api"
	"github.com/lawcycle/lawcycle/internal/apitest"
	"github.com/lawcycle/lawcycle/service"
)

// publicOperations are the only operations reachable without a token
// (docs/api.md); the document marks exactly these with "security": [].
var publicOperations = []string{
	"GET /api/v1/openapi.json",
	"GET /api/v1/public/reports",
	"GET /api/v1/public/reports/{cycle}/{org}/report",
	"GET /healthz",
	"GET /metrics",
	"GET /readyz",
	"POST /api/v1/tokens",
}

// httpMethods are the keys of an OpenAPI path item that name operations.
var httpMethods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

type openAPIDoc struct {
	OpenAPI    string                                `json:"openapi"`
	Info       struct{ Title string }                `json:"info"`
	Security   []map[string][]string                 `json:"security"`
	Paths      map[string]map[string]json.RawMessage `json:"paths"`
	Components struct {
		SecuritySchemes map[string]struct {
			Type   string `json:"type"`
			Scheme string `json:"scheme"`
		} `json:"securitySchemes"`
	} `json:"components"`
}

type openAPIOperation struct {
	OperationID string                     `json:"operationId"`
	Security    *[]map[string][]string     `json:"security"`
	Parameters  []openAPIParameter         `json:"parameters"`
	Responses   map[string]json.RawMessage `json:"responses"`
}

type openAPIParameter struct {
	Name     string `json:"name"`
	In       string `json:"in"`
	Required bool   `json:"required"`
}

// newApp builds the app without a database or Temporal: enough to list
// routes and to serve what needs neither.
func newApp() *fiber.App {
	return api.New(api.Deps{Service: &service.Service{}, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
}

// servedDocument fetches the document the app serves, as raw bytes and
// decoded.
func servedDocument(t *testing.T, app *fiber.App) ([]byte, openAPIDoc) {
	t.Helper()
	res, err := app.Test(httptest.NewRequest(http.MethodGet, "/api/v1/openapi.json", nil), -1)
	if err != nil {
		t.Fatalf("GET /api/v1/openapi.json: %v", err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("read openapi.json: %v", err)
	}
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET /api/v1/openapi.json answered %d: %s", res.StatusCode, raw)
	}
	if ct := res.Header.Get(fiber.HeaderContentType); !strings.HasPrefix(ct, fiber.MIMEApplicationJSON) {
		t.Errorf("openapi.json served as %q, want application/json", ct)
	}
	var doc openAPIDoc
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatalf("openapi.json is not valid JSON: %v", err)
	}
	return raw, doc
}

var (
	fiberParam    = regexp.MustCompile(`:([A-Za-z0-9_]+)\??`)
	templateParam = regexp.MustCompile(`\{([^}]+)\}`)
)

// routeKey is "METHOD /path/{param}" for a Fiber route.
func routeKey(method, path string) string {
	return method + " " + fiberParam.ReplaceAllString(path, "{$1}")
}

// registeredRoutes lists the operations api.New serves under /api/v1 and
// the operational endpoints: every route except middleware (app.Use, group
// handlers, the not-found catch-all), the HEAD twins Fiber adds for each
// GET, and the web UI's pages (package web), which have their own
// authorization matrix.
func registeredRoutes(app *fiber.App) map[string]bool {
	out := map[string]bool{}
	for _, r := range app.GetRoutes(true) {
		if r.Method == fiber.MethodHead || r.Method == "USE" || !isAPIRoute(r.Path) {
			continue
		}
		out[routeKey(r.Method, r.Path)] = true
	}
	return out
}

// isAPIRoute reports whether a route belongs to the JSON API and the
// operational endpoints rather than to the web UI.
func isAPIRoute(path string) bool {
	return path == "/api/v1" || strings.HasPrefix(path, "/api/v1/") ||
		path == "/healthz" || path == "/readyz" || path == "/metrics"
}

// documentedOperations lists the document's operations by
// "METHOD /path/{param}", each with its path item's shared parameters
// prepended to its own.
func documentedOperations(t *testing.T, doc openAPIDoc) map[string]openAPIOperation {
	t.Helper()
	out := map[string]openAPIOperation{}
	for path, item := range doc.Paths {
		var shared []openAPIParameter
		if raw, ok := item["parameters"]; ok {
			if err := json.Unmarshal(raw, &shared); err != nil {
				t.Fatalf("parameters of %s: %v", path, err)
			}
		}
		for key, raw := range item {
			if !slices.Contains(httpMethods, key) {
				continue
			}
			var op openAPIOperation
			if err := json.Unmarshal(raw, &op); err != nil {
				t.Fatalf("operation %s %s: %v", key, path, err)
			}
			op.Parameters = append(slices.Clone(shared), op.Parameters...)
			out[strings.ToUpper(key)+" "+path] = op
		}
	}
	return out
}

func TestOpenAPIMatchesRoutes(t *testing.T) {
	app := newApp()
	_, doc := servedDocument(t, app)
	routes := registeredRoutes(app)
	if len(routes) == 0 {
		t.Fatal("api.New registered no routes")
	}
	ops := documentedOperations(t, doc)

	documented := map[string]bool{}
	for key := range ops {
		documented[key] = true
	}
	undocumented, unserved := apitest.MissingFrom(routes, documented), apitest.MissingFrom(documented, routes)
	if len(undocumented) > 0 {
		t.Errorf("routes registered by api.New but missing from api/openapi.json:\n  %s", strings.Join(undocumented, "\n  "))
	}
	if len(unserved) > 0 {
		t.Errorf("operations in api/openapi.json that no route serves:\n  %s", strings.Join(unserved, "\n  "))
	}
}

func TestOpenAPIDocumentIsWellFormed(t *testing.T) {
	raw, doc := servedDocument(t, newApp())
	if doc.OpenAPI != "3.0.3" {
		t.Errorf("openapi = %q, want 3.0.3", doc.OpenAPI)
	}
	if doc.Info.Title != "lawcycle API" {
		t.Errorf("info.title = %q, want %q", doc.Info.Title, "lawcycle API")
	}
	if s := doc.Components.SecuritySchemes["bearer"]; s.Type != "http" || s.Scheme != "bearer" {
		t.Errorf("components.securitySchemes.bearer = %+v, want http bearer", s)
	}
	if len(doc.Security) != 1 || doc.Security[0]["bearer"] == nil {
		t.Errorf("global security = %v, want [{bearer: []}]", doc.Security)
	}

	ids := map[string]string{}
	for key, op := range documentedOperations(t, doc) {
		if len(op.Responses) == 0 {
			t.Errorf("%s: no responses", key)
		}
		if op.OperationID == "" {
			t.Errorf("%s: no operationId", key)
		} else if other, dup := ids[op.OperationID]; dup {
			t.Errorf("%s: operationId %q also used by %s", key, op.OperationID, other)
		}
		ids[op.OperationID] = key

		public := op.Security != nil && len(*op.Security) == 0
		switch {
		case slices.Contains(publicOperations, key) && !public:
			t.Errorf(`%s: public route, want "security": []`, key)
		case !slices.Contains(publicOperations, key) && public:
			t.Errorf("%s: marked public but needs a token", key)
		case !public && op.Responses["401"] == nil:
			t.Errorf("%s: needs a token but does not document 401", key)
		}

		// Every {param} in the path is a required path parameter, declared
		// on the path item or the operation.
		_, path, _ := strings.Cut(key, " ")
		for _, m := range templateParam.FindAllStringSubmatch(path, -1) {
			if !slices.ContainsFunc(op.Parameters, func(p openAPIParameter) bool {
				return p.In == "path" && p.Name == m[1] && p.Required
			}) {
				t.Errorf("%s: {%s} is not declared as a required path parameter", key, m[1])
			}
		}
	}

	// Every local $ref resolves.
	var tree any
	if err := json.Unmarshal(raw, &tree); err != nil {
		t.Fatal(err)
	}
	for _, ref := range collectRefs(tree) {
		if !resolves(tree, ref) {
			t.Errorf("$ref %q does not resolve", ref)
		}
	}
}

// TestOpenAPISecurityMatchesRoutes checks the document's security against
// the app: an operation that needs a token answers 401 without one, and a
// public one does not. authenticate refuses a missing token before it
// touches the database, so no database is needed; /readyz, which does need
// one, fails with 500 here, which is still not 401.
func TestOpenAPISecurityMatchesRoutes(t *testing.T) {
	app := newApp()
	_, doc := servedDocument(t, app)
	for key, op := range documentedOperations(t, doc) {
		method, path, _ := strings.Cut(key, " ")
		target := templateParam.ReplaceAllString(path, "sample")
		res, err := app.Test(httptest.NewRequest(method, target, nil), -1)
		if err != nil {
			t.Fatalf("%s: %v", key, err)
		}
		res.Body.Close()
		public := op.Security != nil && len(*op.Security) == 0
		if public && res.StatusCode == http.StatusUnauthorized {
			t.Errorf("%s: documented as public but answered 401 without a token", key)
		}
		if !public && res.StatusCode != http.StatusUnauthorized {
			t.Errorf("%s: documented as needing a token but answered %d without one", key, res.StatusCode)
		}
	}
}

func collectRefs(v any) []string {
	var out []string
	switch v := v.(type) {
	case map[string]any:
		for k, child := range v {
			if s, ok := child.(string); ok && k == "$ref" {
				out = append(out, s)
				continue
			}
			out = append(out, collectRefs(child)...)
		}
	case []any:
		for _, child := range v {
			out = append(out, collectRefs(child)...)
		}
	}
	return out
}

// resolves follows a local JSON pointer ("#/components/schemas/Error").
func resolves(root any, ref string) bool {
	pointer, ok := strings.CutPrefix(ref, "#/")
	if !ok {
		return false
	}
	node := root
	for _, part := range strings.Split(pointer, "/") {
		part = strings.ReplaceAll(strings.ReplaceAll(part, "~1", "/"), "~0", "~")
		m, ok := node.(map[string]any)
		if !ok {
			return false
		}
		if node, ok = m[part]; !ok {
			return false
		}
	}
	return true
}
