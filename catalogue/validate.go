package catalogue

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/shopspring/decimal"
)

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
