package catalogue

import (
	"fmt"
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

// Check checks a set of values against the catalogue: the template's
// in-cell validation, the server and the annotated workbook all report
// these findings, so they never disagree.
//
// The order is deterministic: per-indicator findings in sheet order, then
// cross-field rules in catalogue order, then review flags in catalogue
// order. Per-indicator checks stop at the first problem of a cell.
//
// Blank is never zero. A missing value is reported only by "required" and
// by requires rules; elsewhere it is absent, not 0:
//   - at_most is skipped when any indicator of the whole (right) is blank,
//     because a partial whole would invent a smaller upper limit; blank
//     parts (left) are left out of the sum; with no part filled there is
//     nothing to compare;
//   - requires fires only when its if-value is filled and greater than 0;
//   - threshold needs the value; change needs both years and skips a zero
//     last year (no ratio exists; 0 → 5 is a reviewer's call, not ±50%).
//
// A rule or flag involving a value that already failed its own check is
// skipped: comparing a negative count or a malformed figure would only
// repeat the same mistake in a second, more confusing message.
//
// Keys of values unknown to the catalogue are ignored; the reader only
// produces catalogue keys, and last year's values may come from an older
// version.
func (c *Catalogue) Check(values, lastYear Values) []Finding {
	var out []Finding
	failed := map[string]bool{}
	for _, ind := range c.order {
		if f := checkIndicator(ind, values); f != nil {
			out = append(out, *f)
			failed[ind.Key] = true
		}
	}
	for i := range c.Rules {
		if f := c.checkRule(&c.Rules[i], values, failed); f != nil {
			out = append(out, *f)
		}
	}
	for i := range c.Flags {
		out = append(out, c.checkFlag(&c.Flags[i], values, lastYear, failed)...)
	}
	return out
}

// present returns the value of ind when its cell is filled. Text-like
// values that are only spaces count as blank.
func present(ind *Indicator, values Values) (Value, bool) {
	v, ok := values[ind.Key]
	if !ok {
		return v, false
	}
	if !ind.Type.IsNumeric() && strings.TrimSpace(v.Text) == "" {
		return v, false
	}
	return v, true
}

func quoted(ind *Indicator) string { return "「" + ind.Name + "」" }

func checkIndicator(ind *Indicator, values Values) *Finding {
	one := func(rule, format string, args ...any) *Finding {
		return &Finding{Rule: rule, Severity: SeverityError, Indicators: []string{ind.Key}, Message: fmt.Sprintf(format, args...)}
	}
	v, ok := present(ind, values)
	if !ok {
		if !ind.Required {
			return nil
		}
		switch ind.Type {
		case Choice:
			return one(CheckRequired, "%s是必填项，尚未选择。请从%s中选择一项。", quoted(ind), choiceList(ind.Choices, "、"))
		case Date:
			return one(CheckRequired, "%s是必填项，尚未填写。请按 2025-03-31 的格式填写日期。", quoted(ind))
		case Text:
			return one(CheckRequired, "%s是必填项，尚未填写。请填写。", quoted(ind))
		default:
			return one(CheckRequired, "%s是必填项，尚未填写。没有发生的请填 0，不要留空。", quoted(ind))
		}
	}

	switch ind.Type {
	case Integer, Decimal, Percent:
		n, shown := v.Number, FormatValue(ind, v)
		lower := ind.Lower()
		if n.LessThan(lower) {
			if lower.IsZero() {
				return one(CheckBounds, "%s不能为负数，当前填写的是%s。请改正。", quoted(ind), shown)
			}
			return one(CheckBounds, "%s不能小于%s，当前填写的是%s。请改正。", quoted(ind), formatNumber(ind, lower), shown)
		}
		if upper, ok := ind.Upper(); ok && n.GreaterThan(upper) {
			if ind.Type == Percent && ind.Max == nil {
				return one(CheckBounds, "%s是百分比，应在0%%到100%%之间，当前填写的是%s。比率请填百分数的数值，例如95.5%%填95.5。", quoted(ind), shown)
			}
			return one(CheckBounds, "%s不能大于%s，当前填写的是%s。请改正。", quoted(ind), formatNumber(ind, upper), shown)
		}
		scale := ind.Scale
		if ind.Type == Integer {
			scale = 0
		}
		if !n.Equal(n.Truncate(int32(scale))) {
			if scale == 0 {
				return one(CheckScale, "%s应为整数，当前填写的是%s。请改正。", quoted(ind), shown)
			}
			return one(CheckScale, "%s最多保留%d位小数，当前填写的是%s。请四舍五入到%d位小数。", quoted(ind), scale, shown, scale)
		}
	case Date:
		if _, err := time.Parse(time.DateOnly, v.Text); err != nil {
			return one(CheckType, "%s不是有效的日期，当前填写的是「%s」。请按 2025-03-31 的格式填写。", quoted(ind), v.Text)
		}
	case Choice:
		for _, c := range ind.Choices {
			if v.Text == c {
				return nil
			}
		}
		return one(CheckChoice, "%s只能选择%s，当前填写的是「%s」。请从下拉列表中选择。", quoted(ind), choiceList(ind.Choices, "或"), v.Text)
	}
	return nil
}

// choiceList writes 「是」或「否」, 「甲」「乙」或「丙」.
func choiceList(choices []string, last string) string {
	var b strings.Builder
	for i, c := range choices {
		if i > 0 && i == len(choices)-1 {
			b.WriteString(last)
		}
		b.WriteString("「" + c + "」")
	}
	return b.String()
}

// sentence makes a catalogue message end like a sentence whether or not its
// author wrote the full stop.
func sentence(s string) string {
	s = strings.TrimSpace(s)
	if strings.HasSuffix(s, "。") {
		return s
	}
	return s + "。"
}

// The action asked of the bureau depends on the severity (docs/domain.md#errors-and-warnings): an
// error must be corrected, a warning may stand with an explanation.
func action(sev Severity) string {
	if sev == SeverityError {
		return "请核对并改正。"
	}
	return "请核实；如数据无误，请在说明栏中说明原因。"
}

type term struct {
	ind *Indicator
	n   decimal.Decimal
}

// describe writes 「甲」（7件） or 「甲」（7件）、「乙」（2件）合计9件.
func describe(terms []term) (string, decimal.Decimal) {
	sum := decimal.Zero
	parts := make([]string, len(terms))
	for i, t := range terms {
		sum = sum.Add(t.n)
		parts[i] = fmt.Sprintf("%s（%s）", quoted(t.ind), formatNumber(t.ind, t.n))
	}
	s := strings.Join(parts, "、")
	if len(terms) > 1 {
		s += "合计" + formatNumber(terms[0].ind, sum)
	}
	return s, sum
}

func (c *Catalogue) checkRule(r *Rule, values Values, failed map[string]bool) *Finding {
	switch r.Kind {
	case RuleAtMost:
		var left, right []term
		for _, k := range r.Left {
			ind := c.index[k]
			if v, ok := present(ind, values); ok {
				if failed[k] {
					return nil
				}
				left = append(left, term{ind, v.Number})
			}
		}
		if len(left) == 0 {
			return nil
		}
		for _, k := range r.Right {
			ind := c.index[k]
			v, ok := present(ind, values)
			if !ok || failed[k] {
				return nil
			}
			right = append(right, term{ind, v.Number})
		}
		ls, lsum := describe(left)
		rs, rsum := describe(right)
		if !lsum.GreaterThan(rsum) {
			return nil
		}
		keys := make([]string, 0, len(left)+len(right))
		for _, t := range append(left, right...) {
			keys = append(keys, t.ind.Key)
		}
		return &Finding{
			Rule:       r.Key,
			Severity:   r.Severity,
			Indicators: keys,
			Message:    fmt.Sprintf("%s多于%s。%s%s", ls, rs, sentence(r.Message), action(r.Severity)),
		}
	case RuleRequires:
		ifInd := c.index[r.If]
		v, ok := present(ifInd, values)
		if !ok || failed[r.If] || v.Number.Sign() <= 0 {
			return nil
		}
		var missing []*Indicator
		for _, k := range r.Then {
			if ind := c.index[k]; !has(ind, values) {
				missing = append(missing, ind)
			}
		}
		if len(missing) == 0 {
			return nil
		}
		keys := []string{r.If}
		names := make([]string, len(missing))
		for i, ind := range missing {
			keys = append(keys, ind.Key)
			names[i] = quoted(ind)
		}
		do := "请补填；确实无法提供的，请在说明栏中说明原因。"
		if r.Severity == SeverityError {
			do = "请补填后再报送。"
		}
		return &Finding{
			Rule:       r.Key,
			Severity:   r.Severity,
			Indicators: keys,
			Message: fmt.Sprintf("已填写%s（%s），但%s未填写。%s%s",
				quoted(ifInd), FormatValue(ifInd, v), strings.Join(names, "、"), sentence(r.Message), do),
		}
	}
	return nil
}

func has(ind *Indicator, values Values) bool {
	_, ok := present(ind, values)
	return ok
}

func (c *Catalogue) checkFlag(f *Flag, values, lastYear Values, failed map[string]bool) []Finding {
	switch f.Kind {
	case FlagThreshold:
		ind := c.index[f.Indicator]
		v, ok := present(ind, values)
		if !ok || failed[f.Indicator] || f.Value == nil || !compare(v.Number, f.Op, *f.Value) {
			return nil
		}
		return []Finding{{
			Rule:       f.Key,
			Severity:   SeverityWarning,
			Indicators: []string{ind.Key},
			Message: fmt.Sprintf("%s为%s，%s%s。%s请在说明栏中说明原因。",
				quoted(ind), FormatValue(ind, v), flagOps[f.Op], formatNumber(ind, *f.Value), sentence(f.Message)),
		}}
	case FlagChange:
		if f.Ratio == nil {
			return nil
		}
		inds := make([]*Indicator, 0, len(f.Indicators))
		for _, k := range f.Indicators {
			inds = append(inds, c.index[k])
		}
		if len(f.Indicators) == 0 {
			for _, ind := range c.order {
				if ind.Type.IsNumeric() {
					inds = append(inds, ind)
				}
			}
		}
		var out []Finding
		for _, ind := range inds {
			cur, ok := present(ind, values)
			last, lok := lastYear[ind.Key]
			if !ok || !lok || failed[ind.Key] || last.Number.IsZero() {
				continue
			}
			diff := cur.Number.Sub(last.Number)
			if !diff.Abs().GreaterThan(f.Ratio.Mul(last.Number.Abs())) {
				continue
			}
			dir := "增加"
			if diff.IsNegative() {
				dir = "减少"
			}
			pct := diff.Abs().Mul(hundred).DivRound(last.Number.Abs(), 1)
			out = append(out, Finding{
				Rule:       f.Key,
				Severity:   SeverityWarning,
				Indicators: []string{ind.Key},
				Message: fmt.Sprintf("%s本年度为%s，上年度为%s，%s%s%%。%s请在说明栏中说明变化原因。",
					quoted(ind), FormatValue(ind, cur), FormatValue(ind, last), dir, plain(pct), sentence(f.Message)),
			})
		}
		return out
	}
	return nil
}

func compare(a decimal.Decimal, op string, b decimal.Decimal) bool {
	switch op {
	case "<":
		return a.LessThan(b)
	case "<=":
		return a.LessThanOrEqual(b)
	case ">":
		return a.GreaterThan(b)
	case ">=":
		return a.GreaterThanOrEqual(b)
	}
	return false
}

// FormatValue writes a value the way people read it in a message: integers
// without decimals (9件), amounts without trailing zeros (23.66465万元),
// percents with the sign (95.5%), dates in Chinese (2025年3月31日).
func FormatValue(ind *Indicator, v Value) string {
	switch ind.Type {
	case Integer, Decimal, Percent:
		return formatNumber(ind, v.Number)
	case Date:
		if t, err := time.Parse(time.DateOnly, v.Text); err == nil {
			return fmt.Sprintf("%d年%d月%d日", t.Year(), int(t.Month()), t.Day())
		}
	}
	return v.Text
}

func formatNumber(ind *Indicator, n decimal.Decimal) string {
	if ind.Type == Percent {
		return plain(n) + "%"
	}
	return plain(n) + ind.Unit
}

// plain writes n without exponent and without trailing zeros (77.590 →
// 77.59, 1.5E3 → 1500). decimal's String obeys package-wide switches any
// importer may flip; StringFixed does not.
func plain(n decimal.Decimal) string {
	places := int32(0)
	if e := n.Exponent(); e < 0 {
		places = -e
	}
	s := n.StringFixed(places)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	if s == "-0" {
		s = "0"
	}
	return s
}
