package auth

import (
	"net/netip"
	"strconv"
	"testing"
	"time"
)

// Buckets of idle callers are dropped once full again, and only those.
func TestReclaim(t *testing.T) {
	l := newLimiter()
	interval, window := Limit{Requests: 10, Per: time.Second}.rates()
	now := time.Unix(1000, 0)
	for i := range 1000 {
		l.take(bucketKey{project: "p", kind: 'a', addr: netip.AddrFrom4([4]byte{10, 0, byte(i >> 8), byte(i)})}, interval, window, now)
	}
	busy := bucketKey{project: "p", kind: 'k', id: "busy"}
	if n := l.size(); n != 1000 {
		t.Fatalf("size %d, want 1000", n)
	}
	later := now.Add(interval) // every one-token bucket is full again
	for range 5 {
		l.take(busy, interval, window, later)
	}
	if got := l.reclaim(later); got != 1000 {
		t.Fatalf("reclaimed %d, want 1000", got)
	}
	if n := l.size(); n != 1 {
		t.Fatalf("size %d after reclaim, want the busy bucket only", n)
	}
	if got := l.reclaim(later.Add(5 * interval)); got != 1 || l.size() != 0 {
		t.Fatalf("reclaimed %d, size %d", got, l.size())
	}
}

func BenchmarkLimiterParallel(b *testing.B) {
	l := newLimiter()
	interval, window := Limit{Requests: 1 << 30, Per: time.Second}.rates()
	keys := make([]bucketKey, 64)
	for i := range keys {
		keys[i] = bucketKey{project: "p", kind: 'k', id: strconv.Itoa(i)}
	}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			l.take(keys[i%len(keys)], interval, window, time.Now())
			i++
		}
	})
}
