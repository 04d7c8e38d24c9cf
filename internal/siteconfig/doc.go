// Package siteconfig finds the Hugo or Jekyll site a posts folder lies in
// and reads from its config what herald needs: the base URL, title,
// language and time zone (as herald config keys, with the FILE:LINE they
// came from), the posts' permalink rule, Hugo's path options, Jekyll's
// site variables, includes folder and _data/authors.yml.
//
// A Hugo site is a folder with hugo.toml, hugo.yaml, hugo.json,
// config.toml, config.yaml, config.json or config/_default/ whose content
// folder (contentDir, "content" by default) holds the posts folder. A
// Jekyll site is a folder with _config.yml holding the posts folder. The
// nearest such folder above the posts folder wins. Detect reads nothing
// else: no theme, module or per-environment config, no language-specific
// settings.
package siteconfig
