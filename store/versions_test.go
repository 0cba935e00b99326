package store_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mockapi-go/mockapi/store"
	"github.com/mockapi-go/mockapi/store/driver"
	"github.com/mockapi-go/mockapi/store/memory"
)

// watchDriver is a memory backend with a driver.Watcher the test drives:
// each event runs in Watch's goroutine, as the contract says, and counts
// the versions read from the backend.
type watchDriver struct {
	driver.Driver
	reads   atomic.Int64
	events  chan event
	watches chan struct{} // one value per Watch call

	// block, when set, makes the next Version read wait, after it has
	// read, until release is closed.
	mu      sync.Mutex
	block   chan struct{}
	release chan struct{}
}

func newWatchDriver(under driver.Driver) *watchDriver {
	return &watchDriver{Driver: under, events: make(chan event), watches: make(chan struct{}, 16)}
}

func (w *watchDriver) Projects() driver.Projects { return watchProjects{w.Driver.Projects(), w} }

type watchProjects struct {
	driver.Projects
	w *watchDriver
}

func (p watchProjects) Version(ctx context.Context, id string) (int64, error) {
	p.w.reads.Add(1)
	v, err := p.Projects.Version(ctx, id)
	p.w.mu.Lock()
	block, release := p.w.block, p.w.release
	p.w.block = nil
	p.w.mu.Unlock()
	if block != nil {
		close(block)
		<-release
	}
	return v, err
}

func (w *watchDriver) Watch(ctx context.Context, ready func(), changed func(string)) error {
	w.watches <- struct{}{}
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case ev := <-w.events:
			err := ev.run(ready, changed)
			close(ev.done)
			if err != nil {
				return err
			}
		}
	}
}

// event is something the watch does, in its goroutine.
type event struct {
	run  func(ready func(), changed func(string)) error
	done chan struct{}
}

// do runs an event in the watch goroutine and waits for it to finish.
func (w *watchDriver) do(run func(ready func(), changed func(string)) error) {
	ev := event{run, make(chan struct{})}
	w.events <- ev
	<-ev.done
}

var errDropped = errors.New("connection dropped")

// The version cache over a Watcher: reads once per change while the watch
// is up, reads every time while it is down, forgets everything when the
// watch comes back, and never keeps a version read while a change raced
// the read.
func TestVersionsFollowTheWatch(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	under := memory.NewDriver()
	w := newWatchDriver(under)
	b := store.New(w)               // the instance under test
	a := store.New(nopClose{under}) // another instance on the same database
	t.Cleanup(func() { _ = b.Close() })
	p := &store.Project{ID: "pets", Name: "Pets", Visibility: store.Public}
	require.NoError(t, a.Projects().Create(ctx, p))
	version := func() int64 {
		v, err := b.Projects().Version(ctx, "pets")
		require.NoError(t, err)
		return v
	}
	update := func(s *store.Store) int64 { // through s, with no notification
		got, err := s.Projects().Get(ctx, "pets")
		require.NoError(t, err)
		require.NoError(t, s.Projects().Update(ctx, got))
		return got.Version
	}

	// Before the watch is up, every call reads.
	require.Equal(t, p.Version, version())
	<-w.watches // the first call started the watch
	require.Equal(t, p.Version, version())
	assert.EqualValues(t, 2, w.reads.Load(), "no watch yet: every call reads")

	// Up: one read, then none until a change is reported.
	w.do(func(ready func(), _ func(string)) error { ready(); return nil })
	require.Equal(t, p.Version, version())
	require.Equal(t, p.Version, version())
	assert.EqualValues(t, 3, w.reads.Load(), "watching: one read per change")
	v2 := update(a)
	assert.Equal(t, p.Version, version(), "a change not reported yet is not read")
	w.do(func(_ func(), changed func(string)) error { changed("pets"); return nil })
	assert.Equal(t, v2, version(), "reported: read again")
	assert.Equal(t, v2, version())
	assert.EqualValues(t, 4, w.reads.Load())

	// A change made through this Store is seen by its next call.
	v3 := update(b)
	assert.Equal(t, v3, version())

	// A read that a reported change races is used, not kept.
	w.mu.Lock()
	w.block, w.release = make(chan struct{}), make(chan struct{})
	block, release := w.block, w.release
	w.mu.Unlock()
	w.do(func(_ func(), changed func(string)) error { changed("pets"); return nil }) // forget v3
	raced := make(chan int64)
	go func() {
		v, _ := b.Projects().Version(ctx, "pets")
		raced <- v
	}()
	<-block // read v3
	v4 := update(a)
	w.do(func(_ func(), changed func(string)) error { changed("pets"); return nil })
	close(release)
	assert.Equal(t, v3, <-raced, "the racing read answers what it read")
	assert.Equal(t, v4, version(), "but did not keep it")

	// Down: every call reads; up again: what was known is forgotten.
	w.do(func(func(), func(string)) error { return errDropped })
	<-w.watches // watching again, not up yet
	v5 := update(a)
	reads := w.reads.Load()
	assert.Equal(t, v5, version(), "down: read")
	assert.Equal(t, v5, version())
	assert.Equal(t, reads+2, w.reads.Load(), "down: every call reads")
	w.do(func(ready func(), _ func(string)) error { ready(); return nil })
	v6 := update(a) // unreported, made after the watch was up
	assert.Equal(t, v6, version(), "up again: nothing known from before")

	// Deleted elsewhere: reported, then not found; absence is not kept.
	require.NoError(t, a.Projects().Delete(ctx, "pets"))
	w.do(func(_ func(), changed func(string)) error { changed("pets"); return nil })
	_, err := b.Projects().Version(ctx, "pets")
	require.ErrorIs(t, err, store.ErrNotFound)
	require.NoError(t, a.Projects().Create(ctx, &store.Project{ID: "pets", Name: "Pets", Visibility: store.Public}))
	_, err = b.Projects().Version(ctx, "pets")
	assert.NoError(t, err, "created again elsewhere, unreported: found")
}

// nopClose is a driver the test closes through another Store.
type nopClose struct{ driver.Driver }

func (nopClose) Close() error { return nil }

// Close stops the watch goroutine, and a Store over a Watcher starts none
// before its first Version.
func TestVersionsWatchStopsOnClose(t *testing.T) {
	t.Parallel()
	w := newWatchDriver(memory.NewDriver())
	s := store.New(w)
	require.NoError(t, s.Projects().Create(t.Context(), &store.Project{ID: "p", Name: "P", Visibility: store.Public}))
	assert.Empty(t, w.watches, "no watch before the first Version")
	_, err := s.Projects().Version(t.Context(), "p")
	require.NoError(t, err)
	<-w.watches
	require.NoError(t, s.Close())
	_, err = s.Projects().Version(t.Context(), "p")
	assert.ErrorIs(t, err, store.ErrClosed)
}
