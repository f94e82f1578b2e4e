package catalogue

import (
	"embed"
	"fmt"
	"path"
	"sync"
)

// The built-in parts ship inside the binary so that a fresh installation
// can run a cycle without uploading anything.
//
//go:embed builtin/*.yaml
var builtinFS embed.FS

// builtinParts parses the embedded files once per process. A broken file is
// a build defect, not a runtime condition (a test loads every file), so it
// panics instead of making every caller handle an impossible error.
var builtinParts = sync.OnceValue(func() []*Part {
	entries, err := builtinFS.ReadDir("builtin")
	if err != nil {
		panic(fmt.Sprintf("catalogue: read builtin: %v", err))
	}
	var parts []*Part
	for _, e := range entries {
		name := path.Join("builtin", e.Name())
		data, err := builtinFS.ReadFile(name)
		if err != nil {
			panic(fmt.Sprintf("catalogue: read %s: %v", name, err))
		}
		p, err := Load(data, name)
		if err != nil {
			panic(fmt.Sprintf("catalogue: %v", err))
		}
		parts = append(parts, p)
	}
	return parts
})

// Builtin returns a registry holding the built-in parts (general and hrss).
// Each call returns a new registry, so parts an admin adds to one never
// leak into another; the parsed parts themselves are shared and read-only.
func Builtin() *Registry {
	r := NewRegistry()
	for _, p := range builtinParts() {
		if err := r.add(p); err != nil {
			panic(fmt.Sprintf("catalogue: builtin: %v", err))
		}
	}
	return r
}

// BuiltinSource returns the YAML of a built-in part by id (e.g. "hrss"), as
// a model for admins writing a part of their own.
func BuiltinSource(id string) ([]byte, bool) {
	data, err := builtinFS.ReadFile(path.Join("builtin", id+".yaml"))
	return data, err == nil
}
