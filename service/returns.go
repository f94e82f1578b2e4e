package service

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"gorm.io/gorm"

	"github.com/lawcycle/lawcycle/catalogue"
	"github.com/lawcycle/lawcycle/excelreturn"
	"github.com/lawcycle/lawcycle/models"
	"github.com/lawcycle/lawcycle/rules"
)

// pinCatalogues names the parts a new cycle uses: the latest general part
// and the latest part of every sector, so bureaus added later are covered.
func (s *Service) pinCatalogues(tx *gorm.DB, officeID uint) (string, error) {
	reg, err := s.registry(tx, &officeID)
	if err != nil {
		return "", err
	}
	general, ok := reg.Latest("general")
	if !ok {
		return "", errors.New("no general catalogue registered")
	}
	refs := []string{catalogue.Ref{ID: general.ID, Version: general.Version}.String()}
	for _, id := range reg.Sectors() {
		if p, ok := reg.Latest(id); ok {
			refs = append(refs, catalogue.Ref{ID: p.ID, Version: p.Version}.String())
		}
	}
	return strings.Join(refs, ","), nil
}

// splitPins lists a cycle's pinned parts; cycles from before pinning have none.
func splitPins(pins string) []string {
	if pins == "" {
		return []string{}
	}
	return strings.Split(pins, ",")
}

// catalogueFor composes the catalogue a bureau fills in a cycle: the
// cycle's general part and the part of the bureau's sector, at the
// versions the cycle pinned.
func (s *Service) catalogueFor(tx *gorm.DB, cycle models.Cycle, org models.Organisation) (*catalogue.Catalogue, error) {
	reg, err := s.registry(tx, &cycle.OfficeID)
	if err != nil {
		return nil, err
	}
	if cycle.Catalogues == "" {
		// Cycles created before catalogues were pinned use the latest.
		return reg.ComposeFor(org.Sector)
	}
	var refs []catalogue.Ref
	for _, label := range splitPins(cycle.Catalogues) {
		parsed, err := catalogue.ParseLabel(label)
		if err != nil {
			return nil, fmt.Errorf("cycle %s pins %q: %w", cycle.ID, label, err)
		}
		for _, r := range parsed {
			if r.ID == "general" || r.ID == org.Sector {
				refs = append(refs, r)
			}
		}
	}
	return reg.ComposeRefs(refs)
}

// lastYearValues are the bureau's values in the same office's cycle of
// the previous report year: its latest accepted version, or nil.
func lastYearValues(tx *gorm.DB, cycle models.Cycle, orgCode string) (catalogue.Values, error) {
	var sub models.Submission
	err := tx.Table("submissions s").Select("s.*").
		Joins("JOIN cycles c ON c.id = s.cycle_id").
		Where("c.office_id = ? AND c.year = ? AND s.org_code = ?", cycle.OfficeID, cycle.Year-1, orgCode).
		Order("c.created_at DESC, s.version DESC").Limit(1).Take(&sub).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("load last year's values: %w", err)
	}
	var v catalogue.Values
	if err := json.Unmarshal([]byte(sub.Values), &v); err != nil {
		return nil, fmt.Errorf("decode last year's values: %w", err)
	}
	return v, nil
}

// TemplateFile is a generated workbook ready to download.
type TemplateFile struct {
	Name string
	Data []byte
}

// Template writes the bureau's personalised return template for a cycle.
func (s *Service) Template(ctx context.Context, p Principal, id, org string) (TemplateFile, error) {
	tx := s.DB.WithContext(ctx)
	pt, err := s.loadParticipation(tx, p, id, org, rules.AccessRead)
	if err != nil {
		return TemplateFile{}, err
	}
	cat, err := s.catalogueFor(tx, pt.cycle, pt.org)
	if err != nil {
		return TemplateFile{}, err
	}
	last, err := lastYearValues(tx, pt.cycle, org)
	if err != nil {
		return TemplateFile{}, err
	}
	in := excelreturn.TemplateInput{
		Catalogue: cat, CycleID: pt.cycle.ID, CycleYear: pt.cycle.Year, CycleTitle: pt.cycle.Title,
		OrgCode: pt.org.Code, OrgName: pt.org.Name, LastYear: last, GeneratedAt: s.now(),
	}
	if pt.org.CreditCode != nil {
		in.CreditCode = *pt.org.CreditCode
	}
	var buf bytes.Buffer
	if err := excelreturn.WriteTemplate(&buf, in); err != nil {
		return TemplateFile{}, fmt.Errorf("write template: %w", err)
	}
	return TemplateFile{Name: fmt.Sprintf("%d年度法治政府建设情况统计表-%s.xlsx", pt.cycle.Year, pt.org.Name), Data: buf.Bytes()}, nil
}
