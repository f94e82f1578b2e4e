// Package filetest makes small files of the kinds people upload, built in
// memory, so tests of content sniffing need no binary fixtures.
package filetest

import (
	"archive/zip"
	"bytes"
	"fmt"

	"github.com/xuri/excelize/v2"

	"github.com/lawcycle/lawcycle/internal/filestore"
)

// PDF is a minimal PDF whose bytes differ by tag.
func PDF(tag string) []byte { return []byte("%PDF-1.4\n% " + tag + "\n%%EOF\n") }

// PNG starts like a PNG image.
func PNG(tag string) []byte { return append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), tag...) }

// JPEG starts like a JPEG photo.
func JPEG(tag string) []byte {
	return append([]byte{0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, 'J', 'F', 'I', 'F', 0}, tag...)
}

// Zip packs the named files.
func Zip(files map[string]string) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range files {
		w, err := zw.Create(name)
		if err != nil {
			panic(err)
		}
		if _, err := w.Write([]byte(body)); err != nil {
			panic(err)
		}
	}
	if err := zw.Close(); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

// ContentTypes is an OOXML package's [Content_Types].xml declaring part's
// content type.
func ContentTypes(part, contentType string) string {
	return fmt.Sprintf(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="%s" ContentType="%s"/>
</Types>`, part, contentType)
}

// DOCX is a Word document's package, as far as its structure goes.
func DOCX(tag string) []byte {
	return Zip(map[string]string{
		"[Content_Types].xml": ContentTypes("/word/document.xml", "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"),
		"word/document.xml":   "<w:document>" + tag + "</w:document>",
	})
}

// DOCM is a macro-enabled Word document's package.
func DOCM(tag string) []byte {
	return Zip(map[string]string{
		"[Content_Types].xml": ContentTypes("/word/document.xml", "application/vnd.ms-word.document.macroEnabled.main+xml"),
		"word/document.xml":   "<w:document>" + tag + "</w:document>",
	})
}

// OFD is an OFD document's package.
func OFD(tag string) []byte {
	return Zip(map[string]string{"OFD.xml": "<ofd:OFD>" + tag + "</ofd:OFD>", "Doc_0/Document.xml": "<ofd:Document/>"})
}

// XLSX is a real workbook with tag in A1.
func XLSX(tag string) []byte {
	f := excelize.NewFile()
	defer func() { _ = f.Close() }()
	if err := f.SetCellValue("Sheet1", "A1", tag); err != nil {
		panic(err)
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		panic(err)
	}
	return buf.Bytes()
}

// Sample is a file of an accepted kind with the type it is sniffed as.
type Sample struct {
	Name        string
	Data        []byte
	ContentType string
}

// Accepted is one file of every kind accepted as evidence, each made
// distinct by tag.
func Accepted(tag string) []Sample {
	return []Sample{
		{"整改报告.pdf", PDF(tag), filestore.TypePDF},
		{"现场照片.jpg", JPEG(tag), filestore.TypeJPEG},
		{"公示截图.png", PNG(tag), filestore.TypePNG},
		{"制度文件.ofd", OFD(tag), filestore.TypeOFD},
		{"会议纪要.docx", DOCX(tag), filestore.TypeDOCX},
		{"整改清单.xlsx", XLSX(tag), filestore.TypeXLSX},
	}
}
