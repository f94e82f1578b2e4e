package api

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/gofiber/fiber/v2"

	"github.com/lawcycle/lawcycle/internal/apperr"
	"github.com/lawcycle/lawcycle/internal/httpkit"
)

type errorBody struct {
	Error errorPayload `json:"error"`
}

type errorPayload struct {
	Code      string          `json:"code"`
	Message   string          `json:"message"`
	Details   []apperr.Detail `json:"details"`
	RequestID string          `json:"request_id,omitempty"`
}

// errorHandler renders every error in the shape of docs/api.md#errors. Internal errors are
// logged with the request id and shown only as that id: no stack traces,
// no SQL, no driver messages reach the client.
func errorHandler(log *slog.Logger, denied *httpkit.Denials) fiber.ErrorHandler {
	return func(c *fiber.Ctx, err error) error {
		rid := requestIDOf(c)
		ae, ok := apperr.As(err)
		if !ok {
			var fe *fiber.Error
			if errors.As(err, &fe) {
				ae = fromFiber(fe)
			} else if errors.Is(err, context.DeadlineExceeded) {
				log.Warn("request timed out", "request_id", rid, "method", c.Method(), "path", c.Path(), "error", err)
				ae = apperr.Unavailable(fmt.Sprintf("请求处理超时，请稍后重试；如仍超时，请将请求编号 %s 告知管理员", rid))
			} else {
				log.Error("request failed", "request_id", rid, "method", c.Method(), "path", c.Path(), "error", err)
				ae = &apperr.Error{Status: http.StatusInternalServerError, Code: apperr.CodeInternal,
					Message: fmt.Sprintf("服务器内部错误（请求编号 %s）", rid)}
			}
		}
		recordDenied(denied, c, ae)
		details := ae.Details
		if details == nil {
			details = []apperr.Detail{}
		}
		return c.Status(ae.Status).JSON(errorBody{Error: errorPayload{
			Code: ae.Code, Message: ae.Message, Details: details, RequestID: rid,
		}})
	}
}

// fromFiber maps the framework's own errors (routing, body limits) to
// Chinese messages.
func fromFiber(fe *fiber.Error) *apperr.Error {
	switch fe.Code {
	case http.StatusNotFound:
		return apperr.NotFound("请求的接口不存在，请核对地址")
	case http.StatusMethodNotAllowed:
		return &apperr.Error{Status: fe.Code, Code: "method_not_allowed", Message: "该接口不支持此请求方法"}
	case http.StatusRequestEntityTooLarge:
		return apperr.TooLarge("请求体过大，超过了该接口允许的大小")
	case http.StatusUnsupportedMediaType:
		return apperr.UnsupportedMedia("请求体类型不受支持，请使用 application/json")
	case http.StatusTooManyRequests:
		return apperr.TooManyRequests("请求过于频繁，请稍后再试")
	case http.StatusRequestTimeout:
		return &apperr.Error{Status: fe.Code, Code: "request_timeout", Message: "请求超时，请重试"}
	}
	if fe.Code >= 400 && fe.Code < 500 {
		return &apperr.Error{Status: fe.Code, Code: apperr.CodeInvalidInput, Message: "请求无效，请检查后重试"}
	}
	return &apperr.Error{Status: http.StatusServiceUnavailable, Code: apperr.CodeUnavailable, Message: "服务暂不可用，请稍后重试"}
}
