package excelreturn

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/xml"
	"io"
	"path"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// excelize's Rows iterator gives each cell's text and nothing else: a
// number, the string "12", TRUE and a formula nobody calculated all come
// back as strings, the last as "". The reader needs to tell them apart on
// the few cells that carry indicator values, so it scans the top of the
// 统计指标 worksheet XML once more for the attributes of those cells (type,
// style, formula) and stops at the last indicator row: a few kilobytes of
// XML, however many rows follow. excelize's per-cell getters
// (GetCellType, GetCellStyle, GetCellFormula) would unmarshal the whole
// worksheet into memory instead, which a padded file turns into hundreds
// of megabytes.

// cellMeta is what the worksheet XML says about one cell.
type cellMeta struct {
	kind    CellKind
	style   int
	formula bool
}

// kindOf guesses a cell's kind from its text when the XML was not scanned
// (the 存在问题 and 下一年度安排 sheets): a number stored as a number and a
// number typed as text read the same there.
func kindOf(v string) CellKind {
	if strings.TrimSpace(v) == "" {
		return CellBlank
	}
	if _, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil {
		return CellNumber
	}
	return CellText
}

// zipIndex maps normalised part names (lower case, forward slashes, no
// leading slash) to the zip entries.
func zipIndex(zr *zip.Reader) map[string]*zip.File {
	m := make(map[string]*zip.File, len(zr.File))
	for _, f := range zr.File {
		m[normPart(f.Name)] = f
	}
	return m
}

