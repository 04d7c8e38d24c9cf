package newsletter

import (
	"fmt"
	"io/fs"
	"testing"
	"testing/fstest"
	"time"

	"github.com/heraldhq/herald/internal/newsletter/skeleton"
	"github.com/heraldhq/herald/internal/post"
	"github.com/heraldhq/herald/internal/schedule"
	"github.com/heraldhq/herald/templates"
)

// These tests render the newsletter's own data through package skeleton
// and whole; skeleton's tests cover the escaping and the refusals.

// skeletonReaders are subscribers whose values need escaping in every way.
var skeletonReaders = []readerValues{
	{"Ann", "ann@example.com", "https://blog.example.com/unsubscribe?t=abc", "https://blog.example.com/preferences?t=abc"},
	{"", "bob+news@example.com", "https://blog.example.com/unsubscribe?t=d%2Fe", "https://blog.example.com/p?t=1&x=2"},
	{`<script>alert("x")</script> & 'co'`, `"odd"@example.com`, "javascript:alert(1)", "/relative path?q=a b"},
	{"Zoë Ångström 山田", "zoe@例え.jp", "", "https://blog.example.com/p?t=é"},
	{"a}b{c;d:e/*f*/", "x@y", "https://blog.example.com/u?t=</script>", "data:text/html,<b>"},
}

func skeletonNewsletter(tb testing.TB, tpl *templateSet) *Newsletter {
	tb.Helper()
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		tb.Fatal(err)
	}
	sched, err := schedule.New("0 9 * * *", loc, nil)
	if err != nil {
		tb.Fatal(err)
	}
	return &Newsletter{tpl: tpl, sched: sched, opts: Options{Site: Site{Title: "Blog & co", URL: "https://blog.example.com/"}}}
}

// defaultSkeletonNewsletter is skeletonNewsletter with the embedded
// templates, and those templates.
func defaultSkeletonNewsletter(tb testing.TB) (*Newsletter, *templateSet) {
	tb.Helper()
	tpl, err := loadTemplates(templates.Embedded(), "")
	if err != nil {
		tb.Fatal(err)
	}
	return skeletonNewsletter(tb, tpl), tpl
}

func skeletonContent() *content {
	p := func(id, title string) *post.Post {
		return &post.Post{ID: id, Title: title, Date: t0, Permalink: "https://blog.example.com/posts/" + id + "/",
			Tags: []string{"go"}, Authors: []post.Author{{Key: "ann", Name: "Ann <A>"}}}
	}
	return &content{issueID: 7, date: t0, posts: []*post.Post{p("one", "One & <two>"), p("two", `"Quoted"`)},
		vacation: &VacationData{Until: t0.AddDate(0, 0, 9), Note: "Back <soon>"}, next: t0.AddDate(0, 0, 10)}
}

// renderBoth renders c for every reader through the skeleton and whole,
// fails on any difference, and returns the templates' plan.
func renderBoth(t *testing.T, files fstest.MapFS, subject string) *skeleton.Plan {
	t.Helper()
	tpl, err := loadTemplates(files, subject)
	if err != nil {
		t.Fatal(err)
	}
	n := skeletonNewsletter(t, tpl)
	c := skeletonContent()
	for _, posts := range [][]*post.Post{c.posts, c.posts[1:]} {
		for _, v := range skeletonReaders {
			subj, html, text, err := n.render(c, posts, &v)
			if err != nil {
				t.Fatalf("render for %q: %v", v[fieldName], err)
			}
			want := [3]string{}
			want[0], want[1], want[2], err = tpl.render(n.data(c, posts, &v))
			if err != nil {
				t.Fatalf("whole render for %q: %v", v[fieldName], err)
			}
			for i, got := range [3]string{subj, html, text} {
				if got != want[i] {
					t.Errorf("part %d for %q:\n%s\nwhole render:\n%s", i, v[fieldName], got, want[i])
				}
			}
		}
	}
	return tpl.plan
}

func TestSkeletonMatchesWholeRenderOfDefaultTemplates(t *testing.T) {
	files := fstest.MapFS{}
	for _, name := range []string{htmlFile, textFile, subjectFile} {
		data, err := fs.ReadFile(templates.Embedded(), name)
		if err != nil {
			t.Fatal(err)
		}
		files[name] = &fstest.MapFile{Data: data}
	}
	p := renderBoth(t, files, "")
	if p == nil {
		t.Fatal("the default templates render whole; they should render from skeletons")
	}
}

// TestSkeletonsAreSharedByTopicSetAndShape counts the skeletons one
// content keeps.
func TestSkeletonsAreSharedByTopicSetAndShape(t *testing.T) {
	n, _ := defaultSkeletonNewsletter(t)
	c := skeletonContent()
	for _, v := range skeletonReaders {
		for _, posts := range [][]*post.Post{c.posts, c.posts[:1], c.posts[1:]} {
			if _, _, _, err := n.render(c, posts, &v); err != nil {
				t.Fatal(err)
			}
		}
	}
	// Three topic sets; readers with and without a name, and one without
	// an unsubscribe link.
	if got := c.skeletons.Len(); got != 9 {
		t.Errorf("%d skeletons, want 9", got)
	}
}

// TestSkeletonsStopAtTheirLimit renders more topic sets than a content
// keeps skeletons for: the ones past the limit render whole, and right.
func TestSkeletonsStopAtTheirLimit(t *testing.T) {
	n, tpl := defaultSkeletonNewsletter(t)
	c := skeletonContent()
	for i := range 11 { // 2^11 topic sets, more than skeleton.Max
		c.posts = append(c.posts, &post.Post{ID: fmt.Sprint("p", i), Title: fmt.Sprint("Post ", i), Date: t0,
			Permalink: fmt.Sprintf("https://blog.example.com/posts/%d/", i)})
	}
	v := skeletonReaders[0]
	for set := 1; set <= skeleton.Max+50; set++ {
		var posts []*post.Post
		for i, p := range c.posts {
			if set&(1<<i) != 0 {
				posts = append(posts, p)
			}
		}
		_, html, _, err := n.render(c, posts, &v)
		if err != nil {
			t.Fatal(err)
		}
		if _, want, _, _ := tpl.render(n.data(c, posts, &v)); html != want {
			t.Fatalf("topic set %b renders differently from the whole render", set)
		}
	}
	if got := c.skeletons.Len(); got != skeleton.Max {
		t.Errorf("%d skeletons kept, want the limit, %d", got, skeleton.Max)
	}
}
