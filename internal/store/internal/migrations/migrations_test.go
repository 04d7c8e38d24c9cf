package migrations

import (
	"strings"
	"testing"
	"testing/fstest"
)

func TestLoadOrdersByVersion(t *testing.T) {
	list, err := Load(fstest.MapFS{
		"migrations/0010_later.sql": {Data: []byte("B")},
		"migrations/0002_first.sql": {Data: []byte("A")},
		"migrations/README":         {Data: []byte("not a migration")},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[0].Version != 2 || list[0].SQL != "A" || list[1].Name != "0010_later.sql" {
		t.Fatalf("Load = %+v", list)
	}
}

func TestLoadRefusesBadNames(t *testing.T) {
	for _, name := range []string{"init.sql", "x1_init.sql", "0000_zero.sql", "0001init.sql"} {
		_, err := Load(fstest.MapFS{"migrations/" + name: {Data: []byte("SELECT 1;")}})
		if err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("Load(%s) = %v; want an error naming the file", name, err)
		}
	}
}
