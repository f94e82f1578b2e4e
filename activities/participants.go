package activities

import (
	"context"
	"errors"
	"fmt"

	"gorm.io/gorm"

	"github.com/lawcycle/lawcycle/models"
	"github.com/lawcycle/lawcycle/notify"
	"github.com/lawcycle/lawcycle/wire"
)

// ListParticipants returns the next page of a cycle's bureau codes after a
// cursor, in code order, so the cycle workflow can start bureau workflows
// batch by batch across continue-as-new runs.
func (a *Activities) ListParticipants(ctx context.Context, req wire.ParticipantPageRequest) (wire.ParticipantPage, error) {
	var codes []string
	err := a.DB.WithContext(ctx).Model(&models.Participant{}).
		Where("cycle_id = ? AND org_code > ?", req.CycleID, req.AfterOrgCode).
		Order("org_code").Limit(req.Limit).
		Pluck("org_code", &codes).Error
	if err != nil {
		return wire.ParticipantPage{}, fmt.Errorf("list participants of %s: %w", req.CycleID, err)
	}
	return wire.ParticipantPage{OrgCodes: codes}, nil
}

// RecordStage writes a bureau's stage into the read model and returns the
// bureau's due dates. A write whose Seq is not newer than the stored one is
// a retry or a late duplicate and changes nothing. Entering notified puts
// the notice in the bureau's inbox and starts, in this cycle, the
// bureau's rectification items carried over from earlier cycles.
func (a *Activities) RecordStage(ctx context.Context, ch wire.StageChange) (wire.ParticipantInfo, error) {
	var p models.Participant
	err := a.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Model(&models.Participant{}).
			Scopes(models.OfBureauBefore(ch.CycleID, ch.OrgCode, ch.Seq)).
			Updates(map[string]any{
				"stage":            string(ch.Stage),
				"round":            ch.Round,
				"stage_seq":        ch.Seq,
				"stage_changed_at": ch.At.UTC(),
				"updated_at":       a.now(),
			})
		if res.Error != nil {
			return fmt.Errorf("update stage: %w", res.Error)
		}
		if err := tx.
			Scopes(models.OfBureau(ch.CycleID, ch.OrgCode)).
			Take(&p).Error; err != nil {
			return err
		}
		if res.RowsAffected == 0 || ch.Stage != wire.StageNotified {
			return nil
		}
		return enqueueNotice(tx, p)
	})
	if errors.Is(err, gorm.ErrRecordNotFound) {
		// The workflow was started for a bureau the cycle does not have:
		// retrying cannot fix that.
		return wire.ParticipantInfo{}, participantNotFound(ch.CycleID, ch.OrgCode, err)
	}
	if err != nil {
		return wire.ParticipantInfo{}, fmt.Errorf("record stage %s of %s in %s: %w", ch.Stage, ch.OrgCode, ch.CycleID, err)
	}
	if ch.Stage == wire.StageNotified {
		// On every attempt, not only the one that moved the stage: a retry
		// must start what a failed attempt did not.
		if err := a.adoptWaitingItems(ctx, ch); err != nil {
			return wire.ParticipantInfo{}, failed(err, "adopt carried items of %s in %s", ch.OrgCode, ch.CycleID)
		}
	}
	return wire.ParticipantInfo{OrgCode: p.OrgCode, SubmissionDue: p.SubmissionDue, PublicationDue: p.PublicationDue}, nil
}

// RecordFanOutComplete marks the launch as complete once every bureau
// workflow has started.
func (a *Activities) RecordFanOutComplete(ctx context.Context, in wire.FanOutComplete) error {
	err := a.DB.WithContext(ctx).Model(&models.Cycle{}).
		Where("id = ? AND fanned_out_at IS NULL", in.CycleID).
		Update("fanned_out_at", a.now()).Error
	if err != nil {
		return fmt.Errorf("record fan-out of %s: %w", in.CycleID, err)
	}
	a.Logger.Info("cycle fan-out complete", "cycle", in.CycleID, "bureaus", in.Started)
	return nil
}

// enqueueNotice tells a bureau of the cycle's notice (通知).
func enqueueNotice(tx *gorm.DB, p models.Participant) error {
	var n models.Notice
	err := tx.Take(&n, "cycle_id = ?", p.CycleID).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		// Nothing was issued to tell of; the stage still counts.
		return nil
	}
	if err != nil {
		return fmt.Errorf("load notice: %w", err)
	}
	return notify.Enqueue(tx, notify.Message{
		Key: notify.Key(wire.BureauWorkflowID(p.CycleID, p.OrgCode), "notice"), Kind: notify.KindNotice,
		OrgCode: p.OrgCode, Link: bureauLink(p.CycleID, p.OrgCode),
		Subject: clip(fmt.Sprintf("【通知】%s（%s）", n.Title, n.DocNo), notify.MaxSubjectLength),
		Body: fmt.Sprintf("%s\n%s\n\n请于%s前报送报告及统计报表；报告审核通过后，请于%s前向社会公开。\n请登录系统签收通知，并下载本单位的填报模板。",
			n.Title, n.DocNo, dateText(p.SubmissionDue), dateText(p.PublicationDue)),
	})
}
