package service

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
	"unicode"
	"unicode/utf8"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/lawcycle/lawcycle/audit"
	"github.com/lawcycle/lawcycle/calendar"
	"github.com/lawcycle/lawcycle/internal/apperr"
	"github.com/lawcycle/lawcycle/internal/chinatime"
	"github.com/lawcycle/lawcycle/internal/filestore"
	"github.com/lawcycle/lawcycle/models"
)

// The working-day calendar (package calendar) of an office is the built-in
// arrangements, the years a platform admin loaded, and the day overrides
// of the installation, of every office above it and of its own, in that
// order (the nearest wins). Activities compute due dates with it; the API
// shows and changes it.
//
// Who may change what (docs/domain.md#roles): an official arrangement is national and
// the same for every office, so loading a year is for platform admins;
// a day override is a local matter, so an office's admins set them for
// their office (and the offices below it, which inherit them), and a
// platform admin for any office or, without one, for the installation.

// MaxCalendarText bounds a pasted notice; the real ones are about 2 KB.
const MaxCalendarText = 64 << 10

// Calendar returns the working-day calendar of an office's cycles
// (officeID 0: the installation's, without any office's changes). It is
// cached per process and rebuilt when the stored calendar's revision has
// moved, so a change made through any server or worker applies to the
// next due date computed anywhere; the check costs one small query. The
// result is immutable and safe to share.
func (s *Service) Calendar(ctx context.Context, officeID uint) (*calendar.Calendar, error) {
	tx := s.DB.WithContext(ctx)
	chain, err := officeChain(tx, officeID)
	if err != nil {
		return nil, err
	}
	cal, _, err := s.calendarCache().get(tx, chain)
	return cal, err
}

// DueDate computes a due date for an office's cycle: the instant to store,
// with its warnings (calendar.Due). Activities do not call it: they take
// the office's calendar through Calendar (activities.Activities.Calendars)
// and compute with their own dueDate, which also flags a date in a year
// whose holidays are not loaded; today only this package's tests call it.
func (s *Service) DueDate(ctx context.Context, officeID uint, dl calendar.Deadline, event time.Time) (calendar.Due, error) {
	cal, err := s.Calendar(ctx, officeID)
	if err != nil {
		return calendar.Due{}, err
	}
	return cal.DueDate(dl, event)
}

func (s *Service) calendarCache() *calendarCache { return &s.calendars }

// calendarCache keeps the stored calendar data of one revision and the
// calendars built from it, per chain of offices.
type calendarCache struct {
	mu       sync.Mutex
	loaded   bool
	revision int64
	data     calendarData
	built    map[string]*calendar.Calendar
}

type calendarData struct {
	years     map[int]models.CalendarYear
	loaded    []calendar.Arrangement
	overrides map[uint][]models.CalendarDay // by office id, by date
	codes     map[uint]string               // office codes of the overrides
}

// get returns the chain's calendar and the stored data it was built from.
func (c *calendarCache) get(tx *gorm.DB, chain []uint) (*calendar.Calendar, calendarData, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.refresh(tx); err != nil {
		return nil, calendarData{}, err
	}
	key := chainKey(chain)
	if cal, ok := c.built[key]; ok {
		return cal, c.data, nil
	}
	cfg := calendar.Config{Loaded: c.data.loaded}
	for _, id := range chain {
		for _, row := range c.data.overrides[id] {
			d, err := calendar.ParseDate(row.Date)
			if err != nil {
				return nil, calendarData{}, fmt.Errorf("stored calendar override %q: %w", row.Date, err)
			}
			cfg.Overrides = append(cfg.Overrides, calendar.Override{Date: d, Workday: row.Kind == models.CalendarWorkday,
				Reason: row.Reason, Scope: c.data.codes[id]})
		}
	}
	cal, err := calendar.New(cfg)
	if err != nil {
		return nil, calendarData{}, fmt.Errorf("build calendar: %w", err)
	}
	c.built[key] = cal
	return cal, c.data, nil
}

// refresh reloads the stored data when the revision moved. The revision is
// read before the data, so the data is at least as new as the revision it
// is cached under: a change committed in between only causes one more
// reload, never a stale calendar.
func (c *calendarCache) refresh(tx *gorm.DB) error {
	rev, err := calendarRevision(tx)
	if err != nil {
		return err
	}
	if c.loaded && rev == c.revision {
		return nil
	}
	data, err := loadCalendarData(tx)
	if err != nil {
		return err
	}
	c.loaded, c.revision, c.data, c.built = true, rev, data, map[string]*calendar.Calendar{}
	return nil
}

