package service

import (
	"fmt"

	"gorm.io/gorm"
)

// orgScope is the set of organisations a principal may act on: everything
// for a platform admin, otherwise the subtree under the principal's own
// organisation. The full access-control model (docs/domain.md#roles) builds on this.
type orgScope struct {
	all bool
	ids map[uint]bool
}

func (s orgScope) contains(id uint) bool { return s.all || s.ids[id] }

func (s *Service) scope(tx *gorm.DB, p Principal) (orgScope, error) {
	if p.IsPlatformAdmin() {
		return orgScope{all: true}, nil
	}
	if p.OrgID == nil {
		return orgScope{ids: map[uint]bool{}}, nil
	}
	ids, err := subtree(tx, *p.OrgID)
	if err != nil {
		return orgScope{}, err
	}
	return orgScope{ids: ids}, nil
}

// subtree returns root and every organisation below it, one query per level.
func subtree(tx *gorm.DB, root uint) (map[uint]bool, error) {
	ids := map[uint]bool{root: true}
	frontier := []uint{root}
	for len(frontier) > 0 {
		var next []uint
		// Chunked: an office with tens of thousands of bureaus must stay
		// under SQLite's bound-parameter limit.
		for start := 0; start < len(frontier); start += 1000 {
			var part []uint
			chunk := frontier[start:min(start+1000, len(frontier))]
			if err := tx.Table("organisations").Where("parent_id IN ?", chunk).Pluck("id", &part).Error; err != nil {
				return nil, fmt.Errorf("load organisation subtree: %w", err)
			}
			next = append(next, part...)
		}
		frontier = nil
		for _, id := range next {
			if !ids[id] {
				ids[id] = true
				frontier = append(frontier, id)
			}
		}
	}
	return ids, nil
}

// maxDepth bounds the walk up the hierarchy (province → city → county →
// bureau is four levels); a longer chain can only be a cycle in bad data.
const maxDepth = 32

// covers reports whether org lies in p's scope by walking up from org to
// the root: a handful of single-row reads, where loading the subtree of an
// office with ten thousand bureaus would read them all. Lists, which need
// the whole subtree, use scope instead.
func (s *Service) covers(tx *gorm.DB, p Principal, org uint) (bool, error) {
	if p.IsPlatformAdmin() {
		return true, nil
	}
	if p.OrgID == nil {
		return false, nil
	}
	id := &org
	for range maxDepth {
		if *id == *p.OrgID {
			return true, nil
		}
		var parent struct{ ParentID *uint }
		if err := tx.Table("organisations").Select("parent_id").Where("id = ?", *id).Take(&parent).Error; err != nil {
			return false, fmt.Errorf("walk organisation ancestors: %w", err)
		}
		if parent.ParentID == nil {
			return false, nil
		}
		id = parent.ParentID
	}
	return false, nil
}
