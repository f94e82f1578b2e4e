package calendar_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lawcycle/lawcycle/calendar"
	"github.com/lawcycle/lawcycle/internal/chinatime"
)

func date(s string) calendar.Date {
	d, err := calendar.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// at is an instant in China Standard Time, "2025-01-27 10:00".
func at(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, chinatime.Location)
	if err != nil {
		panic(err)
	}
	return t
}

func mustNew(t *testing.T, cfg calendar.Config) *calendar.Calendar {
	t.Helper()
	c, err := calendar.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// The built-in data (lunar-go v1.4.6) covers the arrangements for 2002
// to 2026 and nothing else; every one of them passes the checks an
// admin's arrangement must pass.
func TestBuiltinYears(t *testing.T) {
	var want []int
	for y := 2002; y <= 2026; y++ {
		want = append(want, y)
	}
	if got := calendar.BuiltinYears(); !slices.Equal(got, want) {
		t.Fatalf("BuiltinYears = %v, want %v", got, want)
	}
	for _, y := range want {
		a, _ := calendar.BuiltinArrangement(y)
		if err := a.Validate(); err != nil {
			t.Errorf("built-in %d: %v", y, err)
		}
	}
	c := mustNew(t, calendar.Config{})
	for _, y := range []int{1999, 2001, 2027, 2030} {
		if c.Known(y) {
			t.Errorf("Known(%d) = true", y)
		}
	}
	// 2001-12-29/30 are the make-up days of 元旦 2002, in 2002's arrangement.
	if !c.IsWorkday(date("2001-12-29")) || c.Day(date("2001-12-29")).Kind != calendar.KindMakeupWorkday {
		t.Errorf("2001-12-29 = %+v, want the make-up workday of 元旦 2002", c.Day(date("2001-12-29")))
	}
}

// Each day is checked against the 国务院办公厅 notices for 2025
// (国办发明电〔2024〕12号) and 2026 (国办发明电〔2025〕7号).
func TestOfficialDays(t *testing.T) {
	c := mustNew(t, calendar.Config{})
	cases := []struct {
		day     string
		workday bool
		kind    calendar.Kind
		name    string
	}{
		// 2025 春节: 1月28日至2月4日放假，1月26日（周日）、2月8日（周六）上班.
		{"2025-01-24", true, calendar.KindWorkday, ""},
		{"2025-01-25", false, calendar.KindWeekend, ""},
		{"2025-01-26", true, calendar.KindMakeupWorkday, "春节"},
		{"2025-01-27", true, calendar.KindWorkday, ""},
		{"2025-01-28", false, calendar.KindHoliday, "春节"},
		{"2025-02-01", false, calendar.KindHoliday, "春节"}, // a Saturday inside the break
		{"2025-02-04", false, calendar.KindHoliday, "春节"},
		{"2025-02-05", true, calendar.KindWorkday, ""},
		{"2025-02-08", true, calendar.KindMakeupWorkday, "春节"},
		{"2025-02-09", false, calendar.KindWeekend, ""},
		// 2025 元旦: one day, no 调休.
		{"2025-01-01", false, calendar.KindHoliday, "元旦"},
		{"2025-01-02", true, calendar.KindWorkday, ""},
		// 2025 国庆节、中秋节: 10月1日至8日，9月28日（周日）、10月11日（周六）上班.
		{"2025-09-28", true, calendar.KindMakeupWorkday, "国庆节、中秋节"},
		{"2025-09-30", true, calendar.KindWorkday, ""},
		{"2025-10-01", false, calendar.KindHoliday, "国庆节、中秋节"},
		{"2025-10-08", false, calendar.KindHoliday, "国庆节、中秋节"},
		{"2025-10-09", true, calendar.KindWorkday, ""},
		{"2025-10-11", true, calendar.KindMakeupWorkday, "国庆节、中秋节"},
		// 2026 元旦: 1月1日至3日，1月4日（周日）上班.
		{"2026-01-01", false, calendar.KindHoliday, "元旦"},
		{"2026-01-03", false, calendar.KindHoliday, "元旦"},
		{"2026-01-04", true, calendar.KindMakeupWorkday, "元旦"},
		// 2026 春节: 2月15日至23日，2月14日（周六）、2月28日（周六）上班.
		{"2026-02-13", true, calendar.KindWorkday, ""},
		{"2026-02-14", true, calendar.KindMakeupWorkday, "春节"},
		{"2026-02-15", false, calendar.KindHoliday, "春节"},
		{"2026-02-23", false, calendar.KindHoliday, "春节"},
		{"2026-02-24", true, calendar.KindWorkday, ""},
		{"2026-02-28", true, calendar.KindMakeupWorkday, "春节"},
		{"2026-03-01", false, calendar.KindWeekend, ""},
		// 2026 国庆节: 10月1日至7日，9月20日（周日）、10月10日（周六）上班.
		{"2026-09-20", true, calendar.KindMakeupWorkday, "国庆节"},
		{"2026-10-07", false, calendar.KindHoliday, "国庆节"},
		{"2026-10-08", true, calendar.KindWorkday, ""},
		{"2026-10-10", true, calendar.KindMakeupWorkday, "国庆节"},
	}
	for _, tc := range cases {
		d := c.Day(date(tc.day))
		if d.Workday != tc.workday || d.Kind != tc.kind || d.Name != tc.name || c.IsWorkday(date(tc.day)) != tc.workday {
			t.Errorf("%s = %+v, want workday=%v kind=%s name=%q", tc.day, d, tc.workday, tc.kind, tc.name)
		}
		if tc.kind != calendar.KindWorkday && tc.kind != calendar.KindWeekend && d.Source != calendar.SourceBuiltin {
			t.Errorf("%s source = %s, want builtin", tc.day, d.Source)
		}
	}
	// Working days in a year: 365 less 104 weekend days and 13 public
	// holidays (since the 2024 revision), the make-up days balancing the
	// rest of the 调休.
	for _, y := range []int{2025, 2026} {
		n := 0
		for _, d := range c.Year(y) {
			if d.Workday {
				n++
			}
		}
		if n != 248 {
			t.Errorf("%d has %d working days, want 248", y, n)
		}
	}
}

// A year with no arrangement counts Monday to Friday and says so.
func TestUnknownYearFallsBackToMondayToFriday(t *testing.T) {
	c := mustNew(t, calendar.Config{})
	if c.Known(2027) || c.YearSource(2027) != calendar.SourceWeek {
		t.Fatalf("2027 known = %v, source %s", c.Known(2027), c.YearSource(2027))
	}
	w := c.Warning(2027)
	if !strings.HasPrefix(w, "2027年法定节假日安排尚未载入，工作日暂按周一至周五计算") {
		t.Errorf("Warning(2027) = %q", w)
	}
	if c.Warning(2026) != "" {
		t.Errorf("Warning(2026) = %q, want none", c.Warning(2026))
	}
	// 2027-10-01 is a Friday: a working day until the arrangement is loaded.
	for day, want := range map[string]bool{"2027-10-01": true, "2027-10-02": false, "2027-10-03": false, "2027-02-08": true} {
		d := c.Day(date(day))
		if d.Workday != want || d.Source != calendar.SourceWeek {
			t.Errorf("%s = %+v, want workday=%v by the week rule", day, d, want)
		}
	}
	if got := len(c.Year(2027)); got != 365 {
		t.Errorf("Year(2027) has %d days", got)
	}
	if got := c.UnknownYears(date("2026-12-30"), date("2028-01-02")); !slices.Equal(got, []int{2027, 2028}) {
		t.Errorf("UnknownYears = %v", got)
	}
}

func TestAddWorkdays(t *testing.T) {
	c := mustNew(t, calendar.Config{})
	cases := []struct {
		event string // China time
		n     int
		want  string // due day; the instant is its 23:59:59 +08:00
	}{
		// Across the 2025 春节 break: the day of the event is not counted.
		{"2025-01-27 10:00", 1, "2025-02-05"},
		{"2025-01-27 23:59", 1, "2025-02-05"},
		{"2025-01-27 00:00", 3, "2025-02-07"},
		{"2025-01-27 10:00", 4, "2025-02-08"}, // the Saturday worked
		{"2025-01-27 10:00", 5, "2025-02-10"},
		// Across a make-up workday: Sunday 2025-01-26 counts.
		{"2025-01-24 09:00", 1, "2025-01-26"},
		{"2025-01-24 09:00", 2, "2025-01-27"},
		{"2025-01-24 09:00", 3, "2025-02-05"},
		// An event on a holiday or a weekend: counting starts with the next
		// working day, the same as for an event at the end of the day before.
		{"2025-10-03 15:00", 1, "2025-10-09"},
		{"2025-10-03 15:00", 3, "2025-10-11"},
		{"2025-02-01 08:00", 1, "2025-02-05"},
		{"2025-01-25 12:00", 1, "2025-01-26"},
		// 2026: 元旦 with the Sunday worked, 春节 with two Saturdays worked.
		{"2025-12-31 18:00", 1, "2026-01-04"},
		{"2025-12-31 18:00", 2, "2026-01-05"},
		{"2026-02-13 17:00", 1, "2026-02-14"},
		{"2026-02-13 17:00", 2, "2026-02-24"},
		{"2026-02-13 17:00", 5, "2026-02-27"},
		{"2026-02-13 17:00", 6, "2026-02-28"},
		{"2026-02-13 17:00", 7, "2026-03-02"},
		// Into an unknown year: Monday to Friday.
		{"2026-12-31 10:00", 1, "2027-01-01"},
		{"2026-12-31 10:00", 2, "2027-01-04"},
		// n = 0 is the end of the event's own day; n < 0 counts back.
		{"2025-01-28 10:00", 0, "2025-01-28"},
		{"2025-02-05 10:00", -1, "2025-01-27"},
		{"2025-02-05 10:00", -2, "2025-01-26"},
	}
	for _, tc := range cases {
		got := c.AddWorkdays(at(tc.event), tc.n)
		want := date(tc.want).EndOfDay()
		if !got.Equal(want) || got.Location() != chinatime.Location {
			t.Errorf("AddWorkdays(%s, %d) = %s, want %s", tc.event, tc.n, got, want)
		}
	}
	// The day is the day in China: 2025-02-06 23:30 UTC is Friday
	// 2025-02-07 07:30 in China, so the first working day after it is the
	// Saturday worked, 2025-02-08.
	utc := time.Date(2025, 2, 6, 23, 30, 0, 0, time.UTC)
	if got := c.AddWorkdays(utc, 1); !got.Equal(date("2025-02-08").EndOfDay()) {
		t.Errorf("AddWorkdays(UTC evening) = %s", got)
	}
	if got := c.AddWorkdays(utc, 1).UTC().Format(time.RFC3339); got != "2025-02-08T15:59:59Z" {
		t.Errorf("due instant = %s, want 2025-02-08T15:59:59Z", got)
	}
}

func TestWorkdaysBetween(t *testing.T) {
	c := mustNew(t, calendar.Config{})
	cases := []struct {
		from, to string
		want     int
	}{
		{"2025-01-27 10:00", "2025-02-08 09:00", 4}, // 2月5、6、7、8日
		{"2025-02-08 09:00", "2025-01-27 10:00", -4},
		{"2025-01-28 10:00", "2025-02-04 10:00", 0}, // inside the break
		{"2025-01-27 10:00", "2025-01-27 23:00", 0},
		{"2026-09-18 10:00", "2026-10-12 10:00", 12}, // 9.20(日), 9.21–24, 9.28–30, 10.8, 10.9, 10.10(六), 10.12
	}
	for _, tc := range cases {
		if got := c.WorkdaysBetween(at(tc.from), at(tc.to)); got != tc.want {
			t.Errorf("WorkdaysBetween(%s, %s) = %d, want %d", tc.from, tc.to, got, tc.want)
		}
	}
	// WorkdaysBetween undoes AddWorkdays, whatever the hour and the day;
	// counting back, from a working day.
	rng := rand.New(rand.NewPCG(1, 2))
	start := at("2024-12-01 00:00")
	for range 2000 {
		t0 := start.Add(time.Duration(rng.IntN(3*365*24*60)) * time.Minute)
		n := rng.IntN(41)
		if got := c.WorkdaysBetween(t0, c.AddWorkdays(t0, n)); got != n {
			t.Fatalf("WorkdaysBetween(%s, AddWorkdays(%d)) = %d", t0, n, got)
		}
		if c.IsWorkday(calendar.DateOf(t0)) {
			if got := c.WorkdaysBetween(t0, c.AddWorkdays(t0, -n)); got != -n {
				t.Fatalf("WorkdaysBetween(%s, AddWorkdays(%d)) = %d", t0, -n, got)
			}
		}
	}
}

func TestOverrides(t *testing.T) {
	c := mustNew(t, calendar.Config{Overrides: []calendar.Override{
		{Date: date("2026-04-20"), Workday: false, Reason: "广西“三月三”", Scope: "gx"},
		{Date: date("2026-05-09"), Workday: false, Reason: "本地调休", Scope: "fzb"}, // was a make-up workday
		{Date: date("2026-10-05"), Workday: true, Reason: "值班", Scope: "fzb"},
		{Date: date("2027-01-02"), Workday: true, Reason: "补班"},
		// Later overrides of the same day win: the office's after the region's.
		{Date: date("2026-04-21"), Workday: false, Reason: "区域", Scope: "gx"},
		{Date: date("2026-04-21"), Workday: true, Reason: "本办照常上班", Scope: "fzb"},
	}})
	cases := []struct {
		day     string
		workday bool
		kind    calendar.Kind
		name    string
	}{
		{"2026-04-20", false, calendar.KindHoliday, "广西“三月三”"},
		{"2026-05-09", false, calendar.KindHoliday, "本地调休"},
		{"2026-10-05", true, calendar.KindWorkday, "值班"},
		{"2027-01-02", true, calendar.KindMakeupWorkday, "补班"},
		{"2026-04-21", true, calendar.KindWorkday, "本办照常上班"},
	}
	for _, tc := range cases {
		d := c.Day(date(tc.day))
		if d.Workday != tc.workday || d.Kind != tc.kind || d.Name != tc.name || d.Source != calendar.SourceOverride {
			t.Errorf("%s = %+v", tc.day, d)
		}
	}
	// A holiday override moves a due date: Friday 2026-04-17 + 1 skips Monday.
	if got := c.AddWorkdays(at("2026-04-17 10:00"), 1); !got.Equal(date("2026-04-21").EndOfDay()) {
		t.Errorf("AddWorkdays over an override = %s", got)
	}
	// An override does not make a year known.
	if c.Known(2027) {
		t.Error("an override made 2027 known")
	}
	if _, err := calendar.New(calendar.Config{Overrides: []calendar.Override{{Date: calendar.Date{Year: 2026, Month: 2, Day: 30}}}}); err == nil {
		t.Error("an override of 2026-02-30 was accepted")
	}
}

// Loading an arrangement makes its year known, or replaces the built-in one.
func TestLoadedArrangement(t *testing.T) {
	text, err := os.ReadFile("testdata/2027-invented.txt")
	if err != nil {
		t.Fatal(err)
	}
	a27, err := calendar.ParseArrangement(2027, string(text))
	if err != nil {
		t.Fatal(err)
	}
	// 2026 corrected: 春节 one day longer (as in 2020, when it was extended).
	a26, _ := calendar.BuiltinArrangement(2026)
	for i := range a26.Holidays {
		if a26.Holidays[i].Name == "春节" {
			a26.Holidays[i].To = date("2026-02-24")
		}
	}
	c := mustNew(t, calendar.Config{Loaded: []calendar.Arrangement{a27, a26}})
	if !c.Known(2027) || c.YearSource(2027) != calendar.SourceLoaded || c.Warning(2027) != "" {
		t.Fatalf("2027: known %v, source %s, warning %q", c.Known(2027), c.YearSource(2027), c.Warning(2027))
	}
	if d := c.Day(date("2027-10-01")); d.Workday || d.Name != "国庆节" || d.Source != calendar.SourceLoaded {
		t.Errorf("2027-10-01 = %+v", d)
	}
	if d := c.Day(date("2027-10-09")); !d.Workday || d.Kind != calendar.KindMakeupWorkday {
		t.Errorf("2027-10-09 = %+v", d)
	}
	if d := c.Day(date("2026-02-24")); d.Workday || d.Source != calendar.SourceLoaded {
		t.Errorf("2026-02-24 = %+v, want the loaded 春节", d)
	}
	if d := c.Day(date("2026-02-23")); d.Source != calendar.SourceLoaded {
		t.Errorf("2026-02-23 source = %s: the loaded year replaces the built-in one", d.Source)
	}
	if got := c.AddWorkdays(at("2026-12-31 10:00"), 1); !got.Equal(date("2027-01-04").EndOfDay()) {
		t.Errorf("into loaded 2027 = %s", got)
	}

	if _, err := calendar.New(calendar.Config{Loaded: []calendar.Arrangement{a27, a27}}); err == nil {
		t.Error("two arrangements for 2027 accepted")
	}
	bad := a27
	bad.Makeups = append(slices.Clone(bad.Makeups), calendar.Makeup{Date: date("2027-03-03"), Name: "x"})
	if _, err := calendar.New(calendar.Config{Loaded: []calendar.Arrangement{bad}}); err == nil {
		t.Error("an invalid loaded arrangement was accepted")
	}
}

func TestDueDate(t *testing.T) {
	c := mustNew(t, calendar.Config{})
	event := at("2025-01-27 16:00")

	due, err := c.DueDate(calendar.WorkdaysAfter(5), event)
	if err != nil || !due.At.Equal(date("2025-02-10").EndOfDay()) || due.Date != date("2025-02-10") || len(due.Provisional) != 0 {
		t.Errorf("5个工作日 = %+v, %v", due, err)
	}
	due, err = c.DueDate(calendar.OnDate(date("2026-03-01")), time.Time{})
	if err != nil || !due.At.Equal(date("2026-03-01").EndOfDay()) || !due.RestDay {
		t.Errorf("2026-03-01 = %+v, %v", due, err)
	}
	if w := due.Warnings(); len(w) != 1 || !strings.Contains(w[0], "2026年3月1日（星期日）不是工作日") {
		t.Errorf("warnings = %q", w)
	}
	due, err = c.DueDate(calendar.WorkdaysAfter(3), at("2026-12-30 10:00"))
	if err != nil || due.Date != date("2027-01-04") || !slices.Equal(due.Provisional, []int{2027}) {
		t.Errorf("into 2027 = %+v, %v", due, err)
	}
	if w := due.Warnings(); len(w) != 1 || !strings.HasPrefix(w[0], "2027年法定节假日安排尚未载入") {
		t.Errorf("warnings = %q", w)
	}

	for _, dl := range []calendar.Deadline{{}, {Workdays: -1}, {Workdays: 251}, {Date: &calendar.Date{Year: 2026, Month: 2, Day: 30}},
		{Date: &calendar.Date{Year: 2026, Month: 3, Day: 2}, Workdays: 3}} {
		if _, err := c.DueDate(dl, event); err == nil {
			t.Errorf("DueDate(%+v) accepted", dl)
		}
	}
	if _, err := c.DueDate(calendar.WorkdaysAfter(3), time.Time{}); err == nil {
		t.Error("a workday deadline without an event was accepted")
	}
}

// One Calendar is shared by every activity of a worker.
func TestConcurrentUse(t *testing.T) {
	c := mustNew(t, calendar.Config{Overrides: []calendar.Override{{Date: date("2026-05-06"), Reason: "x"}}})
	want := c.AddWorkdays(at("2026-04-30 10:00"), 3)
	var wg sync.WaitGroup
	errs := make(chan string, 64)
	for g := range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 200 {
				if got := c.AddWorkdays(at("2026-04-30 10:00"), 3); !got.Equal(want) {
					errs <- fmt.Sprintf("goroutine %d: %s", g, got)
					return
				}
				_ = c.Year(2026 + i%3)
				_ = c.WorkdaysBetween(at("2026-01-01 00:00"), at("2026-12-31 00:00"))
				_, _ = c.Arrangement(2026)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	// 4.30 (Thu) + 3: 5.1–5.5 off, 5.6 overridden off → 5.7, 5.8, 5.9 (Sat worked).
	if !want.Equal(date("2026-05-09").EndOfDay()) {
		t.Errorf("AddWorkdays = %s", want)
	}
}

func TestZeroCalendar(t *testing.T) {
	var c calendar.Calendar
	if c.Known(2025) || !c.IsWorkday(date("2025-01-28")) || c.IsWorkday(date("2025-01-26")) {
		t.Error("the zero Calendar is not Monday to Friday")
	}
}
