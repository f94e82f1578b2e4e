package workflows

import (
	"errors"
	"fmt"

	"go.temporal.io/sdk/temporal"

	"github.com/lawcycle/lawcycle/wire"
)

func refusal(msg string) error {
	return temporal.NewApplicationErrorWithOptions(msg, wire.RefusedErrorType, temporal.ApplicationErrorOptions{NonRetryable: true})
}

// actionFailed is an update handler's error when its activity failed: an
// activity's refusal (a due date already past, a 索引号 in use) reaches the
// caller as the refusal itself, so the API answers 409 with its Chinese
// message; anything else is wrapped with what was being done.
func actionFailed(what string, err error) error {
	var app *temporal.ApplicationError
	if errors.As(err, &app) && app.Type() == wire.RefusedErrorType {
		return refusal(app.Message())
	}
	return fmt.Errorf("%s: %w", what, err)
}
