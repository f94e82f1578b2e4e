package excelreturn_test

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"encoding/binary"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"unicode/utf16"

	"github.com/xuri/excelize/v2"

	"github.com/lawcycle/lawcycle/catalogue"
	"github.com/lawcycle/lawcycle/excelreturn"
)

// ------------------------------------------------------------ fixtures

// gdEntry is one zip entry. With raw set, data is written as the
// compressed bytes and the header carries the sizes and CRC given, so a
// test can make a zip lie.
type gdEntry struct {
	name   string
	data   []byte
	store  bool
	raw    bool
	usize  uint64
	crc    uint32
	flags  uint16
	method uint16
}

func gdZip(t testing.TB, entries ...gdEntry) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		var (
			w   io.Writer
			err error
		)
		switch {
		case e.raw:
			h := &zip.FileHeader{Name: e.name, Method: e.method, Flags: e.flags,
				CompressedSize64: uint64(len(e.data)), UncompressedSize64: e.usize, CRC32: e.crc}
			w, err = zw.CreateRaw(h)
		case e.store:
			w, err = zw.CreateHeader(&zip.FileHeader{Name: e.name, Method: zip.Store})
		default:
			w, err = zw.Create(e.name)
		}
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(e.data); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// gdDeflate compresses n zero bytes the way a zip bomb does.
func gdDeflate(t testing.TB, n int64) []byte {
	t.Helper()
	var buf bytes.Buffer
	fw, err := flate.NewWriter(&buf, flate.BestCompression)
	if err != nil {
		t.Fatal(err)
	}
	zeros := make([]byte, 1<<20)
	for left := n; left > 0; left -= int64(len(zeros)) {
		if _, err := fw.Write(zeros[:min(left, int64(len(zeros)))]); err != nil {
			t.Fatal(err)
		}
	}
	if err := fw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// gdOOXML lists the parts that make a zip look like an Office file.
func gdOOXML(parts ...string) []gdEntry {
	es := []gdEntry{{name: "[Content_Types].xml", data: []byte(`<?xml version="1.0"?><Types/>`)},
		{name: "_rels/.rels", data: []byte(`<?xml version="1.0"?><Relationships/>`)}}
	for _, p := range parts {
		es = append(es, gdEntry{name: p, data: []byte("<x/>")})
	}
	return es
}

// gdXLSX is a real workbook written by excelize.
func gdXLSX(t testing.TB) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer func() { _ = f.Close() }()
	if err := f.SetCellValue("Sheet1", "A1", "行政复议案件数"); err != nil {
		t.Fatal(err)
	}
	if err := f.SetCellValue("Sheet1", "B1", 12); err != nil {
		t.Fatal(err)
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// gdCFB writes a minimal OLE2 compound file (version 3, 512-byte
// sectors) whose root storage holds empty streams with the given names:
// enough for a reader that lists directory entries, as Excel's and
// mscfb's do. Sector 0 is the FAT, the directory follows.
func gdCFB(t testing.TB, streams ...string) []byte {
	t.Helper()
	const (
		sector     = 512
		freeSect   = 0xFFFFFFFF
		endOfChain = 0xFFFFFFFE
		fatSect    = 0xFFFFFFFD
		noStream   = 0xFFFFFFFF
	)
	entries := 1 + len(streams)
	dirSectors := (entries + 3) / 4
	out := make([]byte, sector*(2+dirSectors))
	le := binary.LittleEndian
	h := out[:sector]
	copy(h, []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1})
	le.PutUint16(h[24:], 0x3E)       // minor version
	le.PutUint16(h[26:], 3)          // major version
	le.PutUint16(h[28:], 0xFFFE)     // byte order
	le.PutUint16(h[30:], 9)          // sector shift
	le.PutUint16(h[32:], 6)          // mini sector shift
	le.PutUint32(h[44:], 1)          // FAT sectors
	le.PutUint32(h[48:], 1)          // first directory sector
	le.PutUint32(h[56:], 4096)       // mini stream cutoff
	le.PutUint32(h[60:], endOfChain) // mini FAT
	le.PutUint32(h[68:], endOfChain) // DIFAT
	le.PutUint32(h[76:], 0)          // DIFAT[0]: FAT in sector 0
	for i := 1; i < 109; i++ {
		le.PutUint32(h[76+4*i:], freeSect)
	}
	fat := out[sector : 2*sector]
	for i := 0; i < sector/4; i++ {
		le.PutUint32(fat[4*i:], freeSect)
	}
	le.PutUint32(fat[0:], fatSect)
	for i := 0; i < dirSectors; i++ {
		next := uint32(i + 2)
		if i == dirSectors-1 {
			next = endOfChain
		}
		le.PutUint32(fat[4*(i+1):], next)
	}
	dir := out[2*sector:]
	names := append([]string{"Root Entry"}, streams...)
	for i := 0; i < dirSectors*4; i++ {
		e := dir[128*i : 128*(i+1)]
		le.PutUint32(e[68:], noStream)
		le.PutUint32(e[72:], noStream)
		le.PutUint32(e[76:], noStream)
		if i >= len(names) {
			continue
		}
		u := utf16.Encode([]rune(names[i]))
		for j, c := range u {
			le.PutUint16(e[2*j:], c)
		}
		le.PutUint16(e[64:], uint16(2*len(u)+2))
		e[67] = 1 // black
		le.PutUint32(e[116:], endOfChain)
		if i == 0 {
			e[66] = 5 // root storage
			if len(names) > 1 {
				le.PutUint32(e[76:], 1)
			}
			continue
		}
		e[66] = 2 // stream
		if i+1 < len(names) {
			le.PutUint32(e[72:], uint32(i+1))
		}
	}
	// the directory sectors sit after the FAT sector: sector n is at
	// offset (n+1)*512, and the header says the directory starts at 1.
	return out
}

func gdFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "guard", name))
	if err != nil {
		t.Fatal(err)
	}
	if len(b) >= 50<<10 {
		t.Fatalf("%s: fixture of %d bytes, keep them under 50 KB", name, len(b))
	}
	return b
}

