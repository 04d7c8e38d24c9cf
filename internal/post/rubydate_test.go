package post

import (
	"testing"
	"time"
)

func TestRubyDate(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Skip("no time zone data")
	}
	tests := []struct {
		in   string
		want time.Time
	}{
		{"September 8, 2014", time.Date(2014, 9, 8, 0, 0, 0, 0, ny)},
		{"Sept. 8th, 2014", time.Date(2014, 9, 8, 0, 0, 0, 0, ny)},
		{"8 September 2014", time.Date(2014, 9, 8, 0, 0, 0, 0, ny)},
		{"2017-11-8", time.Date(2017, 11, 8, 0, 0, 0, 0, ny)},
		{"2016-07-19 (optional)", time.Date(2016, 7, 19, 0, 0, 0, 0, ny)},
		{"2016-03-21 12:00 EDT", time.Date(2016, 3, 21, 16, 0, 0, 0, time.UTC)},
		{"2016-06-17 12:00-400", time.Date(2016, 6, 17, 16, 0, 0, 0, time.UTC)},
		{"2023-01-29 18:30:22 2023 -0800", time.Date(2023, 1, 30, 2, 30, 22, 0, time.UTC)},
		{"2020-05-01 3:15 pm", time.Date(2020, 5, 1, 15, 15, 0, 0, ny)},
	}
	for _, tt := range tests {
		got, ok := rubyDate(tt.in, ny)
		if !ok || !got.Equal(tt.want) {
			t.Errorf("rubyDate(%q) = %v, %v; want %v", tt.in, got, ok, tt.want)
		}
	}
	for _, bad := range []string{"someday", "2019-02-30", ""} {
		if got, ok := rubyDate(bad, ny); ok {
			t.Errorf("rubyDate(%q) = %v, want no date", bad, got)
		}
	}
}

func TestLooseDatesOnlyInJekyllSites(t *testing.T) {
	src := []byte("---\ntitle: T\ndate: September 8, 2014\n---\n")
	if _, err := Parse("a.md", src, Options{BaseURL: "https://b.example"}); err == nil {
		t.Error("a plain folder accepted a loose date")
	}
	p, err := Parse("_posts/a.md", src, Options{BaseURL: "https://b.example", Site: &Site{Generator: Jekyll}})
	if err != nil || !p.Date.Equal(time.Date(2014, 9, 8, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("Jekyll site: %v, %v", p, err)
	}
}
