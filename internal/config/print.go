package config

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"text/tabwriter"
)

// WriteSettings writes the effective settings as a TOML file with each source as a
// comment: [table] headers, the config file's own lines as "line N", and
// a long value's source on the line above it, so lines stay near 100
// columns.
func (cfg *Config) WriteSettings(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 4, 1, ' ', 0)
	fmt.Fprintf(tw, "# %s\n# with the defaults and HERALD_* variables applied; secrets masked\n", cfg.File)
	table := ""
	for _, s := range cfg.Settings() {
		t, key := splitSettingKey(s.Key)
		if t != table || strings.HasPrefix(t, "[[") && key == "from" {
			fmt.Fprintf(tw, "\n%s\n", t)
			table = t
		}
		src, val := shortSource(s.Source, cfg.File), s.TOML()
		if len(key)+len(val) > 64 {
			fmt.Fprintf(tw, "# %s:\n%s = %s\n", src, key, val)
			continue
		}
		fmt.Fprintf(tw, "%s\t= %s\t# %s\n", key, val, src)
	}
	return tw.Flush()
}

// splitSettingKey splits a key into its table header and its name:
// "site.title" is [site] title, "authors.ana.bio" [authors.ana] bio,
// "vacation[0].from" [[vacation]] from; top-level keys have no header.
func splitSettingKey(key string) (table, name string) {
	if rest, ok := strings.CutPrefix(key, "vacation["); ok {
		_, name, _ = strings.Cut(rest, "].")
		return "[[vacation]]", name
	}
	i := strings.LastIndex(key, ".")
	if i < 0 {
		return "", key
	}
	return "[" + key[:i] + "]", key[i+1:]
}

// shortSource writes a source in the config file itself as "line N".
func shortSource(src, file string) string {
	i := strings.LastIndex(src, ":")
	if i < 0 {
		return src
	}
	a, errA := filepath.Abs(src[:i])
	b, errB := filepath.Abs(file)
	if errA != nil || errB != nil || a != b {
		return src
	}
	return "line " + src[i+1:]
}
