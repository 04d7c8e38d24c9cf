package post_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/heraldhq/herald/internal/post"
)

// directiveOptions is a Jekyll site with a variable and an include, the
// posts in its _posts folder.
func directiveOptions(t *testing.T) post.Options {
	includes := t.TempDir()
	if err := os.WriteFile(filepath.Join(includes, "note.html"), []byte(`<aside class="note">{{ include.text }} on {{ site.title }}</aside>`), 0o644); err != nil {
		t.Fatal(err)
	}
	opts := testOptions()
	opts.Site = &post.Site{Generator: post.Jekyll, Prefix: "_posts", Includes: includes,
		Vars: map[string]string{"repository": "https://github.com/ex/site", "title": "Ex", "baseurl": "", "tagline": "Plain words"}}
	return opts
}

func TestShortcodesAndTagsBecomeHTML(t *testing.T) {
	tests := []struct {
		name, body string
		want       []string // in ContentHTML
		unwanted   []string
		literal    bool     // markers are meant to show as text
		removed    []string // Unsupported names
	}{
		{name: "youtube positional", body: "{{< youtube 43Yq24I0KNI >}}",
			want: []string{`<a href="https://www.youtube.com/watch?v=43Yq24I0KNI"><img src="https://i.ytimg.com/vi/43Yq24I0KNI/hqdefault.jpg"`}},
		{name: "youtube named", body: `{{< youtube id="abc" title="Talk" >}}`, want: []string{`watch?v=abc`, `alt="Talk"`}},
		{name: "vimeo", body: "{{< vimeo 146022717 >}}", want: []string{`<a href="https://vimeo.com/146022717">Vimeo video 146022717</a>`}},
		{name: "x", body: `{{< x user="SanDiegoZoo" id="1453110110599868418" >}}`, want: []string{`href="https://x.com/SanDiegoZoo/status/1453110110599868418"`}},
		{name: "tweet positional", body: `{{< tweet 877500564405444608 >}}`, want: []string{`href="https://x.com/i/status/877500564405444608"`}},
		{name: "gist with file", body: `{{< gist spf13 7896402 "img.html" >}}`, want: []string{`href="https://gist.github.com/spf13/7896402#file-img-html"`}},
		{name: "instagram", body: `{{% instagram BWNjjyYFxVx %}}`, want: []string{`href="https://www.instagram.com/p/BWNjjyYFxVx/"`}},
		{name: "figure", body: `{{< figure src="pic.png" link="https://ex.org/" alt="A pic" title="T" caption="Cap" attr="Me" attrlink="https://me.example" >}}`,
			want: []string{`<figure><a href="https://ex.org/"><img src="https://blog.example.com/2026/01/p/pic.png" alt="A pic"></a><figcaption><h4>T</h4><p>Cap<a href="https://me.example">Me</a></p></figcaption></figure>`}},
		{name: "figure self-closing", body: `{{< figure src="/img/a.jpg" />}}`, want: []string{`<img src="https://blog.example.com/img/a.jpg">`}},
		{name: "highlight", body: "{{< highlight html >}}\n<html><head><title>x</title></head></html>\n{{< /highlight >}}",
			want: []string{`<pre><code class="language-html">&lt;html&gt;&lt;head&gt;&lt;title&gt;x&lt;/title&gt;`}, unwanted: []string{"<title>"}},
		{name: "details", body: "{{< details summary=\"More\" >}}\nInside *here*.\n{{< /details >}}",
			want: []string{"<details><summary>More</summary>", "<p>Inside <em>here</em>.</p>", "</details>"}},
		{name: "param from front matter and site", body: "{{< param mood >}} and {{< param \"tagline\" >}}", want: []string{"<p>happy and Plain words</p>"}},
		{name: "ref to a missing post", body: `[x]({{< ref "nowhere.md" >}})`, want: []string{`<a href="https://blog.example.com/">x</a>`}},
		{name: "ref to this page's anchor", body: `[x]({{< relref "#sec" >}})`, want: []string{`<a href="https://blog.example.com/2026/01/p/#sec">x</a>`}},
		{name: "unknown paired keeps inner", body: "{{< note >}}\nKeep **this**.\n{{< /note >}}", want: []string{"<p>Keep <strong>this</strong>.</p>"},
			unwanted: []string{"note"}, removed: []string{"shortcode note"}},
		{name: "unknown percent form", body: "A {{% callout type=\"tip\" %}}tip{{% /callout %}} here", want: []string{"<p>A tip here</p>"}, removed: []string{"shortcode callout"}},
		{name: "unknown self-closing", body: "A {{< toc />}} B", want: []string{"<p>A  B</p>"}, removed: []string{"shortcode toc"}},
		{name: "escaped shortcode is text", body: "Write {{</* figure src=x */>}}.", want: []string{"<p>Write {{&lt; figure src=x &gt;}}.</p>"}, literal: true},
		{name: "liquid site variable", body: "[roadmap]({{ site.repository }}/issues/9156)", want: []string{`<a href="https://github.com/ex/site/issues/9156">roadmap</a>`}},
		{name: "liquid reference definition", body: "[roadmap][r]\n\n[r]: {{ site.repository }}/issues/9156", want: []string{`href="https://github.com/ex/site/issues/9156"`}},
		{name: "liquid page variable", body: "By {{ page.mood }}.", want: []string{"<p>By happy.</p>"}},
		{name: "liquid relative_url", body: "![a]({{ '/assets/a.png' | relative_url }})", want: []string{`src="https://blog.example.com/assets/a.png"`}},
		{name: "liquid raw", body: "{% raw %}{{ site.title }} and {% if x %}{% endraw %}", want: []string{"<p>{{ site.title }} and {% if x %}</p>"}, literal: true},
		{name: "liquid raw around code", body: "{% raw %}\n```\n{{ x }}\n```\n{% endraw %}", want: []string{"<code>{{ x }}\n</code>"}},
		{name: "liquid highlight", body: "{% highlight ruby linenos %}\nputs \"{{ x }}\"\n{% endhighlight %}", want: []string{`<pre><code class="language-ruby">puts &quot;{{ x }}&quot;`}},
		{name: "liquid comment", body: "A{% comment %} secret {% endcomment %}B", want: []string{"<p>AB</p>"}, unwanted: []string{"secret"}},
		{name: "liquid include", body: `{% include note.html text="Hi" %}`, want: []string{`<aside class="note">Hi on Ex</aside>`}},
		{name: "liquid unknown block keeps inner", body: "{% if site.x %}Shown{% endif %}", want: []string{"<p>Shown</p>"}, removed: []string{"liquid if"}},
		{name: "liquid unknown tag keeps its URL", body: "{% oembed https://twitter.com/18F/status/1 %}", want: []string{`<a href="https://twitter.com/18F/status/1">https://twitter.com/18F/status/1</a>`}, removed: []string{"liquid oembed"}},
		{name: "liquid link to a missing page", body: "[h]({% link _docs/history.md %})", want: []string{`href="https://blog.example.com/docs/history/"`}},
		{name: "liquid post_url missing", body: "[o]({% post_url 2010-01-01-old %})", want: []string{`<a href="https://blog.example.com/">o</a>`}},
		{name: "fenced code kept exactly", body: "```\n{{< youtube x >}} {% raw %} {{ site.title }}\n```", want: []string{"<code>{{&lt; youtube x &gt;}} {% raw %} {{ site.title }}\n</code>"}},
		{name: "inline code kept exactly", body: "Use `{{< ref \"x\" >}}` or ``{% link a %}``.", want: []string{"<code>{{&lt; ref &quot;x&quot; &gt;}}</code>", "<code>{% link a %}</code>"}},
		{name: "indented code kept exactly", body: "Para.\n\n    {{< note >}}\n", want: []string{"<pre><code>{{&lt; note &gt;}}\n</code></pre>"}},
		{name: "marker without an end stays text", body: "A {{< broken and {% also", want: []string{"<p>A {{&lt; broken and {% also</p>"}, literal: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := "---\ntitle: T\ndate: 2026-01-01\nmood: happy\n---\n" + tt.body + "\n"
			p := mustParse(t, "_posts/p.md", src, directiveOptions(t))
			html := p.ContentHTML()
			for _, w := range tt.want {
				if !strings.Contains(html, w) {
					t.Errorf("ContentHTML lacks %s:\n%s", w, html)
				}
			}
			unwanted := tt.unwanted
			if !tt.literal {
				unwanted = append(unwanted, "{{&lt;", "{{%", "{%")
			}
			for _, w := range unwanted {
				if strings.Contains(stripCode(html), w) {
					t.Errorf("ContentHTML has %s outside code:\n%s", w, html)
				}
			}
			var names []string
			for _, d := range p.Unsupported {
				names = append(names, d.Name)
			}
			if strings.Join(names, "|") != strings.Join(tt.removed, "|") {
				t.Errorf("Unsupported = %q, want %q", names, tt.removed)
			}
		})
	}
}

