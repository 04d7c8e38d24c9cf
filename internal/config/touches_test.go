package config

import "testing"

// TestEveryFieldSaysWhatItTouches keeps the reload complete: a new key must
// say which running parts it is built into, or that it needs a restart.
func TestEveryFieldSaysWhatItTouches(t *testing.T) {
	for _, k := range untouched() {
		t.Errorf("field %s says neither what it touches nor restart: true; a reload would ignore it", k)
	}
}

func TestTouched(t *testing.T) {
	for _, tt := range []struct {
		name    string
		changed []string
		want    Part
	}{
		{"nothing", nil, 0},
		{"restart only", []string{"server.listen"}, 0},
		{"a post setting", []string{"posts.permalink"}, TouchFeeds},
		{"an author", []string{"authors.ana.bio"}, TouchFeeds},
		{"a vacation", []string{"vacation[3].note"}, TouchSchedule},
		{"the relay", []string{"smtp.host", "dkim.selector"}, TouchMail},
		{"the site title", []string{"site.title"}, TouchFeeds | TouchWeb | TouchNewsletter},
		{"a form rate", []string{"subscribers.rate_per_ip"}, TouchWeb},
		{"the schedule and the mode", []string{"newsletter.schedule", "newsletter.mode"}, TouchSchedule | TouchNewsletter},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := Touched(tt.changed); got != tt.want {
				t.Errorf("Touched(%q) = %08b, want %08b", tt.changed, got, tt.want)
			}
		})
	}
}
