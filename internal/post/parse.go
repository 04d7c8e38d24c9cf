package post

import (
	"bytes"
	"cmp"
	"fmt"
	"hash/maphash"
	"maps"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// reader parses files for one set of Options and holds the Markdown
// renderer their posts share.
type reader struct {
	opts  Options
	names *interner // tags, categories and author lists, shared between posts
	md    *markdown
	base  string       // BaseURL without a trailing slash
	host  string       // host name of BaseURL, for tag URIs
	seed  maphash.Seed // for the sums of the files read
	// lookup gives the permalink of the post a ref, relref, link or
	// post_url names, "" for none; nil (in Parse) finds none.
	lookup func(ref string) string
}

func newReader(opts Options) *reader {
	seed := maphash.MakeSeed()
	return &reader{opts: opts, names: newInterner(), md: newMarkdown(seed), base: strings.TrimRight(opts.BaseURL, "/"), host: opts.host(), seed: seed}
}

// Parse reads one post. rel is the file's slash-separated path relative to
// opts.Dir (it gives the slug, the Jekyll date and the section); data is the
// whole file. The error is always a Problem with Path set to rel and a line
// and column inside the file. The body is not rendered until ContentHTML or
// Summary is called. A page that is not a post gives ErrNotPost. Parse
// does not check opts (see Options.Check). A
// Library shares one renderer between its posts; Parse builds a new one on
// each call, so prefer a Library for many files.
func Parse(rel string, data []byte, opts Options) (*Post, error) {
	return newReader(opts).parse(rel, data)
}

func (r *reader) parse(rel string, data []byte) (*Post, error) {
	p, err := r.parseFile(rel, data)
	if err == ErrNotPost {
		return nil, err
	}
	if err != nil {
		prob, ok := err.(Problem)
		if !ok {
			prob = Problem{Line: 1, Col: 1, Msg: err.Error()}
		}
		prob.Path = rel
		return nil, clampPosition(prob, data)
	}
	return p, nil
}

func (r *reader) parseFile(rel string, data []byte) (*Post, error) {
	file := data
	data = bytes.TrimPrefix(data, []byte("\uFEFF"))
	if off := invalidUTF8(data); off >= 0 {
		line, col := position(data, off)
		return nil, Problem{Line: line, Col: col, Msg: fmt.Sprintf("invalid UTF-8 (byte 0x%02X)", data[off])}
	}
	format, fm, fmLine, body, err := splitFrontMatter(data)
	if err != nil {
		return nil, err
	}
	fm = stripForbiddenBytes(fm)
	var m meta
	if format == '+' {
		m, err = parseTOML(fm, fmLine)
	} else {
		spare := metaPool.Get().(*meta)
		defer putMeta(spare, &m)
		m, err = parseYAML(*spare, fm, fmLine)
	}
	if err != nil {
		return nil, err
	}
	bodyLine := bytes.Count(data[:len(data)-len(body)], []byte{'\n'}) + 1
	p, err := r.build(rel, m, body, bodyLine)
	if err != nil {
		return nil, err
	}
	p.impl.sum = sumOf(r.seed, file)
	return p, nil
}

// metaPool holds the front matter arrays of parses that are over: the
// front matter is read into a Post and not kept (values are copied out of
// it), so a cold load of many posts reuses a few arrays rather than make
// one per post, the largest allocation of a parse.
var metaPool = sync.Pool{New: func() any { return new(meta) }}

// putMeta returns the array of *m, or of spare when larger, to metaPool,
// cleared so that it holds on to no strings.
func putMeta(spare *meta, m *meta) {
	if cap(*m) > cap(*spare) {
		*spare = *m
	}
	clear((*spare)[:cap(*spare)])
	*spare = (*spare)[:0]
	metaPool.Put(spare)
}

// build turns decoded front matter into a Post. It returns ErrNotPost for
// a page that is not a post (see notPost).
func (r *reader) build(rel string, m meta, body []byte, bodyLine int) (*Post, error) {
	loc := r.opts.location()
	if r.notPost(rel, m) {
		return nil, ErrNotPost
	}
	p := &Post{Path: rel}
	var err error
	if p.Title, err = m.text("title"); err != nil {
		return nil, err
	}
	base, section := nameParts(rel)
	jekyllDate, jekyllSlug := jekyllName(base, loc)
	if err := r.dates(p, m, jekyllDate); err != nil {
		return nil, err
	}
	if p.Date.IsZero() && r.pageByPlace(rel) {
		return nil, ErrNotPost // an undated page at the top of Hugo's content
	}
	if p.Title == "" {
		return nil, m.at("title").problem("missing title: a feed entry needs one (add title: to the front matter)")
	}
	if p.Date.IsZero() {
		return nil, m.at("date").problem("missing date: add date: to the front matter or name the file 2006-01-02-slug.md")
	}
	if err := r.fill(p, m, jekyllSlug, section, body, bodyLine); err != nil {
		return nil, err
	}
	return p, nil
}

// dates sets Date, Updated and Expires from the keys Hugo and Jekyll read:
// date (else publishDate, pubdate, published, else the Jekyll file name's
// date), a later publishDate (the post appears, and is dated, then),
// lastmod (else modified, updated, last_modified_at) and expiryDate (else
// unpublishdate).
func (r *reader) dates(p *Post, m meta, nameDate time.Time) error {
	loc := r.opts.location()
	publish, err := m.firstDate(loc, "publishdate", "pubdate", "published")
	if err != nil {
		return err
	}
	if p.Date, err = m.firstDate(loc, "date"); err != nil {
		v, _ := m.get("date")
		t, ok := rubyDate(v.str, loc)
		if r.opts.Site.generator() != Jekyll || !ok {
			return err
		}
		p.Date = t // Jekyll reads dates with Ruby's lenient Time.parse
	}
	p.Date = cmp.Or(p.Date, publish, nameDate)
	if publish.After(p.Date) {
		p.Date = publish
	}
	if p.Updated, err = m.firstDate(loc, "lastmod", "modified", "updated", "last_modified_at"); err != nil {
		return err
	}
	p.Expires, err = m.firstDate(loc, "expirydate", "unpublishdate")
	return err
}

// fill sets the fields that follow from the title and date: slug, authors,
// tags, flags, permalink, id and the lazy body.
func (r *reader) fill(p *Post, m meta, nameSlug, section string, body []byte, bodyLine int) error {
	slug, err := m.text("slug")
	if err != nil {
		return err
	}
	if p.Slug = slug; slug == "" {
		p.Slug = Slugify(nameSlug)
	}
	if p.Slug == "" {
		return m.at("slug").problem("empty slug: the file name has no letters or digits (add slug: to the front matter)")
	}
	if p.Authors, err = r.authors(m); err != nil {
		return err
	}
	if p.Tags, err = singularOrPlural(m, "tag", "tags"); err != nil {
		return err
	}
	if p.Categories, err = r.categories(m); err != nil {
		return err
	}
	p.Authors, p.Tags, p.Categories = r.names.authors(p.Authors), r.names.strings(p.Tags), r.names.strings(p.Categories)
	if p.Draft, err = m.bool("draft"); err != nil {
		return err
	}
	if v, ok := m.get("published"); ok && isBool(v) {
		p.Draft = p.Draft || !boolValue(v) // Jekyll's published: false
	}
	if p.Permalink, err = r.generatorPermalink(p, m, nameSlug); err != nil {
		return err
	}
	if p.Permalink == "" {
		p.Permalink = r.permalinkFor(p.Date, p.Slug, section)
	}
	if p.ID, err = m.text("id"); err == nil && p.ID == "" {
		p.ID = r.tagURI(p.Date, p.Slug)
	}
	if err != nil {
		return err
	}
	summary, err := m.firstText("summary", "description")
	p.impl = &postImpl{md: r.md, words: r.opts.SummaryWords, body: heldBody(body), fmSummary: summary}
	if hasDirectives(body) || summary != "" && hasDirectives([]byte(summary)) {
		r.scanDirectives(p, m, body, bodyLine)
	}
	return err
}

// scanDirectives prepares the expansion of a post's shortcodes and Liquid
// tags and lists those herald cannot render in p.Unsupported. References
// to other posts are resolved when the post is rendered, as the other
// posts may not be read yet; one that names no post links to the home page.
func (r *reader) scanDirectives(p *Post, m meta, body []byte, bodyLine int) {
	env := &expandEnv{md: r.md, site: r.opts.Site, base: r.base, permalink: p.Permalink, page: pageVars(m, p), lookup: r.lookup}
	env.page["url"] = strings.TrimPrefix(env.page["url"], env.basePath()) // Jekyll's page.url is under baseurl
	if dir := r.opts.Dir; dir != "" {
		env.postDir = filepath.Join(dir, filepath.FromSlash(path.Dir(p.Path)))
	}
	p.impl.env = env
	scan := *env
	scan.lookup, scan.refs, scan.targets = nil, &p.impl.refs, &p.impl.targets
	_, inSummary := scan.expand([]byte(p.impl.fmSummary), 1)
	for i := range inSummary {
		inSummary[i].Line = m.at(cmp.Or(presentKey(m, "summary"), "description")).line
	}
	_, inBody := scan.expand(body, bodyLine)
	p.Unsupported = append(inSummary, inBody...)
	p.impl.ownNotes = len(p.Unsupported)
}

// authors reads the post's authors: author (a name or a list), authors
// (a list or a name) and Hugo's params.author, in that order, each person
// once. See resolveAuthor for how a name becomes an Author.
func (r *reader) authors(m meta) ([]Author, error) {
	var out []Author
	params, _ := m.get("params")
	for _, v := range []value{m.at("author"), m.at("authors"), params.fields.at("author")} {
		items := []value{v}
		if v.isList {
			items = v.list
		}
		for _, it := range items {
			name, err := authorName(it)
			if err != nil {
				return nil, err
			}
			if name == "" {
				continue
			}
			a := r.resolveAuthor(name)
			if a.Undeclared && it.nested { // {name, url, email} as Jekyll themes and Docsy write it
				a.URL = cmp.Or(it.fields.textOf("url"), it.fields.textOf("link"), it.fields.textOf("uri"))
				a.Email = it.fields.textOf("email")
			}
			if !slices.ContainsFunc(out, func(b Author) bool { return b.Key == a.Key }) {
				out = append(out, a)
			}
		}
	}
	return out, nil
}

// authorName is the name an author value gives: a scalar trimmed (a YAML
// block scalar keeps a final newline), or the name of a Jekyll-style
// mapping {name: …}; "" for an absent value.
func authorName(v value) (string, error) {
	switch {
	case v.isList:
		return "", v.problem("author: want a name or a list of names, not nested lists")
	case v.nested:
		n, _ := v.fields.get("name")
		if n.str == "" {
			return "", v.problem("author: want a name, or a table with a name")
		}
		v = n
	}
	return strings.TrimSpace(StripForbidden(v.str)), nil
}

// resolveAuthor gives the Author a post names: the declared author
// ([authors.<key>]) whose key is name, else whose Name equals name ignoring
// case; else the same in Jekyll's _data/authors.yml (whose keys the site
// reader lowercases); else an undeclared author with that name and a key
// slugified from it.
func (r *reader) resolveAuthor(name string) Author {
	for i, declared := range []map[string]Author{r.opts.Authors, r.opts.DataAuthors} {
		key := name
		if i == 1 {
			key = strings.ToLower(name)
		}
		if a, ok := declared[key]; ok {
			return withKey(a, key)
		}
		for _, k := range slices.Sorted(maps.Keys(declared)) {
			if a := declared[k]; strings.EqualFold(a.Name, name) {
				return withKey(a, k)
			}
		}
	}
	return Author{Key: cmp.Or(Slugify(name), name), Name: name, Undeclared: true}
}

func withKey(a Author, key string) Author {
	if a.Key == "" {
		a.Key = key
	}
	return a
}

// nameParts returns the name that gives the slug (the file name without
// extension, or the folder of a bundle's index.md) and the section (the
// first folder under Dir that is not the bundle itself).
func nameParts(rel string) (base, section string) {
	dir, file := path.Split(rel)
	dir = strings.TrimSuffix(dir, "/")
	base = strings.TrimSuffix(file, path.Ext(file))
	if base == "index" && dir != "" {
		dir, base = path.Split(dir)
		dir = strings.TrimSuffix(dir, "/")
	}
	if dir != "" {
		section, _, _ = strings.Cut(dir, "/")
	}
	return base, section
}

// jekyllName reads "2006-01-02-slug" into a date in loc and "slug"; it
// returns a zero date and base itself for other names.
func jekyllName(base string, loc *time.Location) (time.Time, string) {
	if len(base) < 12 || base[10] != '-' || !digitsAt(base, 0, 4) || !digitsAt(base, 5, 2) || !digitsAt(base, 8, 2) {
		return time.Time{}, base // not a date: no need for time.Parse's error
	}
	t, err := time.ParseInLocation("2006-01-02", base[:10], loc)
	if err != nil {
		return time.Time{}, base
	}
	return t, base[11:]
}

// digitsAt reports whether s[i:i+n] is ASCII digits.
func digitsAt(s string, i, n int) bool {
	for _, c := range []byte(s[i : i+n]) {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// clampPosition keeps a Problem's position inside data, in case a library
// reports a place past the end of a line or of the file.
func clampPosition(p Problem, data []byte) Problem {
	data = bytes.TrimPrefix(data, []byte("\uFEFF"))
	lines := bytes.Split(data, []byte{'\n'})
	p.Line = min(max(p.Line, 1), len(lines))
	width := utf8.RuneCount(lines[p.Line-1]) + 1
	p.Col = min(max(p.Col, 1), width)
	return p
}

func presentKey(m meta, key string) string {
	if _, ok := m.get(key); ok {
		return key
	}
	return ""
}
