package main

import "testing"

func TestCountAgrees(t *testing.T) {
	for _, c := range []struct {
		n           int
		thing, want string
	}{
		{0, "draft", "0 drafts"}, {1, "draft", "1 draft"}, {2, "draft", "2 drafts"},
		{1, "uncertain delivery", "1 uncertain delivery"}, {3, "uncertain delivery", "3 uncertain deliveries"}, {2, "day", "2 days"},
	} {
		if got := count(c.n, c.thing); got != c.want {
			t.Errorf("count(%d, %q) = %q, want %q", c.n, c.thing, got, c.want)
		}
	}
}
