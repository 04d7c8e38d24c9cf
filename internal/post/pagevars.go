package post

import (
	"net/url"
	"time"
)

// pageVars are the front matter's scalars as text by lowercase key, Hugo's
// params as "params.KEY", and title, date, url and slug as the post has
// them: what {{ page.KEY }} and {{< param KEY >}} read.
func pageVars(m meta, p *Post) map[string]string {
	vars := make(map[string]string, len(m)+4)
	for _, e := range m {
		if s, ok := scalarText(e.v); ok {
			vars[e.key] = s
		}
		for _, f := range e.v.fields {
			if s, ok := scalarText(f.v); ok {
				vars[e.key+"."+f.key] = s
			}
		}
	}
	vars["title"], vars["slug"] = p.Title, p.Slug
	vars["date"] = p.Date.Format(time.RFC3339)
	if u, err := url.Parse(p.Permalink); err == nil {
		vars["url"] = u.Path
	}
	return vars
}

func scalarText(v value) (string, bool) {
	switch {
	case v.isList || v.nested:
		return "", false
	case !v.time.IsZero():
		return v.time.Format(time.RFC3339), true
	}
	return StripForbidden(v.str), true
}
