package web

import (
	"container/list"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// maxLimiterKeys bounds the memory of each keyedLimiter: past it, the key
// used least recently is forgotten (and starts again with a full bucket).
const maxLimiterKeys = 10_000

// keyedLimiter is a token bucket per key (a client IP or an address): up to
// perHour requests at once, refilled evenly over the hour. It keeps at most
// maxKeys buckets. A nil *keyedLimiter allows everything. Safe for
// concurrent use.
type keyedLimiter struct {
	perHour int
	maxKeys int

	mu    sync.Mutex
	order *list.List // of *bucket, most recently used first
	keys  map[string]*list.Element
}

type bucket struct {
	key string
	lim *rate.Limiter
}

// newKeyedLimiter returns a limiter of perHour requests per key, or nil
// (unlimited) when perHour is negative or zero.
func newKeyedLimiter(perHour, maxKeys int) *keyedLimiter {
	if perHour <= 0 {
		return nil
	}
	return &keyedLimiter{perHour: perHour, maxKeys: maxKeys, order: list.New(), keys: map[string]*list.Element{}}
}

// SamePerHour reports whether l limits to perHour (nil: unlimited).
func (l *keyedLimiter) SamePerHour(perHour int) bool {
	if l == nil {
		return perHour <= 0
	}
	return l.perHour == perHour
}

// Allow takes one token from key's bucket at now and reports whether there
// was one; when not, wait says how long until the next one.
func (l *keyedLimiter) Allow(key string, now time.Time) (ok bool, wait time.Duration) {
	if l == nil {
		return true, 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	r := l.reserve(key).ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return false, d
	}
	return true, 0
}

// Len returns the number of keys remembered.
func (l *keyedLimiter) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.keys)
}

// reserve returns key's limiter, creating it and evicting the least
// recently used key when full. l.mu must be held.
func (l *keyedLimiter) reserve(key string) *rate.Limiter {
	if e, ok := l.keys[key]; ok {
		l.order.MoveToFront(e)
		return e.Value.(*bucket).lim
	}
	for len(l.keys) >= l.maxKeys {
		oldest := l.order.Back()
		delete(l.keys, oldest.Value.(*bucket).key)
		l.order.Remove(oldest)
	}
	lim := rate.NewLimiter(rate.Every(time.Hour/time.Duration(l.perHour)), l.perHour)
	l.keys[key] = l.order.PushFront(&bucket{key: key, lim: lim})
	return lim
}
