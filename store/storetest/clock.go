package storetest

import (
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mockapi-go/mockapi/store"
)

// fakeClock is a clock tests move by hand; safe for concurrent use.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func testClock(t *testing.T, h Harness) {
	// Far from the real time, so that a backend reading time.Now anywhere
	// shows.
	t0 := time.Date(2041, 3, 4, 5, 6, 7, 8000, time.UTC)
	t.Run("Expiry", func(t *testing.T) {
		t.Parallel()
		clock := &fakeClock{t: t0}
		s := h.open(t, store.WithClock(clock.Now))
		k := newKey("hash-expiring")
		k.ExpiresAt = t0.Add(time.Hour)
		require.NoError(t, s.Keys().Create(ctx(t), k))
		assert.True(t, t0.Equal(k.CreatedAt), "created %v", k.CreatedAt)
		l := &store.Link{Project: "p1", Hash: "link-expiring", ExpiresAt: t0.Add(time.Hour)}
		require.NoError(t, s.Links().Create(ctx(t), l))
		assert.True(t, t0.Equal(l.CreatedAt), "created %v", l.CreatedAt)
		old := newKey("hash-rotated")
		require.NoError(t, s.Keys().Create(ctx(t), old))
		require.NoError(t, s.Keys().Rotate(ctx(t), old.ID, newKey("hash-next"), t0.Add(10*time.Minute)))

		lookups := func(step string, key, link, rotated bool) {
			t.Helper()
			for _, c := range []struct {
				what string
				want bool
				err  error
			}{
				{"key", key, func() error { _, err := s.Keys().Lookup(ctx(t), "hash-expiring"); return err }()},
				{"link", link, func() error { _, err := s.Links().Lookup(ctx(t), "link-expiring"); return err }()},
				{"rotated key", rotated, func() error { _, err := s.Keys().Lookup(ctx(t), "hash-rotated"); return err }()},
			} {
				if c.want {
					assert.NoError(t, c.err, "%s: %s", step, c.what)
				} else {
					assert.ErrorIs(t, c.err, store.ErrNotFound, "%s: %s", step, c.what)
				}
			}
			_, err := s.Keys().Lookup(ctx(t), "hash-next")
			assert.NoError(t, err, "%s: the new key of a rotation does not expire", step)
		}
		lookups("at creation", true, true, true)
		clock.Advance(10*time.Minute - time.Microsecond)
		lookups("just before the grace period ends", true, true, true)
		clock.Advance(time.Microsecond)
		lookups("when the grace period ends", true, true, false)
		clock.Advance(50*time.Minute - time.Microsecond)
		lookups("just before expiry", true, true, false)
		clock.Advance(time.Microsecond)
		lookups("at expiry", false, false, false)
		clock.Advance(-2 * time.Hour)
		lookups("a clock set back", true, true, true)
	})
	t.Run("Stamps", func(t *testing.T) {
		t.Parallel()
		clock := &fakeClock{t: t0}
		s := h.open(t, store.WithClock(clock.Now))
		p := newProject("clocked")
		require.NoError(t, s.Projects().Create(ctx(t), p))
		rec, err := s.Records().Create(ctx(t), base, "pets", "1", raw(`{}`))
		require.NoError(t, err)
		sess := store.Scope{Project: base.Project, Session: "visitor"}
		require.NoError(t, s.RequestLog().Append(ctx(t), store.Entry{Project: "p1"}))

		clock.Advance(time.Hour)
		t1 := t0.Add(time.Hour)
		require.NoError(t, s.Projects().Update(ctx(t), p))
		patched, err := s.Records().Patch(ctx(t), sess, "pets", "1", raw(`{"a":1}`))
		require.NoError(t, err)
		for name, c := range map[string]struct{ got, want time.Time }{
			"project created":        {p.CreatedAt, t0},
			"project updated":        {p.UpdatedAt, t1},
			"record created":         {rec.CreatedAt, t0},
			"record updated":         {rec.UpdatedAt, t0},
			"patched record created": {patched.CreatedAt, t0},
			"patched record updated": {patched.UpdatedAt, t1},
		} {
			assert.True(t, c.want.Equal(c.got), "%s: %v, want %v", name, c.got, c.want)
		}
		got, err := s.Records().Get(ctx(t), sess, "pets", "1")
		require.NoError(t, err)
		assert.True(t, t1.Equal(got.UpdatedAt), "stored record updated: %v", got.UpdatedAt)
		stored, err := s.Projects().Get(ctx(t), p.ID)
		require.NoError(t, err)
		assert.True(t, t0.Equal(stored.CreatedAt) && t1.Equal(stored.UpdatedAt), "stored project %v %v", stored.CreatedAt, stored.UpdatedAt)
		es, err := s.RequestLog().Query(ctx(t), store.LogQuery{Project: "p1"})
		require.NoError(t, err)
		require.Len(t, es, 1)
		assert.True(t, t0.Equal(es[0].Time), "log entry time %v", es[0].Time)
	})
}
