package newsletter

import (
	"path/filepath"

	"github.com/heraldhq/herald/internal/testkit"

	"strings"
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/post"
	"github.com/heraldhq/herald/internal/schedule"
	"github.com/heraldhq/herald/internal/subscriber"
)

// goldenIssue renders a two-post issue before a vacation for a site in
// lang and zone (the schedule in zone too) and returns both parts.
func goldenIssue(t *testing.T, lang string, zone *time.Location, vac schedule.Vacation, at time.Time) string {
	t.Helper()
	f := newFixture(t)
	sched, err := schedule.New("0 9 * * 1", zone, []schedule.Vacation{vac})
	if err != nil {
		t.Fatal(err)
	}
	n := f.engine(sched, func(o *Options) { o.Site.Language, o.Site.Location = lang, zone })
	posts := []*post.Post{
		{ID: "timed", Title: "A timed post", Date: time.Date(2027, 2, 3, 22, 30, 0, 0, zone),
			Permalink: "https://blog.example.com/posts/timed/", Authors: []post.Author{{Key: "ann", Name: "Ann"}}},
		// A date-only post: midnight in the site's zone.
		{ID: "dated", Title: "A date-only post", Date: time.Date(2027, 2, 1, 0, 0, 0, 0, zone),
			Permalink: "https://blog.example.com/posts/dated/"},
	}
	c := &content{date: at, posts: posts}
	c.vacation, c.next = n.vacationNotice(at)
	if c.vacation == nil {
		t.Fatalf("no vacation notice at %s", at)
	}
	msg, err := n.message(c, subscriber.Subscriber{ID: 1, Name: "Zoë", Email: "zoe@example.org"}, posts, "id@blog.example.com")
	if err != nil {
		t.Fatal(err)
	}
	return "Subject: " + msg.Subject + "\n\n" + msg.Text + "\n----\n" + msg.HTML
}

// TestNewsletterGolden renders the newsletter in two languages and two
// time zones, the vacation ending on a run day (one date) and between
// runs (two), and compares with testdata (go test -update).
func TestNewsletterGolden(t *testing.T) {
	for _, tc := range []struct{ lang, zone string }{{"en", "Europe/Paris"}, {"fr", "America/Los_Angeles"}} {
		zone, err := time.LoadLocation(tc.zone)
		if err != nil {
			t.Fatal(err)
		}
		monday := time.Date(2027, 2, 8, 9, 0, 0, 0, zone)
		runDay := schedule.Vacation{From: monday.AddDate(0, 0, 1), Until: time.Date(2027, 3, 1, 0, 0, 0, 0, zone), Note: "Hiking in the Alps."}
		between := schedule.Vacation{From: monday.AddDate(0, 0, 1), Until: time.Date(2027, 2, 26, 0, 0, 0, 0, zone)}
		name := tc.lang + "-" + strings.ReplaceAll(tc.zone, "/", "-")
		t.Run(name, func(t *testing.T) {
			testkit.Golden(t, filepath.Join("testdata", "newsletter-"+name+"-run-day.golden"), []byte(goldenIssue(t, tc.lang, zone, runDay, monday)))
			testkit.Golden(t, filepath.Join("testdata", "newsletter-"+name+"-between-runs.golden"), []byte(goldenIssue(t, tc.lang, zone, between, monday)))
		})
	}
}

// TestDateOnlyPostKeepsItsDay: a post dated 1 February (midnight in the
// site's zone, Paris) shows as 1 February even when the schedule runs in
// Los Angeles, where that instant is still 31 January.
func TestDateOnlyPostKeepsItsDay(t *testing.T) {
	paris, _ := time.LoadLocation("Europe/Paris")
	la, _ := time.LoadLocation("America/Los_Angeles")
	f := newFixture(t)
	sched, err := schedule.New("0 9 * * 1", la, nil)
	if err != nil {
		t.Fatal(err)
	}
	n := f.engine(sched, func(o *Options) { o.Site.Location = paris })
	p := &post.Post{ID: "d", Title: "Dated", Date: time.Date(2027, 2, 1, 0, 0, 0, 0, paris), Permalink: "https://blog.example.com/d/"}
	c := &content{date: time.Date(2027, 2, 1, 9, 0, 0, 0, la), posts: []*post.Post{p}}
	msg, err := n.message(c, subscriber.Subscriber{ID: 1, Email: "a@example.org"}, c.posts, "id@blog.example.com")
	if err != nil {
		t.Fatal(err)
	}
	for part, body := range map[string]string{"text": msg.Text, "html": msg.HTML} {
		if !strings.Contains(body, "1 February 2027") || strings.Contains(body, "31 January") {
			t.Errorf("the %s part does not date the post 1 February 2027:\n%s", part, body)
		}
	}
}

// TestVacationSentence checks the notice in every case: with and without
// a note, the vacation ending on a run day or not, no sending run found.
func TestVacationSentence(t *testing.T) {
	utc := time.UTC
	monday := time.Date(2027, 1, 4, 9, 0, 0, 0, utc)
	tests := []struct {
		name string
		v    VacationData
		want string
	}{
		{"note, run day", VacationData{Until: monday.Truncate(24 * time.Hour), Note: "Skiing", Next: monday, SameDay: true},
			"This is the last issue for a while: Skiing; the next issue comes on Monday 4 January 2027."},
		{"no note, run day", VacationData{Until: monday.Truncate(24 * time.Hour), Next: monday, SameDay: true},
			"This is the last issue for a while: the next issue comes on Monday 4 January 2027."},
		{"note, between runs", VacationData{Until: monday.AddDate(0, 0, -2), Note: "Skiing", Next: monday},
			"This is the last issue for a while: Skiing; the newsletter is back on 2 January 2027, with the next issue on Monday 4 January 2027."},
		{"no note, between runs", VacationData{Until: monday.AddDate(0, 0, -2), Next: monday},
			"This is the last issue for a while: the newsletter is back on 2 January 2027, with the next issue on Monday 4 January 2027."},
		{"no sending run", VacationData{Until: monday.AddDate(0, 0, -2), Note: "Skiing"},
			"This is the last issue for a while: Skiing; the newsletter is back on 2 January 2027."},
	}
	f := newFixture(t)
	n := f.engine(daily(t), nil)
	p := &post.Post{ID: "d", Title: "Dated", Date: monday.AddDate(0, 0, -7), Permalink: "https://blog.example.com/d/"}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := tt.v
			c := &content{date: monday.AddDate(0, 0, -7), posts: []*post.Post{p}, vacation: &v, next: v.Next}
			msg, err := n.message(c, subscriber.Subscriber{ID: 1, Email: "a@example.org"}, c.posts, "id@blog.example.com")
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(msg.Text, "\n"+tt.want+"\n") {
				t.Errorf("text part lacks the line\n%s\n%s", tt.want, msg.Text)
			}
			if !strings.Contains(msg.HTML, "\n"+tt.want+"\n") {
				t.Errorf("HTML part lacks the line\n%s\n%s", tt.want, msg.HTML)
			}
		})
	}
}
