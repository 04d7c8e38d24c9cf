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

func FuzzNormalize(f *testing.F) {
	for _, seed := range []string{"ada@example.com", "A <a@b.c>", "a@b", "x\r\n@y.z"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, in string) {
		key, err := Normalize(in)
		if err != nil {
			return
		}
		if strings.ContainsAny(key, "\r\n\x00") || len(key) > maxAddressLen || key != strings.ToLower(key) {
			t.Fatalf("Normalize(%q) = %q: not a clean lower-case key", in, key)
		}
		if again, err := Normalize(key); err != nil || again != key {
			t.Fatalf("Normalize is not idempotent: %q -> %q -> %q, %v", in, key, again, err)
		}
	})
}
