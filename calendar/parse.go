package calendar

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// ParseArrangement reads a year's arrangement from the text of the
// 国务院办公厅 notice, pasted as published, one holiday per line:
//
//	一、元旦：1月1日（周四）至3日（周六）放假调休，共3天。1月4日（周日）上班。
//	二、春节：2月15日（农历腊月二十八）至23日（农历正月初七）放假调休，共9天。2月14日（周六）、2月28日（周六）上班。
//	……
//
// The ordinal (一、), the weekdays in brackets and "共N天" are optional, so
// the same lines can be written by hand ("元旦：1月1日至3日放假，1月4日上班").
// Dates without a year are in the given year; in a line spanning the new
// year (12月31日至1月2日) the December dates are in the year before. Lines
// that are not "名称：……" (the title, the salutation, the closing
// paragraph) are skipped; a title naming another year is an error.
//
// Everything checkable is checked, and every problem is reported at once
// (*ArrangementError): a weekday in brackets that does not match the date
// (the sign of a notice pasted under the wrong year), "共N天" that does not
// match the range, overlapping holidays, a make-up workday that is not a
// weekend day, dates outside the year.
func ParseArrangement(year int, text string) (Arrangement, error) {
	p := &parser{year: year}
	if year < MinYear || year > MaxYear {
		p.add(0, "年份 %d 无效，应在 %d 至 %d 之间", year, MinYear, MaxYear)
		return Arrangement{}, p.err()
	}
	text = normalize(text)
	if strings.TrimSpace(text) == "" {
		p.add(0, "内容为空：请粘贴国务院办公厅节假日安排通知的正文")
		return Arrangement{}, p.err()
	}
	for i, line := range strings.Split(text, "\n") {
		for _, seg := range splitItems(line) {
			p.segment(i+1, seg)
		}
	}
	p.weekdayProblems()
	a := Arrangement{Year: year, Holidays: p.holidays, Makeups: p.workdays}
	p.problems = append(p.problems, a.problems()...)
	if len(p.problems) > 0 {
		return Arrangement{}, p.err()
	}
	return a.sorted(), nil
}

type parser struct {
	year     int
	holidays []Holiday
	workdays []Makeup
	problems []Problem
	// wrongWeekdays are dates whose bracketed weekday does not match;
	// many of them mean a notice of another year (weekdayProblems).
	wrongWeekdays []Problem
	headerChecked bool
}

// weekdayProblems reports a few wrong weekdays one by one, and many as
// one problem: they all say the same thing.
func (p *parser) weekdayProblems() {
	if len(p.wrongWeekdays) <= 3 {
		p.problems = append(p.problems, p.wrongWeekdays...)
		return
	}
	first := p.wrongWeekdays[0]
	p.add(first.Line, "有 %d 处日期与所注星期不符（如%s），这很可能不是%d年的通知", len(p.wrongWeekdays), first.Message, p.year)
}

func (p *parser) add(line int, format string, args ...any) {
	p.problems = append(p.problems, Problem{Line: line, Message: fmt.Sprintf(format, args...)})
}

func (p *parser) err() error { return &ArrangementError{Year: p.year, Problems: p.problems} }

var (
	// An item starts with an ordinal: 一、 （一） 1、 1.
	ordinalRe = regexp.MustCompile(`^\s*(?:[一二三四五六七八九十]{1,3}\s*、|（[一二三四五六七八九十]{1,3}）|\d{1,2}\s*[、.．]\s*)`)
	// Items pasted as one paragraph are split before each ordinal that
	// follows the end of a sentence or the heading's colon.
	inlineOrdinalRe = regexp.MustCompile(`([。：；])\s*([一二三四五六七八九十]{1,3}\s*、)`)
	itemRe          = regexp.MustCompile(`^([^：，。；]{1,40}?)\s*：\s*(.*)$`)
	headerYearRe    = regexp.MustCompile(`(\d{4})\s*年\s*(?:元旦|春节|部分节假日|节假日)`)
	// One scan of an item's text finds its dates, keywords and clause ends
	// in order.
	tokenRe = regexp.MustCompile(`(?:(\d{4})\s*年\s*)?(?:(\d{1,2})\s*月\s*)?(\d{1,2})\s*日(?:\s*（([^）]*)）)?` +
		`|放假|上班|共\s*(\d{1,3})\s*天|[。；，]`)
	weekdayRe = regexp.MustCompile(`(?:周|週|星期|礼拜|禮拜)([一二三四五六日天])`)
	rangeSeps = []string{"至", "到", "-", "~", "～", "—", "——", "－", "–"}
)

