package calendar_test

import (
	"encoding/json"
	"errors"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/lawcycle/lawcycle/calendar"
)

func readNotice(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// sameArrangement compares what an arrangement says (its JSON), not where
// a parsed one was read from.
func sameArrangement(t *testing.T, what string, got, want calendar.Arrangement) {
	t.Helper()
	g, _ := json.Marshal(got)
	w, _ := json.Marshal(want)
	if string(g) != string(w) {
		t.Errorf("%s:\n got %s\nwant %s", what, g, w)
	}
}

// The notices as published, pasted whole (title, salutation, preamble and
// closing included), give exactly the arrangement lunar-go ships.
func TestParseOfficialNotices(t *testing.T) {
	for _, year := range []int{2025, 2026} {
		text := readNotice(t, strconv.Itoa(year)+".txt")
		want, _ := calendar.BuiltinArrangement(year)
		got, err := calendar.ParseArrangement(year, text)
		if err != nil {
			t.Fatalf("%d: %v", year, err)
		}
		sameArrangement(t, strconv.Itoa(year), got, want)

		// As copied from a page with ASCII punctuation, as one paragraph,
		// and in traditional characters (港澳 reprints).
		variants := map[string]string{
			"ascii":       strings.NewReplacer("：", ":", "（", "(", "）", ")", "，", ",", "、", " 、").Replace(text),
			"paragraph":   strings.ReplaceAll(text, "\n", ""),
			"traditional": strings.NewReplacer("节", "節", "调", "調", "农历", "農曆", "周", "週", "劳动", "勞動", "国庆", "國慶").Replace(text),
			"full-width":  strings.NewReplacer("1", "１", "2", "２", "3", "３").Replace(text),
		}
		for name, v := range variants {
			got, err := calendar.ParseArrangement(year, v)
			if err != nil {
				t.Errorf("%d %s: %v", year, name, err)
				continue
			}
			if name == "traditional" {
				for i := range got.Holidays {
					got.Holidays[i].Name = want.Holidays[i].Name
				}
				for i := range got.Makeups {
					got.Makeups[i].Name = want.Makeups[i].Name
				}
			}
			sameArrangement(t, strconv.Itoa(year)+" "+name, got, want)
		}
	}
}

// Lines written by hand, and a 元旦 break that starts in December.
func TestParseHandwrittenAndNewYear(t *testing.T) {
	got, err := calendar.ParseArrangement(2027, "元旦：1月1日至3日放假\n春节:2月6日-14日放假，2月20日上班\n1. 国庆节：10月1日至7日放假调休；9月26日、10月9日上班")
	if err != nil {
		t.Fatal(err)
	}
	want := calendar.Arrangement{Year: 2027,
		Holidays: []calendar.Holiday{{Name: "元旦", From: date("2027-01-01"), To: date("2027-01-03")},
			{Name: "春节", From: date("2027-02-06"), To: date("2027-02-14")},
			{Name: "国庆节", From: date("2027-10-01"), To: date("2027-10-07")}},
		Makeups: []calendar.Makeup{{Date: date("2027-02-20"), Name: "春节"}, {Date: date("2027-09-26"), Name: "国庆节"},
			{Date: date("2027-10-09"), Name: "国庆节"}},
	}
	sameArrangement(t, "hand-written", got, want)

	// 国办发明电〔2018〕15号 for 2019, with years, and the same without.
	want, _ = calendar.BuiltinArrangement(2019)
	for _, line := range []string{
		"一、元旦：2018年12月30日至2019年1月1日放假调休，共3天。2018年12月29日（星期六）上班。",
		"一、元旦：12月30日至1月1日放假调休，共3天。12月29日（星期六）上班。",
	} {
		got, err := calendar.ParseArrangement(2019, line)
		if err != nil {
			t.Fatalf("%s: %v", line, err)
		}
		sameArrangement(t, line, calendar.Arrangement{Year: 2019, Holidays: got.Holidays[:1], Makeups: got.Makeups[:1]},
			calendar.Arrangement{Year: 2019, Holidays: want.Holidays[:1], Makeups: want.Makeups[:1]})
	}

	// Explanatory clauses (2008's 其中……调至……) are not arrangements.
	got, err = calendar.ParseArrangement(2008, "一、元旦：2007年12月30日至2008年1月1日放假，共3天。其中，1月1日（星期二）为法定假日，"+
		"12月30日（星期日）为公休日，12月29日（星期六）公休日调至12月31日（星期一），12月29日（星期六）上班。")
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Holidays) != 1 || len(got.Makeups) != 1 || got.Makeups[0].Date != date("2007-12-29") {
		t.Errorf("2008 元旦 = %+v", got)
	}
}

