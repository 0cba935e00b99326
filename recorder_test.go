package mockapi

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"testing"

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