// stripCode removes <code>…</code> from HTML.
func stripCode(html string) string {
	for {
		i := strings.Index(html, "<code")
		j := strings.Index(html, "</code>")
		if i < 0 || j < i {
			return html
		}
		html = html[:i] + html[j+len("</code>"):]
	}
}

func TestUnsupportedHaveFileLines(t *testing.T) {
	src := "---\ntitle: T\ndate: 2026-01-01\nsummary: \"{{< tip >}}Short\"\n---\nOne\n\n{{< note >}}x{{< /note >}}\n\n{% seo %}\n"
	p := mustParse(t, "_posts/p.md", src, directiveOptions(t))
	want := []post.Directive{{Line: 4, Name: "shortcode tip"}, {Line: 8, Name: "shortcode note"}, {Line: 10, Name: "liquid seo"}}
	if len(p.Unsupported) != len(want) {
		t.Fatalf("Unsupported = %+v, want %+v", p.Unsupported, want)
	}
	for i := range want {
		if p.Unsupported[i] != want[i] {
			t.Errorf("Unsupported[%d] = %+v, want %+v", i, p.Unsupported[i], want[i])
		}
	}
	if s := p.Summary(); s != "Short" {
		t.Errorf("Summary = %q, want Short", s)
	}
}

func TestSummaryNeverHasShortcodes(t *testing.T) {
	src := "---\ntitle: T\ndate: 2026-01-01\n---\n{{< note >}}\nThe real first paragraph.\n{{< /note >}}\n"
	p := mustParse(t, "_posts/p.md", src, directiveOptions(t))
	if s := p.Summary(); s != "The real first…" && s != "The real first paragraph." {
		t.Errorf("Summary = %q, want the note's text", s)
	}
}

