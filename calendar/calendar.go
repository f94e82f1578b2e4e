// Package calendar is the working-day calendar (工作日): the official
// Chinese holiday arrangement of each year, with its 调休 make-up workdays,
// plus local changes an admin declares. Deadlines "N 工作日 after an event"
// are counted here, in activities, and stored as instants; workflow code
// never consults a calendar (docs/domain.md#working-days), because the data changes between
// releases and when an admin loads a new year.
//
// A Calendar is built once from its data (New) and never changes
// afterwards: it is deterministic, holds no global state of its own and is
// safe for concurrent use. A year whose arrangement is neither built in
// nor loaded is counted Monday to Friday, and Known/Warning say so.
//
// Counting rule (期间开始之日不计算在内, as in 民法典第二百零一条 and the
// procedural laws): "N 工作日 after an event" starts counting on the
// calendar day after the day the event happened in China, whatever its
// hour, and whether that day was a working day or not; the Nth working day
// so counted is the due day, and the due instant is its end, 23:59:59
// +08:00. An event at 23:30 on Friday and one on Saturday morning both get
// Monday (if Monday is a working day) as their first working day.
package calendar

import (
	"fmt"
	"maps"
	"slices"
	"time"
)

// Kind is what a day is.
type Kind string

const (
	// KindWorkday is an ordinary working day, Monday to Friday.
	KindWorkday Kind = "workday"
	// KindWeekend is an ordinary Saturday or Sunday.
	KindWeekend Kind = "weekend"
	// KindHoliday is a day off by the official arrangement or a local
	// change (放假), whatever day of the week it is.
	KindHoliday Kind = "holiday"
	// KindMakeupWorkday is a Saturday or Sunday worked instead (调休上班).
	KindMakeupWorkday Kind = "makeup_workday"
)

// Source says where a day's kind comes from.
type Source string

const (
	// SourceWeek is the Monday-to-Friday rule.
	SourceWeek Source = "week"
	// SourceBuiltin is an official arrangement shipped in the binary.
	SourceBuiltin Source = "builtin"
	// SourceLoaded is an official arrangement loaded by an admin.
	SourceLoaded Source = "loaded"
	// SourceOverride is a local change (Override).
	SourceOverride Source = "override"
)

// Override is a local change to one day: a regional holiday (广西“三月三”),
// a day off or a working day the local government decides, a correction.
// Workday true makes the day a working day, false a day off.
type Override struct {
	Date    Date
	Workday bool
	Reason  string
	// Scope names who set it (an office code), for display; "" is the
	// whole installation.
	Scope string
}

// Config is what a Calendar is built from, on top of the built-in
// arrangements.
type Config struct {
	// Loaded arrangements replace the built-in one of their year, or make
	// an unknown year known. At most one per year.
	Loaded []Arrangement
	// Overrides apply in order: a later override of the same date wins, so
	// list the installation's first, then the enclosing offices', then the
	// office's own.
	Overrides []Override
}

// Day is one day of the calendar.
type Day struct {
	Date    Date   `json:"date"`
	Workday bool   `json:"workday"`
	Kind    Kind   `json:"kind"`
	Source  Source `json:"source"`
	// Name is the holiday (春节) of an official day off or make-up
	// workday; for an override, its reason.
	Name string `json:"name,omitempty"`
	// Scope is the override's scope (Override.Scope).
	Scope string `json:"scope,omitempty"`
}

type entry struct {
	workday bool
	name    string
	source  Source
	scope   string
}

// Calendar answers working-day questions. The zero Calendar knows no year
// and counts Monday to Friday; build real ones with New.
type Calendar struct {
	days         map[Date]entry
	arrangements map[int]Arrangement
	sources      map[int]Source
}

// New builds the calendar: built-in arrangements, replaced year by year by
// loaded ones, then the overrides.
func New(cfg Config) (*Calendar, error) {
	c := &Calendar{days: map[Date]entry{}, arrangements: map[int]Arrangement{}, sources: map[int]Source{}}
	for y, a := range builtin() {
		c.arrangements[y], c.sources[y] = a, SourceBuiltin
	}
	loaded := map[int]bool{}
	for _, a := range cfg.Loaded {
		if loaded[a.Year] {
			return nil, fmt.Errorf("calendar: two loaded arrangements for %d", a.Year)
		}
		loaded[a.Year] = true
		if err := a.Validate(); err != nil {
			return nil, fmt.Errorf("calendar: loaded arrangement: %w", err)
		}
		c.arrangements[a.Year], c.sources[a.Year] = a.sorted(), SourceLoaded
	}
	// Ascending, so that a year's December days set by the next year's
	// arrangement (the 元旦 break) win over anything earlier.
	for _, y := range slices.Sorted(maps.Keys(c.arrangements)) {
		a, src := c.arrangements[y], c.sources[y]
		for _, h := range a.Holidays {
			for d := h.From; !d.After(h.To); d = d.AddDays(1) {
				c.days[d] = entry{workday: false, name: h.Name, source: src}
			}
		}
		for _, m := range a.Makeups {
			c.days[m.Date] = entry{workday: true, name: m.Name, source: src}
		}
	}
	for _, o := range cfg.Overrides {
		if !o.Date.Valid() {
			return nil, fmt.Errorf("calendar: override of invalid date %v", o.Date)
		}
		c.days[o.Date] = entry{workday: o.Workday, name: o.Reason, source: SourceOverride, scope: o.Scope}
	}
	return c, nil
}

