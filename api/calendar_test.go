package api_test

import (
	"fmt"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/lawcycle/lawcycle/internal/apitest"
	"github.com/lawcycle/lawcycle/internal/testdb"
	"github.com/lawcycle/lawcycle/models"
)

// notice2027 is an invented arrangement for 2027 (not the official one,
// which is not out yet), in the form of the 国务院办公厅 notice.
const notice2027 = `国务院办公厅关于2027年部分节假日安排的通知
一、元旦：1月1日（周五）至3日（周日）放假，共3天。
二、春节：2月6日（周六）至14日（周日）放假调休，共9天。2月20日（周六）上班。
三、国庆节：10月1日（周五）至7日（周四）放假调休，共7天。9月26日（周日）、10月9日（周六）上班。`

// calendarDayPath gives each actor of the authorization matrix its own
// day of the own office's calendar, so the DELETE case removes exactly
// what the PUT case set.
func calendarDayPath(actor string) string {
	return fmt.Sprintf("/api/v1/calendar/days/2026-07-%02d?office=fzb", slices.Index(apitest.Actors, actor)+1)
}

type calendarListing struct {
	Year       int    `json:"year"`
	OfficeCode string `json:"office_code"`
	Known      bool   `json:"known"`
	Source     string `json:"source"`
	Warning    string `json:"warning"`
	LoadedBy   string `json:"loaded_by"`
	Workdays   int    `json:"workdays"`
	Holidays   []struct {
		Name     string `json:"name"`
		From, To string
	} `json:"holidays"`
	Makeups []struct{ Date, Name string } `json:"makeup_workdays"`
	Days    []struct {
		Date    string `json:"date"`
		Workday bool   `json:"workday"`
		Kind    string `json:"kind"`
		Source  string `json:"source"`
		Name    string `json:"name"`
		Scope   string `json:"scope"`
	} `json:"days"`
	Overrides []struct {
		Date       string `json:"date"`
		Kind       string `json:"kind"`
		Reason     string `json:"reason"`
		OfficeCode string `json:"office_code"`
		UpdatedBy  string `json:"updated_by"`
	} `json:"overrides"`
}

