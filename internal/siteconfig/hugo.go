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
			src.section, m = base, map[string]any{base: m}
		}
		for k, v := range m {
			if _, seen := conf[k]; !seen {
				conf[k], from[k] = v, src
			}
		}
	}
	content := filepath.Join(dir, cmpOr(str(conf, "contentdir"), "content"))
	prefix, ok := within(content, postsDir)
	if !ok {
		return nil, nil
	}
	s := &Site{Generator: "hugo", Root: dir, Prefix: prefix, Vars: map[string]string{},
		DisablePathToLower: truthy(conf, "disablepathtolower"), UglyURLs: truthy(conf, "uglyurls")}
	flatten(s.Vars, "", conf, 0)
	add := func(key, value, confKey string) {
		if value != "" {
			s.Values = append(s.Values, Value{Key: key, Value: value, Source: from[confKey].line("", confKey)})
		}
	}
	if u := str(conf, "baseurl"); strings.HasPrefix(u, "http://") || strings.HasPrefix(u, "https://") {
		add("site.base_url", strings.TrimRight(u, "/"), "baseurl")
	}
	add("site.title", str(conf, "title"), "title")
	if lang := str(conf, "languagecode"); lang != "" {
		add("site.language", lang, "languagecode")
	} else {
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
