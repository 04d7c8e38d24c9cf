package config

import (
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"
)

// Load reads the TOML file at path, applies the defaults, then the HERALD_*
// variables of environ (in os.Environ form; nil means none), resolves
// relative paths against the file's folder and validates everything. On
// failure the error is an Errors listing every problem with its line and
// column (or environment variable); the *Config is then nil.
func Load(path string, environ []string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, Errors{{File: path, Msg: fmt.Sprintf("read config: %v", err)}}
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, Errors{{File: path, Msg: fmt.Sprintf("resolve config path: %v", err)}}
	}
	return load(path, abs, string(data), environ)
}

// load is Load on the file's contents src; abs locates relative paths.
func load(path, abs, src string, environ []string) (*Config, error) {
	var raw map[string]any
	if _, err := toml.Decode(src, &raw); err != nil {
		return nil, syntaxError(path, err)
	}
	l := newLoader(path, abs, src)
	l.run(raw, environ)
	if len(l.errs) > 0 {
		l.errs.sort()
		return nil, l.errs
	}
	return l.cfg, nil
}

// syntaxError turns a TOML parse error into Errors with its position.
func syntaxError(path string, err error) error {
	var pe toml.ParseError
	if errors.As(err, &pe) {
		return Errors{{File: path, Line: pe.Position.Line, Col: pe.Position.Col, Msg: "bad TOML: " + pe.Message}}
	}
	return Errors{{File: path, Msg: fmt.Sprintf("bad TOML: %v", err)}}
}

// loader carries one Load: the file's positions, the fields, the sources
// of the values and the problems found so far.
type loader struct {
	file    string // as given to Load, for messages
	dir     string // absolute folder of the file
	loc     map[string]pos
	byKey   map[string]field
	cfg     *Config
	sources map[string]string
	vacRaw  []map[string]any
	dbURL   string // DATABASE_URL
	errs    Errors
}

func newLoader(file, abs, src string) *loader {
	l := &loader{file: file, dir: filepath.Dir(abs), loc: locate(src), byKey: map[string]field{},
		cfg: &Config{File: abs, Authors: map[string]Author{}}, sources: map[string]string{}}
	for _, f := range fields() {
		l.byKey[f.key] = f
	}
	return l
}

func (l *loader) run(raw map[string]any, environ []string) {
	l.defaults()
	l.decode(raw)
	l.environment(environ)
	l.resolvePaths()
	l.fromSite()
	l.derive()
	l.readFiles()
	l.validate()
	l.record()
}

// defaults sets every literal default, with source "default".
func (l *loader) defaults() {
	for _, f := range fields() {
		if f.ptr == nil || f.def == "" {
			continue
		}
		v, err := fromEnv(f.kind, f.def)
		if err == nil {
			err = assign(f.ptr(l.cfg), v)
		}
		if err != nil {
			panic(fmt.Sprintf("config: bad default of %s: %v", f.key, err)) // a bug in fields()
		}
	}
}

// decode walks the file's top level and sets every known key.
func (l *loader) decode(raw map[string]any) {
	for _, name := range slices.Sorted(maps.Keys(raw)) {
		v := raw[name]
		switch {
		case name == "authors":
			l.decodeAuthors(v)
		case name == "vacation":
			l.decodeVacations(v)
		case l.isSection(name):
			tab, ok := v.(map[string]any)
			if !ok {
				l.fail(name, fmt.Sprintf("want a table [%s], got %s", name, describe(v)))
				continue
			}
			for _, k := range slices.Sorted(maps.Keys(tab)) {
				l.setFromFile(name+"."+k, tab[k])
			}
		default:
			l.setFromFile(name, v)
		}
	}
}

func (l *loader) isSection(name string) bool {
	for k := range l.byKey {
		if strings.HasPrefix(k, name+".") {
			return true
		}
	}
	return false
}

// setFromFile converts and stores the file's value of key.
func (l *loader) setFromFile(key string, v any) {
	f, ok := l.byKey[key]
	if !ok || f.ptr == nil {
		l.unknown(key)
		return
	}
	conv, err := fromTOML(f.kind, v)
	if err == nil {
		err = assign(f.ptr(l.cfg), conv)
	}
	if err != nil {
		l.fail(key, err.Error())
		return
	}
	l.fromFile(key)
}

