// Package workflows holds lawcycle's Temporal workflows, one file each.
// Workflow code is deterministic: it imports the SDK, the wire types and
// activity method references, never the database, Excel, HTTP or the clock.
package workflows

import (
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/lawcycle/lawcycle/activities"
)

// a is only used for method references: the worker registers a real
// *activities.Activities and Temporal resolves activities by name.
var a *activities.Activities

// dbActivity suits short database writes: retried with backoff for as long
// as it takes, because a database outage must delay a cycle, not break it.
func dbActivity(ctx workflow.Context) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 30 * time.Second,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval:    time.Second,
			BackoffCoefficient: 2,
			MaximumInterval:    time.Minute,
		},
	})
}

// readModelWrite runs read-model writes as local activities: they are a
// single UPDATE each, so a round trip through the task queue per bureau
// would cost more than the write itself. A local activity retried past the
// workflow task timeout is scheduled again by the SDK with a timer.
func readModelWrite(ctx workflow.Context) workflow.Context {
	return workflow.WithLocalActivityOptions(ctx, workflow.LocalActivityOptions{
		StartToCloseTimeout: 10 * time.Second,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval:    time.Second,
			BackoffCoefficient: 2,
			MaximumInterval:    time.Minute,
		},
	})
}

// broadcastActivity suits an activity that signals every bureau of a
// cycle: long, so it heartbeats its cursor and resumes from it on retry.
func broadcastActivity(ctx workflow.Context) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: time.Hour,
		HeartbeatTimeout:    time.Minute,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval:    time.Second,
			BackoffCoefficient: 2,
			MaximumInterval:    time.Minute,
		},
	})
}

// MaxHistoryEvents is where a long-lived workflow continues as new: half
// of the 4,096-event ceiling (docs/architecture.md#scale-limits), leaving room for the updates and
// signals that may arrive while it waits for its handlers to finish.
const MaxHistoryEvents = 2048

// chinaTime formats due dates in Chinese messages (UTC+8, no daylight
// saving); a fixed zone needs no time-zone database in workflow code.
var chinaTime = time.FixedZone("CST", 8*3600)