func TestLibraryReportsReferencesToNoPost(t *testing.T) {
	dir := t.TempDir()
	for name, src := range map[string]string{
		"_posts/2026-01-01-target.md": "---\ntitle: Target\n---\nHere.\n",
		"_posts/2026-01-02-refs.md": "---\ntitle: Refs\n---\n[ok]({% post_url 2026-01-01-target %})\n" +
			"[gone]({% post_url 2020-01-01-gone %}) [own](#top)\n\n[h]({{< ref \"missing.md#x\" >}}) [t]({{< relref \"2026-01-01-target.md\" >}})\n",
	} {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	opts := testOptions()
	opts.Dir, opts.Site = dir, &post.Site{Generator: post.Jekyll}
	lib := post.NewLibrary(opts)
	if err := lib.Load(context.Background()); err != nil {
		t.Fatal(err)
	}
	var p *post.Post
	for _, q := range lib.Snapshot().All() {
		if q.Title == "Refs" {
			p = q
		}
	}
	var got []string
	for _, d := range p.Unsupported {
		got = append(got, fmt.Sprintf("%d %s", d.Line, d.Name))
	}
	want := []string{"5 liquid post_url 2020-01-01-gone (names no post in the posts folder: links to the home page)", "7 shortcode ref missing.md#x (names no post in the posts folder: links to the home page)"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("Unsupported = %q, want %q", got, want)
	}
	if html := p.ContentHTML(); strings.Count(html, `href="https://blog.example.com/2026/01/target/"`) != 2 {
		t.Errorf("post_url to an existing post not resolved:\n%s", html)
	}
}
