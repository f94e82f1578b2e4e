package activities

import (
	"bytes"
	"context"
	_ "embed"
	"errors"
	"fmt"
	"text/template"
	"time"

	"go.temporal.io/sdk/temporal"
	"gorm.io/gorm"

	"github.com/lawcycle/lawcycle/audit"
	"github.com/lawcycle/lawcycle/internal/chinatime"
	"github.com/lawcycle/lawcycle/models"
	"github.com/lawcycle/lawcycle/wire"
)

//go:embed notice.tmpl
var noticeTemplateText string

var noticeTemplate = template.Must(template.New("notice").Funcs(template.FuncMap{
	"date": chinatime.FormatDate,
}).Parse(noticeTemplateText))

// defaultDocNoPrefix is used when the cycle does not set its own 文号; the
// serial counts the office's notices within the year of issue.
const defaultDocNoPrefix = "法治办"

type noticeData struct {
	Office         string
	Year           int
	NextYear       int
	Bureaus        int64
	SubmissionDue  time.Time
	PublicationDue time.Time
	Extra          string
	IssuedAt       time.Time
}

// IssueNotice issues the cycle's 通知 and opens the cycle (draft → open).
// It is idempotent: a notice already issued for the cycle is returned as is.
func (a *Activities) IssueNotice(ctx context.Context, cycleID string) (wire.NoticeInfo, error) {
	var notice models.Notice
	err := a.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var cycle models.Cycle
		if err := tx.Take(&cycle, "id = ?", cycleID).Error; err != nil {
			return err
		}
		if err := tx.Take(&notice, "cycle_id = ?", cycleID).Error; err == nil {
			return nil
		} else if !errors.Is(err, gorm.ErrRecordNotFound) {
			return err
		}
		if cycle.Status != models.CycleDraft {
			return temporal.NewNonRetryableApplicationError(
				fmt.Sprintf("cycle %s is %s without a notice", cycleID, cycle.Status), "CycleNotDraft", nil)
		}
		var office models.Organisation
		if err := tx.Take(&office, cycle.OfficeID).Error; err != nil {
			return fmt.Errorf("load office: %w", err)
		}
		var bureaus int64
		if err := tx.Model(&models.Participant{}).Where("cycle_id = ?", cycleID).Count(&bureaus).Error; err != nil {
			return fmt.Errorf("count participants: %w", err)
		}
		now := a.now()
		docNo := cycle.DocNo
		if docNo == "" {
			var err error
			if docNo, err = nextDocNo(tx, office.ID, now); err != nil {
				return err
			}
		}
		var body bytes.Buffer
		if err := noticeTemplate.Execute(&body, noticeData{
			Office: office.Name, Year: cycle.Year, NextYear: cycle.Year + 1, Bureaus: bureaus,
			SubmissionDue: cycle.SubmissionDue, PublicationDue: cycle.PublicationDue,
			Extra: cycle.NoticeExtra, IssuedAt: now,
		}); err != nil {
			return fmt.Errorf("render notice: %w", err)
		}
		notice = models.Notice{
			CycleID: cycleID, OfficeID: office.ID, DocNo: docNo,
			Title:         fmt.Sprintf("关于报送%d年度法治政府建设情况报告的通知", cycle.Year),
			Body:          body.String(),
			SubmissionDue: cycle.SubmissionDue, PublicationDue: cycle.PublicationDue,
			IssuedAt: now,
		}
		if err := tx.Create(&notice).Error; err != nil {
			return fmt.Errorf("create notice: %w", err)
		}
		if err := tx.Model(&models.Cycle{}).Where("id = ?", cycleID).
			Updates(map[string]any{"status": models.CycleOpen, "launched_at": now, "updated_at": now}).Error; err != nil {
			return fmt.Errorf("open cycle: %w", err)
		}
		actor := audit.System
		actor.OrgCode = office.Code
		return audit.Record(tx, now, actor, audit.Event{
			Action: "notice.issued", TargetType: "cycle", TargetID: cycleID,
			Before: map[string]string{"status": models.CycleDraft},
			After:  map[string]string{"status": models.CycleOpen, "doc_no": docNo},
		})
	})
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return wire.NoticeInfo{}, temporal.NewNonRetryableApplicationError(
			fmt.Sprintf("cycle %s not found", cycleID), "CycleNotFound", err)
	}
	if err != nil {
		return wire.NoticeInfo{}, failed(err, "issue notice for %s", cycleID)
	}
	return wire.NoticeInfo{
		ID: notice.ID, DocNo: notice.DocNo, Title: notice.Title, IssuedAt: notice.IssuedAt,
		SubmissionDue: notice.SubmissionDue, PublicationDue: notice.PublicationDue,
	}, nil
}

// nextDocNo finds the first free serial of the office in the year of issue,
// e.g. 法治办〔2025〕3号.
func nextDocNo(tx *gorm.DB, officeID uint, now time.Time) (string, error) {
	year := chinatime.In(now).Year()
	var issued int64
	start := time.Date(year, 1, 1, 0, 0, 0, 0, chinatime.Location)
	if err := tx.Model(&models.Notice{}).
		Where("office_id = ? AND issued_at >= ?", officeID, start.UTC()).
		Count(&issued).Error; err != nil {
		return "", fmt.Errorf("count notices: %w", err)
	}
	for n := issued + 1; ; n++ {
		docNo := fmt.Sprintf("%s〔%d〕%d号", defaultDocNoPrefix, year, n)
		var taken int64
		if err := tx.Model(&models.Notice{}).Where("office_id = ? AND doc_no = ?", officeID, docNo).Count(&taken).Error; err != nil {
			return "", fmt.Errorf("check doc no: %w", err)
		}
		if taken == 0 {
			return docNo, nil
		}
	}
}
