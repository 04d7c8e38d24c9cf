package siteconfig

import (
	"maps"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// source is one config file read, for the FILE:LINE of what it sets.
type source struct {
	path    string
	data    []byte
	section string // the top-level key the file's content sits under ("" for hugo.toml)
}

// line is the FILE:LINE where key (under the top-level section sect) is set.
func (s source) line(sect, key string) string {
	inFile := sect
	if s.section != "" {
		inFile = "" // config/_default/params.toml holds params' keys at its top
		if sect == "" {
			key = s.section
		}
	}
	return s.path + ":" + strconv.Itoa(lineOf(s.data, inFile, key))
}

// readHugo reads the Hugo site in dir from its config files (the main file
// first, then config/_default/*), when its content folder holds postsDir.
func readHugo(dir string, files []string, postsDir string) (*Site, error) {
	conf := map[string]any{}
	from := map[string]source{} // top-level key -> file that set it
	for _, f := range files {
		m, data, err := readData(f)
		if err != nil {
			return nil, err
		}
		base := strings.TrimSuffix(filepath.Base(f), filepath.Ext(f))
		src := source{path: f, data: data}
		if filepath.Base(filepath.Dir(f)) == "_default" && base != "hugo" && base != "config" {
			// params.toml holds [params]; languages.en.toml holds [languages.en].
			src.section = base
			parts := strings.Split(strings.ToLower(base), ".")
			for i := len(parts) - 1; i >= 0; i-- {
				m = map[string]any{parts[i]: m}
			}
		}
		merge(conf, m, from, src)
	}
	content, lang, inSubdir, ok := hugoContent(dir, conf, postsDir)
	if !ok {
		return nil, nil
	}
	prefix, _ := within(content, postsDir)
	s := &Site{Generator: "hugo", Root: dir, Prefix: prefix, Vars: map[string]string{},
		DisablePathToLower: truthy(conf, "disablepathtolower")}
	s.hugoUgly(conf["uglyurls"])
	if inSubdir {
		s.PathPrefix = "/" + lang
	}
	flatten(s.Vars, "", conf, 0)
	langConf := table(table(conf, "languages"), lang)
	add := func(key, value, confKey string) {
		if value != "" {
			s.Values = append(s.Values, Value{Key: key, Value: value, Source: from[confKey].line("", confKey)})
		}
	}
	if u := str(conf, "baseurl"); strings.HasPrefix(u, "http://") || strings.HasPrefix(u, "https://") {
		add("site.base_url", strings.TrimRight(u, "/"), "baseurl")
	}
	if t := str(langConf, "title"); t != "" {
		add("site.title", t, "languages")
	} else {
		add("site.title", str(conf, "title"), "title")
	}
	switch {
	case str(langConf, "languagecode") != "":
		add("site.language", str(langConf, "languagecode"), "languages")
	case str(langConf, "locale") != "":
		add("site.language", str(langConf, "locale"), "languages")
	case str(conf, "languagecode") != "":
		add("site.language", str(conf, "languagecode"), "languagecode")
	default:
		add("site.language", str(conf, "defaultcontentlanguage"), "defaultcontentlanguage")
	}
	add("site.time_zone", str(conf, "timezone"), "timezone")
	section, _, _ := strings.Cut(prefix, "/")
	s.hugoPermalinks(conf, from["permalinks"], section)
	return s, nil
}

// hugoPermalinks reads [permalinks] (section = pattern), or the newer
// [permalinks.page] of Hugo 0.120 and later. The source is the line of the
// posts' section when it has a pattern, else of the first section's.
func (s *Site) hugoPermalinks(conf map[string]any, src source, section string) {
	p := table(conf, "permalinks")
	if page := table(p, "page"); page != nil {
		p = page
	}
	s.Permalinks = map[string]string{}
	for k, v := range p {
		if pat, ok := v.(string); ok {
			s.Permalinks[k] = pat
		}
	}
	if len(s.Permalinks) > 0 {
		key := slices.Sorted(maps.Keys(s.Permalinks))[0]
		if _, ok := s.Permalinks[section]; ok {
			key = section
		}
		s.PermalinkSource = src.line("permalinks", key)
	}
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// merge adds m's top-level keys to conf (first file wins; tables merge one
// level deep, for [languages.en] from several files), noting each key's
// file.
func merge(conf, m map[string]any, from map[string]source, src source) {
	for k, v := range m {
		old, seen := conf[k]
		if !seen {
			conf[k], from[k] = v, src
			continue
		}
		ot, ok1 := old.(map[string]any)
		nt, ok2 := v.(map[string]any)
		if ok1 && ok2 {
			for k2, v2 := range nt {
				if _, dup := ot[k2]; !dup {
					ot[k2] = v2
				}
			}
		}
	}
}

// hugoContent finds the content folder that holds postsDir: a language's
// contentDir (multilingual sites), else contentDir, else "content". It
// returns the folder, the language ("" when none applies) and whether
// Hugo puts that language's pages under /LANG/.
func hugoContent(dir string, conf map[string]any, postsDir string) (content, lang string, inSubdir, ok bool) {
	def := strings.ToLower(cmpOr(str(conf, "defaultcontentlanguage"), "en"))
	langs := table(conf, "languages")
	for _, l := range slices.Sorted(maps.Keys(langs)) {
		cd := str(table(langs, l), "contentdir")
		if cd == "" {
			continue
		}
		c := filepath.Join(dir, cd)
		if _, in := within(c, postsDir); in {
			return c, l, l != def || truthy(conf, "defaultcontentlanguageinsubdir"), true
		}
	}
	c := filepath.Join(dir, cmpOr(str(conf, "contentdir"), "content"))
	_, in := within(c, postsDir)
	return c, def, truthy(conf, "defaultcontentlanguageinsubdir") && len(langs) > 0, in
}

// hugoUgly reads uglyURLs: true for every section, or a table of sections.
func (s *Site) hugoUgly(v any) {
	switch v := v.(type) {
	case bool:
		s.UglyURLs = v
	case map[string]any:
		s.UglySections = map[string]bool{}
		for k, x := range v {
			b, _ := x.(bool)
			s.UglySections[k] = b
		}
	}
}
