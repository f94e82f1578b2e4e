package bench

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/lawcycle/lawcycle/models"
	"github.com/lawcycle/lawcycle/service"
	"github.com/lawcycle/lawcycle/wire"
)

// SeedReadModel writes an open cycle of n bureaus straight into the read
// model (as a finished launch leaves it), so read benchmarks need no
// Temporal run to set up.
func SeedReadModel(ctx context.Context, db *gorm.DB, n int) (string, error) {
	if err := models.Migrate(db); err != nil {
		return "", err
	}
	svc := &service.Service{DB: db}
	if _, err := svc.EnsureAdmin(ctx, "", benchToken); err != nil {
		return "", err
	}
	id := "2025-benchx"
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		office := models.Organisation{Code: "bench", Name: "基准测试法治办", Kind: models.KindOffice}
		if err := tx.Create(&office).Error; err != nil {
			return err
		}
		bureaus := make([]models.Organisation, n)
		for i := range bureaus {
			bureaus[i] = models.Organisation{Code: fmt.Sprintf("bench-%05d", i), Name: fmt.Sprintf("第%d局", i),
				Kind: models.KindBureau, ParentID: &office.ID, Sector: "hrss"}
		}
		if err := tx.CreateInBatches(bureaus, 500).Error; err != nil {
			return err
		}
		sub := time.Date(2027, 3, 1, 15, 59, 59, 0, time.UTC)
		pub := time.Date(2027, 3, 31, 15, 59, 59, 0, time.UTC)
		now := time.Now().UTC()
		cycle := models.Cycle{ID: id, Year: 2025, Title: "2025年度法治政府建设情况报告", OfficeID: office.ID,
			Status: models.CycleOpen, SubmissionDue: sub, PublicationDue: pub, LaunchedAt: &now, FannedOutAt: &now}
		if err := tx.Create(&cycle).Error; err != nil {
			return err
		}
		rows := make([]models.Participant, n)
		for i, b := range bureaus {
			rows[i] = models.Participant{CycleID: id, OrgID: b.ID, OrgCode: b.Code, Stage: string(wire.StageAwaitingSubmission),
				Round: 1, SubmissionDue: sub, PublicationDue: pub, Flags: []string{}, StageSeq: 2, StageChangedAt: &now}
		}
		if err := tx.CreateInBatches(rows, 500).Error; err != nil {
			return err
		}
		return tx.Create(&models.Notice{CycleID: id, OfficeID: office.ID, DocNo: "法治办〔2026〕1号", Title: "通知",
			Body: "正文", SubmissionDue: sub, PublicationDue: pub, IssuedAt: now}).Error
	})
	return id, err
}
