package excelreturn

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/richardlehane/mscfb"

	"github.com/lawcycle/lawcycle/catalogue"
)

// File-level issue codes (Issue.Code). They are part of the API: add new
// ones, never rename.
const (
	CodeFileTooLarge = "file_too_large" // larger than Limits.MaxFileSize
	CodeEmptyFile    = "empty_file"     // zero bytes
	CodeEncrypted    = "encrypted"      // password to open, or an encrypted zip entry
	CodeLegacyXLS    = "legacy_xls"     // Excel 97-2003 .xls (or WPS .et)
	CodeNotXLSX      = "not_xlsx"       // some other format: .docx, .ods, PDF, CSV, HTML …
	CodeZipBomb      = "zip_bomb"       // too many entries, too large or too compressed when unzipped
	CodeMacro        = "macro"          // .xlsm: contains a VBA project
	CodeFileCorrupt  = "file_corrupt"   // a zip or OLE file that cannot be read
)

// Reading an upload happens in three steps, each costlier than the one
// before and run only when it passed:
//
//  1. Guard looks at the first bytes and, for a zip, at its central
//     directory only: the format, the entry count, the declared sizes and
//     compression ratios. It reads a few kilobytes of a well-formed
//     upload, whatever the archive claims to hold.
//  2. CheckActualSizes inflates every entry into io.Discard, so the sizes a
//     zip declares cannot lie: it costs the CPU of one unzip (bounded by
//     Limits.MaxUnzipSize, because Guard has checked the declared total)
//     and no memory.
//  3. excelize.OpenReader(r, excelize.Options{UnzipSizeLimit:
//     lim.MaxUnzipSize, UnzipXMLSizeLimit: lim.MaxXMLSize}).
//
// Step 2 exists because excelize v2.11.1 checks only the declared sizes:
// File.ReadZipReader sums zip.File.FileInfo().Size() (the central
// directory's UncompressedSize64) against UnzipSizeLimit and compares the
// same declared size with UnzipXMLSizeLimit to decide what goes to a temp
// file. What bounds the real output is archive/zip itself: its entry
// reader fails with zip.ErrFormat once it has produced more bytes than
// declared. But excelize's readFile ignores that error (`_, _ =
// io.Copy(buff, rc)`), as it ignores zip.ErrChecksum, so a lying or
// damaged entry reaches the XML decoder silently truncated. Memory stays
// bounded either way; CheckActualSizes turns the lie into a clear refusal
// instead of a confusing parse result.

// Guard decides, without reading the whole file, whether an upload looks
// like a plain .xlsx within the limits. It returns nil when it does, or an
// error Issue saying what the file is and what to do. Zero fields of lim
// take the DefaultLimits value.
//
// Guard never panics and never allocates in proportion to what a file
// claims to contain: the bytes it reads are bounded by a budget derived
// from lim.MaxEntries, and everything it keeps is derived from those.
func Guard(r io.ReaderAt, size int64, lim Limits) (is *Issue) {
	lim = effectiveLimits(lim)
	defer func() {
		// mscfb and archive/zip are defensive, but this runs on untrusted
		// bytes before anything else: a panic in a decoder is a file the
		// server cannot read, not a reason to go down.
		if p := recover(); p != nil {
			is = guardIssue(CodeFileCorrupt, "文件已损坏，无法读取。请用 Excel 或 WPS 打开确认能正常显示，另存为“Excel 工作簿（*.xlsx）”后再上传。")
		}
	}()
	if size > lim.MaxFileSize {
		return guardIssue(CodeFileTooLarge, fmt.Sprintf("文件大小为 %s，超过了上传上限 %s。填报表通常只有几百 KB：请删除填报表以外的工作表、图片和大量空白行，另存为 .xlsx 后再上传。",
			megabytes(size), megabytes(lim.MaxFileSize)))
	}
	if size <= 0 {
		return guardIssue(CodeEmptyFile, "上传的文件是空的（0 字节）。请确认选择的是已填好并保存过的 .xlsx 填报表，再重新上传。")
	}
	head := make([]byte, min(size, sniffLen))
	if n, _ := r.ReadAt(head, 0); n < len(head) {
		return guardIssue(CodeFileCorrupt, "文件无法读取，可能上传不完整。请重新上传。")
	}
	switch {
	case bytes.HasPrefix(head, oleMagic):
		return guardOLE(r, size)
	case bytes.HasPrefix(head, []byte("PK\x03\x04")), bytes.HasPrefix(head, []byte("PK\x05\x06")),
		bytes.HasPrefix(head, []byte("PK\x07\x08")):
		return guardZip(r, size, lim)
	}
	return sniffOther(head)
}

