package post

import (
	"regexp"
	"strconv"
	"strings"
	"time"
)

var (
	rubyISODay   = regexp.MustCompile(`(\d{4})-(\d{1,2})-(\d{1,2})`)
	rubyNamedDay = regexp.MustCompile(`(?i)\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})`)
	rubyDayNamed = regexp.MustCompile(`(?i)\b(\d{1,2})\s+(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?,?\s+(\d{4})`)
	rubyClock    = regexp.MustCompile(`(?i)(\d{1,2}):(\d{2})(?::(\d{2}))?\s*(am|pm)?`)
	rubyOffset   = regexp.MustCompile(`([+-])(\d{1,2}):?(\d{2})\b`)
	rubyZone     = regexp.MustCompile(`\b(UTC|GMT|Z|EST|EDT|CST|CDT|MST|MDT|PST|PDT)\b`)
	months       = []string{"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}
	zoneHours    = map[string]int{"UTC": 0, "GMT": 0, "Z": 0, "EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7, "MDT": -6, "PST": -8, "PDT": -7}
)

// rubyDate reads the looser dates a Jekyll site may hold, which Ruby's
// Time.parse accepts: "September 8, 2014", "2017-11-8", "2016-03-21 12:00
// EDT", "2016-06-17 12:00-400", a date followed by a remark. It finds a
// day, then optionally a time and an offset or US zone after it; without
// an offset the date is in loc. ok is false when s has no day.
func rubyDate(s string, loc *time.Location) (time.Time, bool) {
	y, mo, d, rest, ok := rubyDay(s)
	if !ok {
		return time.Time{}, false
	}
	var h, mi, sec int
	if m := rubyClock.FindStringSubmatchIndex(rest); m != nil {
		h, mi = atoi(rest[m[2]:m[3]]), atoi(rest[m[4]:m[5]])
		if m[6] >= 0 {
			sec = atoi(rest[m[6]:m[7]])
		}
		if m[8] >= 0 && strings.EqualFold(rest[m[8]:m[9]], "pm") && h < 12 {
			h += 12
		}
		rest = rest[m[1]:]
	}
	if m := rubyOffset.FindStringSubmatch(rest); m != nil {
		off := (atoi(m[2])*60 + atoi(m[3])) * 60
		if m[1] == "-" {
			off = -off
		}
		loc = time.FixedZone("", off)
	} else if m := rubyZone.FindString(rest); m != "" {
		loc = time.FixedZone(m, zoneHours[m]*3600)
	}
	t := time.Date(y, time.Month(mo), d, h, mi, sec, 0, loc)
	return t, t.Month() == time.Month(mo) && t.Day() == d
}

// rubyDay finds the first day in s and returns it with the text after it.
func rubyDay(s string) (y, mo, d int, rest string, ok bool) {
	if m := rubyISODay.FindStringSubmatchIndex(s); m != nil {
		return atoi(s[m[2]:m[3]]), atoi(s[m[4]:m[5]]), atoi(s[m[6]:m[7]]), s[m[1]:], true
	}
	if m := rubyNamedDay.FindStringSubmatchIndex(s); m != nil {
		return atoi(s[m[6]:m[7]]), month(s[m[2]:m[3]]), atoi(s[m[4]:m[5]]), s[m[1]:], true
	}
	if m := rubyDayNamed.FindStringSubmatchIndex(s); m != nil {
		return atoi(s[m[6]:m[7]]), month(s[m[4]:m[5]]), atoi(s[m[2]:m[3]]), s[m[1]:], true
	}
	return 0, 0, 0, "", false
}

func month(name string) int {
	for i, m := range months {
		if strings.EqualFold(name[:3], m) {
			return i + 1
		}
	}
	return 0
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}
