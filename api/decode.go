package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/lawcycle/lawcycle/internal/apperr"
)

// decodeJSON reads a JSON body strictly: the right content type, no
// unknown fields (a misspelt "submision_due" must not silently fall back
// to a default), no trailing data.
func decodeJSON(c *fiber.Ctx, v any) error {
	if err := requireJSON(c); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(c.Body()))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return apperr.Invalid("请求体只能包含一个 JSON 值")
	}
	return nil
}

func requireJSON(c *fiber.Ctx) error {
	ct := strings.ToLower(strings.TrimSpace(strings.SplitN(c.Get(fiber.HeaderContentType), ";", 2)[0]))
	if ct != fiber.MIMEApplicationJSON {
		return apperr.UnsupportedMedia("请求体应为 JSON，请设置 Content-Type: application/json")
	}
	if len(bytes.TrimSpace(c.Body())) == 0 {
		return apperr.Invalid("请求体为空")
	}
	return nil
}

// jsonError explains a decoding failure in Chinese, naming the field.
func jsonError(err error) error {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax):
		return apperr.Invalid(fmt.Sprintf("请求体不是有效的 JSON（第 %d 个字节附近有误）", syntax.Offset))
	case errors.As(err, &typ):
		field := typ.Field
		return apperr.Invalid(fmt.Sprintf("字段“%s”的类型不正确：应为%s", field, jsonKind(typ.Type.Kind().String())),
			apperr.Field(-1, field, "类型不正确"))
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		field := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return apperr.Invalid(fmt.Sprintf("未知字段“%s”，请核对字段名", field), apperr.Field(-1, field, "未知字段"))
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return apperr.Invalid("请求体 JSON 不完整")
	}
	return apperr.Invalid("请求体无法解析为 JSON")
}

func jsonKind(kind string) string {
	switch kind {
	case "int", "int64", "int32", "uint", "uint64":
		return "整数"
	case "string":
		return "字符串"
	case "slice":
		return "数组"
	case "struct", "map":
		return "对象"
	case "bool":
		return "布尔值"
	}
	return kind
}
