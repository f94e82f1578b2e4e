package calendar

import (
	"fmt"
	"strings"
	"time"

	"github.com/lawcycle/lawcycle/internal/chinatime"
)

// Date is a calendar day with no time and no zone: 2026年2月17日 is the
// same Date in Beijing and in a UTC log. Use DateOf to find the day an
// instant falls on in China, and EndOfDay for the instant a date-only
// deadline means. The zero Date is "no date".
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// NewDate returns the date, normalising overflow the way time.Date does
// (NewDate(2026, 2, 29) is 2026-03-01).
func NewDate(year int, month time.Month, day int) Date {
	return dateOfUTC(time.Date(year, month, day, 0, 0, 0, 0, time.UTC))
}

// DateOf is the day t falls on in China Standard Time.
func DateOf(t time.Time) Date {
	y, m, d := t.In(chinatime.Location).Date()
	return Date{y, m, d}
}

func dateOfUTC(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// ParseDate reads YYYY-MM-DD strictly: 2026-02-30 is refused, not moved to
// March. The error is Chinese, for the API to show as it is.
func ParseDate(s string) (Date, error) {
	s = strings.TrimSpace(s)
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, fmt.Errorf("日期“%s”无效，应为 YYYY-MM-DD 格式的真实日期（如 2026-03-01）", s)
	}
	return dateOfUTC(t), nil
}

// IsZero reports whether d is the zero Date.
func (d Date) IsZero() bool { return d == Date{} }

// Valid reports whether d names a real day (2026-02-30 does not).
func (d Date) Valid() bool { return !d.IsZero() && NewDate(d.Year, d.Month, d.Day) == d }

func (d Date) utc() time.Time { return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC) }

// AddDays returns the date n calendar days later (earlier when n < 0).
func (d Date) AddDays(n int) Date { return dateOfUTC(d.utc().AddDate(0, 0, n)) }

// Weekday is the day of the week.
func (d Date) Weekday() time.Weekday { return d.utc().Weekday() }

// IsWeekend reports whether d is a Saturday or a Sunday.
func (d Date) IsWeekend() bool {
	wd := d.Weekday()
	return wd == time.Saturday || wd == time.Sunday
}

// Compare returns -1, 0 or +1 as d is before, equal to or after e.
func (d Date) Compare(e Date) int {
	switch {
	case d.Year != e.Year:
		return cmpInt(d.Year, e.Year)
	case d.Month != e.Month:
		return cmpInt(int(d.Month), int(e.Month))
	default:
		return cmpInt(d.Day, e.Day)
	}
}

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Before reports whether d is before e.
func (d Date) Before(e Date) bool { return d.Compare(e) < 0 }

// After reports whether d is after e.
func (d Date) After(e Date) bool { return d.Compare(e) > 0 }

// DaysUntil is the number of calendar days from d to e (negative when e is
// earlier).
func (d Date) DaysUntil(e Date) int { return int(e.utc().Sub(d.utc()).Hours() / 24) }

// StartOfDay is 00:00:00 of d in China.
func (d Date) StartOfDay() time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, chinatime.Location)
}

// EndOfDay is 23:59:59 of d in China: the instant a date-only deadline
// means (chinatime.EndOfDay).
func (d Date) EndOfDay() time.Time {
	return time.Date(d.Year, d.Month, d.Day, 23, 59, 59, 0, chinatime.Location)
}

// String is YYYY-MM-DD.
func (d Date) String() string { return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day) }

// Chinese writes d as offices do: 2026年2月17日.
func (d Date) Chinese() string { return fmt.Sprintf("%d年%d月%d日", d.Year, int(d.Month), d.Day) }

// MarshalText writes YYYY-MM-DD, so a Date is a plain string in JSON.
func (d Date) MarshalText() ([]byte, error) {
	if d.IsZero() {
		return []byte{}, nil
	}
	return []byte(d.String()), nil
}

// UnmarshalText reads YYYY-MM-DD strictly; "" is the zero Date, as
// MarshalText writes it.
func (d *Date) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*d = Date{}
		return nil
	}
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

var weekdayNames = [...]string{"星期日", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六"}

// WeekdayName is the weekday in Chinese, as notices write it (星期六).
func WeekdayName(wd time.Weekday) string { return weekdayNames[wd] }
