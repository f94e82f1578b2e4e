package activities

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"gorm.io/gorm"

	"github.com/lawcycle/lawcycle/audit"
	"github.com/lawcycle/lawcycle/calendar"
	"github.com/lawcycle/lawcycle/internal/chinatime"
	"github.com/lawcycle/lawcycle/models"
	"github.com/lawcycle/lawcycle/wire"
)

// RecordPublication stores the bureau's published report (公开) with its
// 索引号, flags it late against the due date and completes the bureau, in
// one transaction. A bureau publishes once: a retry gets the stored one.
func (a *Activities) RecordPublication(ctx context.Context, rec wire.PublicationRecord) (wire.PublishResult, error) {
	req := rec.Request
	var pub models.Publication
	err := a.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		b, err := loadBureau(tx, rec.CycleID, rec.OrgCode)
		if err != nil {
			return err
		}
		switch err := tx.Scopes(models.OfBureau(rec.CycleID, rec.OrgCode)).Take(&pub).Error; {
		case err == nil:
			return nil
		case !errors.Is(err, gorm.ErrRecordNotFound):
			return fmt.Errorf("look for earlier publication: %w", err)
		}
		if err := checkPublishRequest(req); err != nil {
			return err
		}
		var version int
		if err := tx.Model(&models.Review{}).
			Scopes(models.OfBureau(rec.CycleID, rec.OrgCode)).Where("decision = ?", wire.ReviewApprove).
			Select("COALESCE(MAX(version), 0)").Scan(&version).Error; err != nil {
			return fmt.Errorf("approved version: %w", err)
		}
		if version == 0 {
			return refused("%s的报送尚未审核通过，不能登记公开", b.org.Name)
		}
		indexNo, err := indexNumber(tx, b, strings.TrimSpace(req.IndexNo), rec)
		if err != nil {
			return err
		}
		due := rec.Due
		if due.IsZero() {
			due = b.p.PublicationDue
		}
		pub = models.Publication{
			CycleID: rec.CycleID, OrgCode: rec.OrgCode, OrgID: b.org.ID, Version: version,
			URL: strings.TrimSpace(req.URL), IndexNo: indexNo, IssuedOn: req.IssuedOn,
			Publisher: req.Publisher, Method: req.Method,
			SecrecyReviewed: req.SecrecyReviewed, LeaderApproved: req.LeaderApproved,
			Late: rec.At.After(due), Due: due.UTC(),
			RecordedByID: userID(req.By), RecordedBy: clip(req.By.Name, 64), PublishedAt: rec.At.UTC(),
		}
		if err := tx.Create(&pub).Error; err != nil {
			return fmt.Errorf("insert publication: %w", err)
		}
		moved := tx.Model(&models.Participant{}).
			Scopes(models.OfBureauBefore(rec.CycleID, rec.OrgCode, rec.Seq)).
			Updates(map[string]any{"stage": string(wire.StageCompleted), "stage_seq": rec.Seq,
				"stage_changed_at": rec.At.UTC(), "updated_at": a.now()})
		if moved.Error != nil {
			return fmt.Errorf("update stage: %w", moved.Error)
		}
		edit := flagEdit{remove: []string{FlagOverdue, FlagEscalated}}
		if pub.Late {
			edit.add = []string{FlagPublishedLate}
		}
		if err := a.editFlags(tx, rec.CycleID, rec.OrgCode, edit); err != nil {
			return err
		}
		return audit.Record(tx, a.now(), actorOf(req.By, b.office.Code), audit.Event{
			Action: "publication.recorded", TargetType: "publication", TargetID: b.target(),
			After: map[string]any{"version": version, "url": pub.URL, "index_no": indexNo, "issued_on": pub.IssuedOn,
				"publisher": pub.Publisher, "method": pub.Method, "secrecy_reviewed": pub.SecrecyReviewed,
				"leader_approved": pub.LeaderApproved, "late": pub.Late, "due": pub.Due},
		})
	})
	if err != nil {
		return wire.PublishResult{}, failed(err, "record publication of %s in %s", rec.OrgCode, rec.CycleID)
	}
	return wire.PublishResult{IndexNo: pub.IndexNo, Late: pub.Late, Stage: wire.StageCompleted, PublishedAt: pub.PublishedAt.UTC()}, nil
}

// checkPublishRequest refuses what the publication's columns cannot hold
// or docs/domain.md#publication does not allow; the API checks the same, this is the last
// line before the database.
func checkPublishRequest(req wire.PublishRequest) error {
	switch {
	case !req.SecrecyReviewed || !req.LeaderApproved:
		return refused("公开前须完成保密审查并经主要负责人审定")
	case strings.TrimSpace(req.URL) == "" || len(req.URL) > 1000:
		return refused("公开网址不能为空，且不能超过1000个字符")
	case utf8.RuneCountInString(req.Publisher) > 200 || utf8.RuneCountInString(req.Method) > 100:
		return refused("发布单位不能超过200个字，公开方式不能超过100个字")
	case utf8.RuneCountInString(strings.TrimSpace(req.IndexNo)) > 100:
		return refused("索引号不能超过100个字符")
	}
	if _, err := calendar.ParseDate(req.IssuedOn); err != nil {
		return refused("成文日期：%s", err.Error())
	}
	return nil
}

// indexNumber is the 索引号 given, if free, or the next one of the
// bureau's series, {credit code or code}/{year}-{serial:05d}.
func indexNumber(tx *gorm.DB, b bureau, given string, rec wire.PublicationRecord) (string, error) {
	if given != "" {
		taken, err := indexTaken(tx, given)
		if err != nil {
			return "", err
		}
		if taken {
			return "", refused("索引号“%s”已被其他公开记录使用，请核对", given)
		}
		return given, nil
	}
	code := b.org.Code
	if b.org.CreditCode != nil && *b.org.CreditCode != "" {
		code = *b.org.CreditCode
	}
	prefix := fmt.Sprintf("%s/%d", code, chinatime.In(rec.At).Year())
	for {
		serial, err := nextSerial(tx, prefix)
		if err != nil {
			return "", err
		}
		indexNo := fmt.Sprintf("%s-%05d", prefix, serial)
		// A number entered by hand may already hold this serial.
		if taken, err := indexTaken(tx, indexNo); err != nil || !taken {
			return indexNo, err
		}
	}
}

func indexTaken(tx *gorm.DB, indexNo string) (bool, error) {
	var n int64
	if err := tx.Model(&models.Publication{}).Where("index_no = ?", indexNo).Count(&n).Error; err != nil {
		return false, fmt.Errorf("check index number: %w", err)
	}
	return n > 0, nil
}

// nextSerial counts the prefix's serial up inside tx; on PostgreSQL the
// row lock of the UPDATE orders concurrent publications.
func nextSerial(tx *gorm.DB, prefix string) (int, error) {
	res := tx.Model(&models.IndexSerial{}).Where("prefix = ?", prefix).Update("last", gorm.Expr("last + 1"))
	if res.Error != nil {
		return 0, fmt.Errorf("count index serial: %w", res.Error)
	}
	if res.RowsAffected == 0 {
		if err := tx.Create(&models.IndexSerial{Prefix: prefix, Last: 1}).Error; err != nil {
			return 0, fmt.Errorf("start index serial: %w", err)
		}
		return 1, nil
	}
	var row models.IndexSerial
	if err := tx.Take(&row, "prefix = ?", prefix).Error; err != nil {
		return 0, fmt.Errorf("read index serial: %w", err)
	}
	return row.Last, nil
}
