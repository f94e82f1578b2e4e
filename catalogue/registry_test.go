package catalogue_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/lawcycle/lawcycle/catalogue"
)

func TestCompareVersions(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"2025.1", "2025.1", 0},
		{"2025.1", "2025.2", -1},
		{"2025.2", "2025.1", 1},
		{"2025.9", "2025.10", -1}, // numbers, not strings
		{"2024.12", "2025.1", -1},
		{"2026.1", "2025.99", 1},
		{"bad", "2025.1", -1}, // a malformed version never wins
		{"2025.1", "2025", 1},
		{"2025.01", "2025.1", -1},
		{"a", "b", -1},
	}
	for _, tt := range tests {
		if got := catalogue.CompareVersions(tt.a, tt.b); got != tt.want {
			t.Errorf("CompareVersions(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestParseLabel(t *testing.T) {
	tests := []struct {
		label string
		want  []catalogue.Ref
	}{
		{"general@2025.1", []catalogue.Ref{{ID: "general", Version: "2025.1"}}},
		{"general@2025.1+hrss@2025.10", []catalogue.Ref{{ID: "general", Version: "2025.1"}, {ID: "hrss", Version: "2025.10"}}},
	}
	for _, tt := range tests {
		got, err := catalogue.ParseLabel(tt.label)
		if err != nil || !slices.Equal(got, tt.want) {
			t.Errorf("ParseLabel(%q) = %v, %v; want %v", tt.label, got, err, tt.want)
		}
	}
	for _, bad := range []string{"", "general", "general@", "@2025.1", "general@2025", "General@2025.1", "general@2025.1+", "general@2025.1+general@2025.2", "general@2025.1 + hrss@2025.1"} {
		if _, err := catalogue.ParseLabel(bad); !errors.Is(err, catalogue.ErrBadLabel) {
			t.Errorf("ParseLabel(%q) error = %v, want ErrBadLabel", bad, err)
		}
	}
}

// newVersion loads the builtin part id with another version number.
func newVersion(t *testing.T, id, version string) *catalogue.Part {
	t.Helper()
	src, _ := catalogue.BuiltinSource(id)
	text := strings.Replace(string(src), `version: "2025.1"`, fmt.Sprintf("version: %q", version), 1)
	p, err := catalogue.Load([]byte(text), id+".yaml")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestRegistry(t *testing.T) {
	r := catalogue.Builtin()

	if err := r.Add(newVersion(t, "hrss", "2025.1")); !errors.Is(err, catalogue.ErrDuplicatePart) {
		t.Errorf("adding hrss@2025.1 again: %v, want ErrDuplicatePart", err)
	}
	for _, v := range []string{"2025.10", "2025.2"} {
		if err := r.Add(newVersion(t, "hrss", v)); err != nil {
			t.Fatal(err)
		}
	}
	if p, _ := r.Latest("hrss"); p.Version != "2025.10" {
		t.Errorf("Latest(hrss) = %s, want 2025.10", p.Version)
	}
	if p, ok := r.Get(catalogue.Ref{ID: "hrss", Version: "2025.2"}); !ok || p.Version != "2025.2" {
		t.Errorf("Get(hrss@2025.2) = %v, %v", p, ok)
	}
	if _, ok := r.Get(catalogue.Ref{ID: "hrss", Version: "2024.1"}); ok {
		t.Error("Get(hrss@2024.1) found a part never added")
	}
	if _, ok := r.Latest("nosuch"); ok {
		t.Error("Latest(nosuch) found a part")
	}
	wantRefs := []string{"general@2025.1", "hrss@2025.1", "hrss@2025.2", "hrss@2025.10"}
	var refs []string
	for _, ref := range r.Refs() {
		refs = append(refs, ref.String())
	}
	if !slices.Equal(refs, wantRefs) {
		t.Errorf("Refs = %v, want %v", refs, wantRefs)
	}

	c, err := r.ComposeFor("hrss")
	if err != nil || c.Label() != "general@2025.1+hrss@2025.10" {
		t.Errorf("ComposeFor(hrss) = %v, %v", c, err)
	}
	// A cycle pins its versions: the label in its templates brings back
	// exactly what it used, not the latest.
	pinned, err := r.ComposeLabel("general@2025.1+hrss@2025.2")
	if err != nil || pinned.Label() != "general@2025.1+hrss@2025.2" {
		t.Errorf("ComposeLabel = %v, %v", pinned, err)
	}
	again, err := r.ComposeRefs([]catalogue.Ref{{ID: "hrss", Version: "2025.2"}, {ID: "general", Version: "2025.1"}})
	if err != nil || again.Label() != pinned.Label() {
		t.Errorf("ComposeRefs in another order = %v, %v", again, err)
	}
	if _, err := r.ComposeLabel("general@2025.1+hrss@2024.1"); !errors.Is(err, catalogue.ErrUnknownPart) {
		t.Errorf("unknown version: %v, want ErrUnknownPart", err)
	}
	if _, err := r.ComposeLabel("hrss@2025.1"); !errors.Is(err, catalogue.ErrUnknownPart) {
		t.Errorf("no general part: %v, want ErrUnknownPart", err)
	}
	if _, err := r.ComposeLabel("general@2025.1+hrss@2025.1+hrss@2025.2"); !errors.Is(err, catalogue.ErrBadLabel) {
		t.Errorf("two hrss parts: %v, want ErrBadLabel", err)
	}
	if _, err := catalogue.NewRegistry().ComposeFor("hrss"); !errors.Is(err, catalogue.ErrUnknownPart) {
		t.Errorf("empty registry: %v, want ErrUnknownPart", err)
	}

	// Registries from Builtin are independent.
	if _, ok := catalogue.Builtin().Get(catalogue.Ref{ID: "hrss", Version: "2025.2"}); ok {
		t.Error("a part added to one builtin registry shows in another")
	}
}

func TestRegistryAddValidates(t *testing.T) {
	r := catalogue.NewRegistry()
	p := newVersion(t, "general", "2025.3")
	p.Sections[0].Indicators[0].Unit = "吨"
	err := r.Add(p)
	var le *catalogue.LoadError
	if !errors.As(err, &le) || len(le.Problems) != 1 || le.Problems[0].Path != "sections[0].indicators[0].unit" {
		t.Fatalf("Add of a part with a bad unit: %v", err)
	}
	if err := r.Add(nil); err == nil {
		t.Error("Add(nil) succeeded")
	}
}

// Add keeps its own copy: the caller's later edits cannot reach templates
// already built from the registry.
func TestRegistryAddCopies(t *testing.T) {
	r := catalogue.NewRegistry()
	p := newVersion(t, "general", "2025.3")
	if err := r.Add(p); err != nil {
		t.Fatal(err)
	}
	p.Sections[0].Indicators[0].Name = "改过的名称"
	p.Rules[0].Left[0] = "nosuch"
	got, _ := r.Get(catalogue.Ref{ID: "general", Version: "2025.3"})
	if got.Sections[0].Indicators[0].Name == "改过的名称" || got.Rules[0].Left[0] == "nosuch" {
		t.Error("the registry shares the caller's part")
	}
	if _, err := r.ComposeFor(""); err != nil {
		t.Error(err)
	}
}

// Run with -race: readers compose and check while writers add versions.
func TestRegistryConcurrent(t *testing.T) {
	r := catalogue.Builtin()
	parts := make([]*catalogue.Part, 20)
	for i := range parts {
		parts[i] = newVersion(t, "hrss", fmt.Sprintf("2026.%d", i+1))
	}
	var wg sync.WaitGroup
	errs := make(chan error, 100)
	for i := range parts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := r.Add(parts[i]); err != nil {
				errs <- err
			}
		}()
	}
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := r.ComposeFor("hrss")
			if err != nil {
				errs <- err
				return
			}
			c.Check(catalogue.Values{}, nil)
			_ = c.Fingerprint()
			if _, err := r.ComposeLabel("general@2025.1+hrss@2025.1"); err != nil {
				errs <- err
			}
			r.Sectors()
			r.Refs()
			r.Latest("hrss")
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if p, _ := r.Latest("hrss"); p.Version != "2026.20" {
		t.Errorf("Latest(hrss) = %s after concurrent adds, want 2026.20", p.Version)
	}
	if n := len(r.Refs()); n != 22 {
		t.Errorf("%d parts after concurrent adds, want 22", n)
	}
}
