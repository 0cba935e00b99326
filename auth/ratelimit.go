package auth

import (
	"hash/maphash"
	"math"
	"net/netip"
	"sync"
	"time"
)

// bucketKey names one rate-limit bucket: a project and who is limited.
// Exactly one of id and addr is set.
type bucketKey struct {
	project string
	kind    byte // 'k' key, 'l' link, 'u' user, 'a' address
	id      string
	addr    netip.Addr
}

// bucket is a token bucket. Its fields are guarded by its shard's mutex.
type bucket struct {
	tokens float64
	last   time.Time
	limit  Limit
}

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
	buckets map[bucketKey]*bucket
}

func newLimiter() *limiter {
	l := &limiter{seed: maphash.MakeSeed()}
	for i := range l.shards {
		l.shards[i].buckets = map[bucketKey]*bucket{}
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

// take takes one token from the bucket k, creating it full, and adopting
// lim if the project's limit changed.
func (l *limiter) take(k bucketKey, lim Limit, now time.Time) decision {
	s := l.shardOf(&k)
	s.mu.Lock()
	defer s.mu.Unlock()
	b := s.buckets[k]
	capacity := float64(lim.burst())
	if b == nil {
		b = &bucket{tokens: capacity, last: now, limit: lim}
		s.buckets[k] = b
	}
	if b.limit != lim {
		b.limit = lim
		b.tokens = math.Min(b.tokens, capacity)
	}
	rate := float64(lim.Requests) / lim.Per.Seconds() // tokens per second
	if elapsed := now.Sub(b.last).Seconds(); elapsed > 0 {
		b.tokens = math.Min(capacity, b.tokens+elapsed*rate)
		b.last = now
	}
	d := decision{}
	if b.tokens >= 1 {
		b.tokens--
		d.ok = true
	} else {
		d.retry = seconds((1 - b.tokens) / rate)
	}
	d.remaining = int(b.tokens)
	d.reset = seconds((capacity - b.tokens) / rate)
	return d
}

func seconds(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }

// reclaim drops the buckets that have been idle long enough to be full
// again: a new full bucket behaves the same, so nobody notices.
func (l *limiter) reclaim(now time.Time) (dropped int) {
	for i := range l.shards {
		s := &l.shards[i]
		s.mu.Lock()
		for k, b := range s.buckets {
			rate := float64(b.limit.Requests) / b.limit.Per.Seconds()
			if b.tokens+now.Sub(b.last).Seconds()*rate >= float64(b.limit.burst()) {
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