var cnWeekday = map[string]time.Weekday{"日": time.Sunday, "天": time.Sunday, "一": time.Monday, "二": time.Tuesday,
	"三": time.Wednesday, "四": time.Thursday, "五": time.Friday, "六": time.Saturday}

// normalize unifies what differs between a web page, a Word copy and a
// hand-typed text: line ends, full-width digits, ASCII punctuation.
func normalize(s string) string {
	s = strings.NewReplacer("\r\n", "\n", "\r", "\n", "\u00a0", " ", "\u3000", " ", "\ufeff", "",
		"(", "（", ")", "）", ":", "：", ",", "，", ";", "；").Replace(s)
	return fullWidthDigits(s)
}

func splitItems(line string) []string {
	return strings.Split(inlineOrdinalRe.ReplaceAllString(line, "$1\n$2"), "\n")
}

// segment handles one item line, or checks a non-item line for a year.
func (p *parser) segment(line int, seg string) {
	rest := seg
	ordinal := false
	if loc := ordinalRe.FindStringIndex(seg); loc != nil {
		ordinal, rest = true, seg[loc[1]:]
	}
	rest = strings.TrimSpace(rest)
	m := itemRe.FindStringSubmatch(rest)
	isItem := m != nil && tokenRe.MatchString(m[2]) && (strings.Contains(m[2], "放假") || strings.Contains(m[2], "上班"))
	if !isItem {
		if ordinal && (strings.Contains(rest, "放假") || strings.Contains(rest, "上班")) {
			p.add(line, "无法识别“%s”：每条应为“节日名称：X月X日至X月X日放假……X月X日上班”", clip(rest))
			return
		}
		if hm := headerYearRe.FindStringSubmatch(seg); hm != nil && !p.headerChecked {
			p.headerChecked = true
			if y, _ := strconv.Atoi(hm[1]); y != p.year {
				p.add(line, "通知写的是%d年的节假日安排，与要载入的%d年不符", y, p.year)
			}
		}
		return
	}
	p.item(line, strings.Join(strings.Fields(m[1]), ""), m[2])
}

func clip(s string) string {
	if r := []rune(s); len(r) > 30 {
		return string(r[:30]) + "……"
	}
	return s
}

type dateToken struct {
	year, month, day int
	explicitYear     bool
	hasMonth         bool
	weekday          string // the bracket after the date, if any
	between          string // text since the previous date of the clause
	text             string
}

