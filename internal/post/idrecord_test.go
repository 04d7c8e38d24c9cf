package post_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/heraldhq/herald/internal/post"
)

func TestIDRecord(t *testing.T) {
	file := filepath.Join(t.TempDir(), "ids.json")
	rec, err := post.LoadIDRecord(file)
	if err != nil {
		t.Fatalf("LoadIDRecord of a missing file: %v", err)
	}
	opts := testOptions()
	first := mustParse(t, "a.md", "---\ntitle: A\ndate: 2026-01-01\n---\n", opts)
	pinned := mustParse(t, "p.md", "---\ntitle: P\ndate: 2026-01-01\nid: urn:p\n---\n", opts)
	rec.Record([]*post.Post{first, pinned})
	if err := rec.Save(); err != nil {
		t.Fatal(err)
	}
	rec, err = post.LoadIDRecord(file)
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name string
		p    *post.Post
		want string // "" for no warning
	}{
		{"unchanged", first, ""},
		{"new date changes the id", mustParse(t, "a.md", "---\ntitle: A\ndate: 2026-02-01\n---\n", opts),
			`a.md: id changed from "tag:blog.example.com,2026-01-01:/a" to "tag:blog.example.com,2026-02-01:/a"` +
				"; feed readers would show it as a new post: add `id: tag:blog.example.com,2026-01-01:/a` to its front matter"},
		{"new slug changes the id", mustParse(t, "a.md", "---\ntitle: A\ndate: 2026-01-01\nslug: other\n---\n", opts), "add `id: tag:blog.example.com,2026-01-01:/a`"},
		{"pinned id moved to a new file", mustParse(t, "renamed.md", "---\ntitle: P\ndate: 2026-01-01\nid: urn:p\n---\n", opts), ""},
		{"renamed file keeps an id another path had", mustParse(t, "p.md", "---\ntitle: A\ndate: 2026-01-01\nslug: a\n---\n", opts), ""},
		{"never published", mustParse(t, "new.md", "---\ntitle: N\ndate: 2026-01-01\n---\n", opts), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ws := rec.Check([]*post.Post{tt.p})
			switch {
			case tt.want == "" && len(ws) != 0:
				t.Errorf("Check = %v, want no warning", ws)
			case tt.want != "" && (len(ws) != 1 || !strings.Contains(ws[0].String(), tt.want)):
				t.Errorf("Check = %v, want one warning containing %q", ws, tt.want)
			}
		})
	}
}

func TestIDRecordRename(t *testing.T) {
	rec, err := post.LoadIDRecord(filepath.Join(t.TempDir(), "ids.json"))
	if err != nil {
		t.Fatal(err)
	}
	opts := testOptions()
	rec.Record([]*post.Post{mustParse(t, "old.md", "---\ntitle: P\ndate: 2026-01-01\nid: urn:p\n---\n", opts)})
	rec.Record([]*post.Post{mustParse(t, "new.md", "---\ntitle: P\ndate: 2026-01-01\nid: urn:p\n---\n", opts)})
	if ids := rec.IDs(); len(ids) != 1 || ids["new.md"] != "urn:p" {
		t.Errorf("IDs() = %v, want only new.md -> urn:p", ids)
	}
}

func TestIDRecordErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte(`{"a.md": 3}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := post.LoadIDRecord(bad); err == nil || !strings.Contains(err.Error(), "bad.json") {
		t.Errorf("LoadIDRecord(bad json) = %v, want an error naming the file", err)
	}
	if _, err := post.LoadIDRecord(dir); err == nil {
		t.Error("LoadIDRecord(a folder) succeeded, want an error")
	}
	rec, err := post.LoadIDRecord(filepath.Join(dir, "missing", "ids.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := rec.Save(); err == nil {
		t.Error("Save into a missing folder succeeded, want an error")
	}
}

// TestIDRecordRecordChanges checks what Record reports, and that its kept
// index of ids answers Check as a record freshly read from its file does.
func TestIDRecordRecordChanges(t *testing.T) {
	opts := testOptions()
	post1 := func(path, date, id string) *post.Post {
		src := "---\ntitle: T\ndate: " + date + "\n"
		if id != "" {
			src += "id: " + id + "\n"
		}
		return mustParse(t, path, src+"---\n", opts)
	}
	a1, a2 := post1("a.md", "2026-01-01", ""), post1("a.md", "2026-02-01", "")
	steps := []struct {
		name  string
		posts []*post.Post
		want  bool
	}{
		{"first record", []*post.Post{a1, post1("b.md", "2026-01-01", "urn:b")}, true},
		{"same again", []*post.Post{a1, post1("b.md", "2026-01-01", "urn:b")}, false},
		{"nothing", nil, false},
		{"new post", []*post.Post{post1("c.md", "2026-01-01", "")}, true},
		{"id changed", []*post.Post{a2}, true},
		{"renamed with its id", []*post.Post{post1("b2.md", "2026-01-01", "urn:b")}, true},
		{"renamed again unchanged", []*post.Post{post1("b2.md", "2026-01-01", "urn:b")}, false},
	}
	file := filepath.Join(t.TempDir(), "ids.json")
	rec, err := post.LoadIDRecord(file)
	if err != nil {
		t.Fatal(err)
	}
	probes := []*post.Post{a1, a2, post1("b.md", "2026-01-01", "urn:x"), post1("b2.md", "2026-03-01", ""), post1("x.md", "2026-01-01", "urn:b")}
	for _, st := range steps {
		if got := rec.Record(st.posts); got != st.want {
			t.Errorf("%s: Record = %v, want %v", st.name, got, st.want)
		}
		if err := rec.Save(); err != nil {
			t.Fatal(err)
		}
		fresh, err := post.LoadIDRecord(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range probes {
			got, want := rec.Check([]*post.Post{p}), fresh.Check([]*post.Post{p})
			if len(got) != len(want) || len(got) == 1 && got[0] != want[0] {
				t.Errorf("%s: Check(%s %s) = %v, a record read from its file says %v", st.name, p.Path, p.ID, got, want)
			}
		}
	}
}

// TestIDRecordOneIDTwoPaths: a record file edited to give one id to two
// paths keeps both entries while both posts keep their paths and ids.
func TestIDRecordOneIDTwoPaths(t *testing.T) {
	file := filepath.Join(t.TempDir(), "ids.json")
	if err := os.WriteFile(file, []byte(`{"a.md": "urn:x", "b.md": "urn:x"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	rec, err := post.LoadIDRecord(file)
	if err != nil {
		t.Fatal(err)
	}
	a := mustParse(t, "a.md", "---\ntitle: A\ndate: 2026-01-01\nid: urn:x\n---\n", testOptions())
	if ws := rec.Check([]*post.Post{a}); len(ws) != 0 {
		t.Errorf("Check = %v, want no warning", ws)
	}
	if rec.Record([]*post.Post{a}) {
		t.Error("Record of a post recorded with its id reports a change")
	}
	if ids := rec.IDs(); len(ids) != 2 {
		t.Errorf("IDs() = %v, want both entries", ids)
	}
}

// BenchmarkIDRecord10k is what a cold build does with the record of
// 10,000 unchanged posts: read it, check the posts, record them.
func BenchmarkIDRecord10k(b *testing.B) {
	opts := corpusOptions(b, 10_000)
	lib := post.NewLibrary(opts)
	if err := lib.Load(context.Background()); err != nil {
		b.Fatal(err)
	}
	posts := lib.Snapshot().All()
	file := filepath.Join(b.TempDir(), "ids.json")
	rec, err := post.LoadIDRecord(file)
	if err != nil {
		b.Fatal(err)
	}
	rec.Record(posts)
	if err := rec.Save(); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		rec, err := post.LoadIDRecord(file)
		if err != nil {
			b.Fatal(err)
		}
		if ws := rec.Check(posts); len(ws) != 0 {
			b.Fatalf("%d warnings", len(ws))
		}
		if rec.Record(posts) {
			b.Fatal("the record changed")
		}
	}
}

// TestIDRecordUnrecorded: the posts left for Check and Record are those
// whose path is missing from the record or recorded with another id.
func TestIDRecordUnrecorded(t *testing.T) {
	rec, err := post.LoadIDRecord(filepath.Join(t.TempDir(), "ids.json"))
	if err != nil {
		t.Fatal(err)
	}
	opts := testOptions()
	a := mustParse(t, "a.md", "---\ntitle: A\ndate: 2026-01-01\n---\n", opts)
	b := mustParse(t, "b.md", "---\ntitle: B\ndate: 2026-01-01\n---\n", opts)
	rec.Record([]*post.Post{a, b})
	b2 := mustParse(t, "b.md", "---\ntitle: B\ndate: 2026-02-01\n---\n", opts)
	c := mustParse(t, "c.md", "---\ntitle: C\ndate: 2026-01-01\n---\n", opts)
	got := rec.Unrecorded([]*post.Post{a, b2, c})
	if len(got) != 2 || got[0] != b2 || got[1] != c {
		t.Errorf("Unrecorded = %v, want b.md (new id) and c.md (new path)", got)
	}
}
