package service

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/lawcycle/lawcycle/audit"
	"github.com/lawcycle/lawcycle/calendar/source"
	"github.com/lawcycle/lawcycle/catalogue"
	"github.com/lawcycle/lawcycle/internal/apperr"
	"github.com/lawcycle/lawcycle/internal/chinatime"
	"github.com/lawcycle/lawcycle/internal/filestore"
	"github.com/lawcycle/lawcycle/models"
)

// MaxCatalogueSize bounds an uploaded catalogue file; the built-in parts
// are about 40 KB.
const MaxCatalogueSize = 1 << 20

// CataloguePartView describes one catalogue part.
type CataloguePartView struct {
	ID         string     `json:"id"`
	Version    string     `json:"version"`
	Kind       string     `json:"kind"`
	Name       string     `json:"name"`
	Builtin    bool       `json:"builtin"`
	OfficeCode string     `json:"office_code,omitempty"`
	Sections   int        `json:"sections"`
	Indicators int        `json:"indicators"`
	Rules      int        `json:"rules"`
	Flags      int        `json:"flags"`
	SHA256     string     `json:"sha256,omitempty"`
	UploadedBy string     `json:"uploaded_by,omitempty"`
	UploadedAt *time.Time `json:"uploaded_at,omitempty"`
	// Part is the full definition, only when one part is asked for.
	Part *catalogue.Part `json:"definition,omitempty"`
}

// registry is the built-in parts plus the uploaded parts visible to an
// office's cycles: the installation-wide ones and those of the office and of
// every office above it (a county's cycles use what its city uploaded).
// officeID nil means every uploaded part (platform admins); an id below an
// office (a bureau) sees what its offices see.
func (s *Service) registry(tx *gorm.DB, officeID *uint) (*catalogue.Registry, error) {
	reg := catalogue.Builtin()
	rows, err := s.storedParts(tx, officeID)
	if err != nil {
		return nil, err
	}
	for _, row := range rows {
		p, err := s.parsePart(row)
		if err != nil {
			return nil, err
		}
		if err := reg.Add(p); err != nil {
			return nil, fmt.Errorf("register stored part %s@%s: %w", row.PartID, row.Version, err)
		}
	}
	return reg, nil
}

func (s *Service) storedParts(tx *gorm.DB, officeID *uint) ([]models.CataloguePart, error) {
	q := tx.Order("part_id, created_at")
	if officeID != nil {
		// Labels are unique across the installation (UploadCatalogue), so
		// the union of the chain's parts never holds two meanings of one
		// id@version: a lookup finds the part whichever office uploaded it.
		chain, err := source.OfficeChain(tx, *officeID)
		if err != nil {
			return nil, err
		}
		q = q.Where("office_id IS NULL OR office_id IN ?", chain[1:]) // chain[0] is the installation
	}
	var rows []models.CataloguePart
	if err := q.Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("load catalogue parts: %w", err)
	}
	return rows, nil
}

func (s *Service) parsePart(row models.CataloguePart) (*catalogue.Part, error) {
	if p, ok := s.parts.Load(row.SHA256); ok {
		return p.(*catalogue.Part), nil
	}
	p, err := catalogue.Load([]byte(row.Source), row.PartID+"@"+row.Version)
	if err != nil {
		return nil, fmt.Errorf("stored catalogue part %s@%s no longer loads: %w", row.PartID, row.Version, err)
	}
	s.parts.Store(row.SHA256, p)
	return p, nil
}

// callerOffice is the organisation whose parts a principal sees: nil (all)
// for a platform admin, else the principal's own organisation (and through
// it the offices above; see registry).
func callerOffice(p Principal) *uint {
	if p.IsPlatformAdmin() {
		return nil
	}
	if p.OrgID == nil {
		none := uint(0)
		return &none
	}
	return p.OrgID
}

// ListCatalogues lists the parts the caller may use: built-in ones first,
// then uploaded ones, each by id and version.
func (s *Service) ListCatalogues(ctx context.Context, p Principal) ([]CataloguePartView, error) {
	tx := s.DB.WithContext(ctx)
	reg, err := s.registry(tx, callerOffice(p))
	if err != nil {
		return nil, err
	}
	rows, err := s.storedParts(tx, callerOffice(p))
	if err != nil {
		return nil, err
	}
	stored := map[catalogue.Ref]models.CataloguePart{}
	for _, r := range rows {
		stored[catalogue.Ref{ID: r.PartID, Version: r.Version}] = r
	}
	offices, err := officeCodes(tx, rows)
	if err != nil {
		return nil, err
	}
	out := []CataloguePartView{}
	for _, ref := range reg.Refs() {
		part, _ := reg.Get(ref)
		v := partView(part)
		if row, ok := stored[ref]; ok {
			at := chinatime.In(row.CreatedAt)
			v.Builtin, v.SHA256, v.UploadedBy, v.UploadedAt = false, row.SHA256, row.UploadedBy, &at
			if row.OfficeID != nil {
				v.OfficeCode = offices[*row.OfficeID]
			}
		}
		out = append(out, v)
	}
	return out, nil
}

// GetCatalogue returns one part with its full definition.
func (s *Service) GetCatalogue(ctx context.Context, p Principal, id, version string) (CataloguePartView, error) {
	reg, err := s.registry(s.DB.WithContext(ctx), callerOffice(p))
	if err != nil {
		return CataloguePartView{}, err
	}
	part, ok := reg.Get(catalogue.Ref{ID: id, Version: version})
	if !ok {
		return CataloguePartView{}, apperr.NotFound(fmt.Sprintf("指标体系“%s@%s”不存在", id, version))
	}
	v := partView(part)
	v.Part = part
	return v, nil
}

