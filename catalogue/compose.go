package catalogue

import (
	"fmt"
	"strings"
)

// Catalogue is the composition a bureau's template uses: the general part
// and at most one sector part, sections in that order.
type Catalogue struct {
	Parts    []Ref
	Sections []Section
	Rules    []Rule
	Flags    []Flag
	// Help holds each part's general filling instructions, general first;
	// parts without any are left out.
	Help []string

	order []*Indicator
	index map[string]*Indicator
}

// Compose joins a general part with an optional sector part. Keys must be
// unique across the parts; rules and flags of the sector part may refer to
// general indicators.
func Compose(general *Part, sector *Part) (*Catalogue, error) {
	if general == nil || general.Kind != KindGeneral {
		return nil, fmt.Errorf("compose: first part must be a general catalogue")
	}
	parts := []*Part{general}
	if sector != nil {
		if sector.Kind != KindSector {
			return nil, fmt.Errorf("compose: %s is not a sector catalogue", sector.ID)
		}
		parts = append(parts, sector)
	}
	c := &Catalogue{index: map[string]*Indicator{}}
	for _, p := range parts {
		c.Parts = append(c.Parts, Ref{ID: p.ID, Version: p.Version})
		// Parts are shared by every composition built from a registry, possibly
		// on several goroutines: copy the indicator slices before writing
		// Section into them, so the parts themselves are never written.
		for _, s := range p.Sections {
			s.Indicators = append([]Indicator(nil), s.Indicators...)
			c.Sections = append(c.Sections, s)
		}
		c.Rules = append(c.Rules, p.Rules...)
		c.Flags = append(c.Flags, p.Flags...)
		if p.Help != "" {
			c.Help = append(c.Help, p.Help)
		}
	}
	sections := map[string]bool{}
	for si := range c.Sections {
		s := &c.Sections[si]
		if sections[s.Key] {
			return nil, fmt.Errorf("compose: section key %q appears twice", s.Key)
		}
		sections[s.Key] = true
		for ii := range s.Indicators {
			ind := &s.Indicators[ii]
			ind.Section = s.Key
			if _, dup := c.index[ind.Key]; dup {
				return nil, fmt.Errorf("compose: indicator key %q appears twice", ind.Key)
			}
			c.index[ind.Key] = ind
			c.order = append(c.order, ind)
		}
	}
	// Rule and flag keys share one namespace with each other: a Finding names
	// either by its key alone.
	checks := map[string]bool{}
	for _, r := range c.Rules {
		if checks[r.Key] {
			return nil, fmt.Errorf("compose: rule key %q appears twice", r.Key)
		}
		checks[r.Key] = true
	}
	for _, f := range c.Flags {
		if checks[f.Key] {
			return nil, fmt.Errorf("compose: flag key %q appears twice", f.Key)
		}
		checks[f.Key] = true
	}
	if err := c.checkReferences(); err != nil {
		return nil, err
	}
	return c, nil
}

// Label names the composition, e.g. "general@2025.1+hrss@2025.1"; templates
// carry it so an old version is recognised.
func (c *Catalogue) Label() string {
	s := make([]string, len(c.Parts))
	for i, p := range c.Parts {
		s[i] = p.String()
	}
	return strings.Join(s, "+")
}

// Indicator finds an indicator by key.
func (c *Catalogue) Indicator(key string) (*Indicator, bool) {
	ind, ok := c.index[key]
	return ind, ok
}

// Indicators lists every indicator in sheet order.
func (c *Catalogue) Indicators() []*Indicator { return c.order }

// checkReferences makes sure every rule and flag names known indicators.
func (c *Catalogue) checkReferences() error {
	known := func(where string, keys ...string) error {
		for _, k := range keys {
			if k == "" {
				continue
			}
			if _, ok := c.index[k]; !ok {
				return fmt.Errorf("compose: %s refers to unknown indicator %q", where, k)
			}
		}
		return nil
	}
	// A sector part's rules may name general indicators, which Load cannot
	// see; so the kinds of the named indicators are checked here too.
	numeric := func(where string, keys ...string) error {
		for _, k := range keys {
			if k == "" {
				continue
			}
			if ind := c.index[k]; !ind.Type.IsNumeric() {
				return fmt.Errorf("compose: %s needs a numeric indicator, %q is %s", where, k, ind.Type)
			}
		}
		return nil
	}
	for _, r := range c.Rules {
		keys := append(append(append([]string{}, r.Left...), r.Right...), r.Then...)
		if err := known("rule "+r.Key, append(keys, r.If)...); err != nil {
			return err
		}
		switch r.Kind {
		case RuleAtMost:
			compared := append(append([]string{}, r.Left...), r.Right...)
			if len(r.Left) == 0 || len(r.Right) == 0 {
				return fmt.Errorf("compose: rule %s needs both left and right", r.Key)
			}
			if err := numeric("rule "+r.Key, compared...); err != nil {
				return err
			}
			// Sums across units (件 against 万元) mean nothing.
			unit := c.index[compared[0]].Unit
			for _, k := range compared[1:] {
				if u := c.index[k].Unit; u != unit {
					return fmt.Errorf("compose: rule %s compares %q (%s) with %q (%s)", r.Key, compared[0], unit, k, u)
				}
			}
		case RuleRequires:
			if err := numeric("rule "+r.Key, r.If); err != nil {
				return err
			}
		}
	}
	for _, f := range c.Flags {
		if err := known("flag "+f.Key, append([]string{f.Indicator}, f.Indicators...)...); err != nil {
			return err
		}
		if err := numeric("flag "+f.Key, append([]string{f.Indicator}, f.Indicators...)...); err != nil {
			return err
		}
	}
	return nil
}
