// Package activities holds the side effects of lawcycle's workflows:
// database writes of the read model, the notice, audit events. Activities
// are methods on Activities, which holds their dependencies; they never
// import package workflows.
package activities

import (
	"log/slog"
	"time"

	"gorm.io/gorm"
)

// Activities are registered with the worker as one struct; method names
// become activity type names.
type Activities struct {
	DB     *gorm.DB
	Logger *slog.Logger
	// Now is the wall clock, replaceable in tests. Activities may read the
	// clock; workflow code may not.
	Now func() time.Time
}

func (a *Activities) now() time.Time {
	if a.Now != nil {
		return a.Now().UTC()
	}
	return time.Now().UTC()
}
