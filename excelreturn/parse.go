package excelreturn

import (
	"archive/zip"
	"errors"
	"fmt"
	"io"
	"runtime/debug"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/lawcycle/lawcycle/catalogue"
)

// Parse reads a filled return (docs/domain.md#reader). Everything wrong with the file,
// from a legacy .xls to a negative count, comes back as an Issue in the
// Result; the error is only for failures of the server itself.
//
// The steps run in the order a person would check a paper return: is it a
// spreadsheet at all (Guard), is it our template for this cycle and bureau
// (the metadata sheet), are its sheets and rows where the template put
// them, and only then what each cell says and whether the figures agree
// with each other (catalogue.Check). A later step never runs on what an
// earlier one refused, so a bureau is not told that D12 is not a number in
// a file that belongs to another bureau.
//
// Worksheets are read with excelize's streaming Rows iterator, never loaded
// whole: a return padded with a hundred thousand rows costs the time to
// read them and little memory.
func Parse(r io.ReaderAt, size int64, exp Expect) (res *Result, err error) {
	res = &Result{Errors: []Issue{}, Warnings: []Issue{}}
	lim := effectiveLimits(exp.Limits)
	defer func() {
		// A panic is a bug, in this reader or in excelize, not a fault of
		// the file: it becomes an internal error with the stack for the
		// server log, and the server stays up.
		if p := recover(); p != nil {
			res, err = nil, fmt.Errorf("parse return: panic: %v\n%s", p, debug.Stack())
		}
	}()

	// File-level refusals: the directory first (cheap), then one unzip
	// into io.Discard so the sizes the zip declares cannot lie to excelize.
	if is := Guard(r, size, lim); is != nil {
		res.Errors = append(res.Errors, *is)
		return res, nil
	}
	if is := CheckActualSizes(r, size, lim); is != nil {
		res.Errors = append(res.Errors, *is)
		return res, nil
	}
	f, err := excelize.OpenReader(io.NewSectionReader(r, 0, size), excelize.Options{
		UnzipSizeLimit:    lim.MaxUnzipSize,
		UnzipXMLSizeLimit: lim.MaxXMLSize,
		RawCellValue:      true,
	})
	if err != nil {
		if f != nil {
			_ = f.Close()
		}
		res.Errors = append(res.Errors, openIssue(err))
		return res, nil
	}
	defer func() { _ = f.Close() }()
	zr, err := zip.NewReader(r, size)
	if err != nil {
		// excelize read it, so the zip directory is sound; a failure here
		// means the reader itself broke.
		return nil, fmt.Errorf("parse return: reopen zip: %w", err)
	}

	p := &parser{exp: exp, lim: lim, f: f, zr: zr, res: res, styles: map[int]NumFmt{}}
	if err := p.run(); err != nil {
		if errors.Is(err, errStop) {
			res.Return = nil
			return res, nil
		}
		return nil, fmt.Errorf("parse return: %w", err)
	}
	return res, nil
}

// effectiveLimits fills zero fields from DefaultLimits, so a caller that
// sets only the file size still gets zip-bomb protection.
func effectiveLimits(l Limits) Limits {
	d := DefaultLimits()
	if l.MaxFileSize <= 0 {
		l.MaxFileSize = d.MaxFileSize
	}
	if l.MaxUnzipSize <= 0 {
		l.MaxUnzipSize = d.MaxUnzipSize
	}
	if l.MaxXMLSize <= 0 {
		l.MaxXMLSize = d.MaxXMLSize
	}
	if l.MaxXMLSize > l.MaxUnzipSize {
		// excelize refuses an XML limit above the unzip limit.
		l.MaxXMLSize = l.MaxUnzipSize
	}
	if l.MaxEntries <= 0 {
		l.MaxEntries = d.MaxEntries
	}
	if l.MaxRatio <= 0 {
		l.MaxRatio = d.MaxRatio
	}
	return l
}

// Issue codes of the reader, beyond the file-level ones (guard.go) and
// the ones of a single value (values.go). They are part of the API (422
// details, the annotated copy, scripts): add new ones, never rename.
const (
	// whose template it is (the metadata sheet); Return is nil
	CodeNotATemplate     = "not_a_template"    // no or damaged metadata sheet
	CodeTemplateFormat   = "template_format"   // another layout version (FormatID)
	CodeBlankTemplate    = "blank_template"    // a blank template uploaded for a cycle
	CodeOtherCycle       = "other_cycle"       // another cycle's template
	CodeOtherOrg         = "other_org"         // another bureau's template
	CodeCatalogueVersion = "catalogue_version" // an older (or other) catalogue version
	CodeCatalogueUnknown = "catalogue_unknown" // a catalogue the resolver does not know
	CodeStructureChanged = "structure_changed" // fingerprint or indicator rows differ

	// sheets, rows and columns
	CodeSheetMissing        = "sheet_missing"         // a sheet deleted
	CodeSheetRenamed        = "sheet_renamed"         // a sheet found under another name
	CodeSheetUnreadable     = "sheet_unreadable"      // a sheet excelize cannot stream
	CodeRowMismatch         = "row_mismatch"          // a row moved, inserted or deleted
	CodeHeaderChanged       = "header_changed"        // a table's columns changed
	CodeContentOutsideTable = "content_outside_table" // figures below the indicators (warning)
	CodeTooManyRows         = "too_many_rows"         // beyond MaxProblems or MaxPlans

	// 基本信息, 存在问题, 下一年度安排
	CodeRequiredMissing   = "required_missing" // also a required indicator left blank
	CodeOrgNameChanged    = "org_name_changed"
	CodeInvalidPhone      = "invalid_phone"
	CodeInvalidCreditCode = "invalid_credit_code"
	CodeInvalidCategory   = "invalid_category"

	// catalogue.Check findings, by kind of check
	CodeOutOfRange       = "out_of_range"        // bounds: negative, above 100%, min/max
	CodeInvalidValue     = "invalid_value"       // a value of the wrong type
	CodeSumExceeds       = "sum_exceeds"         // at_most: a 其中 larger than its whole
	CodeRelatedMissing   = "related_missing"     // requires: a figure that goes with another
	CodeReviewThreshold  = "review_threshold"    // threshold flag (warning)
	CodeChangeVsLastYear = "change_vs_last_year" // change flag (warning)
)

