// Package source is where the working-day calendar of an office comes
// from: the built-in arrangements, the years a platform admin loaded and
// the day overrides of the installation, of every office above the office
// and of its own, in that order, the nearest winning
// (docs/domain.md#working-days). It caches the calendars it builds per
// process and rebuilds them when the stored revision moves, so a change
// made through any server applies to the next due date computed by any
// worker. The service reads and changes the calendar through it; the
// worker's activities take a Source of their own.
package source

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"gorm.io/gorm"

	"github.com/lawcycle/lawcycle/calendar"
	"github.com/lawcycle/lawcycle/models"
)

// Source answers the calendar of an office's cycles from the database.
type Source struct {
	DB    *gorm.DB
	cache Cache
}

// New makes a source over db.
func New(db *gorm.DB) *Source { return &Source{DB: db} }

// Calendar returns the working-day calendar of an office's cycles
// (officeID 0: the installation's, without any office's changes). The
// result is immutable and safe to share; the revision check costs one
// small query.
func (s *Source) Calendar(ctx context.Context, officeID uint) (*calendar.Calendar, error) {
	tx := s.DB.WithContext(ctx)
	chain, err := OfficeChain(tx, officeID)
	if err != nil {
		return nil, err
	}
	cal, _, err := s.cache.Get(tx, chain)
	return cal, err
}

// Cache keeps the stored calendar data of one revision and the calendars
// built from it, per chain of offices. The zero value is ready to use.
type Cache struct {
	mu       sync.Mutex
	loaded   bool
	revision int64
	data     Data
	built    map[string]*calendar.Calendar
}

// Data is the stored calendar of one revision.
type Data struct {
	Years     map[int]models.CalendarYear
	Loaded    []calendar.Arrangement
	Overrides map[uint][]models.CalendarDay // by office id (0: the installation), by date
	Codes     map[uint]string               // office codes of the overrides
}

// Get returns the chain's calendar and the stored data it was built from.
func (c *Cache) Get(tx *gorm.DB, chain []uint) (*calendar.Calendar, Data, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.refresh(tx); err != nil {
		return nil, Data{}, err
	}
	key := chainKey(chain)
	if cal, ok := c.built[key]; ok {
		return cal, c.data, nil
	}
	cfg := calendar.Config{Loaded: c.data.Loaded}
	for _, id := range chain {
		for _, row := range c.data.Overrides[id] {
			d, err := calendar.ParseDate(row.Date)
			if err != nil {
				return nil, Data{}, fmt.Errorf("stored calendar override %q: %w", row.Date, err)
			}
			cfg.Overrides = append(cfg.Overrides, calendar.Override{Date: d, Workday: row.Kind == models.CalendarWorkday,
				Reason: row.Reason, Scope: c.data.Codes[id]})
		}
	}
	cal, err := calendar.New(cfg)
	if err != nil {
		return nil, Data{}, fmt.Errorf("build calendar: %w", err)
	}
	c.built[key] = cal
	return cal, c.data, nil
}

// refresh reloads the stored data when the revision moved. The revision is
// read before the data, so the data is at least as new as the revision it
// is cached under: a change committed in between only causes one more
// reload, never a stale calendar.
func (c *Cache) refresh(tx *gorm.DB) error {
	rev, err := revision(tx)
	if err != nil {
		return err
	}
	if c.loaded && rev == c.revision {
		return nil
	}
	data, err := load(tx)
	if err != nil {
		return err
	}
	c.loaded, c.revision, c.data, c.built = true, rev, data, map[string]*calendar.Calendar{}
	return nil
}

func revision(tx *gorm.DB) (int64, error) {
	var row models.CalendarRevision
	if err := tx.Take(&row, 1).Error; errors.Is(err, gorm.ErrRecordNotFound) {
		return 0, nil
	} else if err != nil {
		return 0, fmt.Errorf("read calendar revision: %w", err)
	}
	return row.Revision, nil
}

// BumpRevision marks the calendar changed. Called first in every
// changing transaction, it also serialises calendar changes on PostgreSQL
// (the row lock), so each change's audit "before" is what it replaced.
func BumpRevision(tx *gorm.DB, now time.Time) error {
	res := tx.Exec("UPDATE calendar_revisions SET revision = revision + 1, updated_at = ? WHERE id = 1", now)
	if res.Error != nil {
		return fmt.Errorf("bump calendar revision: %w", res.Error)
	}
	if res.RowsAffected == 0 {
		if err := tx.Create(&models.CalendarRevision{ID: 1, Revision: 1, UpdatedAt: now}).Error; err != nil {
			return fmt.Errorf("create calendar revision: %w", err)
		}
	}
	return nil
}

func load(tx *gorm.DB) (Data, error) {
	data := Data{Years: map[int]models.CalendarYear{}, Overrides: map[uint][]models.CalendarDay{}, Codes: map[uint]string{}}
	var years []models.CalendarYear
	if err := tx.Order("year").Find(&years).Error; err != nil {
		return data, fmt.Errorf("load calendar years: %w", err)
	}
	for _, y := range years {
		var a calendar.Arrangement
		if err := json.Unmarshal([]byte(y.Arrangement), &a); err != nil {
			return data, fmt.Errorf("stored arrangement of %d: %w", y.Year, err)
		}
		data.Years[y.Year] = y
		data.Loaded = append(data.Loaded, a)
	}
	var days []models.CalendarDay
	if err := tx.Order("office_id, date").Find(&days).Error; err != nil {
		return data, fmt.Errorf("load calendar days: %w", err)
	}
	var ids []uint
	for _, d := range days {
		if _, ok := data.Overrides[d.OfficeID]; !ok && d.OfficeID != 0 {
			ids = append(ids, d.OfficeID)
		}
		data.Overrides[d.OfficeID] = append(data.Overrides[d.OfficeID], d)
	}
	if len(ids) > 0 {
		var orgs []models.Organisation
		if err := tx.Select("id", "code").Where("id IN ?", ids).Find(&orgs).Error; err != nil {
			return data, fmt.Errorf("load override offices: %w", err)
		}
		for _, o := range orgs {
			data.Codes[o.ID] = o.Code
		}
	}
	return data, nil
}

// OfficeChain is 0 (the installation) followed by the office's ancestors,
// outermost first, and the office itself: the order overrides apply in.
func OfficeChain(tx *gorm.DB, officeID uint) ([]uint, error) {
	var up []uint
	for id := officeID; id != 0; {
		if slices.Contains(up, id) || len(up) > 64 {
			return nil, fmt.Errorf("organisation hierarchy above %d has a cycle", officeID)
		}
		up = append(up, id)
		var o models.Organisation
		if err := tx.Select("id", "parent_id").Take(&o, id).Error; errors.Is(err, gorm.ErrRecordNotFound) {
			break
		} else if err != nil {
			return nil, fmt.Errorf("load office chain: %w", err)
		}
		if o.ParentID == nil {
			break
		}
		id = *o.ParentID
	}
	chain := []uint{0}
	for i := len(up) - 1; i >= 0; i-- {
		chain = append(chain, up[i])
	}
	return chain, nil
}

func chainKey(chain []uint) string {
	parts := make([]string, len(chain))
	for i, id := range chain {
		parts[i] = strconv.FormatUint(uint64(id), 10)
	}
	return strings.Join(parts, "/")
}