// fromFile records that key's value came from the file.
func (l *loader) fromFile(key string) {
	l.sources[key] = l.file + ":" + strconv.Itoa(l.loc[key].line)
}

// environment applies HERALD_* variables and notes DATABASE_URL.
func (l *loader) environment(environ []string) {
	byEnv := map[string]field{}
	for _, f := range fields() {
		if f.ptr != nil {
			byEnv[envName(f.key)] = f
		}
	}
	for _, kv := range environ {
		name, val, _ := strings.Cut(kv, "=")
		if name == "DATABASE_URL" {
			l.dbURL = val
		}
		if !strings.HasPrefix(name, "HERALD_") || ignoredEnv(name) {
			continue
		}
		f, ok := byEnv[name]
		if !ok {
			l.cfg.Warnings = append(l.cfg.Warnings, fmt.Sprintf("unknown environment variable %s ignored", name))
			continue
		}
		l.setFromEnv(f, name, val)
	}
}

func (l *loader) setFromEnv(f field, name, val string) {
	l.sources[f.key] = "env " + name
	conv, err := fromEnv(f.kind, val)
	if err == nil {
		err = assign(f.ptr(l.cfg), conv)
	}
	if err != nil {
		l.fail(f.key, err.Error())
	}
}

// envName is the variable that overrides key: HERALD_SERVER_LISTEN.
func envName(key string) string {
	return "HERALD_" + strings.ToUpper(strings.ReplaceAll(key, ".", "_"))
}

// ignoredEnv lists HERALD_* variables that are not config keys.
func ignoredEnv(name string) bool {
	return name == "HERALD_CONFIG" || strings.HasPrefix(name, "HERALD_TEST_")
}

// source returns where key's value came from: "default", "FILE:LINE" or
// "env NAME".
func (l *loader) source(key string) string {
	if s, ok := l.sources[key]; ok {
		return s
	}
	return "default"
}

func (l *loader) isSet(key string) bool { return l.source(key) != "default" }

// fail records a problem with key's value at the value's position, or the
// environment variable that set it.
func (l *loader) fail(key, msg string) {
	if l.cfg.Generator != nil && l.fromSiteFile(key) {
		if e, ok := siteError(l.source(key), key, msg); ok {
			l.errs = append(l.errs, e)
			return
		}
	}
	l.errs = append(l.errs, keyError(l.file, l.loc, l.source(key), key, msg))
}

// fromSiteFile reports whether key's value came from the site's config.
func (l *loader) fromSiteFile(key string) bool {
	if key == "posts.permalink" {
		return false
	}
	v, ok := l.cfg.Generator.Value(key)
	return ok && l.source(key) == v.Source
}

// keyError is a problem with key's value, at the value's position in file
// (loc) or naming the environment variable that set it (source).
func keyError(file string, loc map[string]pos, source, key, msg string) *Error {
	e := &Error{File: file, Key: key, Msg: key + ": " + msg}
	if env, ok := strings.CutPrefix(source, "env "); ok {
		e.Env = env
	} else if p, exact := position(loc, key); p.line > 0 {
		e.Line, e.Col = p.line, p.valCol
		if !exact {
			e.Col = p.keyCol
		}
	}
	return e
}

// position returns where key is in the file, or where its nearest parent
// is (exact false), e.g. for a key inside an inline table.
func position(loc map[string]pos, key string) (p pos, exact bool) {
	for k := key; k != ""; k = k[:max(strings.LastIndex(k, "."), 0)] {
		if p, ok := loc[k]; ok {
			return p, k == key
		}
	}
	return pos{}, false
}

// missing records a required key that has no value, at its table's header
// when the file has one.
func (l *loader) missing(key, table, when string) {
	e := &Error{File: l.file, Key: key, Msg: key + " is required" + when}
	if p, ok := l.loc[table]; ok {
		e.Line, e.Col = p.line, p.keyCol
	}
	l.errs = append(l.errs, e)
}
