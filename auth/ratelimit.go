package auth

import (
	"hash/maphash"
	"net/netip"
	"sync"
	"time"
)

// bucketKey names one rate-limit bucket: a project and who is limited.
// Exactly one of id and addr is set, but for kind 'v', which sets both.
type bucketKey struct {
	project string
	kind    byte // 'k' key, 'l' link, 'u' user, 'a' address, 'v' a link's visitor (id and addr)
	id      string
	addr    netip.Addr
}

// A bucket is a token bucket kept as the GCRA's theoretical arrival time
// (tat, in Unix nanoseconds): the bucket is full when tat is not after now,
// and each request moves tat one emission interval on. Integer durations:
// no drift, one word per caller.

// decision is the outcome of taking a token.
type decision struct {
	ok        bool
	remaining int           // whole tokens left
	reset     time.Duration // until the bucket is full again
	retry     time.Duration // until a token is available, when !ok
}

const shards = 16

// limiter holds token buckets for every project and client, in shards so
// concurrent requests of different clients rarely meet on a lock.
type limiter struct {
	seed   maphash.Seed
	shards [shards]shard
}

type shard struct {
	mu      sync.Mutex
	buckets map[bucketKey]int64 // tat
}

func newLimiter() *limiter {
	l := &limiter{seed: maphash.MakeSeed()}
	for i := range l.shards {
		l.shards[i].buckets = map[bucketKey]int64{}
	}
	return l
}

func (l *limiter) shardOf(k *bucketKey) *shard {
	var h maphash.Hash
	h.SetSeed(l.seed)
	h.WriteString(k.project)
	h.WriteByte(k.kind)
	h.WriteString(k.id)
	if k.addr.IsValid() {
		b := k.addr.As16()
		h.Write(b[:])
	}
	return &l.shards[h.Sum64()%shards]
}

// take takes one token from the bucket k (created full) of a limit that
// adds one token per interval, up to window/interval tokens.
func (l *limiter) take(k bucketKey, interval, window time.Duration, now time.Time) decision {
	t := now.UnixNano()
	s := l.shardOf(&k)
	s.mu.Lock()
	tat, ok := s.buckets[k]
	if !ok || tat < t {
		tat = t
	}
	ahead := time.Duration(tat - t) // how far the bucket is from full
	var d decision
	if ahead+interval <= window {
		ahead += interval
		s.buckets[k] = t + int64(ahead)
		d.ok = true
	} else {
		d.retry = ahead + interval - window
	}
	s.mu.Unlock()
	d.remaining = int((window - ahead) / interval)
	d.reset = ahead
	return d
}

// reclaim drops the buckets that are full again: a new full bucket behaves
// the same, so nobody notices.
func (l *limiter) reclaim(now time.Time) (dropped int) {
	for i := range l.shards {
		s := &l.shards[i]
		s.mu.Lock()
		for k, tat := range s.buckets {
			if tat <= now.UnixNano() {
				delete(s.buckets, k)
				dropped++
			}
		}
		s.mu.Unlock()
	}
	return dropped
}

// size is the number of buckets held.
func (l *limiter) size() int {
	n := 0
	for i := range l.shards {
		s := &l.shards[i]
		s.mu.Lock()
		n += len(s.buckets)
		s.mu.Unlock()
	}
	return n
}
