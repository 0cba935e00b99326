// Package ratelog keeps a repeated failure from filling a log: under load,
// a database that is down fails every request, and one line per burst
// tells the operator as much as thousands.
package ratelog

import (
	"sync"
	"time"
)

// maxKeys bounds the keys a Limiter tracks; past it, it forgets them all.
const maxKeys = 1024

// Limiter says when a failure, by key, may be logged: the first time, then
// at most once per interval, with the number held back in between.
type Limiter[K comparable] struct {
	// Every is the shortest time between two lines for one key; zero
	// means ten seconds.
	Every time.Duration

	mu sync.Mutex
	m  map[K]*state
}

type state struct {
	next       time.Time
	suppressed int
}

// Allow reports whether a failure under the key may be logged at now and,
// if so, how many were held back since the last line.
func (l *Limiter[K]) Allow(key K, now time.Time) (ok bool, suppressed int) {
	every := l.Every
	if every <= 0 {
		every = 10 * time.Second
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.m == nil || len(l.m) >= maxKeys {
		l.m = map[K]*state{}
	}
	st := l.m[key]
	if st == nil {
		st = &state{}
		l.m[key] = st
	}
	if now.Before(st.next) {
		st.suppressed++
		return false, 0
	}
	suppressed, st.suppressed, st.next = st.suppressed, 0, now.Add(every)
	return true, suppressed
}
