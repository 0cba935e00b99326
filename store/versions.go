package store

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mockapi-go/mockapi/store/driver"
)

// versions remembers the project versions a Store read while its
// driver's watch (driver.Watcher) is up, so that Projects.Version costs no
// round trip until a project changes.
//
// Every event that may make a remembered version stale (a change the watch
// reports, a change made through this Store, the watch starting or
// stopping) clears what it concerns and moves epoch on. A version read
// from the database is remembered only if the watch was up when the read
// began and no event came between the read's start and its end: a read
// that raced a change is used once and not kept, so a Store that has seen
// a change never answers an older version afterwards.
type versions struct {
	w       driver.Watcher
	retry   time.Duration // the first pause after the watch fails
	started atomic.Bool   // the watch goroutine has been asked for

	mu      sync.RWMutex
	live    bool             // the watch is up
	epoch   uint64           // moves on at every event
	known   map[string]int64 // by project id, while live
	stopped bool             // Close has begun: no watch starts any more
	cancel  context.CancelFunc
	done    chan struct{}
}

func newVersions(w driver.Watcher) *versions {
	return &versions{w: w, retry: 100 * time.Millisecond, known: map[string]int64{}}
}

// get returns the remembered version of a project (ok), or the epoch to
// hand to put with the version read instead. The first call starts the
// watch.
func (v *versions) get(id string) (version int64, epoch uint64, ok bool) {
	if !v.started.Load() {
		v.start()
	}
	v.mu.RLock()
	defer v.mu.RUnlock()
	if v.live {
		if version, ok := v.known[id]; ok {
			return version, 0, true
		}
	}
	return 0, v.epoch, false
}

// put remembers a version read from the database if the watch is up and
// nothing happened since the read began (at epoch).
func (v *versions) put(id string, version int64, epoch uint64) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.live && v.epoch == epoch {
		v.known[id] = version
	}
}

// changed forgets a project's version: the watch says it changed, or this
// Store changed it.
func (v *versions) changed(id string) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.epoch++
	delete(v.known, id)
}

// reset forgets every version and says whether the watch is up.
func (v *versions) reset(live bool) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.epoch++
	v.live = live
	clear(v.known)
}

func (v *versions) start() {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.started.Load() || v.stopped {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	v.cancel, v.done = cancel, make(chan struct{})
	v.started.Store(true)
	go v.run(ctx)
}

// run keeps the watch up until ctx ends: when it fails, every version is
// forgotten (reads go to the database) and the watch starts again after a
// pause that grows to five seconds while it keeps failing.
func (v *versions) run(ctx context.Context) {
	defer close(v.done)
	pause := v.retry
	for {
		_ = v.w.Watch(ctx, func() { v.reset(true); pause = v.retry }, v.changed)
		v.reset(false)
		t := time.NewTimer(pause)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
		pause = min(2*pause, 5*time.Second)
	}
}

// stop ends the watch, if it runs, and waits for it.
func (v *versions) stop() {
	v.mu.Lock()
	v.stopped = true
	cancel, done := v.cancel, v.done
	v.mu.Unlock()
	if cancel != nil {
		cancel()
		<-done
	}
}