// item reads one holiday's line: dates before 放假 are days off (ranges
// joined by 至), dates before 上班 are make-up workdays, 共N天 is the
// stated length; dates in other clauses (其中……为公休日) are explanations
// and skipped.
func (p *parser) item(line int, name, body string) {
	matches := tokenRe.FindAllStringSubmatchIndex(body, -1)
	// First pass: every date, to resolve missing months and years.
	var dates []*dateToken
	for _, mi := range matches {
		if mi[6] < 0 { // not a date
			continue
		}
		t := &dateToken{text: body[mi[0]:mi[1]]}
		if mi[2] >= 0 {
			t.year, _ = strconv.Atoi(body[mi[2]:mi[3]])
			t.explicitYear = true
		}
		if mi[4] >= 0 {
			t.month, _ = strconv.Atoi(body[mi[4]:mi[5]])
			t.hasMonth = true
		}
		t.day, _ = strconv.Atoi(body[mi[6]:mi[7]])
		if mi[8] >= 0 {
			t.weekday = strings.TrimSpace(body[mi[8]:mi[9]])
		}
		dates = append(dates, t)
	}
	if !p.resolve(line, name, dates) {
		return
	}

	var pending []*dateToken
	lastEnd, di := -1, 0
	lastGroup := -1 // index in p.holidays of the single span before 共N天
	for _, mi := range matches {
		tok := body[mi[0]:mi[1]]
		switch {
		case mi[6] >= 0:
			t := dates[di]
			di++
			if lastEnd >= 0 {
				t.between = strings.TrimSpace(body[lastEnd:mi[0]])
			}
			lastEnd = mi[1]
			pending = append(pending, t)
		case tok == "放假":
			spans := p.spans(line, name, pending)
			lastGroup = -1
			if len(spans) == 1 {
				lastGroup = len(p.holidays)
			}
			p.holidays = append(p.holidays, spans...)
			pending, lastEnd = nil, -1
		case tok == "上班":
			for _, h := range p.spans(line, name, pending) {
				for d := h.From; !d.After(h.To) && h.Days() <= MaxHolidayDays; d = d.AddDays(1) {
					p.workdays = append(p.workdays, Makeup{Date: d, Name: name, line: line})
				}
			}
			pending, lastEnd = nil, -1
		case mi[10] >= 0:
			if n, _ := strconv.Atoi(body[mi[10]:mi[11]]); lastGroup >= 0 {
				p.holidays[lastGroup].declared = n
			}
		default: // end of a clause: its remaining dates explain, not arrange
			pending, lastEnd = nil, -1
		}
	}
}

// resolve fills in missing months (1月1日至3日) and years. Without a year,
// a date is in the arrangement's year, except December dates of a line
// that also has January dates: the 元旦 break starting the year before.
func (p *parser) resolve(line int, name string, dates []*dateToken) bool {
	hasDec, hasJan := false, false
	for _, t := range dates {
		if t.hasMonth && !t.explicitYear {
			hasDec = hasDec || t.month == 12
			hasJan = hasJan || t.month == 1
		}
	}
	ok := true
	var prev *dateToken
	for _, t := range dates {
		switch {
		case !t.hasMonth && prev == nil:
			p.add(line, "%s：“%s”缺少月份", name, t.text)
			ok = false
			continue
		case !t.hasMonth:
			t.month = prev.month
			if !t.explicitYear {
				t.year = prev.year
			}
		case !t.explicitYear:
			t.year = p.year
			if hasDec && hasJan && t.month == 12 {
				t.year = p.year - 1
			}
		}
		prev = t
	}
	return ok
}

// date checks a token: a real day, and the weekday in brackets if given.
func (p *parser) date(line int, t *dateToken) (Date, bool) {
	d := Date{t.year, time.Month(t.month), t.day}
	if !d.Valid() {
		p.add(line, "%d年%d月%d日不是有效日期", t.year, t.month, t.day)
		return Date{}, false
	}
	if m := weekdayRe.FindStringSubmatch(t.weekday); m != nil {
		if want := cnWeekday[m[1]]; want != d.Weekday() {
			// Kept: the date is what counts, the weekday only checks it.
			p.wrongWeekdays = append(p.wrongWeekdays, Problem{Line: line,
				Message: fmt.Sprintf("%s是%s，通知写的是“%s”", d.Chinese(), WeekdayName(d.Weekday()), t.weekday)})
		}
	}
	return d, true
}

// spans turns the dates before 放假 into holidays: two dates joined by 至
// are a range, any other date a single day.
func (p *parser) spans(line int, name string, dates []*dateToken) []Holiday {
	var out []Holiday
	for i := 0; i < len(dates); i++ {
		from, okFrom := p.date(line, dates[i])
		to, okTo := from, okFrom
		if i+1 < len(dates) && isRangeSep(dates[i+1].between) {
			to, okTo = p.date(line, dates[i+1])
			i++
		}
		if okFrom && okTo {
			out = append(out, Holiday{Name: name, From: from, To: to, line: line})
		}
	}
	return out
}

func isRangeSep(s string) bool {
	for _, sep := range rangeSeps {
		if s == sep {
			return true
		}
	}
	return false
}
