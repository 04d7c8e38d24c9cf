package plural

import "testing"

func TestCount(t *testing.T) {
	for _, c := range []struct {
		n           int
		thing, want string
	}{
		{0, "draft", "0 drafts"}, {1, "draft", "1 draft"}, {2, "draft", "2 drafts"},
		{1, "uncertain delivery", "1 uncertain delivery"}, {3, "uncertain delivery", "3 uncertain deliveries"}, {2, "day", "2 days"},
	} {
		if got := Count(c.n, c.thing); got != c.want {
			t.Errorf("Count(%d, %q) = %q, want %q", c.n, c.thing, got, c.want)
		}
	}
}

func TestGrouped(t *testing.T) {
	for _, c := range []struct {
		n           int
		thing, want string
	}{
		{1, "delivery", "1 delivery"}, {999, "post", "999 posts"}, {1600, "delivery", "1,600 deliveries"},
		{1234567, "post", "1,234,567 posts"}, {-1000, "post", "-1,000 posts"},
	} {
		if got := Grouped(c.n, c.thing); got != c.want {
			t.Errorf("Grouped(%d, %q) = %q, want %q", c.n, c.thing, got, c.want)
		}
	}
}

func TestThemAndCapitalized(t *testing.T) {
	if Them(1) != "it" || Them(0) != "them" || Them(2) != "them" {
		t.Errorf("Them: %q %q %q", Them(1), Them(0), Them(2))
	}
	if got := Capitalized("2 test copies"); got != "2 test copies" {
		t.Errorf("Capitalized kept a digit as %q", got)
	}
	if got := Capitalized("uncertain"); got != "Uncertain" {
		t.Errorf("Capitalized = %q", got)
	}
}