// CheckActualSizes inflates every entry of the zip r into io.Discard and
// refuses the file when an entry produces more bytes than its header
// declares, when all entries together exceed lim.MaxUnzipSize, or when an
// entry is damaged (checksum, truncated data, unknown compression). Call
// it after Guard has accepted the file; it reads the whole file once and
// holds no more than one inflate window in memory.
func CheckActualSizes(r io.ReaderAt, size int64, lim Limits) (is *Issue) {
	lim = effectiveLimits(lim)
	defer func() {
		if p := recover(); p != nil {
			is = guardIssue(CodeFileCorrupt, "文件已损坏，无法解压。请用 Excel 或 WPS 打开确认能正常显示，另存为“Excel 工作簿（*.xlsx）”后再上传。")
		}
	}()
	zr, issue := openZip(r, size, lim)
	if issue != nil {
		return issue
	}
	if len(zr.File) > lim.MaxEntries {
		return tooManyEntries(len(zr.File), lim)
	}
	var total int64
	for _, f := range zr.File {
		if f.Mode().IsDir() {
			continue
		}
		n, opened, err := inflateCount(f, lim.MaxUnzipSize-total)
		total += n
		switch {
		case !opened:
			return guardIssue(CodeFileCorrupt, fmt.Sprintf("文件内部的“%s”无法打开，文件已损坏或使用了不支持的压缩方式。请用 Excel 或 WPS 打开确认能正常显示，另存为“Excel 工作簿（*.xlsx）”后再上传。", clipName(f.Name, 60)))
		case total > lim.MaxUnzipSize:
			return guardIssue(CodeZipBomb, fmt.Sprintf("文件解压后超过 %s（系统上限），不像是一份填报表。请删除填报表以外的工作表、图片和大量空白行，另存为 .xlsx 后再上传。",
				megabytes(lim.MaxUnzipSize)))
		case errors.Is(err, zip.ErrFormat) || uint64(n) > f.UncompressedSize64:
			return guardIssue(CodeZipBomb, fmt.Sprintf("文件内部的“%s”解压后比它声明的大小更大，文件可能被篡改或损坏。请用 Excel 或 WPS 打开后另存为 .xlsx 再上传。", clipName(f.Name, 60)))
		case errors.Is(err, zip.ErrChecksum):
			return guardIssue(CodeFileCorrupt, fmt.Sprintf("文件内部的“%s”校验失败，文件已损坏（可能下载或复制不完整）。请用 Excel 或 WPS 打开确认能正常显示，另存为 .xlsx 后再上传。", clipName(f.Name, 60)))
		case err != nil:
			return guardIssue(CodeFileCorrupt, fmt.Sprintf("文件内部的“%s”无法解压，文件已损坏或不完整。请用 Excel 或 WPS 打开确认能正常显示，另存为 .xlsx 后再上传。", clipName(f.Name, 60)))
		}
	}
	return nil
}