func TestParseRefusesNonsense(t *testing.T) {
	cases := []struct {
		name string
		year int
		text string
		want []string // every problem, "line: message part"
	}{
		{"empty", 2027, " \n ", []string{"0: 内容为空"}},
		{"no holidays", 2027, "国务院办公厅\n2026年11月4日", []string{"0: 没有任何放假安排"}},
		{"year out of range", 1990, "元旦：1月1日放假", []string{"0: 年份 1990 无效"}},
		{"last year's notice", 2027, readNotice(t, "2026.txt"), []string{
			"1: 通知写的是2026年的节假日安排，与要载入的2027年不符",
			"8: 有 20 处日期与所注星期不符（如2027年1月1日是星期五，通知写的是“周四”），这很可能不是2027年的通知",
			"8: 调休上班日2027年1月4日是星期一，本来就是工作日",
			"20: 调休上班日2027年9月20日是星期一，本来就是工作日",
		}},
		{"weekday", 2027, "元旦：1月1日（周五）至3日（周六）放假", []string{"1: 2027年1月3日是星期日，通知写的是“周六”"}},
		{"stated length", 2027, "春节：2月6日至14日放假调休，共8天。", []string{"1: 春节写明“共8天”，但2027年2月6日至2027年2月14日是 9 天"}},
		{"overlap", 2027, "春节：2月6日至14日放假。\n元宵节：2月14日至15日放假。", []string{
			"2: 元宵节放假（2027年2月14日至2027年2月15日）与春节放假（2027年2月6日至2027年2月14日）重叠"}},
		{"make-up on a weekday", 2027, "春节：2月6日至14日放假。2月17日上班。", []string{
			"1: 调休上班日2027年2月17日是星期三，本来就是工作日；调休上班日应为星期六或星期日"}},
		{"make-up inside the break", 2027, "春节：2月6日至14日放假，2月13日上班。", []string{"1: 调休上班日2027年2月13日在春节放假期间"}},
		{"wrong year", 2027, "国庆节：2026年10月1日至2026年10月7日放假。", []string{
			"1: 国庆节放假日期2026年10月1日不在2027年的安排范围内", "1: 国庆节放假日期2026年10月7日不在2027年的安排范围内"}},
		{"no such day", 2027, "春节：2月30日放假。", []string{"1: 2027年2月30日不是有效日期", "0: 没有任何放假安排"}},
		{"no month", 2027, "春节：6日放假。", []string{"1: 春节：“6日”缺少月份", "0: 没有任何放假安排"}},
		{"unreadable item", 2027, "一、元旦：1月1日放假\n二、春节放假九天", []string{"2: 无法识别“春节放假九天”"}},
		{"backwards", 2027, "春节：2月14日至6日放假。", []string{"1: 春节放假的结束日期2027年2月6日早于开始日期2027年2月14日"}},
		{"too long", 2027, "春节：2月1日至28日放假。", []string{"1: 春节放假2027年2月1日至2027年2月28日共 28 天，超过 15 天"}},
		{"duplicate make-up", 2027, "春节：2月6日至14日放假，2月20日、2月20日上班。", []string{"1: 调休上班日2027年2月20日重复"}},
		{"several at once", 2027, "一、元旦：1月1日（周四）放假\n二、春节：2月6日至14日放假，共8天。2月17日上班。", []string{
			"1: 2027年1月1日是星期五，通知写的是“周四”", "2: 春节写明“共8天”", "2: 调休上班日2027年2月17日是星期三"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a, err := calendar.ParseArrangement(tc.year, tc.text)
			var ae *calendar.ArrangementError
			if !errors.As(err, &ae) {
				t.Fatalf("ParseArrangement = %+v, %v; want an *ArrangementError", a, err)
			}
			if len(ae.Problems) != len(tc.want) {
				t.Fatalf("problems = %+v, want %d", ae.Problems, len(tc.want))
			}
			for i, w := range tc.want {
				line, msg, _ := strings.Cut(w, ": ")
				p := ae.Problems[i]
				if strconv.Itoa(p.Line) != line || !strings.Contains(p.Message, msg) {
					t.Errorf("problem %d = line %d %q, want line %s containing %q", i, p.Line, p.Message, line, msg)
				}
			}
		})
	}
}
