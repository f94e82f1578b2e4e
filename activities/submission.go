package activities

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"go.temporal.io/sdk/temporal"
	"gorm.io/gorm"

	"github.com/lawcycle/lawcycle/audit"
	"github.com/lawcycle/lawcycle/excelreturn"
	"github.com/lawcycle/lawcycle/models"
	"github.com/lawcycle/lawcycle/wire"
)

// RecordSubmission stores an accepted return as the bureau's next version
// and moves the read model to under_review, in one transaction with its
// audit event. A retry finds the version it already wrote and returns it.
func (a *Activities) RecordSubmission(ctx context.Context, rec wire.SubmissionRecord) (wire.SubmitResult, error) {
	req := rec.Request
	result := wire.SubmitResult{Round: req.Round, Stage: wire.StageUnderReview}
	err := a.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var existing models.Submission
		err := tx.Scopes(models.OfBureau(rec.CycleID, rec.OrgCode)).Where("round = ? AND return_sha = ?", req.Round, req.ReturnSHA).Take(&existing).Error
		if err == nil {
			result.Version = existing.Version
			return nil
		}
		if !errors.Is(err, gorm.ErrRecordNotFound) {
			return fmt.Errorf("look for earlier attempt: %w", err)
		}
		ret, err := loadReturn(tx, req.ReturnSHA)
		if err != nil {
			return err
		}
		var last int
		if err := tx.Model(&models.Submission{}).Scopes(models.OfBureau(rec.CycleID, rec.OrgCode)).
			Select("COALESCE(MAX(version), 0)").Scan(&last).Error; err != nil {
			return fmt.Errorf("latest version: %w", err)
		}
		sub := models.Submission{
			CycleID: rec.CycleID, OrgCode: rec.OrgCode, Version: last + 1, Round: req.Round,
			FileSHA: req.FileSHA, FileName: req.FileName, ReturnSHA: req.ReturnSHA,
			ReportSHA: req.ReportSHA, ReportName: req.ReportName, Catalogue: req.Catalogue,
			Values: ret.values, Explanations: ret.explanations, Info: ret.info, Problems: ret.problems, Plans: ret.plans,
			Warnings: ret.warnings, WarningCount: req.WarningCount,
			SubmittedByID: userID(req.By), SubmittedBy: req.By.Name, SubmittedAt: rec.At.UTC(),
		}
		if err := tx.Create(&sub).Error; err != nil {
			return fmt.Errorf("insert submission: %w", err)
		}
		result.Version = sub.Version
		var p models.Participant
		err = tx.Select("submission_due").Scopes(models.OfBureau(rec.CycleID, rec.OrgCode)).Take(&p).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return participantNotFound(rec.CycleID, rec.OrgCode, err)
		}
		if err != nil {
			return fmt.Errorf("load participant: %w", err)
		}
		moved := tx.Model(&models.Participant{}).
			Scopes(models.OfBureauBefore(rec.CycleID, rec.OrgCode, rec.Seq)).
			Updates(map[string]any{
				"stage": string(wire.StageUnderReview), "round": req.Round, "stage_seq": rec.Seq,
				"stage_changed_at": rec.At.UTC(), "updated_at": a.now(),
			})
		if moved.Error != nil {
			return fmt.Errorf("update stage: %w", moved.Error)
		}
		if moved.RowsAffected > 0 {
			if err := a.editFlags(tx, rec.CycleID, rec.OrgCode, submissionFlags(req, rec.At.After(p.SubmissionDue))); err != nil {
				return err
			}
		}
		return audit.Record(tx, a.now(), actorOf(req.By, ""), audit.Event{
			Action: "submission.accepted", TargetType: "submission",
			TargetID: fmt.Sprintf("%s/%s/v%d", rec.CycleID, rec.OrgCode, sub.Version),
			After: map[string]any{"version": sub.Version, "round": req.Round, "file_sha256": req.FileSHA,
				"file_name": req.FileName, "report_sha256": req.ReportSHA, "warnings": req.WarningCount},
		})
	})
	if errors.Is(err, errReturnMissing) {
		return wire.SubmitResult{}, temporal.NewNonRetryableApplicationError(err.Error(), "ReturnMissing", err)
	}
	if err != nil {
		return wire.SubmitResult{}, failed(err, "record submission of %s in %s", rec.OrgCode, rec.CycleID)
	}
	return result, nil
}

// submissionFlags: a submission ends the bureau's being overdue, says
// whether it carries warnings, and marks it late for good.
func submissionFlags(req wire.SubmitRequest, late bool) flagEdit {
	edit := flagEdit{remove: []string{FlagOverdue, FlagEscalated}}
	if req.WarningCount > 0 {
		edit.add = append(edit.add, FlagWarnings)
	} else {
		edit.remove = append(edit.remove, FlagWarnings)
	}
	if late {
		edit.add = append(edit.add, FlagLateSubmission)
	}
	return edit
}

var errReturnMissing = errors.New("parsed return not stored")

// storedReturn is a parsed return split into the submission's JSON columns.
type storedReturn struct {
	values, explanations, info, problems, plans, warnings string
}

// loadReturn reads the parsed return the API stored before the update.
func loadReturn(tx *gorm.DB, sha string) (storedReturn, error) {
	var blob models.Blob
	if err := tx.Take(&blob, "sha256 = ?", sha).Error; errors.Is(err, gorm.ErrRecordNotFound) {
		return storedReturn{}, fmt.Errorf("%w: %s", errReturnMissing, sha)
	} else if err != nil {
		return storedReturn{}, fmt.Errorf("load parsed return: %w", err)
	}
	var res excelreturn.Result
	if err := json.Unmarshal(blob.Data, &res); err != nil || res.Return == nil {
		return storedReturn{}, temporal.NewNonRetryableApplicationError(
			fmt.Sprintf("parsed return %s is not readable", sha), "ReturnCorrupt", err)
	}
	r := res.Return
	enc := func(v any) string {
		b, _ := json.Marshal(v)
		return string(b)
	}
	if r.Explanations == nil {
		r.Explanations = map[string]string{}
	}
	warnings := res.Warnings
	if warnings == nil {
		warnings = []excelreturn.Issue{}
	}
	return storedReturn{values: enc(r.Values), explanations: enc(r.Explanations), info: enc(r.Info),
		problems: enc(nonNil(r.Problems)), plans: enc(nonNil(r.Plans)), warnings: enc(warnings)}, nil
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
