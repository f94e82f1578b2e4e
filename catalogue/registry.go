package catalogue

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// Errors of the registry, for errors.Is; the API layer turns them into its
// own Chinese answers (404, 409, 400).
var (
	ErrUnknownPart   = errors.New("unknown catalogue part")
	ErrDuplicatePart = errors.New("catalogue part already registered")
	ErrBadLabel      = errors.New("malformed catalogue label")
)

// CompareVersions orders versions "YYYY.N" by year, then by N as a number,
// so 2025.10 comes after 2025.9. It returns -1, 0 or +1. A malformed
// version sorts before every well-formed one (and malformed ones compare as
// strings), so it can never become the latest.
func CompareVersions(a, b string) int {
	ay, an, aok := parseVersion(a)
	by, bn, bok := parseVersion(b)
	switch {
	case !aok && !bok:
		return strings.Compare(a, b)
	case !aok:
		return -1
	case !bok:
		return 1
	case ay != by:
		return cmpInt(ay, by)
	default:
		return cmpInt(an, bn)
	}
}

func parseVersion(v string) (year, n int, ok bool) {
	m := versionPattern.FindStringSubmatch(v)
	if m == nil {
		return 0, 0, false
	}
	year, _ = strconv.Atoi(m[1])
	n, _ = strconv.Atoi(m[2])
	return year, n, true
}

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// ParseLabel splits a composition label such as "general@2025.1+hrss@2025.1"
// (what Catalogue.Label writes into a template) into its refs.
func ParseLabel(label string) ([]Ref, error) {
	if strings.TrimSpace(label) == "" {
		return nil, fmt.Errorf("parse label: empty: %w", ErrBadLabel)
	}
	var refs []Ref
	seen := map[string]bool{}
	for _, s := range strings.Split(label, "+") {
		id, version, ok := strings.Cut(s, "@")
		if !ok || !idPattern.MatchString(id) || !versionPattern.MatchString(version) {
			return nil, fmt.Errorf("parse label %q: %q is not id@YYYY.N: %w", label, s, ErrBadLabel)
		}
		if seen[id] {
			return nil, fmt.Errorf("parse label %q: %s appears twice: %w", label, id, ErrBadLabel)
		}
		seen[id] = true
		refs = append(refs, Ref{ID: id, Version: version})
	}
	return refs, nil
}

// Registry holds catalogue parts by id and version. A cycle pins the
// versions it uses, so old versions stay available after new ones are
// added. Safe for concurrent use.
//
// Parts in a registry are shared with every caller and every composition:
// they must not be modified. Add stores its own copy.
type Registry struct {
	mu    sync.RWMutex
	parts map[string][]*Part // by id, versions ascending
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry {
	return &Registry{parts: map[string][]*Part{}}
}

// Add validates p and registers a copy of it. A version, once registered,
// never changes: templates already handed out name it, so adding the same
// id@version again is refused with ErrDuplicatePart rather than replaced.
func (r *Registry) Add(p *Part) error {
	if p == nil {
		return errors.New("add catalogue part: nil")
	}
	if ps := validatePart(p, nil); len(ps) > 0 {
		return &LoadError{File: Ref{ID: p.ID, Version: p.Version}.String(), Problems: ps}
	}
	cp := clonePart(p)
	setSections(cp)
	return r.add(cp)
}

func (r *Registry) add(p *Part) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	ref := Ref{ID: p.ID, Version: p.Version}
	list := r.parts[p.ID]
	i := sort.Search(len(list), func(i int) bool { return CompareVersions(list[i].Version, p.Version) >= 0 })
	if i < len(list) && list[i].Version == p.Version {
		return fmt.Errorf("add %s: %w", ref, ErrDuplicatePart)
	}
	list = append(list, nil)
	copy(list[i+1:], list[i:])
	list[i] = p
	r.parts[p.ID] = list
	return nil
}

