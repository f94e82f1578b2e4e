package service

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"gorm.io/gorm"

	"github.com/lawcycle/lawcycle/catalogue"
	"github.com/lawcycle/lawcycle/models"
)

// ChangesView is what a version changed against the bureau's previous
// version, and the review of the previous version it answers.
type ChangesView struct {
	Version int `json:"version"`
	// PreviousVersion is null for the first version.
	PreviousVersion *int          `json:"previous_version"`
	Changes         []ValueChange `json:"changes"`
	// Review is the review of the previous version (null when there is
	// none): the comments this version answers.
	Review *ReviewView `json:"review"`
}

// ValueChange is one indicator whose value changed. Before and After are
// formatted as people read them; null means left blank.
type ValueChange struct {
	Indicator string  `json:"indicator"`
	Name      string  `json:"name"`
	Section   string  `json:"section,omitempty"`
	Unit      string  `json:"unit,omitempty"`
	Before    *string `json:"before"`
	After     *string `json:"after"`
}

// SubmissionChanges compares a version with the one before it, in
// catalogue order.
func (s *Service) SubmissionChanges(ctx context.Context, p Principal, id, org string, version int) (ChangesView, error) {
	tx := s.DB.WithContext(ctx)
	out := ChangesView{Version: version, Changes: []ValueChange{}}
	sub, err := s.loadSubmission(tx, p, id, org, version)
	if err != nil {
		return out, err
	}
	var prev struct {
		Version int
		Values  string
	}
	err = tx.Table("submissions").Select("version, \"values\"").
		Scopes(models.OfBureau(id, org)).Where("version < ?", version).Order("version DESC").Limit(1).Take(&prev).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return out, nil
	} else if err != nil {
		return out, fmt.Errorf("load previous version: %w", err)
	}
	out.PreviousVersion = &prev.Version

	var before, after catalogue.Values
	if err := json.Unmarshal([]byte(prev.Values), &before); err != nil {
		return out, fmt.Errorf("decode values of v%d: %w", prev.Version, err)
	}
	if err := json.Unmarshal([]byte(sub.Values), &after); err != nil {
		return out, fmt.Errorf("decode values of v%d: %w", version, err)
	}
	var officeID uint
	if err := tx.Table("cycles").Select("office_id").Where("id = ?", id).Take(&officeID).Error; err != nil {
		return out, fmt.Errorf("load cycle office: %w", err)
	}
	cats, err := s.versionCatalogues(tx, officeID)
	if err != nil {
		return out, err
	}
	cat, err := cats.get(sub.Catalogue)
	if err != nil {
		return out, err
	}
	out.Changes = valueChanges(cat, before, after)

	reviews, err := s.reviews(tx, officeID, id, org, prev.Version)
	if err != nil {
		return out, err
	}
	if len(reviews) > 0 {
		out.Review = &reviews[0]
	}
	return out, nil
}

// valueChanges lists the indicators whose formatted value differs, in
// catalogue order, then any key the catalogue does not know, sorted.
func valueChanges(cat *catalogue.Catalogue, before, after catalogue.Values) []ValueChange {
	out := []ValueChange{}
	sections := map[string]string{}
	for _, sec := range cat.Sections {
		sections[sec.Key] = sec.Name
	}
	known := map[string]bool{}
	format := func(ind *catalogue.Indicator, vals catalogue.Values) *string {
		v, ok := vals[ind.Key]
		if !ok {
			return nil
		}
		s := catalogue.FormatValue(ind, v)
		if s == "" && !ind.Type.IsNumeric() && v.Text == "" {
			s = v.Number.String() // a key the catalogue does not know
		}
		return &s
	}
	add := func(ind *catalogue.Indicator, section string) {
		b, a := format(ind, before), format(ind, after)
		if (b == nil) == (a == nil) && (b == nil || *b == *a) {
			return
		}
		out = append(out, ValueChange{Indicator: ind.Key, Name: ind.Name, Section: section, Unit: ind.Unit, Before: b, After: a})
	}
	for _, ind := range cat.Indicators() {
		known[ind.Key] = true
		add(ind, sections[ind.Section])
	}
	var unknown []string
	for _, vals := range []catalogue.Values{before, after} {
		for k := range vals {
			if !known[k] && !slices.Contains(unknown, k) {
				unknown = append(unknown, k)
			}
		}
	}
	slices.Sort(unknown)
	for _, k := range unknown {
		add(&catalogue.Indicator{Key: k, Name: k, Type: catalogue.Text}, "")
	}
	return out
}
