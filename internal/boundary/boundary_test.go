// Package boundary_test enforces the import rules of docs/architecture.md
// (#layers): workflow code stays free of I/O libraries, activities never
// reach back into workflows or the service layer, and the JSON API does
// not carry the web UI. A rule broken anywhere in the chain of lawcycle's
// own packages fails here, not in review.
package boundary_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/lawcycle/lawcycle"

type rule struct {
	from string
	// through names packages whose own imports are not followed: workflow
	// code refers to activity methods by reference, so it links the
	// activities package, yet never calls its I/O itself.
	through []string
	// forbidden are import paths (or path prefixes ending in "/") that no
	// lawcycle package reachable from `from` may import directly.
	forbidden []string
	why       string
}

var rules = []rule{
	{
		from:      module + "/workflows",
		through:   []string{module + "/activities"},
		forbidden: []string{"gorm.io/", "github.com/xuri/excelize/", "github.com/gofiber/fiber/", "net/http"},
		why:       "workflow code is deterministic and does no I/O",
	},
	{
		from:      module + "/rules",
		forbidden: []string{"gorm.io/", "github.com/xuri/excelize/", "github.com/gofiber/fiber/", "net/http"},
		why:       "the rulebook is pure: workflows, activities and the service all call it",
	},
	{
		from:      module + "/wire",
		forbidden: []string{"gorm.io/", "github.com/xuri/excelize/", "github.com/gofiber/fiber/", "net/http"},
		why:       "wire types are workflow payloads",
	},
	{
		from:      module + "/activities",
		forbidden: []string{module + "/workflows", module + "/service", module + "/api", module + "/web"},
		why:       "activities are called by workflows, never the other way round",
	},
	{
		from:      module + "/service",
		forbidden: []string{module + "/api", module + "/web", "github.com/gofiber/fiber/"},
		why:       "the service layer is shared by the API, the web UI and the CLI",
	},
	{
		from:      module + "/api",
		forbidden: []string{module + "/web"},
		why:       "cmd/lawcycle composes the API and the web UI",
	},
	{
		from:      module + "/web",
		forbidden: []string{module + "/api"},
		why:       "cmd/lawcycle composes the API and the web UI",
	},
}

type pkg struct {
	ImportPath string
	Imports    []string
	Standard   bool
}

// deps lists the non-test dependencies of path (itself included).
func deps(t *testing.T, path string) []pkg {
	t.Helper()
	cmd := exec.Command("go", "list", "-deps", "-json", path)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list -deps %s: %v\n%s", path, err, stderr.String())
	}
	var pkgs []pkg
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p pkg
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatalf("decode go list output: %v", err)
		}
		pkgs = append(pkgs, p)
	}
	return pkgs
}

func matches(imp, forbidden string) bool {
	if strings.HasSuffix(forbidden, "/") {
		return strings.HasPrefix(imp, forbidden) || imp == strings.TrimSuffix(forbidden, "/")
	}
	return imp == forbidden || strings.HasPrefix(imp, forbidden+"/")
}

// violations names every import of a forbidden package by a lawcycle
// package reachable from r.from through lawcycle packages (not through
// r.through). Third-party packages may import what they like (the Temporal
// SDK reaches net/http through gRPC); the rule is about our code.
func violations(pkgs []pkg, r rule) []string {
	byPath := map[string]pkg{}
	for _, p := range pkgs {
		byPath[p.ImportPath] = p
	}
	reached := map[string]bool{r.from: true}
	queue := []string{r.from}
	var out []string
	for len(queue) > 0 {
		p, ok := byPath[queue[0]]
		queue = queue[1:]
		if !ok {
			continue
		}
		for _, imp := range p.Imports {
			if strings.HasPrefix(imp, module+"/") && !reached[imp] && !slices.Contains(r.through, imp) {
				reached[imp] = true
				queue = append(queue, imp)
			}
		}
		for _, imp := range p.Imports {
			for _, f := range r.forbidden {
				if matches(imp, f) {
					out = append(out, p.ImportPath+" imports "+imp)
				}
			}
		}
	}
	return out
}

func TestImportBoundaries(t *testing.T) {
	for _, r := range rules {
		t.Run(strings.TrimPrefix(r.from, module+"/"), func(t *testing.T) {
			t.Parallel()
			pkgs := deps(t, r.from)
			if len(pkgs) == 0 {
				t.Fatalf("go list found nothing for %s", r.from)
			}
			for _, v := range violations(pkgs, r) {
				t.Errorf("%s (%s)", v, r.why)
			}
		})
	}
}

// TestViolationsAreFound keeps the check honest: a rule that cannot fail
// proves nothing.
func TestViolationsAreFound(t *testing.T) {
	pkgs := []pkg{
		{ImportPath: module + "/workflows", Imports: []string{"go.temporal.io/sdk/workflow", module + "/wire"}},
		{ImportPath: module + "/wire", Imports: []string{"gorm.io/gorm", "time"}},
		{ImportPath: "google.golang.org/grpc", Imports: []string{"net/http"}},
	}
	got := violations(pkgs, rules[0])
	if len(got) != 1 || got[0] != module+"/wire imports gorm.io/gorm" {
		t.Fatalf("violations = %q, want exactly the wire package's GORM import", got)
	}
	// Through activities, GORM is the activities' business.
	viaActivities := []pkg{
		{ImportPath: module + "/workflows", Imports: []string{module + "/activities"}},
		{ImportPath: module + "/activities", Imports: []string{"gorm.io/gorm"}},
	}
	if got := violations(viaActivities, rules[0]); len(got) != 0 {
		t.Fatalf("violations through activities = %q, want none", got)
	}
	direct := []pkg{{ImportPath: module + "/workflows", Imports: []string{"net/http", module + "/activities"}}}
	if got := violations(direct, rules[0]); len(got) != 1 {
		t.Fatalf("workflows importing net/http not found: %q", got)
	}
	api := []pkg{{ImportPath: module + "/api", Imports: []string{module + "/web"}}}
	if got := violations(api, rules[len(rules)-2]); len(got) != 1 {
		t.Fatalf("api importing web not found: %q", got)
	}
	if matches("net/httptest", "net/http") || !matches("net/http/httptrace", "net/http") {
		t.Fatal("matches treats import paths wrongly")
	}
}