// inflateCount decompresses f into io.Discard, reading at most limit+1
// bytes, and returns how many it produced; opened is false when the entry
// could not even be opened (bad local header, unknown compression).
// archive/zip reports zip.ErrFormat past the declared size,
// zip.ErrChecksum on a CRC mismatch and io.ErrUnexpectedEOF when the data
// ends early.
func inflateCount(f *zip.File, limit int64) (n int64, opened bool, err error) {
	rc, err := f.Open()
	if err != nil {
		return 0, false, err
	}
	defer func() { _ = rc.Close() }()
	n, err = io.Copy(io.Discard, io.LimitReader(rc, max(limit, 0)+1))
	return n, true, err
}

const (
	// sniffLen is how much of the start of a file Guard looks at.
	sniffLen = 2048
	// ratioFloor: only entries larger than this when unzipped are held to
	// MaxRatio. Small XML parts of real workbooks compress 50:1 and more.
	ratioFloor = 1 << 20
	// dirBudgetBase is what reading a zip's end record may cost (a comment
	// of up to 64 KB precedes it); each allowed entry adds dirBudgetEntry.
	dirBudgetBase  = 80 << 10
	dirBudgetEntry = 256
	// oleBudget bounds what mscfb may read of an OLE2 file to list its
	// directory: header, DIFAT, directory chain, FAT lookups.
	oleBudget = 1 << 20
)

var oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}

var errBudget = errors.New("guard: read budget exhausted")

// budgetReader is an io.ReaderAt that refuses to read more than a budget
// in total, so what a decoder allocates while reading a directory stays
// bounded, whatever the directory claims.
type budgetReader struct {
	r    io.ReaderAt
	left int64
}

func (b *budgetReader) ReadAt(p []byte, off int64) (int, error) {
	if int64(len(p)) > b.left {
		return 0, errBudget
	}
	b.left -= int64(len(p))
	return b.r.ReadAt(p, off)
}

func guardIssue(code, msg string) *Issue {
	return &Issue{Code: code, Severity: catalogue.SeverityError, Message: msg}
}

// megabytes writes a byte count the way a bureau reads it: "20 MB", "0.3 MB".
func megabytes(n int64) string {
	mb := float64(n) / (1 << 20)
	switch {
	case mb >= 10 || mb == float64(int64(mb)):
		return fmt.Sprintf("%d MB", int64(mb+0.5))
	case mb >= 0.1:
		return fmt.Sprintf("%.1f MB", mb)
	default:
		return fmt.Sprintf("%d KB", (n+1023)/1024)
	}
}

