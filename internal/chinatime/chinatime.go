// Package chinatime handles dates the way Chinese offices state them: in
// China Standard Time, a date-only deadline meaning the end of that day.
package chinatime

import (
	"fmt"
	"strings"
	"time"

	// Containers often lack a zoneinfo database; embed it.
	_ "time/tzdata"
)

// Location is Asia/Shanghai (UTC+8, no daylight saving).
var Location = mustLoad("Asia/Shanghai")

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(fmt.Sprintf("load %s: %v", name, err))
	}
	return loc
}

// ParseDeadline reads "YYYY-MM-DD" (meaning 23:59:59 that day in China) or
// an RFC 3339 instant. The error message is Chinese and names the format.
func ParseDeadline(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, fmt.Errorf("日期不能为空")
	}
	if d, err := time.ParseInLocation(time.DateOnly, s, Location); err == nil {
		return EndOfDay(d), nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("日期“%s”格式不正确，应为 YYYY-MM-DD（如 2025-03-01）或 RFC 3339 时间（如 2025-03-01T17:00:00+08:00）", s)
}

// EndOfDay is the last second of t's day in China.
func EndOfDay(t time.Time) time.Time {
	y, m, d := t.In(Location).Date()
	return time.Date(y, m, d, 23, 59, 59, 0, Location)
}

// Date is t's calendar date in China, as YYYY-MM-DD.
func Date(t time.Time) string { return t.In(Location).Format(time.DateOnly) }

// FormatDate writes t as offices do: 2025年3月1日.
func FormatDate(t time.Time) string {
	y, m, d := t.In(Location).Date()
	return fmt.Sprintf("%d年%d月%d日", y, int(m), d)
}

// In converts t to China Standard Time for output.
func In(t time.Time) time.Time { return t.In(Location) }