// Known reports whether the year's official arrangement is built in or
// loaded. An unknown year is counted Monday to Friday (plus overrides).
func (c *Calendar) Known(year int) bool {
	_, ok := c.sources[year]
	return ok
}

// YearSource is where the year's arrangement comes from: SourceBuiltin,
// SourceLoaded, or SourceWeek for an unknown year.
func (c *Calendar) YearSource(year int) Source {
	if s, ok := c.sources[year]; ok {
		return s
	}
	return SourceWeek
}

// Arrangement returns a copy of the year's official arrangement.
func (c *Calendar) Arrangement(year int) (Arrangement, bool) {
	a, ok := c.arrangements[year]
	return a.clone(), ok
}

// Warning is the notice to show wherever a date of an unknown year is
// counted; "" for a known year.
func (c *Calendar) Warning(year int) string {
	if c.Known(year) {
		return ""
	}
	return YearWarning(year)
}

// YearWarning is the warning for a year whose arrangement is unknown.
func YearWarning(year int) string {
	return fmt.Sprintf("%d年法定节假日安排尚未载入，工作日暂按周一至周五计算（另计本地调整）；国务院办公厅公布%d年节假日安排后，请平台管理员载入，之后计算的期限即按正式安排。", year, year)
}

// Day describes one day.
func (c *Calendar) Day(d Date) Day {
	if e, ok := c.days[d]; ok {
		day := Day{Date: d, Workday: e.workday, Source: e.source, Name: e.name, Scope: e.scope}
		switch {
		case !e.workday:
			day.Kind = KindHoliday
		case d.IsWeekend():
			day.Kind = KindMakeupWorkday
		default:
			day.Kind = KindWorkday
		}
		return day
	}
	if d.IsWeekend() {
		return Day{Date: d, Workday: false, Kind: KindWeekend, Source: SourceWeek}
	}
	return Day{Date: d, Workday: true, Kind: KindWorkday, Source: SourceWeek}
}

// Year lists every day of a year, 1 January to 31 December.
func (c *Calendar) Year(year int) []Day {
	first := Date{year, time.January, 1}
	out := make([]Day, 0, 366)
	for d := first; d.Year == year; d = d.AddDays(1) {
		out = append(out, c.Day(d))
	}
	return out
}

// IsWorkday reports whether d is a working day.
func (c *Calendar) IsWorkday(d Date) bool {
	if e, ok := c.days[d]; ok {
		return e.workday
	}
	return !d.IsWeekend()
}

// AddWorkdaysDate returns the nth working day after d, d itself not
// counted (期间开始之日不计算在内); n < 0 counts back, the |n|th working day
// before d; n == 0 returns d. d need not be a working day.
func (c *Calendar) AddWorkdaysDate(d Date, n int) Date {
	step := 1
	if n < 0 {
		step, n = -1, -n
	}
	for n > 0 {
		d = d.AddDays(step)
		if c.IsWorkday(d) {
			n--
		}
	}
	return d
}

// AddWorkdays is the due instant of "n 工作日 after from": the end
// (23:59:59 China time) of the nth working day after the day from falls
// on in China, that day not counted whatever the hour. n == 0 is the end
// of from's own day; n < 0 counts back.
func (c *Calendar) AddWorkdays(from time.Time, n int) time.Time {
	return c.AddWorkdaysDate(DateOf(from), n).EndOfDay()
}

// WorkdaysBetween counts the working days after from's day up to and
// including to's day (China time), so that
// WorkdaysBetween(t, AddWorkdays(t, n)) == n; it is negative when to is
// on an earlier day. Use it for "overdue by N 工作日".
func (c *Calendar) WorkdaysBetween(from, to time.Time) int {
	return c.WorkdaysBetweenDates(DateOf(from), DateOf(to))
}

// WorkdaysBetweenDates is WorkdaysBetween on dates: working days in
// (from, to].
func (c *Calendar) WorkdaysBetweenDates(from, to Date) int {
	sign := 1
	if to.Before(from) {
		from, to, sign = to, from, -1
	}
	n := 0
	for d := from.AddDays(1); !d.After(to); d = d.AddDays(1) {
		if c.IsWorkday(d) {
			n++
		}
	}
	return sign * n
}

// UnknownYears lists, ascending, the years of the days from..to
// (inclusive) whose arrangement is unknown.
func (c *Calendar) UnknownYears(from, to Date) []int {
	if to.Before(from) {
		from, to = to, from
	}
	var out []int
	for y := from.Year; y <= to.Year; y++ {
		if !c.Known(y) {
			out = append(out, y)
		}
	}
	return out
}

// KnownYears lists the years with an arrangement, ascending.
func (c *Calendar) KnownYears() []int {
	return slices.Sorted(maps.Keys(c.sources))
}
