package post

import (
	"fmt"
	"net/url"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// generatorPermalink is the URL Hugo or Jekyll gives p, "" when herald's
// own pattern applies: for a plain folder, or when Options.Permalink is
// set (herald's posts.permalink overrides the site's rules).
func (r *reader) generatorPermalink(p *Post, m meta, nameSlug string) (string, error) {
	if r.opts.Permalink != "" {
		return "", nil
	}
	switch r.opts.Site.generator() {
	case Hugo:
		return r.hugoPermalink(p, m)
	case Jekyll:
		return r.jekyllPermalink(p, m, nameSlug)
	}
	return "", nil
}

// hugoParts splits a content-relative path into its folder and the name
// Hugo's :filename gives (a bundle's folder name for index.md).
func hugoParts(full string) (dir, name string) {
	dir, file := path.Split(full)
	name = strings.TrimSuffix(file, path.Ext(file))
	if name == "index" && dir != "" {
		dir, name = path.Split(strings.TrimSuffix(dir, "/"))
	}
	return strings.Trim(dir, "/"), name
}

// hugoPermalink builds the URL as Hugo does: the url front matter as
// written; else the section's [permalinks] pattern; else the content path
// with the slug (or file name) last, made a path and lowercased unless
// disablePathToLower.
func (r *reader) hugoPermalink(p *Post, m meta) (string, error) {
	u, err := m.text("url")
	if err != nil || u != "" {
		return r.base + cleanPath(escapePath(u)), err
	}
	slug, err := m.text("slug")
	if err != nil {
		return "", err
	}
	site := r.opts.Site
	// The post's folder in the content folder is head + "/" + tail, the
	// prefix and the post's own folder, joined only when a pattern or an
	// unusual path needs it; tail is "" when head is all of it.
	head, name := hugoParts(p.Path)
	tail := ""
	if pre := site.Prefix; pre != "" {
		if head != "" && pre[0] != '/' && pre[len(pre)-1] != '/' {
			head, tail = pre, head // what hugoParts(r.sitePath(p.Path)) gives
		} else {
			head, name = hugoParts(r.sitePath(p.Path))
		}
	}
	dir := func() string {
		if tail == "" {
			return head
		}
		return head + "/" + tail
	}
	section, _, _ := strings.Cut(head, "/")
	ugly := site.UglyURLs || site.UglySections[section]
	if pattern, ok := site.Permalinks[section]; ok && section != "" {
		target := r.expandHugo(pattern, p, slug, dir(), name)
		if ugly && strings.HasSuffix(target, "/") && target != "/" {
			target = strings.TrimSuffix(target, "/") + ".html"
		}
		return r.base + cleanPath(escapePath(site.PathPrefix+"/"+target)), nil
	}
	name = cmpOr(slug, name)
	end := "/"
	if r.plainPath(head) && r.plainPath(tail) && r.plainPath(name) && pathKeeps(site.PathPrefix) {
		// The common case, a path of plain lowercase ASCII: hugoPath and
		// escapePath change nothing, so the URL is one concatenation.
		if ugly {
			end = ".html"
		}
		sep := "/"
		if tail == "" {
			sep = ""
		}
		if u := r.base + site.PathPrefix + "/" + head + sep + tail + "/" + name + end; isClean(u[len(r.base):]) {
			return u, nil
		}
	}
	target := r.hugoPath(dir() + "/" + name)
	if ugly && target != "" {
		end = ".html"
	}
	return r.base + cleanPath(escapePath(site.PathPrefix+"/"+target+end)), nil
}

// hugoTokens matches a permalink token, ":" and letters.
var hugoTokens = regexp.MustCompile(`:[a-z]+`)

// expandHugo expands Hugo's permalink tokens; the date is in the post's
// own offset, as Hugo keeps it.
func (r *reader) expandHugo(pattern string, p *Post, slug, dir, name string) string {
	d := p.Date
	return hugoTokens.ReplaceAllStringFunc(pattern, func(tok string) string {
		switch tok[1:] {
		case "year":
			return strconv.Itoa(d.Year())
		case "month":
			return fmt.Sprintf("%02d", int(d.Month()))
		case "monthname":
			return d.Month().String()
		case "day":
			return fmt.Sprintf("%02d", d.Day())
		case "weekday":
			return strconv.Itoa(int(d.Weekday()))
		case "weekdayname":
			return d.Weekday().String()
		case "yearday":
			return strconv.Itoa(d.YearDay())
		case "section":
			s, _, _ := strings.Cut(dir, "/")
			return s
		case "sections":
			return dir
		case "title":
			return r.urlize(p.Title)
		case "slug":
			return r.urlize(cmpOr(strings.Trim(slug, "-"), p.Title))
		case "filename":
			return r.urlize(name)
		case "slugorfilename":
			return r.urlize(cmpOr(slug, name))
		}
		return tok
	})
}

// urlize is Hugo's urlize: hugoPath of s.
func (r *reader) urlize(s string) string { return r.hugoPath(s) }

// hugoPath makes s a path as Hugo's MakePathSanitized does: letters,
// digits, marks and ._/\#+~-@ are kept, a run of spaces inside becomes one
// "-", anything else is dropped; then lowercased unless
// disablePathToLower.
func (r *reader) hugoPath(s string) string {
	lower := r.lowerPaths()
	if out, ok := hugoPathASCII(s, lower); ok {
		return out
	}
	return hugoPathRunes(s, lower)
}

func (r *reader) lowerPaths() bool { return r.opts.Site == nil || !r.opts.Site.DisablePathToLower }

// hugoPathRunes is hugoPath for any text.
func hugoPathRunes(s string, lower bool) string {
	var b strings.Builder
	hyphen := false
	for _, c := range s {
		ok := strings.ContainsRune("./\\_#+~-@", c) || unicode.IsLetter(c) || unicode.IsDigit(c) || unicode.IsMark(c)
		switch {
		case ok:
			if hyphen {
				b.WriteByte('-')
				hyphen = false
			}
			b.WriteRune(c)
		case b.Len() > 0 && unicode.IsSpace(c):
			hyphen = true
		}
	}
	if !lower {
		return b.String()
	}
	return strings.ToLower(b.String())
}

// asciiSet is a set of ASCII bytes.
type asciiSet [utf8.RuneSelf]bool

func (s *asciiSet) has(c byte) bool { return c < utf8.RuneSelf && s[c] }

func newASCIISet(chars string) *asciiSet {
	var s asciiSet
	for i := range len(chars) {
		s[chars[i]] = true
	}
	return &s
}

const asciiAlnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// hugoKept are the ASCII bytes hugoPath keeps; asciiSpace those
// unicode.IsSpace reports.
var hugoKept, asciiSpace = newASCIISet(asciiAlnum + "./\\_#+~-@"), newASCIISet("\t\n\v\f\r ")

// plainPath reports whether s comes out of hugoPath and escapePath as it
// is: s is ASCII, of bytes both keep, and lowercase unless paths keep their
// case.
func (r *reader) plainPath(s string) bool {
	lower := r.lowerPaths()
	for i := range len(s) {
		if c := s[i]; !hugoKept.has(c) || !pathKept.has(c) || lower && 'A' <= c && c <= 'Z' {
			return false
		}
	}
	return true
}

// hugoPathASCII is hugoPath for ASCII text, false for any other. Most
// paths are plain ASCII, and most of those are kept as they are: they come
// back without an allocation.
func hugoPathASCII(s string, lower bool) (string, bool) {
	i := 0
	for ; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			return "", false
		}
		if !hugoKept[c] || lower && 'A' <= c && c <= 'Z' {
			break
		}
	}
	if i == len(s) {
		return s, true
	}
	var b strings.Builder
	b.Grow(len(s))
	b.WriteString(s[:i])
	hyphen := false
	for ; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= utf8.RuneSelf:
			return "", false
		case hugoKept[c]:
			if hyphen {
				b.WriteByte('-')
				hyphen = false
			}
			if lower && 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			b.WriteByte(c)
		case b.Len() > 0 && asciiSpace[c]:
			hyphen = true
		}
	}
	return b.String(), true
}

