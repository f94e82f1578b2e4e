package catalogue

import (
	"fmt"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"
	"go.yaml.in/yaml/v3"
)

// nodeIndex maps paths to lines and back, so problems found on the decoded
// struct point at the file and decoder errors (which only know lines) get
// a path.
type nodeIndex struct {
	lines  map[string]int
	byLine map[int][]string
}

func indexNodes(root *yaml.Node) *nodeIndex {
	ix := &nodeIndex{lines: map[string]int{"": root.Line}, byLine: map[int][]string{}}
	ix.walk(root, "")
	return ix
}

func (ix *nodeIndex) record(path string, line int) {
	if _, ok := ix.lines[path]; !ok {
		ix.lines[path] = line
		ix.byLine[line] = append(ix.byLine[line], path)
	}
}

func (ix *nodeIndex) walk(n *yaml.Node, path string) {
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			p := k.Value
			if path != "" {
				p = path + "." + k.Value
			}
			ix.record(p, k.Line)
			ix.walk(v, p)
		}
	case yaml.SequenceNode:
		for i, item := range n.Content {
			p := fmt.Sprintf("%s[%d]", path, i)
			ix.record(p, item.Line)
			ix.walk(item, p)
		}
	}
}

// line finds the line of path, or of its nearest ancestor present in the
// file (a missing field is reported on the entry that lacks it).
func (ix *nodeIndex) line(path string) int {
	for {
		if l, ok := ix.lines[path]; ok {
			return l
		}
		i := strings.LastIndexAny(path, ".[")
		if i < 0 {
			return ix.lines[""]
		}
		path = path[:i]
	}
}

func (ix *nodeIndex) finish(ps []Problem) []Problem {
	for i := range ps {
		if ps[i].Line == 0 {
			ps[i].Line = ix.line(ps[i].Path)
		}
	}
	sort.SliceStable(ps, func(i, j int) bool { return ps[i].Line < ps[j].Line })
	return ps
}

var (
	unknownFieldRe = regexp.MustCompile(`^line (\d+): field (\S+) not found in type (\S+)$`)
	cannotDecodeRe = regexp.MustCompile("^line (\\d+): cannot unmarshal !!(\\w+)(?: `(.*)`)? into (.+)$")
	duplicateKeyRe = regexp.MustCompile(`^line (\d+): mapping key "(.*)" already defined at line (\d+)$`)
	syntaxLineRe   = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)
)

// structs names the types a field error can be reported for, with the
// Chinese word for what the entry is.
var structs = map[string]struct {
	word string
	typ  reflect.Type
}{
	"catalogue.Part":      {"指标体系", reflect.TypeOf(Part{})},
	"catalogue.Section":   {"分组", reflect.TypeOf(Section{})},
	"catalogue.Indicator": {"指标", reflect.TypeOf(Indicator{})},
	"catalogue.Rule":      {"校验规则", reflect.TypeOf(Rule{})},
	"catalogue.Flag":      {"审核提示", reflect.TypeOf(Flag{})},
}

func yamlFields(t reflect.Type) []string {
	var out []string
	for i := 0; i < t.NumField(); i++ {
		tag := strings.Split(t.Field(i).Tag.Get("yaml"), ",")[0]
		if tag != "" && tag != "-" {
			out = append(out, tag)
		}
	}
	return out
}

func (ix *nodeIndex) pathAt(line int, last string) string {
	paths := ix.byLine[line]
	for i := len(paths) - 1; i >= 0; i-- {
		p := paths[i]
		if last == "" || p == last || strings.HasSuffix(p, "."+last) {
			return p
		}
	}
	return ""
}