var (
	gdBombOnce sync.Once
	gdBomb     []byte
)

// gdBomb100MB is a 100 MB run of zeros deflated into about 100 KB, named
// like a worksheet inside an otherwise ordinary .xlsx.
func gdBomb100MB(t testing.TB) []byte {
	gdBombOnce.Do(func() {
		z := gdDeflate(t, 100<<20)
		es := gdOOXML("xl/workbook.xml")
		es = append(es, gdEntry{name: "xl/worksheets/sheet1.xml", data: z, raw: true, method: zip.Deflate,
			usize: 100 << 20, crc: crc32.ChecksumIEEE(make([]byte, 100<<20))})
		gdBomb = gdZip(t, es...)
	})
	return gdBomb
}

// gdCounter counts what a reader is asked for.
type gdCounter struct {
	r     io.ReaderAt
	bytes atomic.Int64
	calls atomic.Int64
}

func (c *gdCounter) ReadAt(p []byte, off int64) (int, error) {
	c.bytes.Add(int64(len(p)))
	c.calls.Add(1)
	return c.r.ReadAt(p, off)
}

// ------------------------------------------------------------ tests

func gdGuard(b []byte, lim excelreturn.Limits) *excelreturn.Issue {
	return excelreturn.Guard(bytes.NewReader(b), int64(len(b)), lim)
}

func gdCheck(t *testing.T, name string, is *excelreturn.Issue, code, phrase string) {
	t.Helper()
	if is == nil {
		t.Errorf("%s: accepted, want %s", name, code)
		return
	}
	if is.Code != code {
		t.Errorf("%s: code %s, want %s (%s)", name, is.Code, code, is.Message)
	}
	if !strings.Contains(is.Message, phrase) {
		t.Errorf("%s: message %q lacks %q", name, is.Message, phrase)
	}
	if is.Severity != catalogue.SeverityError || is.Sheet != "" || is.Cell != "" {
		t.Errorf("%s: want a file-level error, got %+v", name, is)
	}
}

