package filestore_test

import (
	"strings"
	"testing"

	"github.com/lawcycle/lawcycle/internal/filestore"
	"github.com/lawcycle/lawcycle/internal/filetest"
)

// Evidence is recognised by its bytes: the accepted kinds are named, a
// look-alike (a zip, a macro-enabled document, a page, a renamed text)
// is not.
func TestSniffEvidence(t *testing.T) {
	for _, f := range filetest.Accepted("a") {
		if got := filestore.SniffEvidence(f.Data); got != f.ContentType {
			t.Errorf("%s: SniffEvidence = %q, want %q", f.Name, got, f.ContentType)
		}
	}
	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"docm", filetest.DOCM("a"), ""},
		{"zip without a document", filetest.Zip(map[string]string{"a.txt": "a"}), ""},
		{"zip with a document but no content types", filetest.Zip(map[string]string{"word/document.xml": "<w/>"}), ""},
		{"content types that do not parse", filetest.Zip(map[string]string{"[Content_Types].xml": "<Types"}), ""},
		{"broken zip", []byte("PK\x03\x04broken"), ""},
		{"html", []byte("<html><script>alert(1)</script></html>"), ""},
		{"text", []byte(strings.Repeat("整改报告", 10)), ""},
		{"windows program", []byte("MZ\x90\x00\x03"), ""},
		{"empty", nil, ""},
	} {
		if got := filestore.SniffEvidence(tc.data); got != tc.want {
			t.Errorf("%s: SniffEvidence = %q, want %q", tc.name, got, tc.want)
		}
	}
}