func getCalendar(t *testing.T, c apitest.Client, path string) calendarListing {
	t.Helper()
	r := c.Do("GET", path, nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	var out calendarListing
	r.JSON(t, &out)
	return out
}

// day returns one day of a listing, "MM-DD".
func (l calendarListing) day(t *testing.T, md string) (workday bool, kind, source, name string) {
	t.Helper()
	for _, d := range l.Days {
		if d.Date == fmt.Sprintf("%d-%s", l.Year, md) {
			return d.Workday, d.Kind, d.Source, d.Name
		}
	}
	t.Fatalf("no day %s in %d", md, l.Year)
	return
}

// A year not yet known falls back to Monday to Friday with a warning until
// the platform admin loads the notice; then it is the official one.
func TestCalendarYears(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		root := newClient(t, db)
		seedOffice(t, root)
		admin := loginAs(t, root, "fzb-admin", "admin", "fzb")

		l := getCalendar(t, root, "/api/v1/calendar/2026")
		require.True(t, l.Known)
		require.Equal(t, "builtin", l.Source)
		require.Empty(t, l.Warning)
		require.Equal(t, 248, l.Workdays)
		require.Len(t, l.Days, 365)
		require.Len(t, l.Holidays, 7)
		require.Len(t, l.Makeups, 6)
		workday, kind, source, name := l.day(t, "02-14")
		require.True(t, workday)
		require.Equal(t, []string{"makeup_workday", "builtin", "春节"}, []string{kind, source, name})

		l = getCalendar(t, root, "/api/v1/calendar/2027")
		require.False(t, l.Known)
		require.Equal(t, "week", l.Source)
		require.True(t, strings.HasPrefix(l.Warning, "2027年法定节假日安排尚未载入，工作日暂按周一至周五计算"), l.Warning)
		require.Equal(t, 261, l.Workdays)
		workday, kind, _, _ = l.day(t, "10-01")
		require.True(t, workday, "2027-10-01 is a Friday: a working day until the notice is loaded")
		require.Equal(t, "workday", kind)

		// Refusals store nothing.
		before := count(t, db, &models.CalendarYear{})
		load := func(c apitest.Client, year, contentType, body string) apitest.Response {
			return c.Send("POST", "/api/v1/calendar/years/"+year, contentType, []byte(body))
		}
		r := load(root, "2027", "text/plain; charset=utf-8", readFixture(t, "2026.txt"))
		require.Equal(t, http.StatusUnprocessableEntity, r.Status, string(r.Body))
		e := r.Err(t)
		require.Contains(t, e.Error.Message, "2027年节假日安排有 4 处问题，未载入")
		require.Equal(t, "text", e.Error.Details[0].Field)
		require.Equal(t, "第 1 行：通知写的是2026年的节假日安排，与要载入的2027年不符", e.Error.Details[0].Message)
		require.Contains(t, e.Error.Details[1].Message, "第 8 行：有 20 处日期与所注星期不符")

		r = load(root, "2027", "text/plain", "二、春节：2月6日（周六）至14日（周日）放假调休，共9天。2月10日（周三）上班。")
		require.Equal(t, http.StatusUnprocessableEntity, r.Status, string(r.Body))
		require.Contains(t, string(r.Body), "调休上班日2027年2月10日是星期三，本来就是工作日")

		require.Equal(t, http.StatusBadRequest, load(root, "abc", "text/plain", notice2027).Status)
		require.Equal(t, http.StatusBadRequest, load(root, "1990", "text/plain", notice2027).Status)
		require.Equal(t, http.StatusUnsupportedMediaType, load(root, "2027", "application/xml", notice2027).Status)
		require.Equal(t, http.StatusBadRequest, load(root, "2027", "application/json", `{"txt":"x"}`).Status)
		require.Equal(t, http.StatusBadRequest, load(root, "2027", "text/plain", "\xff\xfe元旦").Status)
		require.Equal(t, http.StatusRequestEntityTooLarge, load(root, "2027", "text/plain", strings.Repeat("。", 70<<10/3)).Status)
		require.Equal(t, http.StatusUnprocessableEntity, load(root, "2027", "text/plain", "").Status)
		require.Equal(t, http.StatusForbidden, load(admin, "2027", "text/plain", notice2027).Status, "office admins do not load the national arrangement")
		require.Equal(t, before, count(t, db, &models.CalendarYear{}))

		// Loaded: 201 the first time, 200 when loaded again.
		r = load(root, "2027", "text/plain", notice2027)
		require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
		require.NotContains(t, string(r.Body), `"replaced"`)
		r = root.Do("POST", "/api/v1/calendar/years/2027", map[string]any{"text": notice2027})
		require.Equal(t, http.StatusOK, r.Status, string(r.Body))
		require.Contains(t, string(r.Body), `"replaced":"loaded"`)

		l = getCalendar(t, admin, "/api/v1/calendar/2027")
		require.True(t, l.Known)
		require.Equal(t, "loaded", l.Source)
		require.Empty(t, l.Warning)
		require.Equal(t, "admin", l.LoadedBy)
		workday, kind, source, name = l.day(t, "10-01")
		require.False(t, workday)
		require.Equal(t, []string{"holiday", "loaded", "国庆节"}, []string{kind, source, name})
		workday, kind, _, _ = l.day(t, "09-26")
		require.True(t, workday)
		require.Equal(t, "makeup_workday", kind)

		// A built-in year can be corrected; the answer says what it replaced.
		r = load(root, "2026", "text/plain", strings.Replace(readFixture(t, "2026.txt"), "23日（农历正月初七、周一）", "24日（农历正月初八、周二）", 1)+"\n")
		require.Equal(t, http.StatusUnprocessableEntity, r.Status, "共9天 no longer matches: "+string(r.Body))
		r = load(root, "2026", "text/plain", strings.Replace(strings.Replace(readFixture(t, "2026.txt"), "23日（农历正月初七、周一）", "24日（农历正月初八、周二）", 1), "共9天", "共10天", 1))
		require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
		require.Contains(t, string(r.Body), `"replaced":"builtin"`)
		l = getCalendar(t, root, "/api/v1/calendar/2026")
		require.Equal(t, "loaded", l.Source)
		require.Equal(t, 247, l.Workdays)

		var events int64
		require.NoError(t, db.Model(&models.AuditEvent{}).Where("action = ?", "calendar.year_loaded").Count(&events).Error)
		require.EqualValues(t, 3, events)
	})
}

func readFixture(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile("../calendar/testdata/" + name)
	require.NoError(t, err)
	return string(b)
}

