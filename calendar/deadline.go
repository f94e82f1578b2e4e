package calendar

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// MaxDeadlineWorkdays bounds "N 工作日" settings: about one working year.
const MaxDeadlineWorkdays = 250

// Deadline is a due-date setting (docs/domain.md#cycle-settings: every date is a per-cycle
// setting): either an absolute date, due at its end (23:59:59 China time),
// or a number of working days after an event (a return sent back, a
// finding raised), due at the end of the Nth working day after the event's
// day. Exactly one of the two is set.
//
// In JSON it is {"date": "2026-03-01"} or {"workdays": 5}; a plain string
// ("2026-03-01", "5个工作日") is read too (ParseDeadline).
type Deadline struct {
	Date     *Date `json:"date,omitempty"`
	Workdays int   `json:"workdays,omitempty"`
}

// OnDate is the deadline at the end of d.
func OnDate(d Date) Deadline { return Deadline{Date: &d} }

// WorkdaysAfter is the deadline n working days after the event.
func WorkdaysAfter(n int) Deadline { return Deadline{Workdays: n} }

var (
	workdaysPattern = regexp.MustCompile(`^(\d{1,4})\s*(?:个)?\s*工作日(?:内)?$`)
	cnDatePattern   = regexp.MustCompile(`^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日$`)
)

// ParseDeadline reads "2026-03-01", "2026年3月1日", "5个工作日" or
// "5 工作日" (full-width digits too). The error is Chinese.
func ParseDeadline(s string) (Deadline, error) {
	t := strings.TrimSpace(fullWidthDigits(s))
	if d, err := ParseDate(t); err == nil {
		return OnDate(d), nil
	}
	if m := cnDatePattern.FindStringSubmatch(t); m != nil {
		y, _ := strconv.Atoi(m[1])
		mo, _ := strconv.Atoi(m[2])
		da, _ := strconv.Atoi(m[3])
		d := Date{y, time.Month(mo), da}
		if !d.Valid() {
			return Deadline{}, fmt.Errorf("日期“%s”不存在", s)
		}
		return OnDate(d), nil
	}
	if m := workdaysPattern.FindStringSubmatch(t); m != nil {
		n, _ := strconv.Atoi(m[1])
		dl := WorkdaysAfter(n)
		return dl, dl.Validate()
	}
	return Deadline{}, fmt.Errorf("期限“%s”格式不正确，应为日期（如 2026-03-01）或工作日数（如 5个工作日）", s)
}

// Validate checks that exactly one form is set and in range.
func (dl Deadline) Validate() error {
	switch {
	case dl.Date != nil && dl.Workdays != 0:
		return fmt.Errorf("期限只能是日期或工作日数之一，不能同时设置")
	case dl.Date != nil:
		if !dl.Date.Valid() {
			return fmt.Errorf("期限日期无效")
		}
	case dl.Workdays < 1 || dl.Workdays > MaxDeadlineWorkdays:
		if dl.Workdays == 0 {
			return fmt.Errorf("期限未设置：请给出日期或工作日数")
		}
		return fmt.Errorf("工作日数应在 1 至 %d 之间，实际为 %d", MaxDeadlineWorkdays, dl.Workdays)
	}
	return nil
}

// String is the setting as offices write it: 2026年3月1日, 5个工作日.
func (dl Deadline) String() string {
	if dl.Date != nil {
		return dl.Date.Chinese()
	}
	return fmt.Sprintf("%d个工作日", dl.Workdays)
}

// UnmarshalJSON reads the object form or a string (ParseDeadline).
func (dl *Deadline) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		v, err := ParseDeadline(s)
		if err != nil {
			return err
		}
		*dl = v
		return nil
	}
	type plain Deadline
	var v plain
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&v); err != nil {
		return err
	}
	if err := Deadline(v).Validate(); err != nil {
		return err
	}
	*dl = Deadline(v)
	return nil
}

// Due is a computed due date: the instant to store and what a reader
// should know about it.
type Due struct {
	// At is the due instant, 23:59:59 China time of Date.
	At   time.Time `json:"at"`
	Date Date      `json:"date"`
	// Provisional lists the years counted Monday to Friday because their
	// arrangement was not loaded: At may be early or late by the days the
	// official arrangement will move. Stored due dates are not recomputed
	// when the arrangement is loaded.
	Provisional []int `json:"provisional,omitempty"`
	// RestDay is set when an absolute date falls on a day off: it is kept
	// as given (an office may mean it), and flagged.
	RestDay bool `json:"rest_day,omitempty"`
}

// Warnings are the Chinese notes to show with the due date.
func (d Due) Warnings() []string {
	var out []string
	for _, y := range d.Provisional {
		out = append(out, YearWarning(y))
	}
	if d.RestDay {
		out = append(out, fmt.Sprintf("截止日期%s（%s）不是工作日；如需顺延，请改为其后的工作日", d.Date.Chinese(), WeekdayName(d.Date.Weekday())))
	}
	return out
}

// DueDate computes the instant a deadline setting falls due for an event
// at the given instant (ignored for an absolute date): the value to store.
func (c *Calendar) DueDate(dl Deadline, event time.Time) (Due, error) {
	if err := dl.Validate(); err != nil {
		return Due{}, err
	}
	if dl.Date != nil {
		d := *dl.Date
		due := Due{At: d.EndOfDay(), Date: d}
		due.RestDay = !c.IsWorkday(d)
		return due, nil
	}
	if event.IsZero() {
		return Due{}, fmt.Errorf("按工作日计算的期限需要起算事件的时间")
	}
	start := DateOf(event)
	d := c.AddWorkdaysDate(start, dl.Workdays)
	return Due{At: d.EndOfDay(), Date: d, Provisional: c.UnknownYears(start.AddDays(1), d)}, nil
}

// fullWidthDigits turns ０-９ into 0-9.
func fullWidthDigits(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '０' && r <= '９' {
			return '0' + (r - '０')
		}
		return r
	}, s)
}
