// Package config turns herald's one TOML file into a validated *Config.
//
// Load reads the file, applies the defaults, then the environment
// (HERALD_<SECTION>_<KEY>, e.g. HERALD_SERVER_LISTEN; HERALD_DATA_DIR for a
// top-level key; DATABASE_URL as the PostgreSQL DSN fallback), resolves
// relative paths against the file's folder and validates every value. It
// reports every problem at once as Errors, each "file:line:col: message"
// (or "file: env NAME: message" for a value from the environment):
//
//	cfg, err := config.Load("herald.toml", os.Environ())
//	var errs config.Errors
//	if errors.As(err, &errs) {
//		for _, e := range errs {
//			fmt.Fprintln(os.Stderr, e)
//		}
//	}
//
// A *Config is never changed after Load, so a daemon can reload by calling
// Load again and, when it succeeds, swapping the pointer; Diff says which
// keys changed and which of those need a restart. Settings lists the
// effective values with their sources and secrets masked, for
// `herald config`. Keys lists every documented key; tests keep it, the
// example (Example, config.example.toml) and docs/configuration.md in sync.
//
// The environment cannot set [authors.<key>] or [[vacation]] entries. An
// unknown HERALD_* variable is a warning in Config.Warnings, not an error.
package config
