package lru

import "testing"

func TestCacheKeepsWithinItsBound(t *testing.T) {
	c := New[string, string](10)
	c.Add("a", "aaaa", 4)
	c.Add("b", "bbbb", 4)
	if _, ok := c.Get("a"); !ok { // a is now the most recently used
		t.Fatal("a missing before the cache is full")
	}
	c.Add("c", "cccc", 4) // 12 bytes: b, the least recently used, goes
	if _, ok := c.Get("b"); ok {
		t.Error("b kept past the bound")
	}
	for _, k := range []string{"a", "c"} {
		if v, ok := c.Get(k); !ok || v != k+k+k+k {
			t.Errorf("Get(%q) = %q, %t", k, v, ok)
		}
	}
	if n, size := c.Len(); n != 2 || size != 8 {
		t.Errorf("Len = %d entries, %d bytes; want 2, 8", n, size)
	}
	c.Add("a", "A", 1) // replacing an entry counts its new size only
	if n, size := c.Len(); n != 2 || size != 5 {
		t.Errorf("after replacing a: Len = %d entries, %d bytes; want 2, 5", n, size)
	}
	c.Add("huge", "x", 11)
	if _, ok := c.Get("huge"); ok {
		t.Error("an entry larger than the bound was kept")
	}
	if n, _ := c.Len(); n != 2 {
		t.Errorf("an entry too large to keep evicted others: %d entries left", n)
	}
}
