package mockapi

import (
	"context"
	"io"
	"log/slog"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mockapi-go/mockapi/store"
)

// gatedLog is a request log whose Append waits for the test to open it.
type gatedLog struct {
	requestLog
	gate chan struct{}
	mu   sync.Mutex
	got  []store.Entry
}

func (g *gatedLog) Append(_ context.Context, es ...store.Entry) error {
	<-g.gate
	g.mu.Lock()
	defer g.mu.Unlock()
	g.got = append(g.got, es...)
	return nil
}

// The recorder never waits: past its bound, entries are counted as
// dropped; whatever was queued is written, in order, on Flush and Close.
func TestRecorderBoundsAndOrder(t *testing.T) {
	t.Parallel()
	lg := &gatedLog{gate: make(chan struct{})}
	r := newRecorder(lg, 300, slog.New(slog.NewTextHandler(io.Discard, nil)), retention{})
	for i := range 500 {
		r.Record(store.Entry{Status: i})
	}
	// A batch of 256 may already be with the store (blocked at the gate);
	// at most 300 wait besides it, and the rest were dropped.
	dropped := r.dropped.Load()
	assert.GreaterOrEqual(t, dropped, int64(500-300-256))
	assert.LessOrEqual(t, dropped, int64(500-300))
	close(lg.gate)
	r.Flush()
	lg.mu.Lock()
	got := len(lg.got)
	for i := 1; i < len(lg.got); i++ {
		require.Less(t, lg.got[i-1].Status, lg.got[i].Status, "entries are written in the order they came")
	}
	lg.mu.Unlock()
	assert.Equal(t, int64(500), int64(got)+dropped, "every entry written or counted")

	r.Close()
	r.Record(store.Entry{})
	assert.Equal(t, dropped+1, r.dropped.Load(), "after Close, an entry is counted as dropped")
}

// heldLog is a request log whose Append says it started and waits for the
// test to release it, or for its context to end.
type heldLog struct {
	requestLog
	entered chan struct{}
	release chan struct{}
	mu      sync.Mutex
	got     int
}

func (h *heldLog) Append(ctx context.Context, es ...store.Entry) error {
	select {
	case h.entered <- struct{}{}:
	default:
	}
	select {
	case <-h.release:
	case <-ctx.Done():
		return ctx.Err()
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.got += len(es)
	return nil
}

// Shutdown writes what is queued within its context: entries it leaves
// no time for are counted as dropped and reported, never waited for; a
// second Shutdown, and Flush after it, return at once.
func TestRecorderShutdownHonoursContext(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		expired  bool
		written  int
		dropped  int64
		wantFail bool
	}{
		{"time enough: everything is written", false, 2, 0, false},
		{"no time left: the rest is dropped and reported", true, 1, 1, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			lg := &heldLog{entered: make(chan struct{}, 1), release: make(chan struct{})}
			r := newRecorder(lg, 10, slog.New(slog.NewTextHandler(io.Discard, nil)), retention{})
			r.Record(store.Entry{Status: 1})
			flushed := make(chan error, 1)
			go func() { flushed <- r.FlushContext(context.Background()) }()
			<-lg.entered // the first entry is with the store, held
			r.Record(store.Entry{Status: 2})

			ctx, cancel := context.WithCancel(context.Background())
			if tc.expired {
				cancel()
			} else {
				defer cancel()
			}
			done := make(chan error, 1)
			go func() { done <- r.Shutdown(ctx) }()
			<-r.stop // Shutdown has begun before the store lets go
			close(lg.release)
			err := <-done
			require.NoError(t, <-flushed)
			if tc.wantFail {
				assert.ErrorIs(t, err, context.Canceled)
			} else {
				assert.NoError(t, err)
			}
			lg.mu.Lock()
			assert.Equal(t, tc.written, lg.got)
			lg.mu.Unlock()
			assert.Equal(t, tc.dropped, r.dropped.Load())

			assert.NoError(t, r.Shutdown(context.Background()), "a second Shutdown")
			assert.NoError(t, r.FlushContext(context.Background()), "Flush after Shutdown")
		})
	}
}

// loops counts the goroutines running a recorder's loop.
func loops() int {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			return strings.Count(string(buf[:n]), "(*recorder).loop(")
		}
		buf = make([]byte, 2*len(buf))
	}
}

// The recorder's goroutine starts with the first entry, flush or shutdown,
// not with the Server: a Server nobody calls or shuts down leaves none
// behind. Not parallel, so no other test's recorders come and go meanwhile.
func TestRecorderStartsLazily(t *testing.T) {
	discard := slog.New(slog.NewTextHandler(io.Discard, nil))
	for _, tc := range []struct {
		name string
		use  func(r *recorder)
		runs bool // the loop runs after use, until Shutdown
	}{
		{"never used", func(*recorder) {}, false},
		{"an entry", func(r *recorder) { r.Record(store.Entry{Project: "p"}) }, true},
		{"a flush", func(r *recorder) { require.NoError(t, r.FlushContext(context.Background())) }, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := loops()
			lg := &gatedLog{gate: make(chan struct{})}
			close(lg.gate)
			r := newRecorder(lg, 10, discard, retention{})
			tc.use(r)
			if tc.runs {
				// A goroutine just started may not be on a stack yet.
				assert.Eventually(t, func() bool { return loops() == before+1 }, 5*time.Second, time.Millisecond)
			} else {
				assert.Never(t, func() bool { return loops() != before }, 100*time.Millisecond, time.Millisecond)
			}
			require.NoError(t, r.Shutdown(context.Background()))
			// The loop's goroutine ends just after it closes done.
			assert.Eventually(t, func() bool { return loops() == before }, 5*time.Second, time.Millisecond,
				"Shutdown stops the loop, started or not")
			require.NoError(t, r.Shutdown(context.Background()), "twice")
		})
	}
}
