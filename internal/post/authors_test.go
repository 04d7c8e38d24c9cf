package post_test

import (
	"testing"

	"github.com/BurntSushi/toml"

	"github.com/heraldhq/herald/internal/post"
)

func TestAuthorsAsGeneratorsWriteThem(t *testing.T) {
	opts := testOptions()
	opts.Authors = map[string]post.Author{
		"mike": {Name: "Mike Ross", Email: "mike@example.com", Bio: "Writes."},
	}
	opts.DataAuthors = map[string]post.Author{"jdoe": {Name: "Jane Doe", URL: "https://jane.example/"}}
	tests := []struct {
		name, fm string
		want     []post.Author
	}{
		{"declared key", "author: mike", []post.Author{{Key: "mike", Name: "Mike Ross", Email: "mike@example.com", Bio: "Writes."}}},
		{"declared name, other case", "author: mike ROSS", []post.Author{{Key: "mike", Name: "Mike Ross", Email: "mike@example.com", Bio: "Writes."}}},
		{"undeclared name", "author: The Rust Core Team", []post.Author{{Key: "the-rust-core-team", Name: "The Rust Core Team", Undeclared: true}}},
		{"folded block scalar", "author: >\n  The Rust\n  Core Team", []post.Author{{Key: "the-rust-core-team", Name: "The Rust Core Team", Undeclared: true}}},
		{"literal block scalar", "author: |\n  Ann", []post.Author{{Key: "ann", Name: "Ann", Undeclared: true}}},
		{"author list", "author: [mike, Ann]", []post.Author{{Key: "mike", Name: "Mike Ross", Email: "mike@example.com", Bio: "Writes."}, {Key: "ann", Name: "Ann", Undeclared: true}}},
		{"authors string", "authors: Ann", []post.Author{{Key: "ann", Name: "Ann", Undeclared: true}}},
		{"hugo params.author", "params:\n  author: Ann", []post.Author{{Key: "ann", Name: "Ann", Undeclared: true}}},
		{"hugo params.author list", "params:\n  author:\n    - Ann\n    - mike", []post.Author{{Key: "ann", Name: "Ann", Undeclared: true}, {Key: "mike", Name: "Mike Ross", Email: "mike@example.com", Bio: "Writes."}}},
		{"jekyll _data/authors.yml key", "author: jdoe", []post.Author{{Key: "jdoe", Name: "Jane Doe", URL: "https://jane.example/"}}},
		{"jekyll author mapping", "author:\n  name: Ann\n  url: https://ann.example/", []post.Author{{Key: "ann", Name: "Ann", URL: "https://ann.example/", Undeclared: true}}},
		{"docsy authors list of mappings", "authors:\n- name: Ann\n  link: https://ann.example/\n- name: mike", []post.Author{{Key: "ann", Name: "Ann", URL: "https://ann.example/", Undeclared: true}, {Key: "mike", Name: "Mike Ross", Email: "mike@example.com", Bio: "Writes."}}},
		{"same person twice", "author: mike\nauthors: [Mike Ross]", []post.Author{{Key: "mike", Name: "Mike Ross", Email: "mike@example.com", Bio: "Writes."}}},
		{"empty author", "author: \"\"", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := mustParse(t, "a.md", "---\ntitle: T\ndate: 2026-01-01\n"+tt.fm+"\n---\nBody\n", opts)
			if len(p.Authors) != len(tt.want) {
				t.Fatalf("Authors = %+v, want %+v", p.Authors, tt.want)
			}
			for i := range tt.want {
				if p.Authors[i] != tt.want[i] {
					t.Errorf("Authors[%d] = %+v, want %+v", i, p.Authors[i], tt.want[i])
				}
			}
		})
	}
}

func TestTOMLAuthorForms(t *testing.T) {
	src := "+++\ntitle = \"T\"\ndate = 2026-01-01\n[params]\nauthor = \"The Rust Core Team\"\n+++\n"
	p := mustParse(t, "a.md", src, testOptions())
	if len(p.Authors) != 1 || p.Authors[0].Name != "The Rust Core Team" || !p.Authors[0].Undeclared {
		t.Fatalf("Authors = %+v, want the undeclared The Rust Core Team", p.Authors)
	}
}

func TestTOMLKeyIsValidTOML(t *testing.T) {
	for in, want := range map[string]string{
		"mike":               "mike",
		"The Rust Core Team": `"The Rust Core Team"`,
		`say "hi"\`:          `"say \"hi\"\\"`,
		"tab\there":          `"tab\u0009here"`,
		"Zoë":                `"Zoë"`,
	} {
		if got := post.TOMLKey(in); got != want {
			t.Errorf("TOMLKey(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestTOMLKeyRoundTrips(t *testing.T) {
	for _, name := range []string{"mike", "The Rust Core Team", `say "hi"\`, "tab\there", "Zoë", "a.b", "[x]"} {
		var doc struct {
			Authors map[string]struct{ Name string }
		}
		src := "[authors." + post.TOMLKey(name) + "]\nname = " + post.TOMLString(name) + "\n"
		if _, err := toml.Decode(src, &doc); err != nil {
			t.Fatalf("%q gives invalid TOML %q: %v", name, src, err)
		}
		if doc.Authors[name].Name != name {
			t.Errorf("%q: decoded %+v", name, doc.Authors)
		}
	}
}
