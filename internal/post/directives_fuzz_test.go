package post

import (
	"hash/maphash"
	"testing"
)

// FuzzExpand checks that expanding shortcodes and Liquid tags never panics
// and never leaves "{{<", "{{%" or "{%" outside code in the Markdown it
// returns, whatever the input. Seeds cover every form the expander knows.
func FuzzExpand(f *testing.F) {
	for _, s := range []string{
		"{{< youtube 43Yq24I0KNI >}}", `{{< figure src="a.png" caption="c" />}}`, "{{< note >}}x{{< /note >}}",
		"{{% details summary=\"s\" %}}\nx\n{{% /details %}}", "{{< highlight go >}}\nx\n{{< /highlight >}}",
		"{{</* x */>}}", "`{{< x >}}`", "```\n{% raw %}\n```", "{% raw %}{{ a }}{% endraw %}",
		"{% highlight ruby %}\nx\n{% endhighlight %}", "{% include a.html x=\"1\" %}", "{{ site.title }}",
		"{% comment %}x{% endcomment %}", "{{< ref \"a.md#b\" >}}", "{{{< x >}}<", "{%{%}%}", "    {{< x >}}\n",
		"{{< a \"}}\" >}}", "[x]: {{ page.url }}", "{% raw %}\n```\n{% endraw %}\n```",
	} {
		f.Add([]byte(s))
	}
	md := newMarkdown(maphash.MakeSeed())
	env := &expandEnv{md: md, site: &Site{Generator: Jekyll, Vars: map[string]string{"title": "{{< x >}}"}},
		base: "https://b.example", permalink: "https://b.example/p/", page: map[string]string{"url": "{%"},
		lookup: func(string) string { return "https://b.example/q/" }}
	f.Fuzz(func(t *testing.T, src []byte) {
		out, _ := env.expand(src, 1)
		code := codeSpans(md.gm().Parser(), out)
		for i := range out {
			if out[i] == '{' && spanAt(code, i) < 0 && markerAt(out, i) {
				t.Fatalf("marker left outside code at %d:\n%q\nfrom\n%q", i, out, src)
			}
		}
	})
}
