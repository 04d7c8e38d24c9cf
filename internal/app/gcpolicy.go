package app

import (
	"math"
	"os"
	"runtime/debug"
	"runtime/metrics"
)

// The daemon sets its garbage collector from what it keeps: after a full
// collection it measures the live heap and what the runtime holds beyond
// it (fragmentation, its own structures), and lets the heap grow by a
// headroom of a quarter of the live heap, at least minHeadroom, before the
// next collection: GOGC is that headroom as a share of the live heap (at
// most 100), and a soft memory limit (debug.SetMemoryLimit) of all three
// plus a quarter of the headroom makes the runtime give idle memory back
// rather than keep a tenth more than its goal, as it does under GOGC
// alone; the limit is what bounds the daemon's memory.
//
// With GOGC=50 alone, the daemon of 100,000 posts grew from 141 MiB
// resident after its start to 184 MiB after bench/run's serving and past
// 190 after 10 s of it. GOGC paces the collections, not the limit: a
// limit as tight as the headroom made the runtime collect a third more
// often, with more assists, than the same headroom as GOGC. A small site,
// whose headroom is mostly minHeadroom, collects at GOGC=100: half as
// often as GOGC=50 did.
//
// An operator who sets GOGC or GOMEMLIMIT takes the collector over: then
// herald changes neither (see docs/production.md).

const (
	// maxGCPercent is the daemon's GOGC when the headroom is larger than
	// the live heap.
	maxGCPercent = 100
	// loadGCPercent is its GOGC while it reads every post (at the start,
	// at a reload), before the live heap is known: lower than most, so
	// that the load's peak stays near what the daemon keeps.
	loadGCPercent = 50
	// minHeadroom is the least headroom, and headroomDivisor the share of
	// the live heap it is when larger: a collection of a large live heap
	// costs more, so it may wait for more garbage.
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
	live     uint64 // the live heap then, and the GOGC set last, for the log
	percent  int
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
	g.live, g.overhead = s.heapLive, 0
	if s.inUse > s.heapLive {
		g.overhead = s.inUse - s.heapLive
	}
	g.started = true
	return g.apply(s)
}

// rebuilt moves GOGC and the limit after a rebuild, whose posts may change
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
	percent, limit := collectorSettings(s.heapLive, g.overhead)
	g.percent = percent
	g.setPercent(percent)
	g.setLimit(limit)
	return limit
}

// collectorSettings are GOGC and the memory limit for a live heap of live
// bytes and what the runtime holds beyond it, overhead.
func collectorSettings(live, overhead uint64) (percent int, limit int64) {
	headroom := max(live/headroomDivisor, minHeadroom)
	percent = maxGCPercent
	if live > 0 {
		percent = int(min(maxGCPercent, 100*headroom/live))
	}
	l := live + overhead + headroom + headroom/4
	if l > math.MaxInt64 {
		return percent, math.MaxInt64
	}
	return percent, int64(l)
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
