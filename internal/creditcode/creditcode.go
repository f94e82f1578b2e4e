// Package creditcode checks 统一社会信用代码 (unified social credit codes)
// against GB 32100-2015: 18 characters from a 31-character alphabet, the
// last being a check character over the first 17.
package creditcode

import (
	"fmt"
	"strings"
)

// alphabet excludes I, O, Z, S and V, which the standard leaves out because
// they are easily confused with digits.
const alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"

var weights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// Normalize trims spaces and upper-cases, as people copy codes from
// letters and web pages in either case.
func Normalize(code string) string {
	return strings.ToUpper(strings.TrimSpace(code))
}

// Validate returns nil for a valid code, otherwise an error whose message is
// Chinese and says what to fix.
func Validate(code string) error {
	if n := len([]rune(code)); n != 18 {
		return fmt.Errorf("统一社会信用代码应为18位，实际为%d位", n)
	}
	sum := 0
	for i, r := range code {
		v := strings.IndexRune(alphabet, r)
		if v < 0 {
			return fmt.Errorf("统一社会信用代码第%d位“%c”不是有效字符（不使用 I、O、Z、S、V）", i+1, r)
		}
		if i < 17 {
			sum += v * weights[i]
		}
	}
	if strings.Trim(code[2:8], "0123456789") != "" {
		return fmt.Errorf("统一社会信用代码第3至8位应为行政区划代码（6位数字）")
	}
	want := alphabet[(31-sum%31)%31]
	if code[17] != want {
		return fmt.Errorf("统一社会信用代码校验位错误：第18位应为“%c”，请核对是否录入有误", want)
	}
	return nil
}

// CheckChar computes the check character for the first 17 characters. It
// exists for fixtures and demo data, which need valid codes.
func CheckChar(first17 string) (byte, error) {
	if len(first17) != 17 {
		return 0, fmt.Errorf("need 17 characters, got %d", len(first17))
	}
	sum := 0
	for i, r := range first17 {
		v := strings.IndexRune(alphabet, r)
		if v < 0 {
			return 0, fmt.Errorf("invalid character %q at %d", r, i+1)
		}
		sum += v * weights[i]
	}
	return alphabet[(31-sum%31)%31], nil
}