func calendarRevision(tx *gorm.DB) (int64, error) {
	var row models.CalendarRevision
	if err := tx.Take(&row, 1).Error; errors.Is(err, gorm.ErrRecordNotFound) {
		return 0, nil
	} else if err != nil {
		return 0, fmt.Errorf("read calendar revision: %w", err)
	}
	return row.Revision, nil
}

// bumpCalendarRevision marks the calendar changed. Called first in every
// changing transaction, it also serialises calendar changes on PostgreSQL
// (the row lock), so each change's audit "before" is what it replaced.
func bumpCalendarRevision(tx *gorm.DB, now time.Time) error {
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

func loadCalendarData(tx *gorm.DB) (calendarData, error) {
	data := calendarData{years: map[int]models.CalendarYear{}, overrides: map[uint][]models.CalendarDay{}, codes: map[uint]string{}}
	var years []models.CalendarYear
	if err := tx.Order("year").Find(&years).Error; err != nil {
		return data, fmt.Errorf("load calendar years: %w", err)
	}
	for _, y := range years {
		var a calendar.Arrangement
		if err := json.Unmarshal([]byte(y.Arrangement), &a); err != nil {
			return data, fmt.Errorf("stored arrangement of %d: %w", y.Year, err)
		}
		data.years[y.Year] = y
		data.loaded = append(data.loaded, a)
	}
	var days []models.CalendarDay
	if err := tx.Order("office_id, date").Find(&days).Error; err != nil {
		return data, fmt.Errorf("load calendar days: %w", err)
	}
	var ids []uint
	for _, d := range days {
		if _, ok := data.overrides[d.OfficeID]; !ok && d.OfficeID != 0 {
			ids = append(ids, d.OfficeID)
		}
		data.overrides[d.OfficeID] = append(data.overrides[d.OfficeID], d)
	}
	if len(ids) > 0 {
		var orgs []models.Organisation
		if err := tx.Select("id", "code").Where("id IN ?", ids).Find(&orgs).Error; err != nil {
			return data, fmt.Errorf("load override offices: %w", err)
		}
		for _, o := range orgs {
			data.codes[o.ID] = o.Code
		}
	}
	return data, nil
}

// officeChain is 0 (the installation) followed by the office's ancestors,
// outermost first, and the office itself: the order overrides apply in.
func officeChain(tx *gorm.DB, officeID uint) ([]uint, error) {
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

// nearestOffice is the organisation itself if it is an office, else the
// closest office above it; the zero value when there is none.
func nearestOffice(tx *gorm.DB, orgID uint) (models.Organisation, error) {
	for id, hops := orgID, 0; id != 0 && hops < 64; hops++ {
		var o models.Organisation
		if err := tx.Take(&o, id).Error; errors.Is(err, gorm.ErrRecordNotFound) {
			break
		} else if err != nil {
			return o, fmt.Errorf("load organisation: %w", err)
		}
		if o.Kind == models.KindOffice {
			return o, nil
		}
		if o.ParentID == nil {
			break
		}
		id = *o.ParentID
	}
	return models.Organisation{}, nil
}

// CalendarListing is one year of an office's calendar.
type CalendarListing struct {
	Year       int    `json:"year"`
	OfficeCode string `json:"office_code,omitempty"`
	// Known is whether the year's official arrangement is built in or
	// loaded; Source says which ("builtin", "loaded") or "week" (Monday to
	// Friday, with Warning).
	Known    bool                   `json:"known"`
	Source   calendar.Source        `json:"source"`
	Warning  string                 `json:"warning,omitempty"`
	LoadedBy string                 `json:"loaded_by,omitempty"`
	LoadedAt *time.Time             `json:"loaded_at,omitempty"`
	Workdays int                    `json:"workdays"`
	Holidays []calendar.Holiday     `json:"holidays"`
	Makeups  []calendar.Makeup      `json:"makeup_workdays"`
	Days     []calendar.Day         `json:"days"`
	Changes  []CalendarOverrideView `json:"overrides"`
}

// CalendarOverrideView is one stored day override.
type CalendarOverrideView struct {
	Date       string    `json:"date"`
	Kind       string    `json:"kind"`
	Reason     string    `json:"reason"`
	OfficeCode string    `json:"office_code,omitempty"` // "" for the whole installation
	UpdatedBy  string    `json:"updated_by"`
	UpdatedAt  time.Time `json:"updated_at"`
}

// CalendarDayInput sets one day (PUT /api/v1/calendar/days/{date}).
type CalendarDayInput struct {
	Kind   string `json:"kind"`
	Reason string `json:"reason"`
}

// CalendarYearView is a loaded arrangement.
type CalendarYearView struct {
	Year     int                `json:"year"`
	Holidays []calendar.Holiday `json:"holidays"`
	Makeups  []calendar.Makeup  `json:"makeup_workdays"`
	SHA256   string             `json:"sha256"`
	LoadedBy string             `json:"loaded_by"`
	LoadedAt time.Time          `json:"loaded_at"`
	// Replaced says what the load replaced: "builtin" (the arrangement
	// shipped in the binary), "loaded" (an earlier load) or "" (nothing:
	// the year was unknown).
	Replaced string `json:"replaced,omitempty"`
}

func parseCalendarYear(s string) (int, error) {
	y, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || y < calendar.MinYear || y > calendar.MaxYear {
		return 0, apperr.Invalid(fmt.Sprintf("年份“%s”无效，应为 %d 至 %d 之间的四位数", s, calendar.MinYear, calendar.MaxYear),
			apperr.Field(-1, "year", "年份无效"))
	}
	return y, nil
}

// ListCalendar shows one year of a calendar: every day with its kind and
// where it comes from, the official arrangement, the overrides, and the
// warning when the year's arrangement is unknown. officeCode picks the
// office; "" is the caller's own (the installation's for platform admins
// and viewers).
func (s *Service) ListCalendar(ctx context.Context, p Principal, yearText, officeCode string) (CalendarListing, error) {
	year, err := parseCalendarYear(yearText)
	if err != nil {
		return CalendarListing{}, err
	}
	tx := s.DB.WithContext(ctx)
	office, err := s.calendarOfficeForRead(tx, p, officeCode)
	if err != nil {
		return CalendarListing{}, err
	}
	chain, err := officeChain(tx, office.ID)
	if err != nil {
		return CalendarListing{}, err
	}
	cal, data, err := s.calendarCache().get(tx, chain)
	if err != nil {
		return CalendarListing{}, err
	}
	out := CalendarListing{Year: year, OfficeCode: office.Code, Known: cal.Known(year), Source: cal.YearSource(year),
		Warning: cal.Warning(year), Days: cal.Year(year), Holidays: []calendar.Holiday{}, Makeups: []calendar.Makeup{},
		Changes: []CalendarOverrideView{}}
	if a, ok := cal.Arrangement(year); ok {
		out.Holidays, out.Makeups = a.Holidays, a.Makeups
	}
	if row, ok := data.years[year]; ok && out.Source == calendar.SourceLoaded {
		at := chinatime.In(row.LoadedAt)
		out.LoadedBy, out.LoadedAt = row.LoadedBy, &at
	}
	for _, d := range out.Days {
		if d.Workday {
			out.Workdays++
		}
	}
	prefix := fmt.Sprintf("%04d-", year)
	for _, id := range chain {
		for _, row := range data.overrides[id] {
			if strings.HasPrefix(row.Date, prefix) {
				out.Changes = append(out.Changes, overrideView(row, data.codes[id]))
			}
		}
	}
	return out, nil
}

// calendarOfficeForRead is the office whose calendar the caller reads:
// the zero Organisation for the installation's.
func (s *Service) calendarOfficeForRead(tx *gorm.DB, p Principal, code string) (models.Organisation, error) {
	code = strings.TrimSpace(code)
	if code == "" {
		if p.IsPlatformAdmin() || p.OrgID == nil {
			return models.Organisation{}, nil
		}
		return nearestOffice(tx, *p.OrgID)
	}
	org, err := calendarOrg(tx, code)
	if err != nil {
		return org, err
	}
	visible := false
	switch p.Role {
	case models.RolePlatformAdmin, models.RoleAdmin, models.RoleReviewer:
		scope, err := s.scope(tx, p)
		if err != nil {
			return org, err
		}
		visible = scope.contains(org.ID)
	case models.RoleBureau:
		if p.OrgID != nil {
			own, err := nearestOffice(tx, *p.OrgID)
			if err != nil {
				return org, err
			}
			visible = own.ID == org.ID
		}
	}
	if !visible {
		return org, apperr.NotFound(fmt.Sprintf("机构“%s”不存在", code))
	}
	return org, requireOffice(org)
}

// calendarOrg looks up an organisation by code for the calendar routes.
func calendarOrg(tx *gorm.DB, code string) (models.Organisation, error) {
	var org models.Organisation
	if err := tx.Take(&org, "code = ?", code).Error; errors.Is(err, gorm.ErrRecordNotFound) {
		return org, apperr.NotFound(fmt.Sprintf("机构“%s”不存在", code))
	} else if err != nil {
		return org, fmt.Errorf("look up office: %w", err)
	}
	return org, nil
}

// requireOffice refuses a bureau where the calendar wants an office; call
// it only once the caller may see the organisation.
func requireOffice(org models.Organisation) error {
	if org.Kind != models.KindOffice {
		return apperr.Validation(fmt.Sprintf("“%s”是部门：工作日日历按法治办设置，请指定法治办", org.Code),
			apperr.Field(-1, "office", "不是法治办"))
	}
	return nil
}

// calendarOfficeForWrite is the scope of a change: 0 for the
// installation (platform admins only), else an office the caller manages.
func (s *Service) calendarOfficeForWrite(tx *gorm.DB, p Principal, code string) (uint, string, error) {
	if !p.IsPlatformAdmin() && p.Role != models.RoleAdmin {
		return 0, "", apperr.Forbidden("只有管理员可以调整工作日日历")
	}
	code = strings.TrimSpace(code)
	if code == "" {
		if p.IsPlatformAdmin() {
			return 0, "", nil
		}
		if p.OrgID == nil {
			return 0, "", apperr.Forbidden("您的账号未绑定法治办，不能调整工作日日历")
		}
		own, err := nearestOffice(tx, *p.OrgID)
		if err != nil {
			return 0, "", err
		}
		if own.ID == 0 {
			return 0, "", apperr.Forbidden("您的账号未绑定法治办，不能调整工作日日历")
		}
		return own.ID, own.Code, nil
	}
	office, err := calendarOrg(tx, code)
	if err != nil {
		return 0, "", err
	}
	scope, err := s.scope(tx, p)
	if err != nil {
		return 0, "", err
	}
	if !scope.contains(office.ID) {
		return 0, "", apperr.NotFound(fmt.Sprintf("机构“%s”不存在", code))
	}
	if err := requireOffice(office); err != nil {
		return 0, "", err
	}
	return office.ID, office.Code, nil
}

func parseCalendarDate(s string) (calendar.Date, error) {
	d, err := calendar.ParseDate(s)
	if err != nil {
		return d, apperr.Invalid(err.Error(), apperr.Field(-1, "date", "日期无效"))
	}
	if d.Year < calendar.MinYear || d.Year > calendar.MaxYear {
		return d, apperr.Validation(fmt.Sprintf("日期应在 %d 年至 %d 年之间", calendar.MinYear, calendar.MaxYear),
			apperr.Field(-1, "date", "超出范围"))
	}
	return d, nil
}

func calendarDayTarget(officeCode string, d calendar.Date) string {
	if officeCode == "" {
		return d.String()
	}
	return officeCode + "/" + d.String()
}

// SetCalendarDay declares one day a holiday or a working day for an
// office (officeCode; "" is the caller's own office, or for a platform
// admin the whole installation), replacing an earlier change of the same
// day and scope.
func (s *Service) SetCalendarDay(ctx context.Context, p Principal, dateText, officeCode string, in CalendarDayInput) (CalendarOverrideView, error) {
	d, err := parseCalendarDate(dateText)
	if err != nil {
		return CalendarOverrideView{}, err
	}
	var bad []apperr.Detail
	kind := strings.TrimSpace(in.Kind)
	if kind != models.CalendarHoliday && kind != models.CalendarWorkday {
		bad = append(bad, apperr.Field(-1, "kind", fmt.Sprintf("类型“%s”无效，应为 holiday（放假）或 workday（上班）", in.Kind)))
	}
	reason := strings.TrimSpace(in.Reason)
	switch {
	case reason == "":
		bad = append(bad, apperr.Field(-1, "reason", "请填写调整原因（如“广西壮族自治区‘三月三’放假”）"))
	case utf8.RuneCountInString(reason) > 200:
		bad = append(bad, apperr.Field(-1, "reason", "原因不能超过200个字"))
	case strings.IndexFunc(reason, unicode.IsControl) >= 0:
		bad = append(bad, apperr.Field(-1, "reason", "原因不能包含换行或控制字符"))
	}
	if len(bad) > 0 {
		return CalendarOverrideView{}, apperr.Validation("工作日调整有误，未保存", bad...)
	}
	var view CalendarOverrideView
	err = s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		officeID, code, err := s.calendarOfficeForWrite(tx, p, officeCode)
		if err != nil {
			return err
		}
		now := s.now().Truncate(time.Microsecond)
		if err := bumpCalendarRevision(tx, now); err != nil {
			return err
		}
		var before *CalendarOverrideView
		var old models.CalendarDay
		if err := tx.Take(&old, "office_id = ? AND date = ?", officeID, d.String()).Error; err == nil {
			v := overrideView(old, code)
			before = &v
		} else if !errors.Is(err, gorm.ErrRecordNotFound) {
			return fmt.Errorf("load calendar day: %w", err)
		}
		row := models.CalendarDay{OfficeID: officeID, Date: d.String(), Kind: kind, Reason: reason,
			CreatedBy: p.Username, CreatedAt: now, UpdatedBy: p.Username, UpdatedAt: now}
		if p.UserID != 0 {
			id := p.UserID
			row.CreatedByID = &id
		}
		if err := tx.Clauses(clause.OnConflict{
			Columns:   []clause.Column{{Name: "office_id"}, {Name: "date"}},
			DoUpdates: clause.AssignmentColumns([]string{"kind", "reason", "updated_by", "updated_at"}),
		}).Create(&row).Error; err != nil {
			return fmt.Errorf("store calendar day: %w", err)
		}
		view = overrideView(row, code)
		ev := audit.Event{Action: "calendar.day_set", TargetType: "calendar_day", TargetID: calendarDayTarget(code, d), After: view}
		if before != nil {
			ev.Before = before
		}
		return audit.Record(tx, now, p.Actor(), ev)
	})
	return view, err
}

