// Package apperr defines the user-facing error: a stable code, an HTTP
// status, a message in Chinese and optional details. The HTTP layer renders
// it as the JSON shape of docs/api.md#errors, the CLI prints it.
package apperr

import (
	"errors"
	"fmt"
	"net/http"
)

// Codes are stable: scripts outside the project match on them.
const (
	CodeInvalidInput     = "invalid_input"
	CodeValidation       = "validation_failed"
	CodeUnauthenticated  = "unauthenticated"
	CodeForbidden        = "forbidden"
	CodeNotFound         = "not_found"
	CodeConflict         = "conflict"
	CodeTooLarge         = "payload_too_large"
	CodeUnsupportedMedia = "unsupported_media_type"
	CodeTooManyRequests  = "too_many_requests"
	CodeUnavailable      = "service_unavailable"
	CodeInternal         = "internal_error"
)

// Detail points at one offending part of the input. Index is the position
// in an array body; Sheet/Cell/Indicator locate a cell of an Excel return.
type Detail struct {
	Code      string `json:"code,omitempty"`
	Index     *int   `json:"index,omitempty"`
	Field     string `json:"field,omitempty"`
	Sheet     string `json:"sheet,omitempty"`
	Cell      string `json:"cell,omitempty"`
	Indicator string `json:"indicator,omitempty"`
	Message   string `json:"message"`
}

// Error is an error the user can act on.
type Error struct {
	Status  int
	Code    string
	Message string
	Details []Detail
}

func (e *Error) Error() string {
	if len(e.Details) == 0 {
		return fmt.Sprintf("%s: %s", e.Code, e.Message)
	}
	return fmt.Sprintf("%s: %s (%d details)", e.Code, e.Message, len(e.Details))
}

// As returns the *Error inside err, if any.
func As(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

func newErr(status int, code, msg string, details []Detail) *Error {
	return &Error{Status: status, Code: code, Message: msg, Details: details}
}

// Invalid is malformed input: unparsable JSON, a date in the wrong format.
func Invalid(msg string, details ...Detail) *Error {
	return newErr(http.StatusBadRequest, CodeInvalidInput, msg, details)
}

// Validation is well-formed input that breaks a rule.
func Validation(msg string, details ...Detail) *Error {
	return newErr(http.StatusUnprocessableEntity, CodeValidation, msg, details)
}

func Unauthenticated(msg string) *Error {
	return newErr(http.StatusUnauthorized, CodeUnauthenticated, msg, nil)
}

func Forbidden(msg string) *Error {
	return newErr(http.StatusForbidden, CodeForbidden, msg, nil)
}

func NotFound(msg string, details ...Detail) *Error {
	return newErr(http.StatusNotFound, CodeNotFound, msg, details)
}

func Conflict(msg string, details ...Detail) *Error {
	return newErr(http.StatusConflict, CodeConflict, msg, details)
}

func TooLarge(msg string) *Error {
	return newErr(http.StatusRequestEntityTooLarge, CodeTooLarge, msg, nil)
}

func UnsupportedMedia(msg string) *Error {
	return newErr(http.StatusUnsupportedMediaType, CodeUnsupportedMedia, msg, nil)
}

func Unavailable(msg string) *Error {
	return newErr(http.StatusServiceUnavailable, CodeUnavailable, msg, nil)
}

// Field builds a detail about a named field; index < 0 means no array position.
func Field(index int, field, msg string) Detail {
	d := Detail{Field: field, Message: msg}
	if index >= 0 {
		i := index
		d.Index = &i
	}
	return d
}

// TooManyRequests is a rate limit or a lockout.
func TooManyRequests(msg string) *Error {
	return newErr(http.StatusTooManyRequests, CodeTooManyRequests, msg, nil)
}
