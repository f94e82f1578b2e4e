package service

import (
	"context"
	"errors"
	"fmt"

	"gorm.io/gorm"

	"github.com/lawcycle/lawcycle/internal/apperr"
	"github.com/lawcycle/lawcycle/internal/filestore"
	"github.com/lawcycle/lawcycle/models"
	"github.com/lawcycle/lawcycle/rules"
	"github.com/lawcycle/lawcycle/wire"
)

// Evidence limits: a file, the files of one request, and their total.
// Scans of a few pages and photos fit easily; a video does not belong.
const (
	MaxEvidenceSize  = 20 << 20
	MaxEvidenceFiles = 10
	MaxEvidenceTotal = 60 << 20
)

// EvidenceUpload is one evidence file as received. Size is the size the
// client sent; Data is nil when that is over the limit, so a file that is
// refused anyway is never read into memory.
type EvidenceUpload struct {
	Name string
	Size int64
	Data []byte
}

// checkEvidence refuses, naming the file, evidence that is too large (413)
// or not of an accepted type (415), and returns the files as the update
// carries them, without their bytes; nothing is stored yet.
func checkEvidence(files []EvidenceUpload) ([]wire.RectEvidence, error) {
	if len(files) > MaxEvidenceFiles {
		return nil, apperr.TooLarge(fmt.Sprintf("一次最多上传 %d 个佐证材料，本次为 %d 个；请分次上传", MaxEvidenceFiles, len(files)))
	}
	var total int64
	out := make([]wire.RectEvidence, 0, len(files))
	seen := map[string]bool{}
	for _, f := range files {
		if err := checkFileName(f.Name, "evidence"); err != nil {
			return nil, err
		}
		if f.Size > MaxEvidenceSize || int64(len(f.Data)) > MaxEvidenceSize {
			return nil, apperr.TooLarge(fmt.Sprintf("佐证材料“%s”为 %s，超过 %d MB 的上限；请压缩或拆分后上传",
				f.Name, megabytes(max(f.Size, int64(len(f.Data)))), MaxEvidenceSize>>20))
		}
		if len(f.Data) == 0 {
			return nil, apperr.Invalid(fmt.Sprintf("佐证材料“%s”是空文件，请重新选择", f.Name), apperr.Field(-1, "evidence", "空文件"))
		}
		total += int64(len(f.Data))
		if total > MaxEvidenceTotal {
			return nil, apperr.TooLarge(fmt.Sprintf("本次上传的佐证材料合计超过 %d MB（到“%s”为止）；请分次上传", MaxEvidenceTotal>>20, f.Name))
		}
		ct := filestore.SniffEvidence(f.Data)
		if ct == "" {
			return nil, apperr.UnsupportedMedia(fmt.Sprintf("佐证材料“%s”的文件类型不受支持（按内容识别，不看扩展名）；请上传 %s 文件",
				f.Name, filestore.EvidenceTypes))
		}
		sha := filestore.Sum(f.Data)
		if seen[sha] {
			continue
		}
		seen[sha] = true
		out = append(out, wire.RectEvidence{SHA: sha, Name: f.Name, Size: int64(len(f.Data)), ContentType: ct})
	}
	return out, nil
}

func megabytes(n int64) string { return fmt.Sprintf("%.1f MB", float64(n)/(1<<20)) }

// storeEvidence stores the checked files content-addressed, all or none,
// before the update that names them by hash: the workflow history never
// carries file contents. A file left unreferenced by a refused update is
// harmless, as for returns.
func storeEvidence(tx *gorm.DB, files []EvidenceUpload, checked []wire.RectEvidence) error {
	if len(checked) == 0 {
		return nil
	}
	types := make(map[string]string, len(checked))
	for _, e := range checked {
		types[e.SHA] = e.ContentType
	}
	return tx.Transaction(func(tx *gorm.DB) error {
		for _, f := range files {
			sha := filestore.Sum(f.Data)
			ct, ok := types[sha]
			if !ok {
				continue
			}
			delete(types, sha)
			if _, err := filestore.Put(tx, f.Data, ct); err != nil {
				return err
			}
		}
		return nil
	})
}

// RectEvidenceFile returns an evidence file of an item, to those who may
// read the item. The file must belong to this bureau's item (in any cycle
// of the item's history): knowing a hash opens nothing else.
func (s *Service) RectEvidenceFile(ctx context.Context, p Principal, id, org, item, sha string) (TemplateFile, string, error) {
	tx := s.DB.WithContext(ctx)
	if _, err := s.loadParticipation(tx, p, id, org, rules.AccessRead); err != nil {
		return TemplateFile{}, "", err
	}
	row, err := loadRectItem(tx, id, org, item)
	if err != nil {
		return TemplateFile{}, "", err
	}
	cycles, err := rectLineage(tx, row)
	if err != nil {
		return TemplateFile{}, "", err
	}
	var ev models.RectEvidence
	err = tx.Table("rect_evidence").Select("rect_evidence.*").
		Joins("JOIN rect_notes ON rect_notes.id = rect_evidence.note_id").
		Where("rect_evidence.org_code = ? AND rect_evidence.item_id = ? AND rect_evidence.sha = ? AND rect_notes.cycle_id IN ?",
			org, item, sha, cycles).
		Order("rect_evidence.id").Take(&ev).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return TemplateFile{}, "", apperr.NotFound(fmt.Sprintf("整改事项“%s”没有该佐证材料", item))
	} else if err != nil {
		return TemplateFile{}, "", fmt.Errorf("load evidence: %w", err)
	}
	blob, err := filestore.Get(tx, sha)
	if err != nil {
		return TemplateFile{}, "", err
	}
	return TemplateFile{Name: ev.Name, Data: blob.Data}, ev.ContentType, nil
}
