package filestore

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"io"
)

// Evidence content types beyond the report's.
const (
	TypeJPEG = "image/jpeg"
	TypePNG  = "image/png"
	TypeXLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
)

// EvidenceTypes names the kinds of evidence files accepted, for messages.
const EvidenceTypes = "PDF、JPEG、PNG、OFD、Word（.docx）或 Excel（.xlsx）"

// The main parts' content types that make an OOXML package a document or a
// workbook. Macro-enabled and template variants declare other types and
// are refused: evidence is opened by reviewers, never run.
const (
	docxMain = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
	xlsxMain = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
)

// maxContentTypesSize bounds the [Content_Types].xml read from an upload:
// a real one is a few kilobytes, a zip bomb's could be anything.
const maxContentTypesSize = 1 << 20

// SniffEvidence decides an evidence file's type from its bytes, never from
// its name or the type the browser claimed. It returns "" for anything but
// PDF, JPEG, PNG, OFD (a zip with OFD.xml at its root) and Word or Excel
// files (a zip whose [Content_Types].xml declares the document's or
// workbook's main part).
func SniffEvidence(data []byte) string {
	switch {
	case bytes.HasPrefix(data, []byte("%PDF-")):
		return TypePDF
	case bytes.HasPrefix(data, []byte{0xFF, 0xD8, 0xFF}):
		return TypeJPEG
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
		return TypePNG
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		return sniffEvidenceZip(data)
	}
	return ""
}

func sniffEvidenceZip(data []byte) string {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return ""
	}
	var types *zip.File
	for _, f := range zr.File {
		switch f.Name {
		case "OFD.xml":
			return TypeOFD
		case "[Content_Types].xml":
			types = f
		}
	}
	if types == nil {
		return ""
	}
	switch mainPart(types) {
	case docxMain:
		return TypeDOCX
	case xlsxMain:
		return TypeXLSX
	}
	return ""
}

// mainPart is the content type [Content_Types].xml declares for the
// package's main part (/word/document.xml or /xl/workbook.xml), or "".
func mainPart(f *zip.File) string {
	rc, err := f.Open()
	if err != nil {
		return ""
	}
	defer rc.Close()
	var types struct {
		Overrides []struct {
			PartName    string `xml:"PartName,attr"`
			ContentType string `xml:"ContentType,attr"`
		} `xml:"Override"`
	}
	if err := xml.NewDecoder(io.LimitReader(rc, maxContentTypesSize)).Decode(&types); err != nil {
		return ""
	}
	for _, o := range types.Overrides {
		switch o.PartName {
		case "/word/document.xml", "/xl/workbook.xml":
			return o.ContentType
		}
	}
	return ""
}