// Day overrides are an office matter: an office's admins change its days,
// which apply to it and the offices below it; a platform admin's apply to
// every office unless an office says otherwise; the nearest scope wins.
func TestCalendarDays(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		root := newClient(t, db)
		seedOffice(t, root)
		r := root.Do("POST", "/api/v1/orgs", map[string]any{"code": "fzb-town", "name": "某镇法治办", "kind": "office", "parent_code": "fzb"})
		require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
		own := loginAs(t, root, "fzb-admin", "admin", "fzb")
		reviewer := loginAs(t, root, "fzb-reviewer", "reviewer", "fzb")
		bureau := loginAs(t, root, "rsj-user", "bureau", "rsj")
		other := loginAs(t, root, "other-admin", "admin", "other")
		day := func(c apitest.Client, path, md string) (bool, string, string) {
			t.Helper()
			workday, kind, source, name := getCalendar(t, c, path).day(t, md)
			require.Equal(t, workday, kind == "workday" || kind == "makeup_workday")
			return workday, source, name
		}
		set := func(c apitest.Client, path, kind, reason string) apitest.Response {
			return c.Do("PUT", path, map[string]any{"kind": kind, "reason": reason})
		}

		// 2026-04-20 is a Monday.
		r = set(own, "/api/v1/calendar/days/2026-04-20", "holiday", "本地调休")
		require.Equal(t, http.StatusOK, r.Status, string(r.Body))
		require.Contains(t, string(r.Body), `"office_code":"fzb"`)
		for _, c := range []apitest.Client{own, reviewer, bureau} {
			workday, source, name := day(c, "/api/v1/calendar/2026", "04-20")
			require.False(t, workday)
			require.Equal(t, []string{"override", "本地调休"}, []string{source, name})
		}
		workday, _, _ := day(root, "/api/v1/calendar/2026?office=fzb-town", "04-20")
		require.False(t, workday, "an office below inherits the change")
		workday, _, _ = day(other, "/api/v1/calendar/2026", "04-20")
		require.True(t, workday, "another office is not affected")
		workday, _, _ = day(root, "/api/v1/calendar/2026", "04-20")
		require.True(t, workday, "nor is the installation")
		l := getCalendar(t, own, "/api/v1/calendar/2026")
		require.Len(t, l.Overrides, 1)
		require.Equal(t, "fzb-admin", l.Overrides[0].UpdatedBy)

		// Replaced by PUT again; the installation's change applies to every
		// office unless the office's own says otherwise.
		require.Equal(t, http.StatusOK, set(own, "/api/v1/calendar/days/2026-04-20", "holiday", "区域性假日").Status)
		_, _, name := day(own, "/api/v1/calendar/2026", "04-20")
		require.Equal(t, "区域性假日", name)
		require.Equal(t, http.StatusOK, set(root, "/api/v1/calendar/days/2026-04-21", "holiday", "全省放假").Status)
		require.Equal(t, http.StatusOK, set(own, "/api/v1/calendar/days/2026-04-21", "workday", "本办照常上班").Status)
		workday, _, _ = day(other, "/api/v1/calendar/2026", "04-21")
		require.False(t, workday)
		workday, _, name = day(own, "/api/v1/calendar/2026?office=fzb", "04-21")
		require.True(t, workday)
		require.Equal(t, "本办照常上班", name)
		require.Len(t, getCalendar(t, own, "/api/v1/calendar/2026").Overrides, 3)
		// A platform admin may change an office's days; an office admin those
		// of offices below it.
		require.Equal(t, http.StatusOK, set(root, "/api/v1/calendar/days/2026-04-22?office=other", "holiday", "x").Status)
		require.Equal(t, http.StatusOK, set(own, "/api/v1/calendar/days/2026-04-23?office=fzb-town", "holiday", "镇里调休").Status)
		workday, _, _ = day(own, "/api/v1/calendar/2026", "04-23")
		require.True(t, workday, "a change below does not move up")

		// Bad input: 4xx with the field named, nothing changed.
		before := count(t, db, &models.CalendarDay{})
		cases := []struct {
			c      apitest.Client
			method string
			path   string
			body   any
			status int
			field  string
		}{
			{own, "PUT", "/api/v1/calendar/days/2026-02-30", map[string]any{"kind": "holiday", "reason": "x"}, 400, "date"},
			{own, "PUT", "/api/v1/calendar/days/20260420", map[string]any{"kind": "holiday", "reason": "x"}, 400, "date"},
			{own, "PUT", "/api/v1/calendar/days/1990-04-20", map[string]any{"kind": "holiday", "reason": "x"}, 422, "date"},
			{own, "PUT", "/api/v1/calendar/days/2026-04-20", map[string]any{"kind": "off", "reason": "x"}, 422, "kind"},
			{own, "PUT", "/api/v1/calendar/days/2026-04-20", map[string]any{"kind": "holiday", "reason": " "}, 422, "reason"},
			{own, "PUT", "/api/v1/calendar/days/2026-04-20", map[string]any{"kind": "holiday", "reason": "a\nb"}, 422, "reason"},
			{own, "PUT", "/api/v1/calendar/days/2026-04-20", map[string]any{"kind": "holiday", "reason": strings.Repeat("长", 201)}, 422, "reason"},
			{own, "PUT", "/api/v1/calendar/days/2026-04-20", map[string]any{"kind": "holiday", "reason": "x", "office": "fzb"}, 400, "office"},
			{own, "PUT", "/api/v1/calendar/days/2026-04-20?office=rsj", map[string]any{"kind": "holiday", "reason": "x"}, 422, "office"},
			{own, "PUT", "/api/v1/calendar/days/2026-04-20?office=nope", map[string]any{"kind": "holiday", "reason": "x"}, 404, ""},
			{own, "PUT", "/api/v1/calendar/days/2026-04-20?office=other", map[string]any{"kind": "holiday", "reason": "x"}, 404, ""},
			{other, "DELETE", "/api/v1/calendar/days/2026-04-20?office=fzb", nil, 404, ""},
			{own, "DELETE", "/api/v1/calendar/days/2026-05-20", nil, 404, ""},
			{own, "DELETE", "/api/v1/calendar/days/2026-13-01", nil, 400, "date"},
			{bureau, "GET", "/api/v1/calendar/2026?office=other", nil, 404, ""},
			{bureau, "GET", "/api/v1/calendar/2026?office=fzb-town", nil, 404, ""},
			{own, "GET", "/api/v1/calendar/2026?office=rsj", nil, 422, "office"},
			{own, "GET", "/api/v1/calendar/26", nil, 400, "year"},
		}
		for _, tc := range cases {
			r := tc.c.Do(tc.method, tc.path, tc.body)
			require.Equal(t, tc.status, r.Status, "%s %s: %s", tc.method, tc.path, r.Body)
			e := r.Err(t)
			require.NotEmpty(t, e.Error.Message)
			if tc.field != "" {
				require.NotEmpty(t, e.Error.Details, string(r.Body))
				require.Equal(t, tc.field, e.Error.Details[0].Field, string(r.Body))
			}
		}
		r = own.Send("PUT", "/api/v1/calendar/days/2026-04-20", "text/plain", []byte("holiday"))
		require.Equal(t, http.StatusUnsupportedMediaType, r.Status)
		require.Equal(t, before, count(t, db, &models.CalendarDay{}))

		// Deleting restores the official day.
		require.Equal(t, http.StatusNoContent, own.Do("DELETE", "/api/v1/calendar/days/2026-04-20", nil).Status)
		workday, source, _ := day(own, "/api/v1/calendar/2026", "04-20")
		require.True(t, workday)
		require.Equal(t, "week", source)
		require.Equal(t, http.StatusNotFound, own.Do("DELETE", "/api/v1/calendar/days/2026-04-20", nil).Status)

		// Every change is audited, and the office sees its own.
		r = own.Do("GET", "/api/v1/audit?action=calendar.day_set&limit=100", nil)
		require.Equal(t, http.StatusOK, r.Status)
		require.Equal(t, 4, strings.Count(string(r.Body), `"action":"calendar.day_set"`), string(r.Body))
		require.Contains(t, string(r.Body), `"target_id":"fzb/2026-04-20"`)
		require.Contains(t, string(r.Body), `"before":{"date":"2026-04-20","kind":"holiday","reason":"本地调休"`)
		r = own.Do("GET", "/api/v1/audit?action=calendar.day_deleted&limit=100", nil)
		require.Contains(t, string(r.Body), `"target_id":"fzb/2026-04-20"`)
	})
}