// DeleteCalendarDay removes a change of one day, so the day is again what
// the official arrangement (or the enclosing scope's change) makes it.
func (s *Service) DeleteCalendarDay(ctx context.Context, p Principal, dateText, officeCode string) error {
	d, err := parseCalendarDate(dateText)
	if err != nil {
		return err
	}
	return s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		officeID, code, err := s.calendarOfficeForWrite(tx, p, officeCode)
		if err != nil {
			return err
		}
		now := s.now().Truncate(time.Microsecond)
		if err := bumpCalendarRevision(tx, now); err != nil {
			return err
		}
		var old models.CalendarDay
		if err := tx.Take(&old, "office_id = ? AND date = ?", officeID, d.String()).Error; errors.Is(err, gorm.ErrRecordNotFound) {
			scope := "全平台"
			if code != "" {
				scope = "“" + code + "”"
			}
			return apperr.NotFound(fmt.Sprintf("%s没有对%s的工作日调整", scope, d.Chinese()))
		} else if err != nil {
			return fmt.Errorf("load calendar day: %w", err)
		}
		if err := tx.Where("office_id = ? AND date = ?", officeID, d.String()).Delete(&models.CalendarDay{}).Error; err != nil {
			return fmt.Errorf("delete calendar day: %w", err)
		}
		return audit.Record(tx, now, p.Actor(), audit.Event{Action: "calendar.day_deleted", TargetType: "calendar_day",
			TargetID: calendarDayTarget(code, d), Before: overrideView(old, code)})
	})
}

