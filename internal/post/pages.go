package post

import (
	"errors"
	"slices"
	"strings"
)

// ErrNotPost is Parse's answer for a page that is not a post (an About
// page, a Jekyll page outside _posts, a Hugo page kept out of lists): a
// Library leaves it out silently, neither a post nor a Problem.
var ErrNotPost = errors.New("not a post")

// notPost reports whether the front matter or the place of a file makes it
// a page rather than a post: type: page or layout: page; Hugo's headless,
// or build (or _build) options that keep it out of lists or unrendered;
// in a Jekyll site, a file outside a _posts folder or in _drafts.
func (r *reader) notPost(rel string, m meta) bool {
	for _, k := range []string{"type", "layout"} {
		if v, ok := m.get(k); ok && strings.EqualFold(strings.TrimSpace(v.str), "page") {
			return true
		}
	}
	if v, ok := m.get("headless"); ok && isBool(v) && boolValue(v) {
		return true
	}
	for _, k := range []string{"build", "_build"} {
		b, _ := m.get(k)
		for _, opt := range []string{"list", "render"} {
			v, ok := b.fields.get(opt)
			if ok && (strings.EqualFold(v.str, "never") || strings.EqualFold(v.str, "false") || (opt == "list" && strings.EqualFold(v.str, "local"))) {
				return true
			}
		}
	}
	if r.opts.Site.generator() == Jekyll {
		full := "/" + r.sitePath(rel)
		return !strings.Contains(full, "/_posts/") || strings.Contains(full, "/_drafts/")
	}
	return false
}

// pageByPlace reports whether an undated file at rel is a page by its
// place: directly in Hugo's content folder (a file, or a bundle's
// index.md), where Hugo keeps About pages and the like.
func (r *reader) pageByPlace(rel string) bool {
	if r.opts.Site.generator() != Hugo {
		return false
	}
	full := r.sitePath(rel)
	dir, _, _ := strings.Cut(full, "/")
	return !strings.Contains(full, "/") || full == dir+"/index.md" || full == dir+"/index.markdown"
}

// sitePath is rel relative to Hugo's content folder or Jekyll's site.
func (r *reader) sitePath(rel string) string {
	if s := r.opts.Site; s != nil && s.Prefix != "" {
		return s.Prefix + "/" + rel
	}
	return rel
}

// categories reads Jekyll's way: category (one name, or a list) when
// present, else categories (a list, or a string split on white space).
func (r *reader) categories(m meta) ([]string, error) {
	return singularOrPlural(m, "category", "categories")
}

// singularOrPlural reads a list as Jekyll does: the singular key's value
// (a name, not split, or a list) when present, else the plural key's (a
// list, or a string split on white space); each name once.
func singularOrPlural(m meta, singular, plural string) ([]string, error) {
	v, ok := m.get(singular)
	if !ok {
		return m.words(plural)
	}
	one := []value{v}
	if v.isList {
		one = v.list
	}
	var out []string
	for _, it := range one {
		if it.isList || it.nested {
			return nil, it.problem("%s: want a name or a list of names", singular)
		}
		if c := strings.TrimSpace(StripForbidden(it.str)); c != "" && !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	return out, nil
}
