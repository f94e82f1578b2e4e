package catalogue

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/shopspring/decimal"
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

// Units an indicator may carry. The reader strips them from cells ("747万元"),
// so the list stays short and unambiguous.
var Units = []string{"件", "宗", "人", "人次", "万元", "元", "%", "次", "家", "个", "项", "篇", "场", "天"}

// Keys of the per-indicator checks in Finding.Rule. They are reserved: no
// rule or flag may use them.
const (
	CheckRequired = "required"
	CheckBounds   = "bounds"
	CheckScale    = "scale"
	CheckType     = "type"
	CheckChoice   = "choice"
)

// MaxScale bounds the decimals of decimal and percent indicators: 6 decimals
// of 万元 is a hundredth of a yuan, finer than any return needs.
const MaxScale = 6

const (
	maxIDLen  = 32
	maxKeyLen = 64
	// Excel keeps a list validation's choices in one formula of at most 255
	// characters; longer lists are silently dropped by some suites.
	maxChoicesLen = 255
)

var (
	idPattern      = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
	keyPattern     = regexp.MustCompile(`^[a-z][a-z0-9]*(_[a-z0-9]+)*$`)
	versionPattern = regexp.MustCompile(`^(\d{4})\.([1-9]\d{0,5})$`)
)

var typeNames = map[Type]string{
	Integer: "整数（integer）",
	Decimal: "小数（decimal）",
	Percent: "百分比（percent）",
	Text:    "文本（text）",
	Date:    "日期（date）",
	Choice:  "选项（choice）",
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

type problemList []Problem

func (ps *problemList) add(path, format string, args ...any) {
	*ps = append(*ps, Problem{Path: path, Message: fmt.Sprintf(format, args...)})
}

// validatePart checks a decoded part. It is shared by Load and Registry.Add
// (which may be handed a part that never went through Load). Paths index
// from 0, like the file's own lists. prior holds problems already found
// while decoding.
//
// Rules and flags are not checked against an indicator that has problems
// of its own: a misspelt unit would otherwise also surface as "units
// differ" on every rule naming the indicator, burying the one real fault.
func validatePart(p *Part, prior []Problem) []Problem {
	var ps problemList

	switch {
	case p.ID == "":
		ps.add("id", "缺少 id：请填写指标体系的标识，只用小写英文字母、数字和下划线，例如 general、hrss")
	case !idPattern.MatchString(p.ID):
		ps.add("id", "id「%s」不合规：只能用小写英文字母、数字和下划线，并以字母开头，例如 hrss", p.ID)
	case len(p.ID) > maxIDLen:
		ps.add("id", "id「%s」太长：最多 %d 个字符", p.ID, maxIDLen)
	}
	switch p.Kind {
	case "":
		ps.add("kind", "缺少 kind：通用指标填 general，行业指标填 sector")
	case KindGeneral:
		if p.ID != "" && p.ID != GeneralID {
			ps.add("id", "通用指标（kind: general）的 id 必须是 general，当前为「%s」；如果这是行业指标，请把 kind 改为 sector", p.ID)
		}
	case KindSector:
		if p.ID == GeneralID {
			ps.add("id", "id「general」留给通用指标；行业指标请使用行业标识，例如 hrss")
		}
	default:
		ps.add("kind", "kind「%s」无效：只能是 general（通用指标）或 sector（行业指标）", p.Kind)
	}
	switch {
	case p.Version == "":
		ps.add("version", "缺少 version：请按“年份.序号”填写，例如 \"2025.1\"")
	case !versionPattern.MatchString(p.Version):
		ps.add("version", "version「%s」格式不对：应为“年份.序号”，例如 \"2025.1\"、\"2025.2\"；序号从 1 开始，不能以 0 开头", p.Version)
	}
	chinese(&ps, "name", p.Name, "指标体系名称")
	if p.Help != "" {
		chinese(&ps, "help", p.Help, "填报总说明")
	}
	if len(p.Sections) == 0 {
		ps.add("sections", "没有任何分组（sections）：至少要有一个分组，每个分组至少有一个指标")
	}

	local := map[string]*Indicator{}
	broken := map[string]bool{}
	sectionAt := map[string]string{}
	indicatorAt := map[string]string{}
	nameAt := map[string]string{}
	for si := range p.Sections {
		s := &p.Sections[si]
		sp := fmt.Sprintf("sections[%d]", si)
		if key(&ps, sp+".key", s.Key, "分组", "review_litigation") {
			if prev, dup := sectionAt[s.Key]; dup {
				ps.add(sp+".key", "分组 key「%s」重复：与 %s 相同；每个分组的 key 必须唯一", s.Key, prev)
			} else {
				sectionAt[s.Key] = sp
			}
		}
		chinese(&ps, sp+".name", s.Name, "分组名称")
		if s.Help != "" {
			chinese(&ps, sp+".help", s.Help, "分组说明")
		}
		if len(s.Indicators) == 0 {
			ps.add(sp+".indicators", "分组「%s」没有指标：至少要有一个指标，或者删除这个分组", s.Name)
		}
		for ii := range s.Indicators {
			ind := &s.Indicators[ii]
			ip := fmt.Sprintf("%s.indicators[%d]", sp, ii)
			if key(&ps, ip+".key", ind.Key, "指标", "review_cases") {
				if prev, dup := indicatorAt[ind.Key]; dup {
					ps.add(ip+".key", "指标 key「%s」重复：与 %s 相同；key 在整个指标体系内必须唯一", ind.Key, prev)
				} else {
					indicatorAt[ind.Key] = ip
					local[ind.Key] = ind
				}
			}
			if chinese(&ps, ip+".name", ind.Name, "指标名称") {
				if prev, dup := nameAt[ind.Name]; dup {
					ps.add(ip+".name", "指标名称「%s」重复：与 %s 相同；同名指标在填报表上无法区分，请改用不同的名称", ind.Name, prev)
				} else {
					nameAt[ind.Name] = ip
				}
			}
			before := len(ps)
			validateIndicator(&ps, ip, ind)
			if len(ps) > before || covered(ip+".", prior) {
				broken[ind.Key] = true
			}
		}
	}

	// Rules and flags are checked against this part's indicators. A general
	// part must be complete in itself; a sector part may name general
	// indicators, so an unknown key there is left to Compose.
	resolve := func(path, k string) *Indicator {
		if ind, ok := local[k]; ok {
			if broken[k] {
				return nil
			}
			return ind
		}
		if p.Kind == KindGeneral {
			ps.add(path, "引用的指标「%s」不存在：请检查拼写，或者先在 sections 中定义这个指标", k)
		}
		return nil
	}
	checkAt := map[string]string{}
	checkKey := func(path, k, word string) {
		if !key(&ps, path, k, word, "review_closed_within_cases") {
			return
		}
		switch k {
		case CheckRequired, CheckBounds, CheckScale, CheckType, CheckChoice:
			ps.add(path, "%s key「%s」是系统保留的检查名称（required、bounds、scale、type、choice 不能使用），请换一个", word, k)
			return
		}
		if prev, dup := checkAt[k]; dup {
			ps.add(path, "%s key「%s」重复：与 %s 相同；校验规则和审核提示的 key 必须互不相同", word, k, prev)
			return
		}
		checkAt[k] = path
	}
	for ri := range p.Rules {
		r := &p.Rules[ri]
		rp := fmt.Sprintf("rules[%d]", ri)
		checkKey(rp+".key", r.Key, "规则")
		validateRule(&ps, rp, r, resolve)
		chinese(&ps, rp+".message", r.Message, "提示信息（message）", "请用中文写明出现问题时向填报单位显示的提示")
		chinese(&ps, rp+".help", r.Help, "规则说明（help）", "请用中文说明这条规则为什么成立，它会显示在填报说明和审核界面")
	}
	for fi := range p.Flags {
		f := &p.Flags[fi]
		fp := fmt.Sprintf("flags[%d]", fi)
		checkKey(fp+".key", f.Key, "审核提示")
		validateFlag(&ps, fp, f, resolve)
		chinese(&ps, fp+".message", f.Message, "提示信息（message）", "请用中文写明出现提示时向填报单位显示的内容")
		chinese(&ps, fp+".help", f.Help, "提示说明（help）", "请用中文说明为什么这种情况需要关注，它会显示在填报说明和审核界面")
	}
	return ps
}

// key checks a snake_case key and reports whether it is usable for the
// uniqueness checks that follow.
func key(ps *problemList, path, k, word, example string) bool {
	switch {
	case k == "":
		ps.add(path, "缺少%s的 key：请填写小写英文单词加下划线的标识，例如 %s", word, example)
		return false
	case !keyPattern.MatchString(k):
		ps.add(path, "%s key「%s」不合规：只能用小写英文字母和数字，单词之间用一个下划线连接，并以字母开头，例如 %s", word, k, example)
		return false
	case len(k) > maxKeyLen:
		ps.add(path, "%s key「%s」太长：最多 %d 个字符", word, k, maxKeyLen)
		return false
	}
	return true
}

// chinese checks a required Chinese text and reports whether it is usable.
// hint, when given, replaces the generic advice for a missing text.
func chinese(ps *problemList, path, s, what string, hint ...string) bool {
	switch {
	case strings.TrimSpace(s) == "":
		advice := "请用中文填写"
		if len(hint) > 0 {
			advice = hint[0]
		}
		ps.add(path, "缺少%s：%s", what, advice)
		return false
	case strings.TrimSpace(s) != s:
		ps.add(path, "%s「%s」前后有空格：请删除", what, s)
		return false
	case !hasHan(s):
		ps.add(path, "%s「%s」不是中文：请用中文填写", what, s)
		return false
	}
	return true
}

func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

func validateIndicator(ps *problemList, ip string, ind *Indicator) {
	typeOK := true
	switch ind.Type {
	case Integer, Decimal, Percent, Text, Date, Choice:
	case "":
		ps.add(ip+".type", "缺少 type：请填写 integer（整数）、decimal（小数）、percent（百分比）、text（文本）、date（日期）、choice（选项）之一")
		typeOK = false
	default:
		ps.add(ip+".type", "type「%s」无效：只能是 integer（整数）、decimal（小数）、percent（百分比）、text（文本）、date（日期）、choice（选项）之一", ind.Type)
		typeOK = false
	}
	tn := typeNames[ind.Type]

	// Unit.
	known := ind.Unit == ""
	for _, u := range Units {
		if ind.Unit == u {
			known = true
		}
	}
	switch {
	case !known:
		ps.add(ip+".unit", "单位「%s」不在允许范围内：只能是 %s 之一，或者不填", ind.Unit, strings.Join(Units, "、"))
	case !typeOK:
	case ind.Type == Percent && ind.Unit != "%":
		ps.add(ip+".unit", "百分比（percent）指标的单位必须是 %%，当前为「%s」", ind.Unit)
	case ind.Type != Percent && ind.Unit == "%":
		ps.add(ip+".unit", "单位 %% 只能用于百分比（percent）指标：请把 type 改为 percent，或者改用其他单位")
	case !ind.Type.IsNumeric() && ind.Unit != "":
		ps.add(ip+".unit", "%s指标不能有单位：请删除 unit", tn)
	case ind.Type == Integer && ind.Unit == "万元":
		ps.add(ip+".unit", "以万元为单位的金额通常有小数：type 请用 decimal 并设置 scale（例如 6），不要用 integer")
	}

	// Scale.
	switch {
	case !typeOK:
	case ind.Type != Decimal && ind.Type != Percent && ind.Scale != 0:
		ps.add(ip+".scale", "只有小数（decimal）和百分比（percent）指标可以设置 scale（小数位数）；%s指标请删除 scale", tn)
	case ind.Scale < 0 || ind.Scale > MaxScale:
		ps.add(ip+".scale", "scale %d 超出范围：小数位数只能是 0 到 %d", ind.Scale, MaxScale)
	}

	// Bounds.
	if typeOK && !ind.Type.IsNumeric() {
		if ind.Min != nil {
			ps.add(ip+".min", "只有数值指标（integer、decimal、percent）可以设置 min；%s指标请删除 min", tn)
		}
		if ind.Max != nil {
			ps.add(ip+".max", "只有数值指标（integer、decimal、percent）可以设置 max；%s指标请删除 max", tn)
		}
	} else if typeOK {
		bound := func(field string, d *decimal.Decimal) bool {
			if d == nil {
				return true
			}
			scale := ind.Scale
			if ind.Type == Integer {
				scale = 0
			}
			switch {
			case ind.Type == Integer && !d.IsInteger():
				ps.add(ip+"."+field, "整数指标的 %s 必须是整数，当前为 %s", field, plain(*d))
			case !d.Equal(d.Truncate(int32(scale))):
				ps.add(ip+"."+field, "%s %s 的小数位数超过了 scale %d", field, plain(*d), scale)
			case ind.Type == Integer && d.IsNegative():
				ps.add(ip+"."+field, "整数指标是计数，%s 不能为负数（当前为 %s）", field, plain(*d))
			case ind.Type == Percent && (d.IsNegative() || d.GreaterThan(hundred)):
				ps.add(ip+"."+field, "百分比的 %s 必须在 0 到 100 之间，当前为 %s", field, plain(*d))
			default:
				return true
			}
			return false
		}
		minOK, maxOK := bound("min", ind.Min), bound("max", ind.Max)
		if minOK && maxOK && ind.Max != nil {
			if lo := ind.Lower(); lo.GreaterThan(*ind.Max) {
				if ind.Min != nil {
					ps.add(ip+".min", "min %s 大于 max %s：下限不能大于上限", plain(*ind.Min), plain(*ind.Max))
				} else {
					ps.add(ip+".max", "max %s 小于默认下限 0：数值指标不设 min 时不能为负数，请检查 max，或者设置负的 min", plain(*ind.Max))
				}
			}
		}
	}

	// Choices.
	switch {
	case !typeOK:
	case ind.Type != Choice && len(ind.Choices) > 0:
		ps.add(ip+".choices", "只有选项（choice）指标可以设置 choices：请删除 choices，或者把 type 改为 choice")
	case ind.Type == Choice && len(ind.Choices) == 0:
		ps.add(ip+".choices", "选项（choice）指标必须列出 choices，例如 [是, 否]")
	case ind.Type == Choice && len(ind.Choices) < 2:
		ps.add(ip+".choices", "choices 至少要有两个选项")
	case ind.Type == Choice:
		seen := map[string]bool{}
		total := 0
		for ci, c := range ind.Choices {
			cp := fmt.Sprintf("%s.choices[%d]", ip, ci)
			total += utf8.RuneCountInString(c) + 1
			switch {
			case strings.TrimSpace(c) == "":
				ps.add(cp, "第 %d 个选项是空的：请填写或删除", ci+1)
			case strings.TrimSpace(c) != c:
				ps.add(cp, "选项「%s」前后有空格：请删除", c)
			case strings.ContainsAny(c, ",，"):
				ps.add(cp, "选项「%s」含有逗号：Excel 下拉列表用逗号分隔选项，请改用顿号", c)
			case seen[c]:
				ps.add(cp, "选项「%s」重复", c)
			}
			seen[c] = true
		}
		if total-1 > maxChoicesLen {
			ps.add(ip+".choices", "选项合计超过 %d 个字符：Excel 下拉列表放不下，请缩短选项", maxChoicesLen)
		}
	}

	// Help: the template prints it beside every indicator, and the bureau
	// relies on it to know what to count.
	switch {
	case strings.TrimSpace(ind.Help) == "":
		name := ind.Name
		if name == "" {
			name = ind.Key
		}
		ps.add(ip+".help", "指标「%s」缺少填报说明（help）：请写明统计什么、不统计什么、没有时怎么填", name)
	case !hasHan(ind.Help):
		ps.add(ip+".help", "填报说明（help）应使用中文")
	}
}

func validateRule(ps *problemList, rp string, r *Rule, resolve func(path, k string) *Indicator) {
	switch r.Severity {
	case SeverityError, SeverityWarning:
	case "":
		ps.add(rp+".severity", "缺少 severity：error 表示阻止报送（只用于如实填报不可能出现的情况），warning 表示允许报送但须在说明栏说明")
	default:
		ps.add(rp+".severity", "severity「%s」无效：只能是 error（阻止报送）或 warning（允许报送但须说明）", r.Severity)
	}
	list := func(field string, keys []string) {
		seen := map[string]bool{}
		for i, k := range keys {
			if seen[k] {
				ps.add(fmt.Sprintf("%s.%s[%d]", rp, field, i), "%s 中指标「%s」重复", field, k)
			}
			seen[k] = true
		}
	}
	switch r.Kind {
	case RuleAtMost:
		if len(r.Left) == 0 {
			ps.add(rp+".left", "at_most 规则缺少 left：请列出合计不能超过右边的指标，例如 [review_closed]")
		}
		if len(r.Right) == 0 {
			ps.add(rp+".right", "at_most 规则缺少 right：请列出作为上限的指标，例如 [review_cases]")
		}
		if r.If != "" {
			ps.add(rp+".if", "at_most 规则不使用 if：请删除，或者把 kind 改为 requires")
		}
		if len(r.Then) > 0 {
			ps.add(rp+".then", "at_most 规则不使用 then：请删除，或者把 kind 改为 requires")
		}
		list("left", r.Left)
		list("right", r.Right)
		right := map[string]bool{}
		for _, k := range r.Right {
			right[k] = true
		}
		var first *Indicator
		firstKey := ""
		compare := func(field string, keys []string) {
			for i, k := range keys {
				path := fmt.Sprintf("%s.%s[%d]", rp, field, i)
				if field == "left" && right[k] {
					ps.add(path, "指标「%s」同时出现在 left 和 right 中：请只保留一边", k)
					continue
				}
				ind := resolve(path, k)
				if ind == nil {
					continue
				}
				if !ind.Type.IsNumeric() {
					ps.add(path, "at_most 规则只能比较数值指标，「%s」是%s指标", k, typeNames[ind.Type])
					continue
				}
				if first == nil {
					first, firstKey = ind, k
				} else if ind.Unit != first.Unit {
					ps.add(path, "at_most 规则比较的指标单位不同：「%s」的单位是「%s」，「%s」的单位是「%s」；不同单位的数值不能相加比较", firstKey, first.Unit, k, ind.Unit)
				}
			}
		}
		compare("left", r.Left)
		compare("right", r.Right)
	case RuleRequires:
		if r.If == "" {
			ps.add(rp+".if", "requires 规则缺少 if：请填写触发规则的数值指标（大于 0 时触发）")
		} else if ind := resolve(rp+".if", r.If); ind != nil && !ind.Type.IsNumeric() {
			ps.add(rp+".if", "requires 规则的 if 必须是数值指标（大于 0 时触发），「%s」是%s指标", r.If, typeNames[ind.Type])
		}
		if len(r.Then) == 0 {
			ps.add(rp+".then", "requires 规则缺少 then：请列出 if 大于 0 时必须填写的指标")
		}
		if len(r.Left) > 0 {
			ps.add(rp+".left", "requires 规则不使用 left：请删除，或者把 kind 改为 at_most")
		}
		if len(r.Right) > 0 {
			ps.add(rp+".right", "requires 规则不使用 right：请删除，或者把 kind 改为 at_most")
		}
		list("then", r.Then)
		for i, k := range r.Then {
			path := fmt.Sprintf("%s.then[%d]", rp, i)
			if k == r.If {
				ps.add(path, "then 中不能包含 if 指标「%s」本身", k)
				continue
			}
			resolve(path, k)
		}
	case "":
		ps.add(rp+".kind", "缺少 kind：at_most 表示左边合计不能超过右边合计，requires 表示 if 大于 0 时必须填写 then")
	default:
		ps.add(rp+".kind", "规则类型 kind「%s」无效：只能是 at_most（左边合计不超过右边合计）或 requires（if 大于 0 时必须填写 then）", r.Kind)
	}
}

var flagOps = map[string]string{"<": "低于", "<=": "不高于", ">": "高于", ">=": "不低于"}

func validateFlag(ps *problemList, fp string, f *Flag, resolve func(path, k string) *Indicator) {
	numeric := func(path, k string) *Indicator {
		ind := resolve(path, k)
		if ind != nil && !ind.Type.IsNumeric() {
			ps.add(path, "审核提示只能用于数值指标，「%s」是%s指标", k, typeNames[ind.Type])
			return nil
		}
		return ind
	}
	switch f.Kind {
	case FlagThreshold:
		var ind *Indicator
		if f.Indicator == "" {
			ps.add(fp+".indicator", "threshold 提示缺少 indicator：请填写要比较的指标")
		} else {
			ind = numeric(fp+".indicator", f.Indicator)
		}
		if _, ok := flagOps[f.Op]; !ok {
			if f.Op == "" {
				ps.add(fp+".op", "threshold 提示缺少 op：请填写 <、<=、>、>= 之一（加引号，例如 \"<\"）")
			} else {
				ps.add(fp+".op", "比较符 op「%s」无效：只能是 <、<=、>、>= 之一", f.Op)
			}
		}
		if f.Value == nil {
			ps.add(fp+".value", "threshold 提示缺少 value：请填写比较的数值，例如 100")
		} else if ind != nil && ind.Type == Percent && (f.Value.IsNegative() || f.Value.GreaterThan(hundred)) {
			ps.add(fp+".value", "百分比指标的比较值应在 0 到 100 之间，当前为 %s", plain(*f.Value))
		}
		if len(f.Indicators) > 0 {
			ps.add(fp+".indicators", "threshold 提示不使用 indicators：要比较的指标请填在 indicator 中")
		}
		if f.Ratio != nil {
			ps.add(fp+".ratio", "threshold 提示不使用 ratio：请删除，或者把 kind 改为 change")
		}
	case FlagChange:
		switch {
		case f.Ratio == nil:
			ps.add(fp+".ratio", "change 提示缺少 ratio：请填写变化幅度，例如 0.5 表示与上年度相比增减超过 50%% 时提示")
		case f.Ratio.Sign() <= 0:
			ps.add(fp+".ratio", "ratio 必须大于 0，当前为 %s；例如 0.5 表示增减超过 50%%", plain(*f.Ratio))
		}
		if f.Indicator != "" || f.Op != "" || f.Value != nil {
			ps.add(fp, "change 提示不使用 indicator、op、value：要比较的指标请列在 indicators 中，不填表示全部数值指标")
		}
		seen := map[string]bool{}
		for i, k := range f.Indicators {
			path := fmt.Sprintf("%s.indicators[%d]", fp, i)
			if seen[k] {
				ps.add(path, "indicators 中指标「%s」重复", k)
				continue
			}
			seen[k] = true
			numeric(path, k)
		}
	case "":
		ps.add(fp+".kind", "缺少 kind：threshold 表示与固定值比较，change 表示与上年度比较")
	default:
		ps.add(fp+".kind", "审核提示类型 kind「%s」无效：只能是 threshold（与固定值比较）或 change（与上年度比较）", f.Kind)
	}
}
