// Package migrations reads the numbered schema migrations that the SQLite
// and PostgreSQL stores embed; each store applies them in its own dialect.
package migrations

import (
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
)

// Migration is one file migrations/NNNN_what.sql.
type Migration struct {
	Version int    // NNNN, at least 1
	Name    string // the file name
	SQL     string
}

// Load returns the migrations under migrations/ in fsys in version order.
// A file whose name does not start with a positive number and "_" is an
// error naming it.
func Load(fsys fs.FS) ([]Migration, error) {
	names, err := fs.Glob(fsys, "migrations/*.sql")
	if err != nil {
		return nil, fmt.Errorf("list migrations: %w", err)
	}
	var list []Migration
	for _, name := range names {
		base := strings.TrimPrefix(name, "migrations/")
		num, _, ok := strings.Cut(base, "_")
		version, err := strconv.Atoi(num)
		if !ok || err != nil || version <= 0 {
			return nil, fmt.Errorf("read migration %s: name does not start with a number and _", base)
		}
		body, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("read migration %s: %w", base, err)
		}
		list = append(list, Migration{Version: version, Name: base, SQL: string(body)})
	}
	sort.Slice(list, func(i, j int) bool { return list[i].Version < list[j].Version })
	return list, nil
}
