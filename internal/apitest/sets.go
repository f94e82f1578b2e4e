package apitest

import "slices"

// MissingFrom lists, sorted, the keys of a that b lacks: routes registered
// without a test case, cases of routes that no longer exist.
func MissingFrom(a, b map[string]bool) []string {
	var out []string
	for k := range a {
		if !b[k] {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}
