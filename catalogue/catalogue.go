// Package catalogue defines the indicator catalogue (指标体系, docs/domain.md#catalogue): the
// versioned data that drives a return's template, its in-cell validation,
// the server-side checks and the help text, so the three never disagree.
//
// A catalogue is composed of parts: the general part every department fills
// and at most one sector part chosen by the bureau's sector (e.g. hrss for
// 人社局). Each part is one YAML file (see builtin/).
package catalogue

import (
	"github.com/shopspring/decimal"
)

// Type is how an indicator's value is written and checked.
type Type string

const (
	Integer Type = "integer" // whole numbers: 件, 人, 次, 家
	Decimal Type = "decimal" // fixed scale, e.g. 万元 with 2 or more decimals
	Percent Type = "percent" // canonical value in percentage points, 0–100
	Text    Type = "text"
	Date    Type = "date" // canonical value YYYY-MM-DD
	Choice  Type = "choice"
)

// IsNumeric reports whether values of the type are numbers (Value.Number)
// rather than text (Value.Text).
func (t Type) IsNumeric() bool { return t == Integer || t == Decimal || t == Percent }

// Severity of a rule (docs/domain.md#catalogue). Errors block a submission and are kept to
// what no honest return can contain; warnings accept it, flag it for the
// reviewer and ask the bureau for an explanation in the 说明 column.
type Severity string

const (
	SeverityError   Severity = "error"
	SeverityWarning Severity = "warning"
)

// PartKind says whether a part is the general catalogue or a sector extension.
type PartKind string

const (
	KindGeneral PartKind = "general"
	KindSector  PartKind = "sector"
)

// Part is one catalogue file as loaded and validated.
type Part struct {
	ID      string   `yaml:"id" json:"id"`           // "general", "hrss"
	Kind    PartKind `yaml:"kind" json:"kind"`       // general | sector
	Version string   `yaml:"version" json:"version"` // "2025.1"; ordered by CompareVersions
	Name    string   `yaml:"name" json:"name"`       // 中文名称
	// Help is the part's general filling instructions (统计期、填 0 还是留空…),
	// written on the 填报说明 sheet before the per-indicator help.
	Help     string    `yaml:"help,omitempty" json:"help,omitempty"`
	Sections []Section `yaml:"sections" json:"sections"`
	Rules    []Rule    `yaml:"rules,omitempty" json:"rules,omitempty"`
	Flags    []Flag    `yaml:"flags,omitempty" json:"flags,omitempty"`
}

// GeneralID is the id of the general part; it is the only part of kind
// general, so a composition never has to choose between two.
const GeneralID = "general"

// Ref names a part at a version, e.g. "hrss@2025.1".
type Ref struct {
	ID      string `json:"id"`
	Version string `json:"version"`
}

func (r Ref) String() string { return r.ID + "@" + r.Version }

// Section groups indicators on the indicator sheet.
type Section struct {
	Key        string      `yaml:"key" json:"key"`
	Name       string      `yaml:"name" json:"name"`
	Help       string      `yaml:"help,omitempty" json:"help,omitempty"`
	Indicators []Indicator `yaml:"indicators" json:"indicators"`
}

// Indicator is one figure a bureau enters. Keys are stable across versions:
// last year's value is matched by key.
type Indicator struct {
	Key      string           `yaml:"key" json:"key"`
	Name     string           `yaml:"name" json:"name"`
	Unit     string           `yaml:"unit,omitempty" json:"unit,omitempty"` // 件 人 万元 % 次 家 …
	Type     Type             `yaml:"type" json:"type"`
	Scale    int              `yaml:"scale,omitempty" json:"scale,omitempty"` // decimals allowed (decimal, percent)
	Min      *decimal.Decimal `yaml:"min,omitempty" json:"min,omitempty"`
	Max      *decimal.Decimal `yaml:"max,omitempty" json:"max,omitempty"`
	Choices  []string         `yaml:"choices,omitempty" json:"choices,omitempty"`
	Required bool             `yaml:"required,omitempty" json:"required,omitempty"`
	Help     string           `yaml:"help" json:"help"`
	// Section is the key of the section holding the indicator; set on load.
	Section string `yaml:"-" json:"section"`
}

