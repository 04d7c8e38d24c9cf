package post

import (
	"os"
	"path"
	"path/filepath"
	"strings"
)

// find returns the permalink of the post in s that ref names, "" for
// none. ref is written as Hugo's ref and relref, Jekyll's post_url and
// link take it: a path relative to the content folder or site (with or
// without a leading "/" and the extension; a bundle by its folder), or a
// bare file name (Jekyll's "2006-01-02-slug").
func (r *reader) find(s *Snapshot, ref string) string {
	want := refKey(strings.TrimPrefix(strings.TrimSpace(ref), "./"))
	if want == "" {
		return ""
	}
	bare := !strings.Contains(want, "/")
	for _, p := range s.byPath {
		full := refKey(r.sitePath(p.Path))
		if full == want || (bare && path.Base(full) == want) || refKey(p.Path) == want {
			return p.Permalink
		}
	}
	return r.hugoPage(want)
}

// hugoPage is the URL of a page of the Hugo site that is not a post (a
// section's _index.md, an About page), by its path under the content
// folder, as Hugo's default path gives it; "" when there is no such file
// or no Hugo site.
func (r *reader) hugoPage(want string) string {
	site := r.opts.Site
	if site.generator() != Hugo || r.opts.Dir == "" || strings.Contains("/"+want+"/", "/../") {
		return ""
	}
	content := r.opts.Dir
	if site.Prefix != "" {
		for range strings.Split(site.Prefix, "/") {
			content = filepath.Dir(content)
		}
	}
	for _, name := range []string{want + ".md", want + "/_index.md", want + "/index.md", want + ".markdown"} {
		if info, err := os.Stat(filepath.Join(content, filepath.FromSlash(name))); err == nil && info.Mode().IsRegular() {
			return r.base + cleanPath(escapePath(site.PathPrefix+"/"+r.hugoPath(want)+"/"))
		}
	}
	return ""
}

// refKey is a path without a leading "/", its Markdown extension and a
// bundle's "/index".
func refKey(p string) string {
	p = strings.Trim(p, "/")
	for _, ext := range []string{".md", ".markdown"} {
		p = strings.TrimSuffix(p, ext)
	}
	return strings.TrimSuffix(p, "/index")
}

// checkRefs adds to each post of posts a Directive in Unsupported for every
// ref, relref or post_url naming no post of s (it links to the home page).
// The posts must not be visible to readers yet.
func (r *reader) checkRefs(s *Snapshot, posts []*Post) {
	for _, p := range posts {
		if p.impl == nil {
			continue
		}
		for _, ref := range p.impl.refs {
			kind, target, _ := strings.Cut(ref.Name, " ")
			name, target, _ := strings.Cut(target, " ")
			path, _, _ := strings.Cut(target, "#")
			if r.find(s, path) == "" {
				p.Unsupported = append(p.Unsupported, Directive{Line: ref.Line, Name: kind + " " + name + " " + target + " (names no post in the posts folder: links to the home page)"})
			}
		}
	}
}
