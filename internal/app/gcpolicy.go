package app

import (
	"math"
	"os"
	"runtime/debug"
	"runtime/metrics"
)

// The daemon's garbage collector runs at GOGC=100 under a soft memory limit
// (debug.SetMemoryLimit) that gcPolicy sets from what the daemon keeps:
// the memory the runtime holds after a collection, plus a headroom for the
// garbage of requests, rebuilds and sends. With GOGC alone the heap grows
// by a share of what it keeps before a collection, and the runtime holds
// on to about a tenth more than that: at 100,000 posts GOGC=50 let the
// daemon grow from 151 MB resident after its start to 200 MB once it had
// served a while. The limit bounds that growth whatever the size of the
// site; GOGC=100 lets a small site, whose limit is mostly headroom,
// collect half as often as GOGC=50 did.
//
// An operator who sets GOGC or GOMEMLIMIT takes the collector over: then
// herald changes neither (see docs/production.md).

const (
	// daemonGCPercent is the daemon's GOGC once started.
	daemonGCPercent = 100
	// loadGCPercent is its GOGC while it reads the posts at the start,
	// before any limit is known: lower than daemonGCPercent, so that the
	// start's peak stays near what the daemon keeps.
	loadGCPercent = 50
	// minHeadroom is the least headroom over what the daemon keeps, and
	// headroomDivisor the share of the live heap it grows to when larger:
	// a collection of a large live heap costs more, so it may wait for a
	// little more garbage.
	minHeadroom     = 24 << 20
	headroomDivisor = 4
)

// memSample is what the runtime says of its memory.
type memSample struct {
	heapLive uint64 // bytes of the heap the last collection found live
	inUse    uint64 // memory the runtime holds from the system: what its memory limit counts
}

// gcPolicy applies the collector's settings. Its fields are the runtime's
// unless a test injects others.
type gcPolicy struct {
	getenv     func(string) string
	sample     func() memSample
	setPercent func(int) int
	setLimit   func(int64) int64

	// overhead is what the runtime held beyond the live heap at the last
	// full collection (fragmentation, its own structures): a later limit
	// adds it to the live heap of the moment.
	overhead uint64
	started  bool // collected ran: overhead is known
}

func newGCPolicy() *gcPolicy {
	return &gcPolicy{getenv: os.Getenv, sample: readMemSample, setPercent: debug.SetGCPercent, setLimit: debug.SetMemoryLimit}
}

// managed reports whether herald sets the collector: neither GOGC nor
// GOMEMLIMIT is set.
func (g *gcPolicy) managed() bool {
	return g.getenv("GOGC") == "" && g.getenv("GOMEMLIMIT") == ""
}

// loading sets the collector for a load of every post: at the start, or
// at a reload while the old posts still live. No limit holds meanwhile
// (one set from the old posts alone would make the collector run without
// pause until the load ends); the next collected sets it again.
func (g *gcPolicy) loading() {
	if g.managed() {
		g.setPercent(loadGCPercent)
		g.setLimit(math.MaxInt64)
	}
}

// collected sets GOGC and the limit right after a full collection (one
// that also gave the free memory back, debug.FreeOSMemory), when what the
// runtime holds is what the daemon keeps; it returns the limit set, 0 when
// herald does not manage the collector.
func (g *gcPolicy) collected() int64 {
	if !g.managed() {
		return 0
	}
	s := g.sample()
	g.overhead = 0
	if s.inUse > s.heapLive {
		g.overhead = s.inUse - s.heapLive
	}
	g.started = true
	g.setPercent(daemonGCPercent)
	return g.apply(s)
}

// rebuilt moves the limit after a rebuild, whose posts may have changed
// what the daemon keeps; it returns the limit set, 0 when herald does not
// manage the collector or the start has not yet collected (the start's
// own rebuild).
func (g *gcPolicy) rebuilt() int64 {
	if !g.managed() || !g.started {
		return 0
	}
	return g.apply(g.sample())
}

func (g *gcPolicy) apply(s memSample) int64 {
	limit := memoryLimit(s.heapLive, g.overhead)
	g.setLimit(limit)
	return limit
}

// memoryLimit is the limit for a live heap of live bytes and a runtime
// overhead beyond it.
func memoryLimit(live, overhead uint64) int64 {
	headroom := max(live/headroomDivisor, minHeadroom)
	l := live + overhead + headroom
	if l > math.MaxInt64 {
		return math.MaxInt64
	}
	return int64(l)
}

// memMetrics are the runtime/metrics names readMemSample reads.
var memMetrics = []string{"/gc/heap/live:bytes", "/memory/classes/total:bytes", "/memory/classes/heap/released:bytes"}

func readMemSample() memSample {
	m := make([]metrics.Sample, len(memMetrics))
	for i, name := range memMetrics {
		m[i].Name = name
	}
	metrics.Read(m)
	v := func(i int) uint64 {
		if m[i].Value.Kind() != metrics.KindUint64 {
			return 0
		}
		return m[i].Value.Uint64()
	}
	return memSample{heapLive: v(0), inUse: v(1) - min(v(2), v(1))}
}
