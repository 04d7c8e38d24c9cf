package post_test

import (
	"strings"
	"testing"
)

func TestEveryURLAttributeIsAbsolute(t *testing.T) {
	const page = "https://blog.example.com/2026/01/p/"
	tests := []struct {
		name, body string
		want       []string
		unwanted   []string
	}{
		{"srcset candidates", `<img src="a.png" srcset="a.png 1x, /img/b.png 2x,c.png 640w">`,
			[]string{`src="` + page + `a.png"`, `srcset="` + page + `a.png 1x, https://blog.example.com/img/b.png 2x, ` + page + `c.png 640w"`}, nil},
		{"picture source", "<picture><source srcset=\"w.webp\" type=\"image/webp\"><img src=\"w.jpg\"></picture>",
			[]string{`srcset="` + page + `w.webp"`, `src="` + page + `w.jpg"`}, nil},
		{"video poster", `<video src="v.mp4" poster="v.jpg"></video>`, []string{`poster="` + page + `v.jpg"`, `src="` + page + `v.mp4"`}, nil},
		{"inside noscript", `<noscript><img src="lazy.png" srcset="lazy2.png 2x"></noscript>`,
			[]string{`<noscript><img src="` + page + `lazy.png" srcset="` + page + `lazy2.png 2x"></noscript>`}, nil},
		{"noscript block", "<div>\n<noscript><img src=\"lazy.png\"></noscript>\n</div>", []string{`<noscript><img src="` + page + `lazy.png"></noscript>`}, nil},
		{"fragment link in markdown", "[sec](#sec)", []string{`href="` + page + `#sec"`}, nil},
		{"fragment link in raw html", `<a href="#top">top</a>`, []string{`href="` + page + `#top"`}, nil},
		{"footnotes", "Text[^1].\n\n[^1]: Note.", []string{`href="` + page + `#fn:1"`, `href="` + page + `#fnref:1"`}, []string{`href="#`}},
		{"empty markdown link", "[x]()", []string{"<a>x</a>"}, []string{`href=""`}},
		{"empty raw href", `<a href="">y</a>`, []string{"<a>y</a>"}, []string{`href=""`}},
		{"absolute kept", `[a](https://other.example/x) <img src="//cdn.example/i.png">`, []string{`href="https://other.example/x"`, `src="https://cdn.example/i.png"`}, nil},
		{"text is text", "Say `href=\"\"` and href=\"#x\" in prose.", []string{`<code>href=&quot;&quot;</code>`}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := mustParse(t, "blog/p.md", "---\ntitle: T\ndate: 2026-01-01\n---\n"+tt.body+"\n", testOptions())
			html := p.ContentHTML()
			for _, w := range tt.want {
				if !strings.Contains(html, w) {
					t.Errorf("ContentHTML lacks %s:\n%s", w, html)
				}
			}
			for _, w := range tt.unwanted {
				if strings.Contains(html, w) {
					t.Errorf("ContentHTML has %s:\n%s", w, html)
				}
			}
		})
	}
}
