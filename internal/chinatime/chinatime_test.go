package chinatime_test

import (
	"strings"
	"testing"
	"time"

	"github.com/lawcycle/lawcycle/internal/chinatime"
)

func TestParseDeadline(t *testing.T) {
	cases := []struct {
		in   string
		want string // RFC 3339 in UTC, or "error: …"
	}{
		{"2025-03-01", "2025-03-01T15:59:59Z"}, // 23:59:59 China time
		{" 2025-03-31 ", "2025-03-31T15:59:59Z"},
		{"2025-03-01T17:00:00+08:00", "2025-03-01T09:00:00Z"},
		{"2025-03-01T09:00:00Z", "2025-03-01T09:00:00Z"},
		{"2025/03/01", "error: 格式不正确"},
		{"2025-02-30", "error: 格式不正确"},
		{"", "error: 不能为空"},
		{"2025年3月1日", "error: YYYY-MM-DD"},
	}
	for _, tc := range cases {
		got, err := chinatime.ParseDeadline(tc.in)
		if want, ok := strings.CutPrefix(tc.want, "error: "); ok {
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("ParseDeadline(%q) = %v, %v; want error with %q", tc.in, got, err, want)
			}
			continue
		}
		if err != nil || got.UTC().Format(time.RFC3339) != tc.want {
			t.Errorf("ParseDeadline(%q) = %v, %v; want %s", tc.in, got.UTC(), err, tc.want)
		}
	}
}

func TestFormatting(t *testing.T) {
	// 2025-02-28 17:00 UTC is already 1 March in China.
	ts := time.Date(2025, 2, 28, 17, 0, 0, 0, time.UTC)
	if got := chinatime.FormatDate(ts); got != "2025年3月1日" {
		t.Errorf("FormatDate = %q", got)
	}
	if got := chinatime.Date(ts); got != "2025-03-01" {
		t.Errorf("Date = %q", got)
	}
	if got := chinatime.EndOfDay(ts).UTC().Format(time.RFC3339); got != "2025-03-01T15:59:59Z" {
		t.Errorf("EndOfDay = %s", got)
	}
}