func TestGuardAcceptsWorkbooks(t *testing.T) {
	lim := excelreturn.DefaultLimits()
	for name, b := range map[string][]byte{
		"excelize":            gdXLSX(t),
		"libreoffice fixture": gdFixture(t, "plain-libreoffice.xlsx"),
		"minimal parts":       gdZip(t, gdOOXML("xl/workbook.xml")...),
		"backslash names":     gdZip(t, gdEntry{name: "[Content_Types].xml"}, gdEntry{name: `xl\workbook.xml`}),
	} {
		if is := gdGuard(b, lim); is != nil {
			t.Errorf("%s: refused: %+v", name, is)
		}
		if is := excelreturn.CheckActualSizes(bytes.NewReader(b), int64(len(b)), lim); is != nil {
			t.Errorf("%s: CheckActualSizes refused: %+v", name, is)
		}
	}
}

func TestGuardRefuses(t *testing.T) {
	lim := excelreturn.DefaultLimits()
	xlsx := gdOOXML("xl/workbook.xml", "xl/worksheets/sheet1.xml")
	tests := []struct {
		name   string
		file   []byte
		code   string
		phrase string
	}{
		// real files made with LibreOffice (testdata/guard/README.md)
		{"encrypted xlsx (LibreOffice)", gdFixture(t, "encrypted-libreoffice.xlsx"), excelreturn.CodeEncrypted,
			"文件已加密（设置了打开密码）"},
		{"encrypted xlsx (LibreOffice) what to do", gdFixture(t, "encrypted-libreoffice.xlsx"), excelreturn.CodeEncrypted,
			"请在 Excel/WPS 中取消密码后另存为 .xlsx 再上传"},
		{"xls (LibreOffice)", gdFixture(t, "legacy-libreoffice.xls"), excelreturn.CodeLegacyXLS,
			"这是旧版 Excel 97-2003 (.xls) 文件"},
		{"xls (LibreOffice) what to do", gdFixture(t, "legacy-libreoffice.xls"), excelreturn.CodeLegacyXLS, "请另存为 .xlsx"},
		{"xls with password (LibreOffice)", gdFixture(t, "legacy-encrypted-libreoffice.xls"), excelreturn.CodeLegacyXLS,
			"并且设置了打开密码"},
		{"ods (LibreOffice)", gdFixture(t, "sheet-libreoffice.ods"), excelreturn.CodeNotXLSX, "请另存为 .xlsx"},
		{"ods (LibreOffice) named", gdFixture(t, "sheet-libreoffice.ods"), excelreturn.CodeNotXLSX, "OpenDocument 电子表格（.ods"},
		{"pdf (LibreOffice)", gdFixture(t, "sheet-libreoffice.pdf"), excelreturn.CodeNotXLSX, "这是 PDF 文件"},
		{"html table saved as .xls", gdFixture(t, "table-html.xls"), excelreturn.CodeNotXLSX, "这是网页（HTML）格式的表格，只是扩展名为 .xls"},
		{"GBK csv saved as .xls", gdFixture(t, "table-csv-gbk.xls"), excelreturn.CodeNotXLSX, "这是纯文本或 CSV 文件"},

		// compound files built here
		{"synthetic encrypted OOXML", gdCFB(t, "EncryptionInfo", "EncryptedPackage"), excelreturn.CodeEncrypted, "取消密码"},
		{"Excel 5 workbook", gdCFB(t, "Book"), excelreturn.CodeLegacyXLS, "Excel 97-2003"},
		{"word .doc", gdCFB(t, "WordDocument", "1Table", "\x05SummaryInformation"), excelreturn.CodeNotXLSX, "这是 Word 文档（.doc）"},
		{"powerpoint .ppt", gdCFB(t, "PowerPoint Document"), excelreturn.CodeNotXLSX, "PowerPoint"},
		{"other OLE", gdCFB(t, "Contents", "Equation Native"), excelreturn.CodeNotXLSX, "不是 Excel 工作簿"},
		{"broken OLE", append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 600)...), excelreturn.CodeNotXLSX, "无法识别或已损坏"},
		{"OLE signature only", []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, excelreturn.CodeNotXLSX, "无法识别或已损坏"},

		// zips
		{"macro", gdZip(t, append(xlsx, gdEntry{name: "xl/vbaProject.bin", data: []byte{1, 2, 3}})...), excelreturn.CodeMacro,
			"含有宏"},
		{"macro what to do", gdZip(t, append(xlsx, gdEntry{name: "xl/vbaProject.bin", data: []byte{1, 2, 3}})...), excelreturn.CodeMacro,
			"请另存为不含宏的 .xlsx"},
		{"docx", gdZip(t, gdOOXML("word/document.xml")...), excelreturn.CodeNotXLSX, "这是 Word 文档（.docx）"},
		{"pptx", gdZip(t, gdOOXML("ppt/presentation.xml")...), excelreturn.CodeNotXLSX, "PowerPoint 演示文稿（.pptx）"},
		{"xlsb", gdZip(t, gdOOXML("xl/workbook.bin")...), excelreturn.CodeNotXLSX, ".xlsb"},
		{"odt", gdZip(t, gdEntry{name: "mimetype", data: []byte("application/vnd.oasis.opendocument.text"), store: true},
			gdEntry{name: "content.xml"}), excelreturn.CodeNotXLSX, ".odt"},
		{"numbers", gdZip(t, gdEntry{name: "Index/Document.iwa", data: []byte{0}}, gdEntry{name: "Metadata/Properties.plist"}),
			excelreturn.CodeNotXLSX, "Numbers"},
		{"workbook without content types", gdZip(t, gdEntry{name: "xl/workbook.xml"}), excelreturn.CodeNotXLSX, "[Content_Types].xml"},
		{"other office zip", gdZip(t, gdOOXML("visio/document.xml")...), excelreturn.CodeNotXLSX, "xl/workbook.xml"},
		{"xlsx zipped again", gdZip(t, gdEntry{name: "人社局2024年度填报表.xlsx", data: gdXLSX(t)}), excelreturn.CodeNotXLSX,
			"请解压后直接上传"},
		{"plain zip", gdZip(t, gdEntry{name: "readme.txt", data: []byte("hi")}), excelreturn.CodeNotXLSX, "普通的 zip 压缩包"},
		{"empty zip", gdZip(t), excelreturn.CodeNotXLSX, "空的压缩包"},
		{"encrypted zip entry", gdZip(t, append(xlsx, gdEntry{name: "xl/sharedStrings.xml", data: []byte("xxxx"), raw: true,
			flags: 0x1, usize: 4})...), excelreturn.CodeEncrypted, "压缩包设置了密码"},
		{"truncated zip", gdXLSX(t)[:2000], excelreturn.CodeFileCorrupt, "不完整"},

		// other formats
		{"png", append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 100)...), excelreturn.CodeNotXLSX, "图片"},
		{"jpeg", append([]byte{0xFF, 0xD8, 0xFF, 0xE0}, make([]byte, 100)...), excelreturn.CodeNotXLSX, "不要截图或拍照"},
		{"rar", []byte("Rar!\x1a\x07\x01\x00...."), excelreturn.CodeNotXLSX, "RAR"},
		{"rtf", []byte(`{\rtf1\ansi 法治}`), excelreturn.CodeNotXLSX, "RTF"},
		{"mht", []byte("MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=x\r\n"), excelreturn.CodeNotXLSX, ".mht"},
		{"excel 2003 xml", []byte(`<?xml version="1.0"?><?mso-application progid="Excel.Sheet"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet">`),
			excelreturn.CodeNotXLSX, "Excel 2003 XML"},
		{"utf-8 csv with BOM", []byte("\xEF\xBB\xBF指标,数值\n行政复议案件数,12\n"), excelreturn.CodeNotXLSX, "CSV"},
		{"utf-16 text", append([]byte{0xFF, 0xFE}, []byte("a\x00\t\x001\x00\r\x00\n\x00")...), excelreturn.CodeNotXLSX, "纯文本"},
		{"binary noise", []byte{0x00, 0x01, 0x02, 0x03, 0xFF, 0x10}, excelreturn.CodeNotXLSX, "无法识别的文件格式"},
		{"empty", nil, excelreturn.CodeEmptyFile, "上传的文件是空的"},
	}
	for _, tt := range tests {
		gdCheck(t, tt.name, gdGuard(tt.file, lim), tt.code, tt.phrase)
	}
}