// escapePath percent-encodes what a URL path cannot hold as is.
func escapePath(p string) string {
	if pathKeeps(p) {
		return p
	}
	return escapePathURL(p)
}

func escapePathURL(p string) string { return (&url.URL{Path: p}).EscapedPath() }

// pathKept are the bytes escapePath leaves as they are: those net/url
// does not escape in a path, asked of net/url itself so that the two
// cannot disagree (after "a", as a lone "*" is a special case).
var pathKept = func() *asciiSet {
	var s asciiSet
	for c := range byte(utf8.RuneSelf) {
		s[c] = escapePathURL("a"+string(c)) == "a"+string(c)
	}
	return &s
}()

// pathKeeps reports whether escapePath(p) is p.
func pathKeeps(p string) bool {
	for i := range len(p) {
		if !pathKept.has(p[i]) {
			return false
		}
	}
	return true
}

// isClean reports whether cleanPath(p) is p: p starts with "/" and has no
// "//".
func isClean(p string) bool {
	return strings.HasPrefix(p, "/") && !strings.Contains(p, "//")
}

// jekyllStyles are Jekyll's named permalink styles.
var jekyllStyles = map[string]string{
	"date":     "/:categories/:year/:month/:day/:title:output_ext",
	"pretty":   "/:categories/:year/:month/:day/:title/",
	"ordinal":  "/:categories/:year/:y_day/:title:output_ext",
	"weekdate": "/:categories/:year/W:week/:short_day/:title:output_ext",
	"none":     "/:categories/:title:output_ext",
}

