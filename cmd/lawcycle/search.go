package main

import (
	"context"
	"log/slog"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/lawcycle/lawcycle/workflows"
)

// ensureSearchAttributes registers lawcycle's search attributes before the
// worker polls. A cluster where lawcycle may not change the namespace gets
// a warning with the command to run, not a refusal to start: executions
// then wait (their workflow tasks retry) until the attributes exist.
func ensureSearchAttributes(ctx context.Context, c client.Client, namespace string, log *slog.Logger) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := workflows.EnsureSearchAttributes(ctx, c, namespace); err != nil {
		log.Warn("could not register search attributes; register them with "+
			"`temporal operator search-attribute create --name LawcycleCycleID --type Keyword "+
			"--name LawcycleYear --type Int --name LawcycleOrgCode --type Keyword --name LawcycleStage --type Keyword`",
			"namespace", namespace, "error", err)
	}
}