// RuleKind names the shape of a cross-field rule.
type RuleKind string

const (
	// RuleAtMost: sum(Left) ≤ sum(Right), e.g. a 其中 breakdown against its whole.
	RuleAtMost RuleKind = "at_most"
	// RuleRequires: when If is filled with a value > 0, every key in Then
	// must be filled.
	RuleRequires RuleKind = "requires"
)

// Rule is a cross-field rule. Message is the Chinese sentence shown to the
// bureau; Help says why the rule holds (shown in 填报说明 and to reviewers).
type Rule struct {
	Key      string   `yaml:"key" json:"key"`
	Kind     RuleKind `yaml:"kind" json:"kind"`
	Severity Severity `yaml:"severity" json:"severity"`
	Left     []string `yaml:"left,omitempty" json:"left,omitempty"`
	Right    []string `yaml:"right,omitempty" json:"right,omitempty"`
	If       string   `yaml:"if,omitempty" json:"if,omitempty"`
	Then     []string `yaml:"then,omitempty" json:"then,omitempty"`
	Message  string   `yaml:"message" json:"message"`
	Help     string   `yaml:"help" json:"help"`
}

// FlagKind names the shape of a review flag.
type FlagKind string

const (
	// FlagThreshold: Indicator compared by Op ("<", "<=", ">", ">=") with Value.
	FlagThreshold FlagKind = "threshold"
	// FlagChange: |this year − last year| / last year > Ratio for any of
	// Indicators (all numeric indicators of the catalogue when empty).
	FlagChange FlagKind = "change"
)

// Flag is a review flag: always a warning; it marks the return for the
// reviewer and asks for an explanation.
type Flag struct {
	Key        string           `yaml:"key" json:"key"`
	Kind       FlagKind         `yaml:"kind" json:"kind"`
	Indicator  string           `yaml:"indicator,omitempty" json:"indicator,omitempty"`
	Op         string           `yaml:"op,omitempty" json:"op,omitempty"`
	Value      *decimal.Decimal `yaml:"value,omitempty" json:"value,omitempty"`
	Indicators []string         `yaml:"indicators,omitempty" json:"indicators,omitempty"`
	Ratio      *decimal.Decimal `yaml:"ratio,omitempty" json:"ratio,omitempty"`
	Message    string           `yaml:"message" json:"message"`
	Help       string           `yaml:"help" json:"help"`
}

// Value is one entered figure in canonical form. Number holds integer,
// decimal and percent values (percent in percentage points); Text holds
// text, choice and date (YYYY-MM-DD) values.
type Value struct {
	Number decimal.Decimal `json:"number"`
	Text   string          `json:"text,omitempty"`
}

// Values maps indicator keys to entered values; a blank cell has no entry.
type Values map[string]Value

// Finding is the outcome of one check against a set of values. Indicators
// lists every key involved in the order the message names them, so the
// caller can point at each cell.
type Finding struct {
	Rule       string   `json:"rule"` // rule or flag key; "required", "bounds" for per-indicator checks
	Severity   Severity `json:"severity"`
	Indicators []string `json:"indicators"`
	Message    string   `json:"message"`
}

var (
	zero       = decimal.Zero
	hundred    = decimal.NewFromInt(100)
	percentMax = hundred
)

// Lower is the smallest value the checks accept for a numeric indicator:
// Min when set, otherwise 0, because counts, amounts and rates are never
// negative unless the catalogue says so.
func (ind *Indicator) Lower() decimal.Decimal {
	if ind.Min != nil {
		return *ind.Min
	}
	return zero
}

// Upper is the largest value the checks accept for a numeric indicator and
// whether there is one: Max when set, 100 for a percent.
func (ind *Indicator) Upper() (decimal.Decimal, bool) {
	if ind.Max != nil {
		return *ind.Max, true
	}
	if ind.Type == Percent {
		return percentMax, true
	}
	return decimal.Decimal{}, false
}
