package service

import (
	"errors"
	"fmt"

	"gorm.io/gorm"

	"github.com/lawcycle/lawcycle/internal/apperr"
	"github.com/lawcycle/lawcycle/models"
	"github.com/lawcycle/lawcycle/rules"
	"github.com/lawcycle/lawcycle/wire"
)

// The service's pre-checks ask the rulebook (package rules) with the facts
// the read model shows, as the bureau workflow's validators ask it with
// their state: one situation, one answer from both.

// bureauFacts is the participation as the rulebook sees it: the cycle's
// status, the stage and round, the latest version and the pending
// extension request.
func bureauFacts(tx *gorm.DB, pt participation) (rules.Bureau, error) {
	f := rules.Bureau{Cycle: pt.cycle.Status, Stage: wire.Stage(pt.participant.Stage), Round: pt.participant.Round}
	var latest struct{ Version int }
	if err := tx.Model(&models.Submission{}).Select("COALESCE(MAX(version), 0) AS version").
		Scopes(models.OfBureau(pt.cycle.ID, pt.participant.OrgCode)).Scan(&latest).Error; err != nil {
		return f, fmt.Errorf("load latest version: %w", err)
	}
	f.Version = latest.Version
	var pending models.Extension
	err := tx.Scopes(models.OfBureau(pt.cycle.ID, pt.participant.OrgCode)).Where("status = ?", wire.ExtensionPending).
		Order("id").Take(&pending).Error
	switch {
	case err == nil:
		f.Pending = &wire.PendingExtension{ID: pending.ID, Kind: wire.DeadlineKind(pending.Kind), Round: pending.Round}
	case !errors.Is(err, gorm.ErrRecordNotFound):
		return f, fmt.Errorf("load pending extension: %w", err)
	}
	return f, nil
}

// ruleError is a rulebook refusal as the API answers it: the status of
// its kind, the reason as the message and the rule's code as a detail.
func ruleError(r *rules.Refusal) error {
	if r == nil {
		return nil
	}
	return refusalError(r.Reason, wire.RefusalInfo{Code: string(r.Code), Kind: int(r.Kind)})
}

// refusalError renders a refusal's reason and rulebook info, whether the
// service's own check or a workflow's validator produced it.
func refusalError(reason string, info wire.RefusalInfo) *apperr.Error {
	var e *apperr.Error
	switch rules.Kind(info.Kind) {
	case rules.KindRole:
		e = apperr.Forbidden(reason)
	case rules.KindInput:
		e = apperr.Validation(reason)
	default:
		e = apperr.Conflict(reason)
	}
	if info.Code != "" {
		e.Details = []apperr.Detail{{Code: info.Code, Message: reason}}
	}
	return e
}
