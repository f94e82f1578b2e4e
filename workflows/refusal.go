package workflows

import (
	"errors"
	"fmt"

	"go.temporal.io/sdk/temporal"

	"github.com/lawcycle/lawcycle/rules"
	"github.com/lawcycle/lawcycle/wire"
)

// refusal is a validator's "no" for what the request itself got wrong.
func refusal(msg string) error {
	return temporal.NewApplicationErrorWithOptions(msg, wire.RefusedErrorType, temporal.ApplicationErrorOptions{NonRetryable: true})
}

// refused is the rulebook's "no" as the update's caller receives it: the
// reason as the message, the code and kind as details, so the service
// answers it exactly as its own pre-check would (wire.RefusalOf).
func refused(r *rules.Refusal) error {
	if r == nil {
		return nil
	}
	return temporal.NewApplicationErrorWithOptions(r.Reason, wire.RefusedErrorType, temporal.ApplicationErrorOptions{
		NonRetryable: true, Details: []any{wire.RefusalInfo{Code: string(r.Code), Kind: int(r.Kind)}},
	})
}

// actionFailed is an update handler's error when its activity failed: an
// activity's refusal (a due date already past, a 索引号 in use) reaches the
// caller as the refusal itself, so the API answers 409 with its Chinese
// message; anything else is wrapped with what was being done.
func actionFailed(what string, err error) error {
	var app *temporal.ApplicationError
	if errors.As(err, &app) && app.Type() == wire.RefusedErrorType {
		info := wire.RefusalInfoOf(app)
		return temporal.NewApplicationErrorWithOptions(app.Message(), wire.RefusedErrorType, temporal.ApplicationErrorOptions{
			NonRetryable: true, Details: []any{info},
		})
	}
	return fmt.Errorf("%s: %w", what, err)
}
