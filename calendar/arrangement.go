package calendar

import (
	"fmt"
	"slices"
	"strings"
)

// Years an arrangement may be given for. The built-in data starts with
// 2002; nobody counts 工作日 for cycles beyond this century.
const (
	MinYear = 2000
	MaxYear = 2099
)

// MaxHolidayDays bounds one holiday's days off: the longest official break
// (春节 2020, extended) had 10; anything above 15 is a typo.
const MaxHolidayDays = 15

// Arrangement is one year's official holiday arrangement, as the 国务院办公厅
// announces it late in the previous year (关于YYYY年部分节假日安排的通知):
// the days off of each holiday and the weekend days worked instead (调休上班).
// Days of the 元旦 break may fall in the last days of December of the
// previous year, and belong to this year's arrangement.
type Arrangement struct {
	Year     int       `json:"year"`
	Holidays []Holiday `json:"holidays"`
	Makeups  []Makeup  `json:"makeup_workdays"`
}

// Holiday is one holiday's days off, From to To inclusive.
type Holiday struct {
	Name string `json:"name"`
	From Date   `json:"from"`
	To   Date   `json:"to"`
	// line is where a parsed notice stated it, for messages; declared is
	// its stated length (共N天), 0 when the notice gave none.
	line     int
	declared int
}

// Days is the holiday's length in days.
func (h Holiday) Days() int { return h.From.DaysUntil(h.To) + 1 }

// Contains reports whether d is one of the holiday's days off.
func (h Holiday) Contains(d Date) bool { return !d.Before(h.From) && !d.After(h.To) }

// Makeup is a weekend day worked to make up for a holiday (调休上班).
type Makeup struct {
	Date Date   `json:"date"`
	Name string `json:"name"` // the holiday it belongs to
	line int
}

// Problem is one thing wrong with an arrangement. Message is Chinese and
// says what to fix; Line is the line of the pasted notice, 0 if unknown.
type Problem struct {
	Line    int    `json:"line,omitempty"`
	Message string `json:"message"`
}

// ArrangementError lists every problem of an arrangement at once, so a
// pasted notice is fixed in one round.
type ArrangementError struct {
	Year     int
	Problems []Problem
}

func (e *ArrangementError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d年节假日安排有 %d 处问题：", e.Year, len(e.Problems))
	for i, p := range e.Problems {
		fmt.Fprintf(&b, "\n%d. %s", i+1, p.text())
	}
	return b.String()
}

func (p Problem) text() string {
	if p.Line > 0 {
		return fmt.Sprintf("第 %d 行：%s", p.Line, p.Message)
	}
	return p.Message
}

// Validate checks the arrangement: every date in the year (or, for the
// 元旦 break, in the previous December), holidays that do not overlap,
// make-up workdays that are weekend days outside every holiday. It returns
// an *ArrangementError listing every problem.
func (a Arrangement) Validate() error {
	if ps := a.problems(); len(ps) > 0 {
		return &ArrangementError{Year: a.Year, Problems: ps}
	}
	return nil
}

// window is the span an arrangement's dates may fall in.
func (a Arrangement) window() (Date, Date) {
	return Date{a.Year - 1, 12, 1}, Date{a.Year, 12, 31}
}

func (a Arrangement) problems() []Problem {
	var out []Problem
	add := func(line int, format string, args ...any) {
		out = append(out, Problem{Line: line, Message: fmt.Sprintf(format, args...)})
	}
	if a.Year < MinYear || a.Year > MaxYear {
		add(0, "年份 %d 无效，应在 %d 至 %d 之间", a.Year, MinYear, MaxYear)
		return out
	}
	if len(a.Holidays) == 0 {
		add(0, "没有任何放假安排：请粘贴通知中“一、元旦：……放假……”这样的各条")
	}
	first, last := a.window()
	inWindow := func(line int, what string, d Date) bool {
		if d.Before(first) || d.After(last) {
			add(line, "%s%s不在%d年的安排范围内（应在%s至%s之间）；请核对年份", what, d.Chinese(), a.Year, first.Chinese(), last.Chinese())
			return false
		}
		return true
	}
	for _, h := range a.Holidays {
		label := h.Name
		if strings.TrimSpace(h.Name) == "" {
			add(h.line, "放假安排缺少节日名称")
			label = "节日"
		}
		if !h.From.Valid() || !h.To.Valid() {
			add(h.line, "%s的放假日期无效", label)
			continue
		}
		okFrom := inWindow(h.line, label+"放假日期", h.From)
		okTo := inWindow(h.line, label+"放假日期", h.To)
		if !okFrom || !okTo {
			continue
		}
		switch {
		case h.To.Before(h.From):
			add(h.line, "%s放假的结束日期%s早于开始日期%s", label, h.To.Chinese(), h.From.Chinese())
		case h.Days() > MaxHolidayDays:
			add(h.line, "%s放假%s至%s共 %d 天，超过 %d 天，请核对日期", label, h.From.Chinese(), h.To.Chinese(), h.Days(), MaxHolidayDays)
		case h.declared > 0 && h.declared != h.Days():
			add(h.line, "%s写明“共%d天”，但%s至%s是 %d 天，请核对日期", label, h.declared, h.From.Chinese(), h.To.Chinese(), h.Days())
		}
	}
	// Overlaps, in date order so each is reported once, next to the later one.
	hs := slices.Clone(a.Holidays)
	slices.SortStableFunc(hs, func(x, y Holiday) int { return x.From.Compare(y.From) })
	for i := 1; i < len(hs); i++ {
		prev, cur := hs[i-1], hs[i]
		if !prev.From.Valid() || !cur.From.Valid() || prev.To.Before(prev.From) || cur.To.Before(cur.From) {
			continue
		}
		if !cur.From.After(prev.To) {
			add(cur.line, "%s放假（%s至%s）与%s放假（%s至%s）重叠", cur.Name, cur.From.Chinese(), cur.To.Chinese(),
				prev.Name, prev.From.Chinese(), prev.To.Chinese())
		}
	}
	seen := map[Date]bool{}
	for _, m := range a.Makeups {
		if !m.Date.Valid() {
			add(m.line, "调休上班日期无效")
			continue
		}
		if !inWindow(m.line, "调休上班日", m.Date) {
			continue
		}
		if seen[m.Date] {
			add(m.line, "调休上班日%s重复", m.Date.Chinese())
			continue
		}
		seen[m.Date] = true
		if !m.Date.IsWeekend() {
			add(m.line, "调休上班日%s是%s，本来就是工作日；调休上班日应为星期六或星期日", m.Date.Chinese(), WeekdayName(m.Date.Weekday()))
		}
		for _, h := range a.Holidays {
			if h.From.Valid() && h.To.Valid() && h.Contains(m.Date) {
				add(m.line, "调休上班日%s在%s放假期间（%s至%s）内", m.Date.Chinese(), h.Name, h.From.Chinese(), h.To.Chinese())
			}
		}
	}
	return out
}

// clone returns a deep copy, so callers never share slices with a Calendar.
func (a Arrangement) clone() Arrangement {
	a.Holidays = slices.Clone(a.Holidays)
	a.Makeups = slices.Clone(a.Makeups)
	return a
}

// sorted orders holidays and make-up days by date.
func (a Arrangement) sorted() Arrangement {
	a = a.clone()
	slices.SortStableFunc(a.Holidays, func(x, y Holiday) int { return x.From.Compare(y.From) })
	slices.SortStableFunc(a.Makeups, func(x, y Makeup) int { return x.Date.Compare(y.Date) })
	return a
}
