package post

import (
	"reflect"
	"testing"
)

// slowYAML is parseYAML without the fast path.
func slowYAML(fm []byte) (meta, error) {
	return parseYAMLLibrary(fm, 2)
}

func FuzzFastYAML(f *testing.F) {
	for _, s := range []string{
		"title: Hello\ndate: 2026-11-25\n",
		"title: \"Quoted: yes\"\ntags: [a, b, 'c d']\n",
		"tags:\n  - a\n  - b\nauthor: mike\n",
		"tags:\n- a\n-  b\n",
		"title: Ünïcødé — ok\n# comment\n\nslug: x\n",
		"title: a: b\n",
		"tags: [a, [b]]\n",
		"Title: x\ntitle: y\n",
		"k:\nz: 1\n",
		"title: 'it''s'\n",
		"title: x\r\ndate: y\r\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, fm []byte) {
		fast, ok := fastYAML(fm, 2)
		if !ok {
			return
		}
		slow, err := slowYAML(fm)
		if err != nil {
			t.Fatalf("fast reader accepted what YAML rejects (%v):\n%q", err, fm)
		}
		if !reflect.DeepEqual(fast, slow) {
			t.Fatalf("fast and YAML readers differ for\n%q\nfast: %+v\nyaml: %+v", fm, fast, slow)
		}
	})
}
