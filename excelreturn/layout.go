// Package excelreturn writes a bureau's personalised return template and
// reads a filled return back (docs/domain.md#template): tolerant of how people and office
// suites write cells, strict about what they mean.
//
// The layout below is shared by the writer and the reader; changing it
// changes the structure fingerprint, so old templates are recognised.
package excelreturn

// Sheet names, in workbook order. The metadata sheet is very hidden and
// protected; 错误清单 exists only in annotated copies.
const (
	SheetGuide      = "填报说明"
	SheetInfo       = "基本信息"
	SheetIndicators = "统计指标"
	SheetProblems   = "存在问题"
	SheetPlans      = "下一年度安排"
	SheetMeta       = "lawcycle_meta"
	SheetErrors     = "错误清单"
)

// FormatID identifies this layout in the metadata sheet. Bump it when the
// layout changes in a way the reader must know about.
const FormatID = "lawcycle-return/1"

// 基本信息: labels in column A, values in column B, one field per row.
const (
	InfoFirstRow = 2 // row 1 is the title
	InfoLabelCol = "A"
	InfoValueCol = "B"
)

// InfoField is one row of the 基本信息 sheet.
type InfoField struct {
	Key      string // org_name, credit_code, preparer, phone, leader
	Label    string
	Prefill  bool // written by the template, locked
	Required bool
}

// InfoFields lists the 基本信息 rows in order, starting at InfoFirstRow.
var InfoFields = []InfoField{
	{Key: "org_name", Label: "单位名称", Prefill: true, Required: true},
	{Key: "credit_code", Label: "统一社会信用代码", Prefill: true},
	{Key: "preparer", Label: "填报人", Required: true},
	{Key: "phone", Label: "联系电话", Required: true},
	{Key: "leader", Label: "主要负责人", Required: true},
}

// 统计指标: a title row, a header row, then for each section one header row
// followed by one row per indicator.
const (
	IndicatorHeaderRow = 2
	IndicatorFirstRow  = 3
	ColCode            = "A" // 编号, e.g. 1.3
	ColName            = "B" // 指标名称
	ColUnit            = "C" // 单位
	ColValue           = "D" // 本年度数值 (input)
	ColLastYear        = "E" // 上年度数值 (reference, locked)
	ColExplain         = "F" // 说明 (input; asked for when a warning fires)
	ColRequirement     = "G" // 填报要求: type, bounds, required, help
	ColKey             = "H" // indicator key (hidden column, locked)
)

// 存在问题: title row, header row, then one problem per row.
const (
	ProblemHeaderRow = 2
	ProblemFirstRow  = 3
	// ProblemInputRows rows are pre-formatted with validation and unlocked.
	ProblemInputRows = 200
	// MaxProblems bounds what the reader accepts, so a stress file cannot
	// turn into an unbounded payload.
	MaxProblems = 1000
)

// ProblemColumns are the 存在问题 columns from A onwards.
var ProblemColumns = []string{"序号", "问题描述", "原因", "整改措施", "责任部门", "责任人", "计划完成时限", "类别"}

// ProblemCategories are the three item categories (docs/domain.md#rectification).
var ProblemCategories = []string{"立行立改", "限期整改", "长期坚持"}

// 下一年度安排: title row, header row, then one plan item per row.
const (
	PlanHeaderRow = 2
	PlanFirstRow  = 3
	PlanInputRows = 100
	MaxPlans      = 500
)

// PlanColumns are the 下一年度安排 columns from A onwards.
var PlanColumns = []string{"序号", "工作安排", "具体措施", "责任部门", "计划完成时限"}

// Metadata sheet: key in column A, value in column B. After the fixed keys
// comes one row per indicator: key in A, its row on 统计指标 in B, under a
// row whose A cell is MetaRowsMarker.
const (
	MetaFormat      = "format"
	MetaCycleID     = "cycle_id"
	MetaCycleYear   = "cycle_year"
	MetaCycleTitle  = "cycle_title"
	MetaOrgCode     = "org_code"
	MetaOrgName     = "org_name"
	MetaCatalogue   = "catalogue"   // e.g. general@2025.1+hrss@2025.1
	MetaFingerprint = "fingerprint" // catalogue and layout structure, hex sha256
	MetaGeneratedAt = "generated_at"
	MetaRowsMarker  = "indicator_rows"
)
