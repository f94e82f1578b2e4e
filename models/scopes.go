package models

import "gorm.io/gorm"

// Named read-model queries: every per-bureau table (participants,
// submissions, reviews, extensions, publications, ledger items) is keyed
// by the cycle and the bureau's code, and a stage write is accepted only
// from a newer step of the bureau's workflow.

// OfBureau scopes a query to one bureau's rows in one cycle:
// tx.Scopes(models.OfBureau(cycleID, org)).
func OfBureau(cycleID, orgCode string) func(*gorm.DB) *gorm.DB {
	return func(tx *gorm.DB) *gorm.DB {
		return tx.Where("cycle_id = ? AND org_code = ?", cycleID, orgCode)
	}
}

// OfBureauBefore scopes an update of a bureau's participant row to a write
// from a newer workflow step than the one stored (StageSeq), so a late
// activity retry never moves a bureau backwards.
func OfBureauBefore(cycleID, orgCode string, seq int64) func(*gorm.DB) *gorm.DB {
	return func(tx *gorm.DB) *gorm.DB {
		return tx.Where("cycle_id = ? AND org_code = ? AND stage_seq < ?", cycleID, orgCode, seq)
	}
}