// typeProblem turns one of yaml's decode messages into a Chinese problem.
func (ix *nodeIndex) typeProblem(msg string) Problem {
	if m := unknownFieldRe.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		field, where := m[2], structs[m[3]]
		pr := Problem{Path: ix.pathAt(line, field), Line: line}
		if m[3] == "catalogue.Flag" && field == "severity" {
			pr.Message = "审核提示（flags）总是警告，不能设置 severity：请删除这一行；需要阻止报送的检查请写成校验规则（rules）"
			return pr
		}
		word := where.word
		if word == "" {
			word = "此处"
		}
		var fields string
		if where.typ != nil {
			fields = "；" + word + "可用的字段有 " + strings.Join(yamlFields(where.typ), "、")
		}
		pr.Message = fmt.Sprintf("未知字段「%s」：请检查拼写%s", field, fields)
		return pr
	}
	if m := cannotDecodeRe.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		pr := Problem{Path: ix.pathAt(line, ""), Line: line}
		want := expectedKind(m[4])
		if m[3] != "" {
			pr.Message = fmt.Sprintf("值「%s」的类型不对：这里应填%s", m[3], want)
		} else {
			pr.Message = fmt.Sprintf("这里写成了%s，应填%s", yamlKind(m[2]), want)
		}
		return pr
	}
	if m := duplicateKeyRe.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		return Problem{
			Path:    ix.pathAt(line, ""),
			Line:    line,
			Message: fmt.Sprintf("字段「%s」重复出现（第 %s 行已经有了）：请删除其中一个", m[2], m[3]),
		}
	}
	return Problem{Message: "无法读取：" + msg}
}

func expectedKind(goType string) string {
	switch {
	case goType == "int":
		return "整数，例如 2"
	case goType == "bool":
		return " true 或 false"
	case strings.HasPrefix(goType, "[]"):
		return "列表，例如 [a, b] 或者每行以“- ”开头的多行列表"
	case strings.HasPrefix(goType, "catalogue.") && structs[goType].word != "":
		return structs[goType].word + "（“字段: 值”的形式）"
	default:
		return "一段文本"
	}
}

func yamlKind(tag string) string {
	switch tag {
	case "map":
		return "“字段: 值”的映射"
	case "seq":
		return "列表"
	default:
		return "单个值"
	}
}

// syntaxHints translates the parser messages people actually cause.
var syntaxHints = []struct{ en, zh string }{
	{"mapping values are not allowed in this context", "这里不能出现“字段: 值”。常见原因：值里含有英文冒号却没有加引号，或者缩进不对"},
	{"did not find expected key", "找不到预期的字段。常见原因：同一层的字段缩进不一致"},
	{"did not find expected '-' indicator", "列表项缺少“- ”，或者列表项缩进不一致"},
	{"found character that cannot start any token", "出现了不能作为开头的字符，例如制表符（Tab）：YAML 只能用空格缩进"},
	{"found a tab character", "出现了制表符（Tab）：YAML 只能用空格缩进"},
	{"could not find expected ':'", "缺少英文冒号“:”"},
	{"did not find expected node content", "缺少值"},
	{"found unexpected end of stream", "文件意外结束：检查引号和括号是否成对"},
	{"found undefined alias", "引用了未定义的锚点（*）"},
}

func syntaxProblem(err error) Problem {
	msg := err.Error()
	var pr Problem
	if m := syntaxLineRe.FindStringSubmatch(msg); m != nil {
		pr.Line, _ = strconv.Atoi(m[1])
		msg = m[2]
	} else {
		msg = strings.TrimPrefix(msg, "yaml: ")
	}
	for _, h := range syntaxHints {
		if strings.Contains(msg, h.en) {
			pr.Message = fmt.Sprintf("YAML 格式错误：%s（%s）", h.zh, msg)
			return pr
		}
	}
	pr.Message = fmt.Sprintf("YAML 格式错误（%s）：请检查这一行和上一行的缩进、冒号和引号", msg)
	return pr
}

var numberFields = map[string]bool{"min": true, "max": true, "value": true, "ratio": true}

func checkNumbers(n *yaml.Node, path string) []Problem {
	var out []Problem
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			p := k.Value
			if path != "" {
				p = path + "." + k.Value
			}
			if numberFields[k.Value] {
				switch {
				case v.Kind != yaml.ScalarNode:
					out = append(out, Problem{Path: p, Line: v.Line, Message: fmt.Sprintf("%s 应填一个数字，不能是列表或映射", k.Value)})
				case v.Tag == "!!null":
				default:
					if _, err := decimal.NewFromString(v.Value); err != nil {
						out = append(out, Problem{Path: p, Line: v.Line, Message: fmt.Sprintf("「%s」不是数字：%s 应填数字，例如 0、100 或 0.5", v.Value, k.Value)})
					}
				}
				continue
			}
			out = append(out, checkNumbers(v, p)...)
		}
	case yaml.SequenceNode:
		for i, item := range n.Content {
			out = append(out, checkNumbers(item, fmt.Sprintf("%s[%d]", path, i))...)
		}
	}
	return out
}
