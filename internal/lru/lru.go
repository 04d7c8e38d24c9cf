// Package lru is a cache bounded by the bytes of what it holds: adding past
// the bound drops the least recently used entries. herald keeps rendered
// post HTML and feed items in one, so that memory follows the bound and
// not the number of posts.
package lru

import (
	"container/list"
	"sync"
)

// Cache maps keys to values of a known size, holding at most Max bytes
// (an entry larger than Max is not kept). Safe for concurrent use.
type Cache[K comparable, V any] struct {
	mu    sync.Mutex
	max   int64
	size  int64
	byKey map[K]*list.Element
	order list.List // of *entry[K, V], most recently used first
}

type entry[K comparable, V any] struct {
	key  K
	val  V
	size int64
}

// New returns an empty Cache holding at most max bytes.
func New[K comparable, V any](max int64) *Cache[K, V] {
	return &Cache[K, V]{max: max, byKey: map[K]*list.Element{}}
}

// Get returns the value of key and marks it used.
func (c *Cache[K, V]) Get(key K) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.byKey[key]
	if !ok {
		var zero V
		return zero, false
	}
	c.order.MoveToFront(el)
	return el.Value.(*entry[K, V]).val, true
}

// Add puts val under key, of size bytes, replacing what key held, and
// drops the least recently used entries until the cache is within its
// bound.
func (c *Cache[K, V]) Add(key K, val V, size int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.byKey[key]; ok {
		c.size -= el.Value.(*entry[K, V]).size
		c.order.Remove(el)
		delete(c.byKey, key)
	}
	if size > c.max {
		return
	}
	c.byKey[key] = c.order.PushFront(&entry[K, V]{key: key, val: val, size: size})
	c.size += size
	for c.size > c.max {
		last := c.order.Back()
		e := last.Value.(*entry[K, V])
		c.order.Remove(last)
		delete(c.byKey, e.key)
		c.size -= e.size
	}
}

// Len returns the number of entries and their total size.
func (c *Cache[K, V]) Len() (n int, size int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.byKey), c.size
}
