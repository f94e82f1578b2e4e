package calendar

import (
	"slices"
	"sync"

	"github.com/6tail/lunar-go/HolidayUtil"
)

// The built-in arrangements come from github.com/6tail/lunar-go's
// HolidayUtil, which transcribes every 国务院办公厅 notice since the one for
// 2002 (its first entries, 2001-12-29 and -30, are the make-up workdays of
// the 2002 元旦 break). v1.4.6 carries 2002 through 2026; a later version of
// the library brings later years with a release, and an admin loads a year
// before that (ParseArrangement).
//
// HolidayUtil keeps its table in package variables that its Fix function
// rewrites; lawcycle never calls Fix, and reads the table once into
// immutable Arrangements, so Calendars never touch the library's state.

// scanFirst and scanLast bound the years read from the library; a year without
// entries is simply absent.
const scanFirst, scanLast = 2001, 2100

var builtin = sync.OnceValue(loadBuiltin)

// holidayNames maps the library's names to the ones notices use.
var holidayNames = map[string]string{
	"元旦节":  "元旦",
	"国庆中秋": "国庆节、中秋节",
}

func loadBuiltin() map[int]Arrangement {
	out := map[int]Arrangement{}
	for y := scanFirst; y <= scanLast; y++ {
		l := HolidayUtil.GetHolidaysByYear(y)
		for e := l.Front(); e != nil; e = e.Next() {
			h := e.Value.(*HolidayUtil.Holiday)
			day, err1 := ParseDate(h.GetDay())
			target, err2 := ParseDate(h.GetTarget())
			if err1 != nil || err2 != nil {
				continue // the library's data is well-formed; be safe anyway
			}
			name := h.GetName()
			if n, ok := holidayNames[name]; ok {
				name = n
			}
			// An entry belongs to the arrangement of its holiday's year:
			// 2001-12-29 (make-up for 元旦 2002) is part of 2002's.
			a := out[target.Year]
			a.Year = target.Year
			if h.IsWork() && !day.IsWeekend() {
				// A few entries mark an ordinary weekday as worked
				// (2012-05-02, 2012-10-08): no notice says so, and a
				// weekday is worked anyway. Drop them.
			} else if h.IsWork() {
				a.Makeups = append(a.Makeups, Makeup{Date: day, Name: name})
			} else if n := len(a.Holidays); n > 0 && a.Holidays[n-1].Name == name && a.Holidays[n-1].To.AddDays(1) == day {
				a.Holidays[n-1].To = day
			} else {
				a.Holidays = append(a.Holidays, Holiday{Name: name, From: day, To: day})
			}
			out[target.Year] = a
		}
	}
	for y, a := range out {
		if len(a.Holidays) == 0 {
			delete(out, y) // only make-up days: not a year's arrangement
			continue
		}
		out[y] = a.sorted()
	}
	return out
}

// BuiltinYears lists the years whose official arrangement ships in the
// binary, ascending.
func BuiltinYears() []int {
	years := make([]int, 0, len(builtin()))
	for y := range builtin() {
		years = append(years, y)
	}
	slices.Sort(years)
	return years
}

// BuiltinArrangement returns a copy of a year's built-in arrangement.
func BuiltinArrangement(year int) (Arrangement, bool) {
	a, ok := builtin()[year]
	return a.clone(), ok
}
