package filestore

import (
	"archive/zip"
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"
)

// MaxReportSize bounds a narrative report; scanned PDFs of a dozen pages
// stay well below it.
const MaxReportSize = 50 << 20

// Report content types lawcycle accepts for the narrative report.
const (
	TypePDF  = "application/pdf"
	TypeDOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	TypeDOC  = "application/msword"
	TypeOFD  = "application/ofd"
	TypeText = "text/plain; charset=utf-8"
)

// ReportError says in Chinese why a report file was refused.
type ReportError struct {
	TooLarge bool
	Message  string
}

func (e *ReportError) Error() string { return e.Message }

// SniffReport decides a report's type from its bytes, not from its name
// or the type the browser claimed: PDF, Word (.docx, .doc), OFD (the
// national format for official documents) or plain UTF-8 text.
func SniffReport(data []byte) (string, *ReportError) {
	switch {
	case len(data) == 0:
		return "", &ReportError{Message: "报告文件为空，请重新选择文件"}
	case len(data) > MaxReportSize:
		return "", &ReportError{TooLarge: true, Message: fmt.Sprintf("报告文件为 %.1f MB，超过 %d MB 的上限；请压缩图片或另存为 PDF 后再上传", float64(len(data))/(1<<20), MaxReportSize>>20)}
	case bytes.HasPrefix(data, []byte("%PDF-")):
		return TypePDF, nil
	case bytes.HasPrefix(data, []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}):
		// Compound files are also .xls and encrypted Office files; the
		// stream names would tell them apart, but all three open in Word
		// or WPS for a reviewer, and the report is never parsed.
		return TypeDOC, nil
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		return sniffZip(data)
	case utf8.Valid(data) && !bytes.ContainsRune(data, 0):
		if strings.Contains(strings.ToLower(string(data[:min(len(data), 512)])), "<html") {
			return "", &ReportError{Message: "报告不能是网页文件（HTML）；请上传 PDF、Word、OFD 或纯文本"}
		}
		return TypeText, nil
	}
	return "", &ReportError{Message: fmt.Sprintf("报告文件类型（%s）不受支持；请上传 PDF、Word（.docx/.doc）、OFD 或纯文本文件", http.DetectContentType(data))}
}

func sniffZip(data []byte) (string, *ReportError) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return "", &ReportError{Message: "报告文件已损坏（压缩包无法打开），请重新导出后上传"}
	}
	has := map[string]bool{}
	for _, f := range zr.File {
		has[f.Name] = true
	}
	switch {
	case has["word/document.xml"]:
		return TypeDOCX, nil
	case has["OFD.xml"]:
		return TypeOFD, nil
	case has["xl/workbook.xml"]:
		return "", &ReportError{Message: "报告栏上传的是 Excel 文件；报表请放在“报表”栏，报告请上传 PDF、Word 或 OFD"}
	}
	return "", &ReportError{Message: "报告文件是压缩包而不是文档；请上传 PDF、Word（.docx/.doc）、OFD 或纯文本文件"}
}