func TestGuardFileTooLarge(t *testing.T) {
	lim := excelreturn.DefaultLimits()
	c := &gdCounter{r: bytes.NewReader(nil)}
	is := excelreturn.Guard(c, 25<<20, lim)
	gdCheck(t, "25 MB", is, excelreturn.CodeFileTooLarge, "超过了上传上限 20 MB")
	gdCheck(t, "25 MB what to do", is, excelreturn.CodeFileTooLarge, "请删除填报表以外的工作表")
	if c.calls.Load() != 0 {
		t.Errorf("read %d times a file it refuses by size", c.calls.Load())
	}
	lim.MaxFileSize = 1 << 10
	gdCheck(t, "small limit", gdGuard(make([]byte, 2000), lim), excelreturn.CodeFileTooLarge, "上限 1 KB")
	// zero fields take the defaults
	if is := gdGuard(gdXLSX(t), excelreturn.Limits{}); is != nil {
		t.Errorf("zero limits: %+v", is)
	}
}

func TestGuardZipBombs(t *testing.T) {
	lim := excelreturn.DefaultLimits()

	// 100 MB of zeros in ~100 KB: caught by the ratio, reading only the
	// end of the file.
	bomb := gdBomb100MB(t)
	c := &gdCounter{r: bytes.NewReader(bomb)}
	is := excelreturn.Guard(c, int64(len(bomb)), lim)
	gdCheck(t, "100 MB bomb", is, excelreturn.CodeZipBomb, "压缩比异常")
	if n := c.bytes.Load(); n > 96<<10 {
		t.Errorf("guard read %d bytes of a %d-byte bomb", n, len(bomb))
	}
	t.Logf("100 MB bomb: %d bytes file, guard read %d bytes in %d calls", len(bomb), c.bytes.Load(), c.calls.Load())

	// declared total above MaxUnzipSize, each entry modest
	var es []gdEntry
	for i := range 5 {
		es = append(es, gdEntry{name: "xl/media/image" + string(rune('1'+i)) + ".png", data: make([]byte, 300<<10), raw: true,
			method: zip.Store, usize: 300 << 10})
	}
	small := lim
	small.MaxUnzipSize = 1 << 20
	gdCheck(t, "declared total", gdGuard(gdZip(t, append(gdOOXML("xl/workbook.xml"), es...)...), small), excelreturn.CodeZipBomb,
		"文件解压后将超过 1 MB")

	// a header declaring 2^63 bytes
	huge := gdZip(t, append(gdOOXML("xl/workbook.xml"), gdEntry{name: "xl/x.xml", data: []byte{1}, raw: true,
		method: zip.Deflate, usize: 1 << 63})...)
	gdCheck(t, "absurd size", gdGuard(huge, lim), excelreturn.CodeZipBomb, "超过 200 MB")

	// a small entry may compress far better than MaxRatio: XML does
	tiny := gdZip(t, append(gdOOXML("xl/workbook.xml"), gdEntry{name: "xl/worksheets/sheet1.xml", data: make([]byte, 512<<10)})...)
	if is := gdGuard(tiny, lim); is != nil {
		t.Errorf("512 KB of zeros refused: %+v", is)
	}

	// too many entries, counted and by directory size
	many := gdOOXML("xl/workbook.xml")
	for i := range 2100 {
		many = append(many, gdEntry{name: "xl/p" + strings.Repeat("x", i%7) + string(rune('a'+i%26)) + ".xml", store: true})
	}
	gdCheck(t, "2100 entries", gdGuard(gdZip(t, many...), lim), excelreturn.CodeZipBomb, "个部件，超过系统上限 2000 个")
	few := lim
	few.MaxEntries = 3
	gdCheck(t, "budget", gdGuard(gdZip(t, many...), few), excelreturn.CodeZipBomb, "超过系统上限 3 个")
}