func overrideView(row models.CalendarDay, officeCode string) CalendarOverrideView {
	return CalendarOverrideView{Date: row.Date, Kind: row.Kind, Reason: row.Reason, OfficeCode: officeCode,
		UpdatedBy: row.UpdatedBy, UpdatedAt: chinatime.In(row.UpdatedAt)}
}

// LoadCalendarYear reads a year's official arrangement from the text of
// the 国务院办公厅 notice (calendar.ParseArrangement) and stores it for every
// office: the year becomes known, or its built-in arrangement is replaced
// (a correction, as when 春节 2020 was extended). Loading the year again
// replaces the earlier load. Every problem of the text is reported at once
// and nothing is stored. created reports whether the year had no loaded
// arrangement before.
func (s *Service) LoadCalendarYear(ctx context.Context, p Principal, yearText, text string) (view CalendarYearView, created bool, err error) {
	if !p.IsPlatformAdmin() {
		return view, false, apperr.Forbidden("国务院办公厅的节假日安排全平台通用，只有平台管理员可以载入；本办的调整请逐日设置")
	}
	year, err := parseCalendarYear(yearText)
	if err != nil {
		return view, false, err
	}
	if len(text) > MaxCalendarText {
		return view, false, apperr.TooLarge(fmt.Sprintf("节假日安排文本超过 %d KB 的上限，请只粘贴通知正文", MaxCalendarText>>10))
	}
	if !utf8.ValidString(text) {
		return view, false, apperr.Invalid("节假日安排文本不是 UTF-8 编码，请直接粘贴通知文字", apperr.Field(-1, "text", "编码无效"))
	}
	a, err := calendar.ParseArrangement(year, text)
	var ae *calendar.ArrangementError
	if errors.As(err, &ae) {
		details := make([]apperr.Detail, len(ae.Problems))
		for i, pr := range ae.Problems {
			msg := pr.Message
			if pr.Line > 0 {
				msg = fmt.Sprintf("第 %d 行：%s", pr.Line, msg)
			}
			details[i] = apperr.Detail{Field: "text", Message: msg}
		}
		return view, false, apperr.Validation(fmt.Sprintf("%d年节假日安排有 %d 处问题，未载入；请逐项核对后重新提交", year, len(details)), details...)
	}
	if err != nil {
		return view, false, fmt.Errorf("parse arrangement: %w", err)
	}
	encoded, err := json.Marshal(a)
	if err != nil {
		return view, false, fmt.Errorf("encode arrangement: %w", err)
	}
	err = s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		now := s.now().Truncate(time.Microsecond)
		if err := bumpCalendarRevision(tx, now); err != nil {
			return err
		}
		var old models.CalendarYear
		var before any
		switch err := tx.Take(&old, "year = ?", year).Error; {
		case err == nil:
			view.Replaced = string(calendar.SourceLoaded)
			before = map[string]any{"source": "loaded", "sha256": old.SHA256, "loaded_by": old.LoadedBy, "arrangement": json.RawMessage(old.Arrangement)}
		case errors.Is(err, gorm.ErrRecordNotFound):
			created = true
			if b, ok := calendar.BuiltinArrangement(year); ok {
				view.Replaced = string(calendar.SourceBuiltin)
				before = map[string]any{"source": "builtin", "arrangement": b}
			}
		default:
			return fmt.Errorf("load calendar year: %w", err)
		}
		row := models.CalendarYear{Year: year, Source: text, Arrangement: string(encoded), SHA256: filestore.Sum([]byte(text)),
			LoadedBy: p.Username, LoadedAt: now}
		if p.UserID != 0 {
			id := p.UserID
			row.LoadedByID = &id
		}
		if err := tx.Clauses(clause.OnConflict{
			Columns:   []clause.Column{{Name: "year"}},
			DoUpdates: clause.AssignmentColumns([]string{"source", "arrangement", "sha256", "loaded_by_id", "loaded_by", "loaded_at"}),
		}).Create(&row).Error; err != nil {
			return fmt.Errorf("store calendar year: %w", err)
		}
		view.Year, view.Holidays, view.Makeups = year, a.Holidays, a.Makeups
		view.SHA256, view.LoadedBy, view.LoadedAt = row.SHA256, row.LoadedBy, chinatime.In(now)
		return audit.Record(tx, now, p.Actor(), audit.Event{Action: "calendar.year_loaded", TargetType: "calendar_year",
			TargetID: strconv.Itoa(year), Before: before,
			After: map[string]any{"source": "loaded", "sha256": row.SHA256, "arrangement": json.RawMessage(encoded)}})
	})
	if err != nil {
		return CalendarYearView{}, false, err
	}
	return view, created, nil
}