// clipName shortens a name from an untrusted file for a message.
func clipName(s string, n int) string {
	s = strings.ToValidUTF8(s, "?")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

// openZip opens the central directory with a read budget.
func openZip(r io.ReaderAt, size int64, lim Limits) (*zip.Reader, *Issue) {
	br := &budgetReader{r: r, left: dirBudgetBase + int64(lim.MaxEntries)*dirBudgetEntry}
	zr, err := zip.NewReader(br, size)
	switch {
	case errors.Is(err, errBudget):
		return nil, tooManyEntries(0, lim)
	case err != nil && !errors.Is(err, zip.ErrInsecurePath):
		return nil, guardIssue(CodeFileCorrupt, "文件已损坏或不完整（可能上传或下载中断），无法作为 .xlsx 读取。请用 Excel 或 WPS 打开确认能正常显示，另存为“Excel 工作簿（*.xlsx）”后再上传。")
	}
	// zip.Reader keeps reading through br when entries are opened; the
	// budget applies to the directory only.
	br.left = 1 << 62
	return zr, nil
}

func tooManyEntries(n int, lim Limits) *Issue {
	what := "文件内部的目录异常庞大"
	if n > 0 {
		what = fmt.Sprintf("文件内部有 %d 个部件", n)
	}
	return guardIssue(CodeZipBomb, fmt.Sprintf("%s，超过系统上限 %d 个，不像是一份填报表。请在本系统下载填报模板，用 Excel 或 WPS 填写后另存为 .xlsx 再上传。", what, lim.MaxEntries))
}

func guardZip(r io.ReaderAt, size int64, lim Limits) *Issue {
	zr, issue := openZip(r, size, lim)
	if issue != nil {
		return issue
	}
	if len(zr.File) > lim.MaxEntries {
		return tooManyEntries(len(zr.File), lim)
	}
	var (
		total     uint64
		names     = make(map[string]*zip.File, len(zr.File))
		encrypted bool
		inner     string // an office file inside a plain zip
	)
	for _, f := range zr.File {
		u, c := f.UncompressedSize64, f.CompressedSize64
		total += u
		if total > uint64(lim.MaxUnzipSize) || total < u {
			return guardIssue(CodeZipBomb, fmt.Sprintf("文件解压后将超过 %s（系统上限），不像是一份填报表。请删除填报表以外的工作表、图片和大量空白行，另存为 .xlsx 后再上传。",
				megabytes(lim.MaxUnzipSize)))
		}
		if u > ratioFloor && (c == 0 || u/c > uint64(lim.MaxRatio)) {
			return guardIssue(CodeZipBomb, fmt.Sprintf("文件内部的“%s”压缩比异常（解压后 %s），疑似“压缩炸弹”，系统拒绝处理。请在本系统下载填报模板，用 Excel 或 WPS 填写后另存为 .xlsx 再上传。",
				clipName(f.Name, 60), megabytes(int64(min(u, 1<<62)))))
		}
		if f.Flags&0x1 != 0 {
			encrypted = true
		}
		name := normPartName(f.Name)
		names[name] = f
		if inner == "" {
			for _, ext := range []string{".xlsx", ".xlsm", ".xls", ".et", ".ods", ".csv"} {
				if strings.HasSuffix(name, ext) {
					inner = f.Name
				}
			}
		}
	}
	if encrypted {
		return guardIssue(CodeEncrypted, "文件已加密（压缩包设置了密码），系统无法读取。请上传未加密的 .xlsx 填报表：不要用压缩软件加密打包，直接上传 .xlsx 文件。")
	}
	_, hasTypes := names["[content_types].xml"]
	_, hasWorkbook := names["xl/workbook.xml"]
	if hasTypes && hasWorkbook {
		if _, ok := names["xl/vbaproject.bin"]; ok {
			return guardIssue(CodeMacro, "文件含有宏（VBA 代码，通常是 .xlsm 文件），为安全起见系统不接收。请另存为不含宏的 .xlsx：在 Excel 或 WPS 中“另存为”选择“Excel 工作簿（*.xlsx）”，再上传。")
		}
		return nil
	}
	return zipKind(names, hasTypes, hasWorkbook, inner)
}

// zipKind explains what a zip that is not an .xlsx is.
func zipKind(names map[string]*zip.File, hasTypes, hasWorkbook bool, inner string) *Issue {
	has := func(n string) bool { _, ok := names[n]; return ok }
	switch {
	case has("xl/workbook.bin"):
		return guardIssue(CodeNotXLSX, "这是 Excel 二进制工作簿（.xlsb），系统只接收 .xlsx。请在 Excel 中“另存为”选择“Excel 工作簿（*.xlsx）”后再上传。")
	case has("word/document.xml"):
		return guardIssue(CodeNotXLSX, "这是 Word 文档（.docx），不是 Excel 填报表。年度报告正文请在“报告”处上传；统计指标请在本系统下载填报模板，用 Excel 或 WPS 填写后保存为 .xlsx 上传。")
	case has("ppt/presentation.xml"):
		return guardIssue(CodeNotXLSX, "这是 PowerPoint 演示文稿（.pptx），不是 Excel 填报表。请在本系统下载填报模板，用 Excel 或 WPS 填写后保存为 .xlsx 上传。")
	case has("mimetype"):
		switch mt := zipMimetype(names["mimetype"]); {
		case strings.Contains(mt, "opendocument.spreadsheet"):
			return guardIssue(CodeNotXLSX, "这是 OpenDocument 电子表格（.ods），系统只接收 .xlsx。请在 WPS 或 LibreOffice 中“另存为”选择“Excel 2007-365 (.xlsx)”，请另存为 .xlsx 后再上传。")
		case strings.Contains(mt, "opendocument.text"):
			return guardIssue(CodeNotXLSX, "这是 OpenDocument 文本文档（.odt），不是 Excel 填报表。请在本系统下载填报模板，用 Excel 或 WPS 填写后保存为 .xlsx 上传。")
		default:
			return guardIssue(CodeNotXLSX, "这是 OpenDocument 格式的文件，不是 Excel 填报表。请在本系统下载填报模板，用 Excel 或 WPS 填写后保存为 .xlsx 上传。")
		}
	case isNumbers(names):
		return guardIssue(CodeNotXLSX, "这是苹果 Numbers 表格（.numbers），系统只接收 .xlsx。请在 Numbers 中选择“文件 → 导出为 → Excel”，导出 .xlsx 后再上传。")
	case hasWorkbook:
		return guardIssue(CodeNotXLSX, "文件缺少 [Content_Types].xml，不是完整的 .xlsx 工作簿（可能被解压后重新打包过）。请用 Excel 或 WPS 打开后“另存为”.xlsx，再上传。")
	case hasTypes:
		return guardIssue(CodeNotXLSX, "这是 Office 格式的文件，但里面没有 Excel 工作簿（缺少 xl/workbook.xml）。请在本系统下载填报模板，用 Excel 或 WPS 填写后保存为 .xlsx 上传。")
	case inner != "":
		return guardIssue(CodeNotXLSX, fmt.Sprintf("这是一个压缩包（里面有“%s”），不是 Excel 文件本身。请解压后直接上传其中的 .xlsx 填报表。", clipName(inner, 60)))
	case len(names) == 0:
		return guardIssue(CodeNotXLSX, "这是一个空的压缩包，不是 Excel 填报表。请上传用 Excel 或 WPS 保存的 .xlsx 文件。")
	default:
		return guardIssue(CodeNotXLSX, "这是一个普通的 zip 压缩包，不是 Excel 填报表。请在本系统下载填报模板，用 Excel 或 WPS 填写后保存为 .xlsx 上传。")
	}
}

func isNumbers(names map[string]*zip.File) bool {
	for n := range names {
		if strings.HasSuffix(n, ".iwa") {
			return true
		}
	}
	return false
}

// zipMimetype reads at most 128 bytes of an OpenDocument mimetype entry.
func zipMimetype(f *zip.File) string {
	rc, err := f.Open()
	if err != nil {
		return ""
	}
	defer func() { _ = rc.Close() }()
	b, _ := io.ReadAll(io.LimitReader(rc, 128))
	return string(b)
}

// normPartName is a part name as the guard compares it: forward slashes,
// no leading slash, lower case.
func normPartName(name string) string {
	return strings.ToLower(strings.TrimPrefix(strings.ReplaceAll(name, `\`, "/"), "/"))
}

// guardOLE names an OLE2 compound file by its directory entries.
func guardOLE(r io.ReaderAt, size int64) *Issue {
	doc, err := mscfb.New(&budgetReader{r: io.NewSectionReader(r, 0, size), left: oleBudget})
	if err != nil {
		return guardIssue(CodeNotXLSX, "这是 Office 旧格式（OLE 复合文档）的文件，但无法识别或已损坏，不是 .xlsx 填报表。请用 Excel 或 WPS 打开后“另存为”选择“Excel 工作簿（*.xlsx）”再上传。")
	}
	seen := map[string]*mscfb.File{}
	for i, f := range doc.File {
		if i >= 4096 {
			break
		}
		seen[f.Name] = f
	}
	switch {
	case seen["EncryptionInfo"] != nil || seen["EncryptedPackage"] != nil:
		return guardIssue(CodeEncrypted, "文件已加密（设置了打开密码），系统无法读取。请在 Excel/WPS 中取消密码后另存为 .xlsx 再上传：Excel 为“文件 → 信息 → 保护工作簿 → 用密码进行加密”，清空密码；WPS 为“文件 → 文档加密 → 密码加密”，清空打开密码。")
	case seen["Workbook"] != nil || seen["Book"] != nil:
		wb := seen["Workbook"]
		if wb == nil {
			wb = seen["Book"]
		}
		if biffEncrypted(wb) {
			return guardIssue(CodeLegacyXLS, "这是旧版 Excel 97-2003 (.xls) 文件，并且设置了打开密码，系统只接收不加密的 .xlsx。请在 Excel 或 WPS 中打开，先取消打开密码，再“另存为”选择“Excel 工作簿（*.xlsx）”，请另存为 .xlsx 后再上传。")
		}
		return guardIssue(CodeLegacyXLS, "这是旧版 Excel 97-2003 (.xls) 文件（或 WPS 的 .et 文件），系统只接收 .xlsx。请在 Excel 或 WPS 中打开，“另存为”选择“Excel 工作簿（*.xlsx）”，请另存为 .xlsx 后再上传。")
	case seen["WordDocument"] != nil:
		return guardIssue(CodeNotXLSX, "这是 Word 文档（.doc），不是 Excel 填报表。年度报告正文请在“报告”处上传；统计指标请在本系统下载填报模板，用 Excel 或 WPS 填写后保存为 .xlsx 上传。")
	case seen["PowerPoint Document"] != nil:
		return guardIssue(CodeNotXLSX, "这是 PowerPoint 演示文稿（.ppt），不是 Excel 填报表。请在本系统下载填报模板，用 Excel 或 WPS 填写后保存为 .xlsx 上传。")
	default:
		return guardIssue(CodeNotXLSX, "这是 Office 旧格式（OLE 复合文档）的文件，但不是 Excel 工作簿，系统无法识别。请在本系统下载填报模板，用 Excel 或 WPS 填写后保存为 .xlsx 上传。")
	}
}

// biffEncrypted reports whether a BIFF workbook stream starts with a
// FILEPASS record (0x002F) among its first records, i.e. the .xls has a
// password to open.
func biffEncrypted(f *mscfb.File) bool {
	buf := make([]byte, 512)
	n, _ := io.ReadFull(f, buf)
	buf = buf[:n]
	for i, off := 0, 0; i < 8 && off+4 <= len(buf); i++ {
		typ := int(buf[off]) | int(buf[off+1])<<8
		size := int(buf[off+2]) | int(buf[off+3])<<8
		if typ == 0x002F {
			return true
		}
		off += 4 + size
	}
	return false
}

// sniffOther names a file that is neither zip nor OLE2 by its first bytes.
func sniffOther(head []byte) *Issue {
	prefix := func(p string) bool { return bytes.HasPrefix(head, []byte(p)) }
	switch {
	case prefix("%PDF"):
		return guardIssue(CodeNotXLSX, "这是 PDF 文件，不是 Excel 填报表。系统需要读取表格中的数字：请上传用 Excel 或 WPS 填写并保存的 .xlsx 文件，不要打印成 PDF 或扫描件。")
	case prefix("\x89PNG\r\n\x1a\n"), prefix("\xFF\xD8\xFF"), prefix("GIF87a"), prefix("GIF89a"),
		len(head) >= 10 && prefix("BM") && string(head[6:10]) == "\x00\x00\x00\x00",
		prefix("II*\x00"), prefix("MM\x00*"), len(head) >= 12 && prefix("RIFF") && string(head[8:12]) == "WEBP":
		return guardIssue(CodeNotXLSX, "这是图片文件，不是 Excel 填报表。请不要截图或拍照，上传用 Excel 或 WPS 填写并保存的 .xlsx 文件。")
	case prefix("Rar!\x1a\x07"), prefix("7z\xBC\xAF\x27\x1C"), prefix("\x1f\x8b"), prefix("BZh"):
		return guardIssue(CodeNotXLSX, "这是压缩包（RAR、7z 或 gzip），不是 Excel 文件。请解压后直接上传其中的 .xlsx 填报表。")
	case prefix("{\\rtf"):
		return guardIssue(CodeNotXLSX, "这是 RTF 文档，不是 Excel 填报表。请在本系统下载填报模板，用 Excel 或 WPS 填写后保存为 .xlsx 上传。")
	}
	text, ok := asText(head)
	if !ok {
		return guardIssue(CodeNotXLSX, "无法识别的文件格式，不是 Excel 填报表（.xlsx）。请在本系统下载填报模板，用 Excel 或 WPS 填写后保存为 .xlsx 上传。")
	}
	lower := strings.ToLower(strings.TrimLeft(text, " \t\r\n"))
	switch {
	case strings.HasPrefix(lower, "mime-version:") || strings.Contains(lower, "content-type: multipart/related"):
		return guardIssue(CodeNotXLSX, "这是“单个文件网页”（.mht）格式的表格，只是扩展名看起来像 Excel，系统无法读取。请用 Excel 或 WPS 打开后“另存为”选择“Excel 工作簿（*.xlsx）”，再上传。")
	case strings.Contains(lower, "urn:schemas-microsoft-com:office:spreadsheet") && strings.Contains(lower, "<workbook"):
		return guardIssue(CodeNotXLSX, "这是 Excel 2003 XML 表格（.xml），不是 .xlsx。请用 Excel 或 WPS 打开后“另存为”选择“Excel 工作簿（*.xlsx）”，再上传。")
	case strings.Contains(lower, "<html") || strings.Contains(lower, "<!doctype html") || strings.Contains(lower, "<table") ||
		strings.Contains(lower, "<body") || strings.Contains(lower, "<meta"):
		return guardIssue(CodeNotXLSX, "这是网页（HTML）格式的表格，只是扩展名为 .xls（一些系统和 WPS 导出的“Excel”就是这样），并不是真正的 Excel 工作簿。请用 Excel 或 WPS 打开后“另存为”选择“Excel 工作簿（*.xlsx）”，再上传。")
	case strings.HasPrefix(lower, "<?xml") || strings.HasPrefix(lower, "<"):
		return guardIssue(CodeNotXLSX, "这是 XML 文本文件，不是 Excel 填报表。请在本系统下载填报模板，用 Excel 或 WPS 填写后保存为 .xlsx 上传。")
	default:
		return guardIssue(CodeNotXLSX, "这是纯文本或 CSV 文件（扩展名可能是 .xls 或 .csv），不是 Excel 工作簿，系统无法确认每个数字对应哪项指标。请在本系统下载填报模板，用 Excel 或 WPS 填写后保存为 .xlsx 上传。")
	}
}

// asText reports whether head looks like text, and returns it as UTF-8
// enough for sniffing: UTF-8 with or without BOM, UTF-16 with a BOM
// (Excel's "Unicode text"), or a legacy Chinese encoding (GBK bytes are
// all ≥ 0x80, so only control characters rule text out).
func asText(head []byte) (string, bool) {
	switch {
	case bytes.HasPrefix(head, []byte{0xEF, 0xBB, 0xBF}):
		head = head[3:]
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}), bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
		le := head[0] == 0xFF
		var b strings.Builder
		for i := 2; i+1 < len(head); i += 2 {
			u := rune(head[i]) | rune(head[i+1])<<8
			if !le {
				u = rune(head[i])<<8 | rune(head[i+1])
			}
			if u < 0x20 && u != '\t' && u != '\r' && u != '\n' {
				return "", false
			}
			if u < 0x80 {
				b.WriteRune(u)
			} else {
				b.WriteRune('?')
			}
		}
		return b.String(), true
	}
	for _, c := range head {
		if c < 0x20 && c != '\t' && c != '\r' && c != '\n' && c != '\f' {
			return "", false
		}
		if c == 0x7F {
			return "", false
		}
	}
	return string(head), true
}
