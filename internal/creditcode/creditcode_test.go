package creditcode_test

import (
	"strings"
	"testing"

	"github.com/lawcycle/lawcycle/internal/creditcode"
)

func TestValidate(t *testing.T) {
	cases := []struct {
		code string
		err  string // substring; empty means valid
	}{
		{"11331002002673575G", ""}, // the documented example (index_no prefix)
		{"91350100M000100Y43", ""},
		{"11440000006940129X", "第18位应为“6”"},
		{"11331002002673575", "应为18位，实际为17位"},
		{"11331002002673575GG", "应为18位，实际为19位"},
		{"1133100200267357OG", "第17位“O”不是有效字符"},
		{"113310020026735I5G", "第16位“I”不是有效字符"},
		{"11A31002002673575G", "第3至8位应为行政区划代码"},
		{"", "应为18位，实际为0位"},
		{"１１３３１００２００２６７３５７５Ｇ", "不是有效字符"},
	}
	for _, tc := range cases {
		err := creditcode.Validate(tc.code)
		switch {
		case tc.err == "" && err != nil:
			t.Errorf("Validate(%q) = %v, want valid", tc.code, err)
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("Validate(%q) = %v, want error containing %q", tc.code, err, tc.err)
		}
	}
}

func TestCheckCharMakesValidCodes(t *testing.T) {
	for _, body := range []string{"11331002002673575", "91110108MA01ABCDE", "12330000470000123"} {
		c, err := creditcode.CheckChar(body)
		if err != nil {
			t.Fatal(err)
		}
		if err := creditcode.Validate(body + string(c)); err != nil {
			t.Errorf("%s%c: %v", body, c, err)
		}
	}
	if _, err := creditcode.CheckChar("short"); err == nil {
		t.Error("CheckChar accepted a short body")
	}
}

func TestNormalize(t *testing.T) {
	if got := creditcode.Normalize("  11331002002673575g "); got != "11331002002673575G" {
		t.Errorf("Normalize = %q", got)
	}
}