// jekyllPermalink builds the URL as Jekyll does for a post: the permalink
// front matter, else the site's (or posts collection's) pattern, else the
// date style; dates in the site's time zone.
func (r *reader) jekyllPermalink(p *Post, m meta, nameSlug string) (string, error) {
	pattern, err := m.text("permalink")
	if err != nil {
		return "", err
	}
	pattern = cmpOr(cmpOr(pattern, r.opts.Site.Permalinks["posts"]), "date")
	if style, ok := jekyllStyles[pattern]; ok {
		pattern = style
	}
	slug, err := m.text("slug")
	if err != nil {
		return "", err
	}
	slug = cmpOr(slug, nameSlug)
	d := p.Date.In(r.opts.location())
	out := jekyllTokens.ReplaceAllStringFunc(pattern, func(tok string) string {
		if v, ok := jekyllDate(tok[1:], d); ok {
			return v
		}
		switch tok[1:] {
		case "title":
			return jekyllSlugify(slug, true)
		case "slug":
			return jekyllSlugify(slug, false)
		case "name":
			return jekyllSlugify(slug, false)
		case "categories":
			return strings.Join(r.jekyllCategories(p), "/")
		case "slugified_categories":
			cats := r.jekyllCategories(p)
			for i := range cats {
				cats[i] = jekyllSlugify(cats[i], false)
			}
			return strings.Join(cats, "/")
		case "output_ext":
			return ".html"
		}
		return tok
	})
	return r.base + cleanPath(escapePath(out)), nil
}

// jekyllTokens matches a placeholder; the longest names come first so that
// :short_year is not read as :short.
var jekyllTokens = regexp.MustCompile(`:(slugified_categories|categories|output_ext|short_year|short_month|long_month|short_day|long_day|i_month|i_day|y_day|w_year|w_day|year|month|day|hour|minute|second|week|title|slug|name)`)

func jekyllDate(tok string, d time.Time) (string, bool) {
	_, week := d.ISOWeek()
	wYear, _ := d.ISOWeek()
	v, ok := map[string]string{
		"year": strconv.Itoa(d.Year()), "short_year": d.Format("06"), "month": d.Format("01"),
		"i_month": strconv.Itoa(int(d.Month())), "short_month": d.Format("Jan"), "long_month": d.Format("January"),
		"day": d.Format("02"), "i_day": strconv.Itoa(d.Day()), "y_day": fmt.Sprintf("%03d", d.YearDay()),
		"w_year": strconv.Itoa(wYear), "week": fmt.Sprintf("%02d", week), "w_day": strconv.Itoa((int(d.Weekday())+6)%7 + 1),
		"short_day": d.Format("Mon"), "long_day": d.Format("Monday"),
		"hour": d.Format("15"), "minute": d.Format("04"), "second": d.Format("05"),
	}[tok]
	return v, ok
}

// jekyllCategories are a post's categories as Jekyll puts them in URLs:
// the folders above _posts, then the front matter's, lowercased, once
// each.
func (r *reader) jekyllCategories(p *Post) []string {
	var out []string
	full := "/" + r.sitePath(p.Path)
	if i := strings.Index(full, "/_posts/"); i > 0 {
		out = strings.Split(strings.Trim(full[:i], "/"), "/")
	}
	for _, c := range p.Categories {
		out = append(out, c)
	}
	for i := range out {
		out[i] = strings.ToLower(out[i])
	}
	return uniq(out)
}

func uniq(s []string) []string {
	var out []string
	for _, x := range s {
		if x != "" && !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}

// jekyllSlugify is Jekyll's slugify: in "pretty" mode (cased, for :title)
// every run of characters other than letters, digits and ._~!$&'()+,;=@
// becomes "-", keeping case; in the default mode (for :slug) every run of
// characters other than letters and digits does, lowercased. Hyphens are
// trimmed at both ends.
func jekyllSlugify(s string, pretty bool) string {
	var b strings.Builder
	dash := false
	for _, c := range s {
		keep := unicode.IsLetter(c) || unicode.IsDigit(c) || (pretty && strings.ContainsRune("._~!$&'()+,;=@", c))
		if !keep {
			dash = true
			continue
		}
		if dash && b.Len() > 0 {
			b.WriteByte('-')
		}
		dash = false
		b.WriteRune(c)
	}
	out := strings.Trim(b.String(), "-")
	if pretty {
		return out
	}
	return strings.ToLower(out)
}
