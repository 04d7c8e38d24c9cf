package siteconfig

import (
	"path/filepath"
	"strings"
)

// readJekyll reads the Jekyll site in dir from its _config.yml (file),
// when dir holds postsDir.
func readJekyll(dir, file, postsDir string) (*Site, error) {
	prefix, ok := within(dir, postsDir)
	if !ok {
		return nil, nil
	}
	conf, data, err := readData(file)
	if err != nil {
		return nil, err
	}
	src := source{path: file, data: data}
	s := &Site{Generator: "jekyll", Root: dir, Prefix: prefix, Vars: map[string]string{},
		Includes: filepath.Join(dir, cmpOr(str(conf, "includes_dir"), "_includes"))}
	flatten(s.Vars, "", conf, 0)
	add := func(key, value, confKey string) {
		if value != "" {
			s.Values = append(s.Values, Value{Key: key, Value: value, Source: src.line("", confKey)})
		}
	}
	if u := str(conf, "url"); strings.HasPrefix(u, "http://") || strings.HasPrefix(u, "https://") {
		base := strings.Trim(str(conf, "baseurl"), "/")
		full := strings.TrimRight(u, "/")
		if base != "" {
			full += "/" + base
		}
		add("site.base_url", full, "url")
	}
	add("site.title", str(conf, "title"), "title")
	if lang := str(conf, "lang"); lang != "" {
		add("site.language", lang, "lang")
	} else {
		add("site.language", strings.ReplaceAll(str(conf, "locale"), "_", "-"), "locale")
	}
	add("site.time_zone", str(conf, "timezone"), "timezone")
	if p := str(table(table(conf, "collections"), "posts"), "permalink"); p != "" {
		s.Permalinks = map[string]string{"posts": p}
		s.PermalinkSource = src.line("collections", "permalink")
	} else if p := str(conf, "permalink"); p != "" {
		s.Permalinks = map[string]string{"posts": p}
		s.PermalinkSource = src.line("", "permalink")
	}
	s.Authors, err = readAuthors(filepath.Join(dir, cmpOr(str(conf, "data_dir"), "_data")))
	return s, err
}

// readAuthors reads _data/authors.yml (or .yaml, .json): a map of key to
// name, email, url (or uri, web) and bio.
func readAuthors(dataDir string) (map[string]Author, error) {
	for _, name := range []string{"authors.yml", "authors.yaml", "authors.json"} {
		m, _, err := readData(filepath.Join(dataDir, name))
		if err != nil || m == nil {
			if err != nil {
				return nil, err
			}
			continue
		}
		out := map[string]Author{}
		for k, v := range m {
			e, _ := v.(map[string]any)
			out[k] = Author{Name: cmpOr(str(e, "name"), k), Email: str(e, "email"),
				URL: cmpOr(str(e, "url"), cmpOr(str(e, "uri"), str(e, "web"))), Bio: cmpOr(str(e, "bio"), str(e, "description"))}
		}
		return out, nil
	}
	return nil, nil
}
