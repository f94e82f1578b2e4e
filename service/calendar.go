package service

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/lawcycle/lawcycle/audit"
	"github.com/lawcycle/lawcycle/calendar"
	"github.com/lawcycle/lawcycle/calendar/source"
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
	chain, err := source.OfficeChain(tx, officeID)
	if err != nil {
		return nil, err
	}
	cal, _, err := s.calendars.Get(tx, chain)
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
	chain, err := source.OfficeChain(tx, office.ID)
	if err != nil {
		return CalendarListing{}, err
	}
	cal, data, err := s.calendars.Get(tx, chain)
	if err != nil {
		return CalendarListing{}, err
	}
	out := CalendarListing{Year: year, OfficeCode: office.Code, Known: cal.Known(year), Source: cal.YearSource(year),
		Warning: cal.Warning(year), Days: cal.Year(year), Holidays: []calendar.Holiday{}, Makeups: []calendar.Makeup{},
		Changes: []CalendarOverrideView{}}
	if a, ok := cal.Arrangement(year); ok {
		out.Holidays, out.Makeups = a.Holidays, a.Makeups
	}
	if row, ok := data.Years[year]; ok && out.Source == calendar.SourceLoaded {
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
		for _, row := range data.Overrides[id] {
			if strings.HasPrefix(row.Date, prefix) {
				out.Changes = append(out.Changes, overrideView(row, data.Codes[id]))
			}
		}
	}
	return out, nil
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
		if err := source.BumpRevision(tx, now); err != nil {
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
		if err := source.BumpRevision(tx, now); err != nil {
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
		if err := source.BumpRevision(tx, now); err != nil {
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
