package service

import (
	"net/mail"
	"strings"
)

// checkEmail accepts an empty address (none) or one plain address such as
// a@b.gov.cn, and returns it trimmed, or a Chinese reason it was refused.
func checkEmail(raw string) (string, string) {
	addr := strings.TrimSpace(raw)
	if addr == "" {
		return "", ""
	}
	parsed, err := mail.ParseAddress(addr)
	if err != nil || parsed.Address != addr || parsed.Name != "" || len(addr) > 254 || !strings.Contains(addr[strings.LastIndexByte(addr, '@')+1:], ".") {
		return "", "电子邮箱“" + addr + "”格式不正确，请填写一个完整的地址，如 fzb@example.gov.cn"
	}
	return addr, ""
}
