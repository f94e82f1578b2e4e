package workflows

import (
	"go.temporal.io/sdk/temporal"

	"github.com/lawcycle/lawcycle/wire"
)

func refusal(msg string) error {
	return temporal.NewApplicationErrorWithOptions(msg, wire.RefusedErrorType, temporal.ApplicationErrorOptions{NonRetryable: true})
}
