package subscriber

import (
	"errors"
	"strings"
	"testing"
)

func TestNormalize(t *testing.T) {
	long := strings.Repeat("a", 64)
	cases := []struct {
		name, in, want string
		bad            bool
	}{
		{name: "plain", in: "ada@example.com", want: "ada@example.com"},
		{name: "mixed case folds", in: "Ada.Lovelace@Example.COM", want: "ada.lovelace@example.com"},
		{name: "plus tag kept", in: "ada+news@example.com", want: "ada+news@example.com"},
		{name: "surrounding spaces trimmed", in: "  ada@example.com ", want: "ada@example.com"},
		{name: "subdomain", in: "x@mail.example.co.uk", want: "x@mail.example.co.uk"},
		{name: "local part of 64", in: long + "@example.com", want: long + "@example.com"},
		{name: "empty", in: "", bad: true},
		{name: "only spaces", in: "   ", bad: true},
		{name: "CR LF header injection", in: "ada@example.com\r\nBcc: eve@example.com", bad: true},
		{name: "bare LF", in: "ada@example.com\n", bad: true},
		{name: "NUL", in: "ada@exa\x00mple.com", bad: true},
		{name: "display name", in: "Ada <ada@example.com>", bad: true},
		{name: "angle brackets", in: "<ada@example.com>", bad: true},
		{name: "no at", in: "ada.example.com", bad: true},
		{name: "two ats", in: "ada@@example.com", bad: true},
		{name: "no dot in domain", in: "ada@localhost", bad: true},
		{name: "IP literal", in: "ada@[192.0.2.1]", bad: true},
		{name: "local part of 65", in: long + "a@example.com", bad: true},
		{name: "longer than 254", in: "a@" + strings.Repeat("b", 250) + ".com", bad: true},
		{name: "comma list", in: "a@example.com, b@example.com", bad: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Normalize(tc.in)
			if tc.bad {
				if err == nil || !errors.Is(err, ErrBadEmail) {
					t.Fatalf("Normalize(%q) = %q, %v; want an ErrBadEmail", tc.in, got, err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("Normalize(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
			}
		})
	}
}

// TestIDNPairs checks that the Unicode and ASCII spellings of a domain are
// one identity, stored in ASCII and shown in Unicode.
func TestIDNPairs(t *testing.T) {
	pairs := []struct{ name, unicode, ascii, key, display string }{
		{"German", "jo@bücher.example", "jo@xn--bcher-kva.example", "jo@xn--bcher-kva.example", "jo@bücher.example"},
		{"upper-case A-label", "Jo@bücher.example", "Jo@XN--BCHER-KVA.EXAMPLE", "jo@xn--bcher-kva.example", "Jo@bücher.example"},
		{"upper-case Unicode", "ann@BÜCHER.example", "ann@xn--bcher-kva.example", "ann@xn--bcher-kva.example", "ann@bücher.example"},
		{"Japanese", "yu@例え.jp", "yu@xn--r8jz45g.jp", "yu@xn--r8jz45g.jp", "yu@例え.jp"},
		{"Cyrillic TLD", "ivan@пример.рф", "ivan@xn--e1afmkfd.xn--p1ai", "ivan@xn--e1afmkfd.xn--p1ai", "ivan@пример.рф"},
		{"full-width dot", "kim@bücher．example", "kim@xn--bcher-kva.example", "kim@xn--bcher-kva.example", "kim@bücher.example"},
	}
	for _, tc := range pairs {
		t.Run(tc.name, func(t *testing.T) {
			ku, err1 := Normalize(tc.unicode)
			ka, err2 := Normalize(tc.ascii)
			if err1 != nil || err2 != nil || ku != tc.key || ka != tc.key {
				t.Fatalf("keys %q (%v) and %q (%v), want both %q", ku, err1, ka, err2, tc.key)
			}
			canon, err := Canonical(tc.unicode)
			if err != nil || !strings.HasSuffix(canon, tc.key[strings.IndexByte(tc.key, '@'):]) {
				t.Fatalf("Canonical(%q) = %q, %v; want the domain in ASCII", tc.unicode, canon, err)
			}
			if got := Display(canon); got != tc.display {
				t.Errorf("Display(%q) = %q, want %q", canon, got, tc.display)
			}
		})
	}
	for _, bad := range []string{"jo@xn--zz.example", "jo@bü cher.example", "jo@-bücher.example", "jo@bücher..example", "jo@bücher.example."} {
		if key, err := Normalize(bad); err == nil {
			t.Errorf("Normalize(%q) = %q, want an error", bad, key)
		}
	}
}

func FuzzNormalize(f *testing.F) {
	for _, seed := range []string{"ada@example.com", "A <a@b.c>", "a@b", "x\r\n@y.z", "jo@bücher.example",
		"Jo@XN--BCHER-KVA.example", "yu@例え.jp", "a@ß.example", "a@xn--.example"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, in string) {
		key, err := Normalize(in)
		if err != nil {
			if _, cerr := Canonical(in); cerr == nil {
				t.Fatalf("Canonical accepts %q, which Normalize refuses: %v", in, err)
			}
			return
		}
		if strings.ContainsAny(key, "\r\n\x00") || len(key) > maxAddressLen || key != strings.ToLower(key) {
			t.Fatalf("Normalize(%q) = %q: not a clean lower-case key", in, key)
		}
		if again, err := Normalize(key); err != nil || again != key {
			t.Fatalf("Normalize is not idempotent: %q -> %q -> %q, %v", in, key, again, err)
		}
		canon, err := Canonical(in)
		if err != nil {
			t.Fatalf("Canonical refuses %q, which Normalize accepts: %v", in, err)
		}
		domain := canon[strings.LastIndexByte(canon, '@')+1:]
		for _, r := range domain {
			if r > 0x7f {
				t.Fatalf("Canonical(%q) = %q: domain not ASCII", in, canon)
			}
		}
		for _, form := range []string{canon, Display(canon)} {
			if k, err := Normalize(form); err != nil || k != key {
				t.Fatalf("%q (from %q) normalises to %q, %v; want the same key %q", form, in, k, err, key)
			}
		}
	})
}