// clonePart copies everything a later write through the caller's pointer
// could reach. Decimal bounds are values behind pointers that nobody writes
// through, so they are shared.
func clonePart(p *Part) *Part {
	cp := *p
	cp.Sections = make([]Section, len(p.Sections))
	for i, s := range p.Sections {
		s.Indicators = append([]Indicator(nil), s.Indicators...)
		for j := range s.Indicators {
			s.Indicators[j].Choices = append([]string(nil), s.Indicators[j].Choices...)
		}
		cp.Sections[i] = s
	}
	cp.Rules = append([]Rule(nil), p.Rules...)
	for i := range cp.Rules {
		r := &cp.Rules[i]
		r.Left = append([]string(nil), r.Left...)
		r.Right = append([]string(nil), r.Right...)
		r.Then = append([]string(nil), r.Then...)
	}
	cp.Flags = append([]Flag(nil), p.Flags...)
	for i := range cp.Flags {
		cp.Flags[i].Indicators = append([]string(nil), cp.Flags[i].Indicators...)
	}
	return &cp
}

// Get finds a part by id and version.
func (r *Registry) Get(ref Ref) (*Part, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	for _, p := range r.parts[ref.ID] {
		if p.Version == ref.Version {
			return p, true
		}
	}
	return nil, false
}

// Latest finds the highest version of a part.
func (r *Registry) Latest(id string) (*Part, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	list := r.parts[id]
	if len(list) == 0 {
		return nil, false
	}
	return list[len(list)-1], true
}

// Refs lists every registered part, ids sorted, versions ascending.
func (r *Registry) Refs() []Ref {
	r.mu.RLock()
	defer r.mu.RUnlock()
	ids := make([]string, 0, len(r.parts))
	for id := range r.parts {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	var out []Ref
	for _, id := range ids {
		for _, p := range r.parts[id] {
			out = append(out, Ref{ID: id, Version: p.Version})
		}
	}
	return out
}

// Sectors lists the ids of the sector parts, sorted.
func (r *Registry) Sectors() []string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	var out []string
	for id, list := range r.parts {
		if len(list) > 0 && list[0].Kind == KindSector {
			out = append(out, id)
		}
	}
	sort.Strings(out)
	return out
}

// ComposeFor composes the latest general part with the latest part of the
// bureau's sector. An empty sector, or one without a part of its own (most
// departments), gets the general part only: every bureau must be able to
// report, whether or not its sector has an extension yet.
func (r *Registry) ComposeFor(sector string) (*Catalogue, error) {
	general, ok := r.Latest(GeneralID)
	if !ok {
		return nil, fmt.Errorf("compose for %q: general: %w", sector, ErrUnknownPart)
	}
	var part *Part
	if sector != "" {
		if p, ok := r.Latest(sector); ok && p.Kind == KindSector {
			part = p
		}
	}
	c, err := Compose(general, part)
	if err != nil {
		return nil, fmt.Errorf("compose for %q: %w", sector, err)
	}
	return c, nil
}

// ComposeRefs composes the exact versions a cycle pinned: one general part
// and at most one sector part, in any order.
func (r *Registry) ComposeRefs(refs []Ref) (*Catalogue, error) {
	var general, sector *Part
	for _, ref := range refs {
		p, ok := r.Get(ref)
		if !ok {
			return nil, fmt.Errorf("compose %s: %w", ref, ErrUnknownPart)
		}
		switch {
		case p.Kind == KindGeneral && general == nil:
			general = p
		case p.Kind == KindSector && sector == nil:
			sector = p
		default:
			return nil, fmt.Errorf("compose %s: a composition has one general part and at most one sector part", ref)
		}
	}
	if general == nil {
		return nil, fmt.Errorf("compose %v: no general part: %w", refs, ErrUnknownPart)
	}
	return Compose(general, sector)
}

// ComposeLabel composes the catalogue a template names in its metadata.
func (r *Registry) ComposeLabel(label string) (*Catalogue, error) {
	refs, err := ParseLabel(label)
	if err != nil {
		return nil, err
	}
	return r.ComposeRefs(refs)
}
