package store_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mockapi-go/mockapi/store"
	"github.com/mockapi-go/mockapi/store/driver"
	"github.com/mockapi-go/mockapi/store/memory"
)

// countingDriver counts the last-used writes that reach the backend.
type countingDriver struct {
	driver.Driver
	touches atomic.Int64
}

type countingKeys struct {
	driver.Keys
	n *atomic.Int64
}

func (d *countingDriver) Keys() driver.Keys { return countingKeys{d.Driver.Keys(), &d.touches} }

func (k countingKeys) Touch(ctx context.Context, id string, at time.Time) error {
	k.n.Add(1)
	return k.Keys.Touch(ctx, id, at)
}

func TestTouchCoalesces(t *testing.T) {
	d := &countingDriver{Driver: memory.NewDriver()}
	s := store.New(d, store.WithTouchInterval(0))
	defer s.Close()
	ctx := t.Context()
	var ids []string
	for _, h := range []string{"a", "b"} {
		k := &store.Key{Hash: h}
		require.NoError(t, s.Keys().Create(ctx, k))
		ids = append(ids, k.ID)
	}
	for i := range 1000 {
		require.NoError(t, s.Keys().Touch(ctx, ids[i%2], time.Now()))
	}
	assert.Zero(t, d.touches.Load(), "no write per request")
	require.NoError(t, s.Flush(ctx))
	assert.EqualValues(t, 2, d.touches.Load(), "one write per key per flush")
	require.NoError(t, s.Flush(ctx))
	assert.EqualValues(t, 2, d.touches.Load(), "nothing pending, nothing written")
}

func TestTouchInterval(t *testing.T) {
	d := &countingDriver{Driver: memory.NewDriver()}
	s := store.New(d, store.WithTouchInterval(10*time.Millisecond))
	defer s.Close()
	k := &store.Key{Hash: "h"}
	require.NoError(t, s.Keys().Create(t.Context(), k))
	require.NoError(t, s.Keys().Touch(t.Context(), k.ID, time.Now()))
	assert.Eventually(t, func() bool {
		got, err := s.Keys().Get(t.Context(), k.ID)
		return err == nil && !got.LastUsedAt.IsZero()
	}, 5*time.Second, 5*time.Millisecond, "the background flush writes last-used")
}

func TestCloseFlushes(t *testing.T) {
	d := memory.NewDriver()
	s := store.New(d)
	k := &store.Key{Hash: "h"}
	require.NoError(t, s.Keys().Create(t.Context(), k))
	require.NoError(t, s.Keys().Touch(t.Context(), k.ID, time.Now()))
	require.NoError(t, s.Close())
	s2 := store.New(d)
	defer s2.Close()
	got, err := s2.Keys().Get(t.Context(), k.ID)
	require.NoError(t, err)
	assert.False(t, got.LastUsedAt.IsZero(), "Close writes pending last-used times")
}

// closeCounter counts the Close calls that reach the backend.
type closeCounter struct {
	driver.Driver
	closes atomic.Int64
}

func (d *closeCounter) Close() error { d.closes.Add(1); return d.Driver.Close() }

// Close is idempotent: however often it is called, from however many
// goroutines, the backend is closed once and every call returns the same.
func TestCloseIdempotent(t *testing.T) {
	d := &closeCounter{Driver: memory.NewDriver()}
	s := store.New(d)
	require.NoError(t, s.Keys().Touch(t.Context(), "k", time.Now()), "starts the flush goroutine")
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() { assert.NoError(t, s.Close()) })
	}
	wg.Wait()
	assert.NoError(t, s.Close())
	assert.EqualValues(t, 1, d.closes.Load())
	assert.ErrorIs(t, s.Keys().Touch(t.Context(), "k", time.Now()), store.ErrClosed)
}