func normPart(name string) string {
	return strings.ToLower(strings.TrimPrefix(strings.ReplaceAll(name, `\`, "/"), "/"))
}

type xmlRels struct {
	Rels []struct {
		ID     string `xml:"Id,attr"`
		Type   string `xml:"Type,attr"`
		Target string `xml:"Target,attr"`
	} `xml:"Relationship"`
}

type xmlWorkbookSheets struct {
	Sheets []struct {
		Name string `xml:"name,attr"`
		RID  string `xml:"id,attr"` // r:id, whatever the prefix
	} `xml:"sheets>sheet"`
}

// readSmallXML decodes a small part (workbook, relationships) into v.
func (p *parser) readSmallXML(idx map[string]*zip.File, name string, v any) bool {
	zf, ok := idx[normPart(name)]
	if !ok {
		return false
	}
	rc, err := zf.Open()
	if err != nil {
		return false
	}
	defer func() { _ = rc.Close() }()
	return xml.NewDecoder(io.LimitReader(rc, p.lim.MaxXMLSize)).Decode(v) == nil
}

// sheetParts maps sheet names to their worksheet parts, following the
// package relationships the way the standard says (the workbook need not
// be xl/workbook.xml).
func (p *parser) sheetParts() (map[string]*zip.File, map[string]string) {
	idx := zipIndex(p.zr)
	wbPath := "xl/workbook.xml"
	var root xmlRels
	if p.readSmallXML(idx, "_rels/.rels", &root) {
		for _, r := range root.Rels {
			if strings.HasSuffix(r.Type, "/officeDocument") {
				wbPath = normPart(r.Target)
			}
		}
	}
	var wb xmlWorkbookSheets
	var rels xmlRels
	dir := path.Dir(wbPath)
	if !p.readSmallXML(idx, wbPath, &wb) || !p.readSmallXML(idx, path.Join(dir, "_rels", path.Base(wbPath)+".rels"), &rels) {
		return idx, nil
	}
	targets := map[string]string{}
	for _, r := range rels.Rels {
		t := strings.ReplaceAll(r.Target, `\`, "/")
		if strings.HasPrefix(t, "/") {
			targets[r.ID] = normPart(t)
		} else {
			targets[r.ID] = normPart(path.Join(dir, t))
		}
	}
	parts := map[string]string{}
	for _, s := range wb.Sheets {
		if t, ok := targets[s.RID]; ok {
			parts[s.Name] = t
		}
	}
	return idx, parts
}

// scanColumn reads the cells of one column (1-based) on rows up to lastRow
// of a worksheet's XML and returns what each says about itself, by row.
// It returns nil when the part cannot be found or read; the caller then
// falls back on the text alone.
//
// It is a tag scanner, not an XML parser: it looks at tag names and the
// few attributes it needs (row r, cell r t s) and at whether <v> and <t>
// hold text, and stops after lastRow. What it cannot make sense of costs
// at most a cell kind; the values themselves come from excelize.
func (p *parser) scanColumn(sheet string, column, lastRow int) map[int]cellMeta {
	idx, parts := p.sheetParts()
	zf, ok := idx[parts[sheet]]
	if !ok {
		return nil
	}
	var src io.Reader
	if b, ok := p.f.Pkg.Load(strings.ReplaceAll(zf.Name, `\`, "/")); ok {
		// excelize holds parts below MaxXMLSize unzipped: read those
		// bytes instead of inflating the part a second time
		src = bytes.NewReader(b.([]byte))
	} else {
		rc, err := zf.Open()
		if err != nil {
			return nil
		}
		defer func() { _ = rc.Close() }()
		src = io.LimitReader(rc, p.lim.MaxUnzipSize)
	}
	s := tagScanner{r: bufio.NewReaderSize(src, 32<<10)}
	out := map[int]cellMeta{}
	row, col := 0, 0
	var cell *cellState // the cell being read, when it is in column
	for {
		text, tag, ok := s.next()
		if !ok {
			return out
		}
		if cell != nil && (cell.inV || cell.inT) && !isBlankBytes(text) {
			cell.hasValue = true
		}
		name := tag.local()
		switch {
		case tag.end && name == "sheetData":
			return out
		case name == "row" && !tag.end:
			if n, err := strconv.Atoi(string(tag.attr("r"))); err == nil && n > 0 {
				row = n
			} else {
				row++
			}
			if row > lastRow {
				return out
			}
			col = 0
		case name == "c" && !tag.end:
			col++
			if r := tag.attr("r"); len(r) > 0 {
				if n, _, err := excelize.CellNameToCoordinates(string(r)); err == nil {
					col = n
				}
			}
			if col != column || row < 1 {
				continue
			}
			st, _ := strconv.Atoi(string(tag.attr("s")))
			cell = &cellState{t: string(tag.attr("t")), style: st}
			if tag.empty {
				out[row] = cell.meta()
				cell = nil
			}
		case cell == nil:
		case name == "c" && tag.end:
			out[row] = cell.meta()
			cell = nil
		case name == "f" && !tag.end:
			cell.formula = true
		case name == "v":
			cell.sawV = cell.sawV || !tag.end
			cell.inV = !tag.end && !tag.empty
		case name == "is" && !tag.end:
			cell.inline = true
		case name == "t" && cell.inline:
			cell.inT = !tag.end && !tag.empty
		}
	}
}

// cellState is what has been seen of a cell so far.
type cellState struct {
	t                               string
	style                           int
	formula, sawV, hasValue, inline bool
	inV, inT                        bool
}

func (c *cellState) meta() cellMeta {
	m := cellMeta{style: c.style, formula: c.formula}
	switch {
	case c.formula && !c.hasValue && (!c.sawV || c.t != "str"):
		// no cached result; an empty <v> of a text formula is a
		// formula that yields ""
		m.kind = CellFormulaNoValue
	case !c.hasValue:
		m.kind = CellBlank
	case c.t == "e":
		m.kind = CellError
	case c.t == "b":
		m.kind = CellBool
	case c.t == "s" || c.t == "str" || c.t == "inlineStr":
		m.kind = CellText
	case c.t == "d":
		m.kind = CellISODate
	default:
		m.kind = CellNumber
	}
	return m
}

func isBlankBytes(b []byte) bool {
	for _, c := range b {
		if c != ' ' && c != '\t' && c != '\r' && c != '\n' {
			return false
		}
	}
	return true
}

// tagScanner splits an XML stream into the text before each tag and the
// tag. Comments, CDATA sections and processing instructions come back as
// tags without a name (CDATA counts as text of the element it is in).
type tagScanner struct {
	r    *bufio.Reader
	text []byte
	tag  []byte
}

// scannedTag is the inside of one tag, without the angle brackets.
type scannedTag struct {
	raw        []byte // name and attributes
	end, empty bool
}

// maxTag bounds what the scanner keeps of one tag; longer tags (never a
// row or a cell) are skipped.
const maxTag = 4096

func (s *tagScanner) next() ([]byte, scannedTag, bool) {
	s.text = s.text[:0]
	for {
		chunk, err := s.r.ReadSlice('<')
		if err == nil {
			s.text = appendCapped(s.text, chunk[:len(chunk)-1])
			break
		}
		if err != bufio.ErrBufferFull {
			return nil, scannedTag{}, false
		}
		s.text = appendCapped(s.text, chunk)
	}
	s.tag = s.tag[:0]
	for {
		chunk, err := s.r.ReadSlice('>')
		if err != nil && err != bufio.ErrBufferFull {
			return nil, scannedTag{}, false
		}
		s.tag = appendCapped(s.tag, chunk)
		if err == nil && s.tagComplete() {
			break
		}
	}
	t := bytes.TrimSuffix(s.tag, []byte(">"))
	if bytes.HasPrefix(t, []byte("![CDATA[")) {
		// text of the enclosing element
		return append(s.text, bytes.TrimSuffix(t[len("![CDATA["):], []byte("]]"))...), scannedTag{}, true
	}
	var tag scannedTag
	switch {
	case bytes.HasPrefix(t, []byte("!")), bytes.HasPrefix(t, []byte("?")):
		return s.text, tag, true
	case bytes.HasPrefix(t, []byte("/")):
		tag.end, t = true, t[1:]
	case bytes.HasSuffix(t, []byte("/")):
		tag.empty, t = true, t[:len(t)-1]
	}
	tag.raw = t
	return s.text, tag, true
}

// tagComplete tells a comment or CDATA section that has a '>' inside from
// one that is over.
func (s *tagScanner) tagComplete() bool {
	switch {
	case bytes.HasPrefix(s.tag, []byte("!--")):
		return bytes.HasSuffix(s.tag, []byte("-->")) && len(s.tag) >= 6
	case bytes.HasPrefix(s.tag, []byte("![CDATA[")):
		return bytes.HasSuffix(s.tag, []byte("]]>"))
	}
	return true
}

func appendCapped(dst, b []byte) []byte {
	if room := maxTag - len(dst); room < len(b) {
		// keep the end: it tells a comment or CDATA section is over
		if len(b) >= maxTag {
			return append(dst[:0], b[len(b)-maxTag:]...)
		}
		dst = append(dst[:0], dst[len(dst)-(maxTag-len(b)):]...)
	}
	return append(dst, b...)
}

// local is the tag's name without a namespace prefix.
func (t scannedTag) local() string {
	end := bytes.IndexAny(t.raw, " \t\r\n")
	if end < 0 {
		end = len(t.raw)
	}
	name := t.raw[:end]
	if i := bytes.IndexByte(name, ':'); i >= 0 {
		name = name[i+1:]
	}
	switch string(name) { // no allocation: the compiler compares in place
	case "row":
		return "row"
	case "c":
		return "c"
	case "v":
		return "v"
	case "f":
		return "f"
	case "is":
		return "is"
	case "t":
		return "t"
	case "sheetData":
		return "sheetData"
	}
	return ""
}

// attr returns an attribute's value (unprefixed name), or nil.
func (t scannedTag) attr(name string) []byte {
	b := t.raw
	if i := bytes.IndexAny(b, " \t\r\n"); i >= 0 {
		b = b[i:]
	} else {
		return nil
	}
	for len(b) > 0 {
		b = bytes.TrimLeft(b, " \t\r\n")
		eq := bytes.IndexByte(b, '=')
		if eq < 0 {
			return nil
		}
		key := bytes.TrimSpace(b[:eq])
		if i := bytes.IndexByte(key, ':'); i >= 0 {
			key = key[i+1:]
		}
		b = bytes.TrimLeft(b[eq+1:], " \t\r\n")
		if len(b) == 0 || (b[0] != '"' && b[0] != '\'') {
			return nil
		}
		q := b[0]
		end := bytes.IndexByte(b[1:], q)
		if end < 0 {
			return nil
		}
		if string(key) == name {
			return b[1 : 1+end]
		}
		b = b[end+2:]
	}
	return nil
}

// styleClass says whether a cell style shows numbers as percentages or
// dates. Styles are few; each is looked up once.
func (p *parser) styleClass(style int) NumFmt {
	if style <= 0 {
		return NumFmtPlain
	}
	if c, ok := p.styles[style]; ok {
		return c
	}
	c := NumFmtPlain
	if st, err := p.f.GetStyle(style); err == nil && st != nil {
		if st.CustomNumFmt != nil {
			c = classifyFormatCode(*st.CustomNumFmt)
		} else {
			c = builtinNumFmtClass(st.NumFmt)
		}
	}
	p.styles[style] = c
	return c
}

func builtinNumFmtClass(id int) NumFmt {
	switch {
	case id == 9 || id == 10:
		return NumFmtPercent
	case id >= 14 && id <= 17, id == 22, id >= 27 && id <= 36, id >= 50 && id <= 58:
		return NumFmtDate
	default:
		return NumFmtPlain
	}
}

// classifyFormatCode reads a custom number format code: a % outside quotes
// makes a percentage, a y or d (or m without h or s) makes a date.
func classifyFormatCode(code string) NumFmt {
	var b strings.Builder
	quoted, bracket := false, false
	for i := 0; i < len(code); i++ {
		ch := code[i]
		switch {
		case quoted:
			quoted = ch != '"'
		case bracket:
			bracket = ch != ']'
		case ch == '"':
			quoted = true
		case ch == '[':
			bracket = true
		case ch == '\\' || ch == '_' || ch == '*':
			i++ // escaped or padding character
		case ch == ';':
			i = len(code) // the positive section decides
		default:
			b.WriteByte(ch)
		}
	}
	s := strings.ToLower(b.String())
	switch {
	case strings.Contains(s, "%"):
		return NumFmtPercent
	case strings.ContainsAny(s, "yd"), strings.Contains(s, "m") && !strings.ContainsAny(s, "hs"):
		return NumFmtDate
	default:
		return NumFmtPlain
	}
}