func TestCheckActualSizes(t *testing.T) {
	lim := excelreturn.DefaultLimits()
	z := gdDeflate(t, 10<<20)

	// the header says 1000 bytes; the data inflates to 10 MB. Guard sees a
	// harmless entry, the actual sizes do not.
	liar := gdZip(t, append(gdOOXML("xl/workbook.xml"), gdEntry{name: "xl/worksheets/sheet1.xml", data: z, raw: true,
		method: zip.Deflate, usize: 1000})...)
	if is := gdGuard(liar, lim); is != nil {
		t.Fatalf("guard: %+v", is)
	}
	c := &gdCounter{r: bytes.NewReader(liar)}
	gdCheck(t, "lying sizes", excelreturn.CheckActualSizes(c, int64(len(liar)), lim), excelreturn.CodeZipBomb,
		"“xl/worksheets/sheet1.xml”解压后比它声明的大小更大")

	// honest sizes above the total limit
	honest := gdZip(t, append(gdOOXML("xl/workbook.xml"), gdEntry{name: "xl/worksheets/sheet1.xml", data: z, raw: true,
		method: zip.Deflate, usize: 10 << 20, crc: crc32.ChecksumIEEE(make([]byte, 10<<20))})...)
	small := lim
	small.MaxUnzipSize = 4 << 20
	gdCheck(t, "total", excelreturn.CheckActualSizes(bytes.NewReader(honest), int64(len(honest)), small), excelreturn.CodeZipBomb,
		"超过 4 MB")
	if is := excelreturn.CheckActualSizes(bytes.NewReader(honest), int64(len(honest)), lim); is != nil {
		t.Errorf("honest 10 MB entry: %+v", is)
	}

	// damaged data: wrong checksum, data shorter than declared
	badCRC := gdZip(t, append(gdOOXML("xl/workbook.xml"), gdEntry{name: "xl/styles.xml", data: []byte("<styles/>"), raw: true,
		method: zip.Store, usize: 9, crc: 12345})...)
	gdCheck(t, "checksum", excelreturn.CheckActualSizes(bytes.NewReader(badCRC), int64(len(badCRC)), lim), excelreturn.CodeFileCorrupt,
		"“xl/styles.xml”校验失败")
	short := gdZip(t, append(gdOOXML("xl/workbook.xml"), gdEntry{name: "xl/styles.xml", data: []byte("<styles/>"), raw: true,
		method: zip.Store, usize: 90})...)
	gdCheck(t, "short", excelreturn.CheckActualSizes(bytes.NewReader(short), int64(len(short)), lim), excelreturn.CodeFileCorrupt,
		"无法解压")
	method := gdZip(t, append(gdOOXML("xl/workbook.xml"), gdEntry{name: "xl/styles.xml", data: []byte("xx"), raw: true,
		method: 99, usize: 2})...)
	gdCheck(t, "unknown method", excelreturn.CheckActualSizes(bytes.NewReader(method), int64(len(method)), lim), excelreturn.CodeFileCorrupt,
		"不支持的压缩方式")
	gdCheck(t, "not a zip", excelreturn.CheckActualSizes(bytes.NewReader([]byte("hello")), 5, lim), excelreturn.CodeFileCorrupt, "已损坏")
}

// TestGuardLegacyFixturesAreReal makes sure the committed fixtures are what
// their names say, so a refusal is not an accident of a broken file.
func TestGuardLegacyFixturesAreReal(t *testing.T) {
	for _, name := range []string{"encrypted-libreoffice.xlsx", "legacy-libreoffice.xls", "legacy-encrypted-libreoffice.xls"} {
		if b := gdFixture(t, name); !bytes.HasPrefix(b, []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}) {
			t.Errorf("%s is not an OLE2 file", name)
		}
	}
	f, err := excelize.OpenReader(bytes.NewReader(gdFixture(t, "plain-libreoffice.xlsx")))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = f.Close() }()
	if v, err := f.GetCellValue(f.GetSheetName(0), "B2"); err != nil || v != "12" {
		t.Errorf("plain-libreoffice.xlsx B2 = %q, %v", v, err)
	}
	// excelize itself opens the LibreOffice-encrypted file with the password
	enc, err := excelize.OpenReader(bytes.NewReader(gdFixture(t, "encrypted-libreoffice.xlsx")), excelize.Options{Password: "secret"})
	if err != nil {
		t.Fatalf("encrypted fixture does not open with its password: %v", err)
	}
	_ = enc.Close()
}
