package activities

import (
	"encoding/json"
	"fmt"
	"slices"

	"gorm.io/gorm"

	"github.com/lawcycle/lawcycle/models"
	"github.com/lawcycle/lawcycle/wire"
)

// Participant flags (wire/flags.go), named here for the activities that
// set them.
const (
	FlagWarnings           = wire.FlagWarnings
	FlagOverdue            = wire.FlagOverdue
	FlagEscalated          = wire.FlagEscalated
	FlagLateSubmission     = wire.FlagLateSubmission
	FlagPublishedLate      = wire.FlagPublishedLate
	FlagExtensionRequested = wire.FlagExtensionRequested
	FlagExtended           = wire.FlagExtended
	FlagUnfinished         = wire.FlagUnfinished
)

// flagEdit removes, then adds, flags; the rest keep their order.
type flagEdit struct {
	add, remove []string
}

func (e flagEdit) apply(flags []string) []string {
	out := make([]string, 0, len(flags)+len(e.add))
	for _, f := range flags {
		if !slices.Contains(e.remove, f) && !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	for _, f := range e.add {
		if !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	return out
}

// editFlags changes the participant's flags inside tx. It reads the list
// and writes it back (locking the row on PostgreSQL), so a flag set by
// one activity survives another's change.
func (a *Activities) editFlags(tx *gorm.DB, cycleID, orgCode string, edit flagEdit) error {
	var p models.Participant
	if err := tx.Select("id", "flags").Scopes(models.OfBureau(cycleID, orgCode)).
		Clauses(lockRow).Take(&p).Error; err != nil {
		return fmt.Errorf("read flags of %s: %w", orgCode, err)
	}
	next := edit.apply(p.Flags)
	if slices.Equal(next, p.Flags) {
		return nil
	}
	encoded, err := json.Marshal(next)
	if err != nil {
		return fmt.Errorf("encode flags: %w", err)
	}
	if err := tx.Model(&models.Participant{}).Where("id = ?", p.ID).
		Updates(map[string]any{"flags": string(encoded), "updated_at": a.now()}).Error; err != nil {
		return fmt.Errorf("write flags of %s: %w", orgCode, err)
	}
	return nil
}
