package watch

import (
	"slices"
	"testing"
	"time"
)

func TestCoalescerDeadline(t *testing.T) {
	t0 := time.Date(2026, 11, 25, 19, 0, 0, 0, time.UTC)
	ms := func(n int) time.Time { return t0.Add(time.Duration(n) * time.Millisecond) }
	tests := []struct {
		name   string
		adds   []time.Time // one path added at each time
		wantAt time.Time
	}{
		{"single event waits one window", []time.Time{ms(0)}, ms(100)},
		{"each event restarts the window", []time.Time{ms(0), ms(50), ms(120)}, ms(220)},
		{"steady stream is capped", []time.Time{ms(0), ms(90), ms(180), ms(270), ms(360)}, ms(400)},
		{"cap counts from the first event", []time.Time{ms(0), ms(350)}, ms(400)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := newCoalescer(100*time.Millisecond, 400*time.Millisecond)
			for i, at := range tc.adds {
				c.add(at, "/p/"+string(rune('a'+i)))
			}
			got, ok := c.due()
			if !ok || !got.Equal(tc.wantAt) {
				t.Errorf("due() = %v, %v; want %v, true", got, ok, tc.wantAt)
			}
		})
	}
}

func TestCoalescerTakeStartsNewBurst(t *testing.T) {
	t0 := time.Date(2026, 11, 25, 19, 0, 0, 0, time.UTC)
	c := newCoalescer(100*time.Millisecond, 400*time.Millisecond)
	if _, ok := c.due(); ok {
		t.Fatal("empty coalescer is due")
	}
	c.add(t0, "/b", "/a", "/b")
	c.add(t0.Add(time.Second)) // no paths: no effect on the deadline
	if got := c.take(); !slices.Equal(got, []string{"/a", "/b"}) {
		t.Errorf("take() = %v, want [/a /b]", got)
	}
	if _, ok := c.due(); ok {
		t.Error("due after take")
	}
	later := t0.Add(time.Hour)
	c.add(later, "/c")
	if got, _ := c.due(); !got.Equal(later.Add(100 * time.Millisecond)) {
		t.Errorf("new burst due %v, want %v", got, later.Add(100*time.Millisecond))
	}
}

func TestMerge(t *testing.T) {
	tests := []struct {
		name string
		a, b []string
		want []string
	}{
		{"empty first", nil, []string{"/a"}, []string{"/a"}},
		{"empty second", []string{"/a"}, nil, []string{"/a"}},
		{"overlap", []string{"/a", "/c"}, []string{"/b", "/c"}, []string{"/a", "/b", "/c"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := merge(tc.a, tc.b); !slices.Equal(got, tc.want) {
				t.Errorf("merge = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestTemporary(t *testing.T) {
	tests := []struct {
		name string
		want bool
	}{
		{"post.md", false},
		{"herald.toml", false},
		{"#notes", false},
		{"4913", true},
		{"post.md~", true},
		{".post.md.swp", true},
		{".post.md.swx", true},
		{".#post.md", true},
		{"#post.md#", true},
		{"post.md.tmp", true},
		{"post.md___jb_tmp___", true},
		{"post.md___jb_old___", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := temporary(tc.name); got != tc.want {
				t.Errorf("temporary(%q) = %v, want %v", tc.name, got, tc.want)
			}
		})
	}
}

func TestMatch(t *testing.T) {
	r := newRoots()
	r.addTree("/site/posts")
	r.addDir("/site/pages")
	r.addFile("/etc/herald/.herald.toml")
	tests := []struct {
		path string
		want scope
	}{
		{"/site/posts", inTree},
		{"/site/posts/a.md", inTree},
		{"/site/posts/2026/11/a.md", inTree},
		{"/site/posts/.git/HEAD", outside},
		{"/site/posts/2026/.hidden.md", outside},
		{"/site/posts/a.md~", outside},
		{"/site/postscript/a.md", outside},
		{"/site/pages/about.md", direct},
		{"/site/pages/sub/deep.md", outside},
		{"/site/pages/.about.md.swp", outside},
		{"/etc/herald/.herald.toml", direct},
		{"/etc/herald/other.toml", outside},
	}
	for _, tc := range tests {
		t.Run(tc.path, func(t *testing.T) {
			if got := r.match(tc.path); got != tc.want {
				t.Errorf("match(%q) = %v, want %v", tc.path, got, tc.want)
			}
		})
	}
}