func partView(part *catalogue.Part) CataloguePartView {
	v := CataloguePartView{ID: part.ID, Version: part.Version, Kind: string(part.Kind), Name: part.Name, Builtin: true,
		Sections: len(part.Sections), Rules: len(part.Rules), Flags: len(part.Flags)}
	for _, sec := range part.Sections {
		v.Indicators += len(sec.Indicators)
	}
	return v
}

// UploadCatalogue validates and stores a catalogue part: a new sector or a
// newer version of an existing part. Office admins upload for their own
// office's cycles and those of the offices below it; platform admins for
// every office.
func (s *Service) UploadCatalogue(ctx context.Context, p Principal, data []byte) (CataloguePartView, error) {
	if len(data) > MaxCatalogueSize {
		return CataloguePartView{}, apperr.TooLarge(fmt.Sprintf("指标体系文件超过 %d KB 的上限", MaxCatalogueSize>>10))
	}
	part, err := catalogue.Load(data, "上传的文件")
	var lerr *catalogue.LoadError
	if errors.As(err, &lerr) {
		details := make([]apperr.Detail, len(lerr.Problems))
		for i, pr := range lerr.Problems {
			msg := pr.Message
			if pr.Line > 0 {
				msg = fmt.Sprintf("第 %d 行：%s", pr.Line, msg)
			}
			details[i] = apperr.Detail{Field: pr.Path, Message: msg}
		}
		return CataloguePartView{}, apperr.Validation(fmt.Sprintf("指标体系文件有 %d 处问题，请逐项修改后重新上传", len(details)), details...)
	}
	if err != nil {
		return CataloguePartView{}, apperr.Invalid("指标体系文件无法读取：" + err.Error())
	}
	var view CataloguePartView
	err = s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		// Every existing part, whichever office uploaded it: a label such
		// as hrss@2026.1 must mean one thing across the installation.
		all, err := s.registry(tx, nil)
		if err != nil {
			return err
		}
		ref := catalogue.Ref{ID: part.ID, Version: part.Version}
		if _, dup := all.Get(ref); dup {
			return apperr.Conflict(fmt.Sprintf("指标体系“%s”已存在，不能覆盖；修订后请使用更大的版本号上传", ref))
		}
		if latest, ok := all.Latest(part.ID); ok && catalogue.CompareVersions(part.Version, latest.Version) <= 0 {
			return apperr.Conflict(fmt.Sprintf("版本号 %s 须大于现有最新版本 %s", part.Version, latest.Version))
		}
		if err := composes(all, part); err != nil {
			return err
		}
		row := models.CataloguePart{PartID: part.ID, Version: part.Version, Kind: string(part.Kind), Name: part.Name,
			Source: string(data), SHA256: filestore.Sum(data), UploadedBy: p.Username}
		if p.UserID != 0 {
			id := p.UserID
			row.UploadedByID = &id
		}
		if !p.IsPlatformAdmin() {
			row.OfficeID = p.OrgID
		}
		if err := tx.Create(&row).Error; err != nil {
			if isDuplicate(err) {
				return apperr.Conflict(fmt.Sprintf("指标体系“%s”已存在", ref))
			}
			return fmt.Errorf("store catalogue part: %w", err)
		}
		view = partView(part)
		at := chinatime.In(row.CreatedAt)
		view.Builtin, view.SHA256, view.UploadedBy, view.UploadedAt = false, row.SHA256, row.UploadedBy, &at
		view.OfficeCode = p.OrgCode
		return audit.Record(tx, s.now(), p.Actor(), audit.Event{
			Action: "catalogue.uploaded", TargetType: "catalogue", TargetID: ref.String(),
			After: map[string]any{"kind": part.Kind, "name": part.Name, "sha256": row.SHA256, "indicators": view.Indicators},
		})
	})
	return view, err
}

// composes refuses a part that cannot be used: a sector part must compose
// with the latest general part, a general part with every latest sector.
func composes(reg *catalogue.Registry, part *catalogue.Part) error {
	fail := func(with string, err error) error {
		return apperr.Validation(fmt.Sprintf("指标体系“%s@%s”不能与 %s 组合使用：%s", part.ID, part.Version, with,
			strings.TrimPrefix(err.Error(), "compose: ")))
	}
	if part.Kind == catalogue.KindSector {
		general, ok := reg.Latest(catalogue.GeneralID)
		if !ok {
			return apperr.Conflict("尚无通用指标体系，不能上传行业部分")
		}
		if _, err := catalogue.Compose(general, part); err != nil {
			return fail(catalogue.Ref{ID: general.ID, Version: general.Version}.String(), err)
		}
		return nil
	}
	if _, err := catalogue.Compose(part, nil); err != nil {
		return fail("（无行业部分）", err)
	}
	for _, id := range reg.Sectors() {
		sector, _ := reg.Latest(id)
		if _, err := catalogue.Compose(part, sector); err != nil {
			return fail(catalogue.Ref{ID: sector.ID, Version: sector.Version}.String(), err)
		}
	}
	return nil
}

func officeCodes(tx *gorm.DB, rows []models.CataloguePart) (map[uint]string, error) {
	var ids []uint
	for _, r := range rows {
		if r.OfficeID != nil {
			ids = append(ids, *r.OfficeID)
		}
	}
	out := map[uint]string{}
	if len(ids) == 0 {
		return out, nil
	}
	var orgs []models.Organisation
	if err := tx.Where("id IN ?", ids).Find(&orgs).Error; err != nil {
		return nil, fmt.Errorf("load offices of catalogue parts: %w", err)
	}
	for _, o := range orgs {
		out[o.ID] = o.Code
	}
	return out, nil
}
