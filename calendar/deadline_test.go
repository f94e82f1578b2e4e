package calendar_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/lawcycle/lawcycle/calendar"
)

func TestParseDeadline(t *testing.T) {
	cases := []struct {
		in, want string // want: Deadline.String(), or "error: …"
	}{
		{"2026-03-01", "2026年3月1日"},
		{" 2026年3月1日 ", "2026年3月1日"},
		{"5个工作日", "5个工作日"},
		{"5 工作日", "5个工作日"},
		{"１０个工作日内", "10个工作日"},
		{"0个工作日", "error: 期限未设置"},
		{"300个工作日", "error: 工作日数应在 1 至 250 之间"},
		{"2026-02-30", "error: 格式不正确"},
		{"2026年2月30日", "error: 不存在"},
		{"五个工作日", "error: 格式不正确"},
		{"", "error: 格式不正确"},
	}
	for _, tc := range cases {
		dl, err := calendar.ParseDeadline(tc.in)
		if want, ok := strings.CutPrefix(tc.want, "error: "); ok {
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("ParseDeadline(%q) = %v, %v; want an error with %q", tc.in, dl, err, want)
			}
			continue
		}
		if err != nil || dl.String() != tc.want {
			t.Errorf("ParseDeadline(%q) = %v, %v; want %s", tc.in, dl, err, tc.want)
		}
	}
}

func TestDeadlineJSON(t *testing.T) {
	for in, want := range map[string]string{
		`{"date":"2026-03-01"}`: `{"date":"2026-03-01"}`,
		`{"workdays":5}`:        `{"workdays":5}`,
		`"2026-03-01"`:          `{"date":"2026-03-01"}`,
		`"5个工作日"`:               `{"workdays":5}`,
	} {
		var dl calendar.Deadline
		if err := json.Unmarshal([]byte(in), &dl); err != nil {
			t.Errorf("%s: %v", in, err)
			continue
		}
		out, _ := json.Marshal(dl)
		if string(out) != want {
			t.Errorf("%s → %s, want %s", in, out, want)
		}
	}
	for _, in := range []string{`{}`, `{"date":"2026-03-01","workdays":3}`, `{"date":"2026-3-1"}`, `{"days":3}`, `"明天"`} {
		var dl calendar.Deadline
		if err := json.Unmarshal([]byte(in), &dl); err == nil {
			t.Errorf("%s accepted as %+v", in, dl)
		}
	}
}

func TestDate(t *testing.T) {
	d := date("2024-02-28")
	if d.AddDays(1).String() != "2024-02-29" || d.AddDays(2).String() != "2024-03-01" || d.AddDays(-59).String() != "2023-12-31" {
		t.Error("AddDays")
	}
	if d.DaysUntil(date("2024-03-01")) != 2 || date("2024-03-01").DaysUntil(d) != -2 {
		t.Error("DaysUntil")
	}
	if calendar.NewDate(2026, 2, 29) != date("2026-03-01") || (calendar.Date{Year: 2026, Month: 2, Day: 29}).Valid() {
		t.Error("NewDate / Valid")
	}
	if got := d.EndOfDay().UTC().Format("2006-01-02T15:04:05Z"); got != "2024-02-28T15:59:59Z" {
		t.Errorf("EndOfDay = %s", got)
	}
	var back calendar.Date
	if b, _ := json.Marshal(d); string(b) != `"2024-02-28"` || json.Unmarshal(b, &back) != nil || back != d {
		t.Errorf("JSON round trip: %s, %v", b, back)
	}
	if _, err := calendar.ParseDate("2024-2-28"); err == nil {
		t.Error("ParseDate accepted 2024-2-28")
	}
}
