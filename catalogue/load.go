package catalogue

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Problem is one thing wrong in a catalogue file. The admin who uploads a
// sector part reads these, so Message is Chinese and says what to do.
type Problem struct {
	Path    string `json:"path"`           // e.g. "sections[2].indicators[3].unit"; indexes start at 0
	Line    int    `json:"line,omitempty"` // 1-based line in the file; 0 when unknown
	Message string `json:"message"`
}

// LoadError lists every problem of a catalogue file at once, so a file is
// fixed in one round rather than one error per upload.
type LoadError struct {
	File     string
	Problems []Problem
}

func (e *LoadError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "指标体系文件 %s 有 %d 处问题：", e.File, len(e.Problems))
	for i, p := range e.Problems {
		fmt.Fprintf(&b, "\n%d. ", i+1)
		if p.Line > 0 {
			fmt.Fprintf(&b, "第 %d 行", p.Line)
		}
		if p.Path != "" {
			if p.Line > 0 {
				b.WriteString(" ")
			}
			b.WriteString(p.Path)
		}
		if p.Line > 0 || p.Path != "" {
			b.WriteString("：")
		}
		b.WriteString(p.Message)
	}
	return b.String()
}

// Load reads one catalogue part from YAML and validates all of it. A
// misspelt field is an error rather than silently ignored, because an
// ignored "requried" would quietly make an indicator optional. On failure
// the error is a *LoadError listing every problem found.
//
// References of rules and flags are checked here only for a general part: a
// sector part may refer to general indicators, which Compose checks.
func Load(data []byte, name string) (*Part, error) {
	fail := func(ps []Problem) (*Part, error) {
		return nil, &LoadError{File: name, Problems: ps}
	}

	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return fail([]Problem{{Message: "文件是空的：请按指标体系格式填写 id、kind、version、name 和 sections"}})
		}
		return fail([]Problem{syntaxProblem(err)})
	}
	var more yaml.Node
	if err := dec.Decode(&more); err == nil {
		return fail([]Problem{{Line: more.Line, Message: "文件只能包含一个 YAML 文档：请删除第二个“---”及其后的内容，或者另存为单独的文件"}})
	} else if !errors.Is(err, io.EOF) {
		return fail([]Problem{syntaxProblem(err)})
	}
	root := &doc
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		root = root.Content[0]
	}
	if root.Kind != yaml.MappingNode {
		return fail([]Problem{{Line: root.Line, Message: "文件顶层应是“字段: 值”的形式，依次写 id、kind、version、name、sections 等字段"}})
	}
	ix := indexNodes(root)

	// Decimals are decoded through encoding.TextUnmarshaler, whose failure
	// aborts yaml's whole decode without a line; check them first so a typo
	// in one bound is reported like any other problem.
	if ps := checkNumbers(root, ""); len(ps) > 0 {
		return fail(ix.finish(ps))
	}

	var p Part
	strict := yaml.NewDecoder(bytes.NewReader(data))
	strict.KnownFields(true)
	var problems []Problem
	if err := strict.Decode(&p); err != nil {
		var te *yaml.TypeError
		if !errors.As(err, &te) {
			return fail([]Problem{syntaxProblem(err)})
		}
		for _, msg := range te.Errors {
			problems = append(problems, ix.typeProblem(msg))
		}
	}
	// Validation runs on what decoded, so one upload reports everything; a
	// field that failed to decode is not reported a second time as missing.
	for _, pr := range validatePart(&p, problems) {
		if !covered(pr.Path, problems) {
			problems = append(problems, pr)
		}
	}
	if len(problems) > 0 {
		return fail(ix.finish(problems))
	}
	setSections(&p)
	return &p, nil
}

func setSections(p *Part) {
	for si := range p.Sections {
		for ii := range p.Sections[si].Indicators {
			p.Sections[si].Indicators[ii].Section = p.Sections[si].Key
		}
	}
}

// covered reports whether path is, or lies under, the path of a problem
// already found.
func covered(path string, found []Problem) bool {
	for _, f := range found {
		if f.Path == "" {
			continue
		}
		if path == f.Path || strings.HasPrefix(path, f.Path+".") || strings.HasPrefix(path, f.Path+"[") {
			return true
		}
		// A path ending in "." asks whether anything under it has a problem.
		if strings.HasSuffix(path, ".") && strings.HasPrefix(f.Path, path) {
			return true
		}
	}
	return false
}
