package excelreturn

import (
	"time"

	"github.com/lawcycle/lawcycle/catalogue"
)

// TemplateInput is what a personalised template is written from.
type TemplateInput struct {
	Catalogue  *catalogue.Catalogue
	CycleID    string // empty for a blank template (lawcycle template)
	CycleYear  int    // report year, e.g. 2024; 0 for a blank template
	CycleTitle string
	OrgCode    string
	OrgName    string
	CreditCode string
	// LastYear holds the bureau's approved values of the previous cycle,
	// shown in the reference column; nil when there is none.
	LastYear    catalogue.Values
	GeneratedAt time.Time
}

// Limits bound what the reader accepts before and while unzipping.
type Limits struct {
	MaxFileSize  int64 // bytes of the uploaded file
	MaxUnzipSize int64 // sum of uncompressed entry sizes
	MaxXMLSize   int64 // one worksheet XML held in memory; larger ones stream from a temp file
	MaxEntries   int   // zip entries
	MaxRatio     int64 // per-entry uncompressed:compressed ratio (zip bomb guard)
}

// DefaultLimits are generous for a real return (a few hundred KB) and far
// below what would hurt the server.
func DefaultLimits() Limits {
	return Limits{
		MaxFileSize:  20 << 20,
		MaxUnzipSize: 200 << 20,
		MaxXMLSize:   16 << 20,
		MaxEntries:   2000,
		MaxRatio:     200,
	}
}

// Expect says what the caller expects the file to be. Zero fields are not
// checked: lawcycle check compares nothing but the catalogue.
type Expect struct {
	CycleID   string
	CycleYear int
	OrgCode   string
	OrgName   string
	// Catalogue the cycle pins for this bureau. When nil, the reader resolves
	// the catalogue the template names through Resolve.
	Catalogue *catalogue.Catalogue
	Resolve   func(label string) (*catalogue.Catalogue, error)
	// LastYear feeds the change-against-last-year flags.
	LastYear catalogue.Values
	Limits   Limits
}

// Issue is one thing wrong with a return: a file-level fault (no sheet),
// a structural fault (sheet, maybe cell) or a value (sheet, cell,
// indicator). Message is Chinese and says what is wrong and what to do.
type Issue struct {
	Code          string             `json:"code"` // stable, e.g. not_a_number, sheet_missing
	Severity      catalogue.Severity `json:"severity"`
	Sheet         string             `json:"sheet,omitempty"`
	Cell          string             `json:"cell,omitempty"`
	Indicator     string             `json:"indicator,omitempty"`
	IndicatorName string             `json:"indicator_name,omitempty"`
	// Cells lists every cell a cross-field rule involves (Cell is the first).
	Cells   []string `json:"cells,omitempty"`
	Message string   `json:"message"`
}

// Info is the 基本信息 sheet.
type Info struct {
	OrgName    string `json:"org_name"`
	CreditCode string `json:"credit_code"`
	Preparer   string `json:"preparer"`
	Phone      string `json:"phone"`
	Leader     string `json:"leader"`
}

// Problem is one 存在问题 row, ready to become a rectification item.
type Problem struct {
	Row         int    `json:"row"`
	Description string `json:"description"`
	Cause       string `json:"cause"`
	Measures    string `json:"measures"`
	Department  string `json:"department"`
	Person      string `json:"person"`
	Due         string `json:"due,omitempty"` // YYYY-MM-DD
	Category    string `json:"category"`      // 立行立改 | 限期整改 | 长期坚持
}

// Plan is one 下一年度安排 row.
type Plan struct {
	Row        int    `json:"row"`
	Task       string `json:"task"`
	Measures   string `json:"measures"`
	Department string `json:"department"`
	Due        string `json:"due,omitempty"` // YYYY-MM-DD
}

// Meta is what the hidden metadata sheet says about the template.
type Meta struct {
	Format      string `json:"format"`
	CycleID     string `json:"cycle_id"`
	CycleYear   int    `json:"cycle_year"`
	CycleTitle  string `json:"cycle_title"`
	OrgCode     string `json:"org_code"`
	OrgName     string `json:"org_name"`
	Catalogue   string `json:"catalogue"`
	Fingerprint string `json:"fingerprint"`
}

// Return is a parsed return: every value in canonical form.
type Return struct {
	Meta         Meta              `json:"meta"`
	Info         Info              `json:"info"`
	Values       catalogue.Values  `json:"values"`
	Explanations map[string]string `json:"explanations,omitempty"` // 说明 column by indicator key
	Problems     []Problem         `json:"problems"`
	Plans        []Plan            `json:"plans"`
}

// Result is the outcome of reading a return. Errors block the submission;
// warnings accept it and flag it. Return is nil when the file could not be
// read as a lawcycle return at all.
type Result struct {
	Return   *Return `json:"return,omitempty"`
	Errors   []Issue `json:"errors"`
	Warnings []Issue `json:"warnings"`
}

// OK reports whether the return may be submitted.
func (r *Result) OK() bool { return r.Return != nil && len(r.Errors) == 0 }