func fileIssue(code, msg string) Issue {
	return Issue{Code: code, Severity: catalogue.SeverityError, Message: msg}
}

// openIssue turns an excelize open failure into what the bureau can do
// about it. Guard has already refused legacy, encrypted and oversized
// files; what is left is a zip that is not a workbook or a workbook
// excelize cannot make sense of.
func openIssue(err error) Issue {
	switch {
	case errors.Is(err, excelize.ErrWorkbookFileFormat), errors.Is(err, excelize.ErrWorkbookPassword):
		return fileIssue(CodeEncrypted, "文件已加密或不是 Excel 工作簿。请取消文件密码（文件 → 信息 → 保护工作簿 → 用密码进行加密，清空密码），另存为 .xlsx 后再上传。")
	case strings.Contains(err.Error(), "unzip size") || errors.Is(err, excelize.ErrOptionsUnzipSizeLimit):
		return fileIssue(CodeZipBomb, "文件解压后超过系统允许的大小。请删除填报表以外的工作表、图片和大量空白行后再上传。")
	default:
		return fileIssue(CodeFileCorrupt, "文件无法作为 Excel 工作簿读取，可能已损坏或不是 .xlsx 文件。请用 Excel 或 WPS 打开确认文件能正常显示，另存为“Excel 工作簿（*.xlsx）”后再上传。")
	}
}

// parser holds what the steps of Parse share.
type parser struct {
	exp Expect
	lim Limits
	f   *excelize.File
	zr  *zip.Reader
	res *Result
	ret *Return

	cat      *catalogue.Catalogue
	sheets   map[string]bool // sheets present, by name
	parts    map[string]string
	styles   map[int]NumFmt
	date1904 bool
}

func (p *parser) fail(is Issue) {
	is.Severity = catalogue.SeverityError
	p.res.Errors = append(p.res.Errors, is)
}

func (p *parser) warn(is Issue) {
	is.Severity = catalogue.SeverityWarning
	p.res.Warnings = append(p.res.Warnings, is)
}

func (p *parser) run() error {
	p.sheets = map[string]bool{}
	for _, name := range p.f.GetSheetList() {
		p.sheets[name] = true
	}
	meta, metaRows, err := p.readMeta()
	if err != nil {
		return err
	}
	if err := p.checkMeta(meta, metaRows); err != nil {
		return err
	}
	if props, err := p.f.GetWorkbookProps(); err == nil && props.Date1904 != nil {
		p.date1904 = *props.Date1904
	}
	p.ret = &Return{Meta: meta, Values: catalogue.Values{}, Explanations: map[string]string{},
		Problems: []Problem{}, Plans: []Plan{}}
	p.res.Return = p.ret

	present := p.checkSheets()
	if present[SheetInfo] {
		if err := p.readInfo(); err != nil {
			return err
		}
	}
	if present[SheetIndicators] {
		if err := p.readIndicators(); err != nil {
			return err
		}
	}
	if present[SheetProblems] {
		if err := p.readProblems(); err != nil {
			return err
		}
	}
	if present[SheetPlans] {
		if err := p.readPlans(); err != nil {
			return err
		}
	}
	if len(p.ret.Explanations) == 0 {
		p.ret.Explanations = nil
	}
	return nil
}

// eachRow streams a worksheet with excelize's Rows iterator, calling fn
// with the 1-based row number and the raw cell values of every row from
// the first, blank rows included (cols is nil for them). fn returns false
// to stop early. A sheet excelize cannot stream is reported and skipped.
func (p *parser) eachRow(sheet string, fn func(row int, cols []string) bool) error {
	rows, err := p.f.Rows(sheet)
	if err != nil {
		p.fail(Issue{Code: CodeSheetUnreadable, Sheet: sheet,
			Message: fmt.Sprintf("工作表「%s」无法读取，可能已损坏。请用 Excel 或 WPS 打开检查后另存为 .xlsx 再上传。", sheet)})
		return nil
	}
	defer func() { _ = rows.Close() }()
	row := 0
	for rows.Next() {
		row++
		cols, err := rows.Columns()
		if err != nil {
			p.fail(Issue{Code: CodeSheetUnreadable, Sheet: sheet,
				Message: fmt.Sprintf("工作表「%s」第%d行无法读取，可能已损坏。请用 Excel 或 WPS 打开检查后另存为 .xlsx 再上传。", sheet, row)})
			return nil
		}
		if !fn(row, cols) {
			return nil
		}
	}
	if err := rows.Error(); err != nil {
		p.fail(Issue{Code: CodeSheetUnreadable, Sheet: sheet,
			Message: fmt.Sprintf("工作表「%s」超出 Excel 允许的行数或已损坏，无法读取。请删除多余的行后再上传。", sheet)})
	}
	return nil
}

// col returns column i (0-based) of a row, trimmed; "" when absent.
func col(cols []string, i int) string {
	if i < len(cols) {
		return strings.TrimSpace(cols[i])
	}
	return ""
}

// colIndex is the 0-based index of a column letter of the layout.
func colIndex(letter string) int { return int(letter[0] - 'A') }

func ref(colLetter string, row int) string { return colLetter + strconv.Itoa(row) }
