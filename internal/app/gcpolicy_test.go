package app

import (
	"math"
	"runtime"
	"testing"
)

// fakeRuntime records what a gcPolicy sets, and serves the samples a test
// gives it instead of the runtime's.
type fakeRuntime struct {
	env     map[string]string
	next    memSample
	percent []int
	limits  []int64
}

func (f *fakeRuntime) policy() *gcPolicy {
	return &gcPolicy{
		getenv:     func(k string) string { return f.env[k] },
		sample:     func() memSample { return f.next },
		setPercent: func(p int) int { f.percent = append(f.percent, p); return 100 },
		setLimit:   func(l int64) int64 { f.limits = append(f.limits, l); return l },
	}
}

const mib = 1 << 20

// TestGCPolicyLimit checks the collector's settings: after a full
// collection, a headroom of a quarter of the live heap, at least
// minHeadroom, as GOGC (at most 100) and, with a quarter of it again and what
// the runtime holds beyond the live heap, as the limit; after a rebuild,
// the same for the new live heap with the overhead of the last
// collection; none before the start's collection.
func TestGCPolicyLimit(t *testing.T) {
	f := &fakeRuntime{}
	g := f.policy()
	g.loading()
	if len(f.percent) != 1 || f.percent[0] != loadGCPercent || len(f.limits) != 1 || f.limits[0] != math.MaxInt64 {
		t.Fatalf("load: GOGC set to %v and limit to %v, want [%d] and no limit", f.percent, f.limits, loadGCPercent)
	}
	f.next = memSample{heapLive: 90 * mib, inUse: 100 * mib}
	if got := g.rebuilt(); got != 0 || len(f.limits) != 1 || len(f.percent) != 1 {
		t.Fatalf("rebuild before the start's collection set limit %d (%v) and GOGC %v, want neither", got, f.limits, f.percent)
	}
	steps := []struct {
		name        string
		sample      memSample
		do          func() int64
		wantPercent int
		wantLimit   int64
	}{
		// 100 MiB live and 30 more held: 25 MiB of headroom, a quarter of it more in the limit.
		{"large site after its start", memSample{heapLive: 100 * mib, inUse: 130 * mib}, g.collected, 25, (100+30+25)*mib + 25*mib/4},
		// Posts added: 120 MiB live, the 30 MiB overhead kept, 30 MiB headroom.
		{"rebuild with more posts", memSample{heapLive: 120 * mib, inUse: 200 * mib}, g.rebuilt, 25, (120+30+30)*mib + 30*mib/4},
		// 64 MiB live: the least headroom, a larger share of it.
		{"rebuild with fewer posts", memSample{heapLive: 64 * mib, inUse: 70 * mib}, g.rebuilt, 37, (64+30)*mib + minHeadroom*5/4},
		// A reload that read far fewer posts: 10 MiB live, 8 more held; GOGC at most 100.
		{"small site after a reload", memSample{heapLive: 10 * mib, inUse: 18 * mib}, g.collected, maxGCPercent, (10+8)*mib + minHeadroom*5/4},
		// Whatever the runtime says, the limit leaves room over the live heap.
		{"runtime holding less than the live heap", memSample{heapLive: 10 * mib, inUse: 5 * mib}, g.collected, maxGCPercent, 10*mib + minHeadroom*5/4},
		// Before any collection the live heap reads as zero.
		{"no live heap known", memSample{inUse: 5 * mib}, g.collected, maxGCPercent, 5*mib + minHeadroom*5/4},
	}
	for _, s := range steps {
		f.next = s.sample
		got := s.do()
		limit, percent := f.limits[len(f.limits)-1], f.percent[len(f.percent)-1]
		if got != s.wantLimit || limit != s.wantLimit || percent != s.wantPercent {
			t.Errorf("%s: limit %.1f MiB (set %.1f MiB) and GOGC %d, want %.1f MiB and %d", s.name,
				float64(got)/mib, float64(limit)/mib, percent, float64(s.wantLimit)/mib, s.wantPercent)
		}
	}
	// A reload's load lifts the limit until its collection.
	g.loading()
	if l := f.limits[len(f.limits)-1]; l != math.MaxInt64 || f.percent[len(f.percent)-1] != loadGCPercent {
		t.Errorf("reload: limit %d and GOGC %d, want none and %d", l, f.percent[len(f.percent)-1], loadGCPercent)
	}
}

// TestGCPolicyLeavesOperatorSettings checks that GOGC or GOMEMLIMIT in the
// environment keeps herald from setting either.
func TestGCPolicyLeavesOperatorSettings(t *testing.T) {
	for _, env := range []map[string]string{{"GOMEMLIMIT": "300MiB"}, {"GOGC": "200"}, {"GOGC": "off", "GOMEMLIMIT": "1GiB"}} {
		f := &fakeRuntime{env: env, next: memSample{heapLive: 100 * mib, inUse: 130 * mib}}
		g := f.policy()
		g.loading()
		collected, rebuilt := g.collected(), g.rebuilt()
		if collected != 0 || rebuilt != 0 || len(f.limits) != 0 || len(f.percent) != 0 {
			t.Errorf("with %v: limits %v and GOGC %v set, want none", env, f.limits, f.percent)
		}
	}
}

// TestReadMemSample checks that the runtime's metrics are read under the
// names gcPolicy asks for: a renamed metric would read as zero. The live
// heap is known once a collection ran.
func TestReadMemSample(t *testing.T) {
	runtime.GC()
	s := readMemSample()
	if s.heapLive == 0 || s.inUse == 0 {
		t.Errorf("readMemSample = %+v: a metric is missing", s)
	}
}
