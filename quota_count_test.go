package mockapi

import (
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mockapi-go/mockapi/store"
	"github.com/mockapi-go/mockapi/store/memory"
)

// fakeClock is a settable clock.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) set(t time.Time) { c.mu.Lock(); defer c.mu.Unlock(); c.t = t }

// Two counters on one store stand for two instances: between syncs each
// admits what it sees, so together they may pass the limit by what they
// admit before each has synced twice (a request counted by one is written
// at its next sync and read by the other at the other's next), and no
// further.
func TestQuotaDriftIsBounded(t *testing.T) {
	st := memory.New()
	t.Cleanup(func() { _ = st.Close() })
	clock := &fakeClock{t: time.Date(2026, 12, 7, 23, 0, 0, 0, time.UTC)}
	require.NoError(t, st.Quotas().Put(t.Context(), &store.Quota{Subject: "project:p", RequestsPerDay: 5}))
	// A sync interval of zero or less starts no goroutine: syncs are
	// made by hand here.
	a := newQuotas(st.Quotas(), -1, clock.now, slog.New(slog.DiscardHandler))
	b := newQuotas(st.Quotas(), -1, clock.now, slog.New(slog.DiscardHandler))
	subjects := []string{"project:p"}
	admit := func(q *quotas) bool {
		over, _, err := q.admit(t.Context(), subjects)
		require.NoError(t, err)
		return over == nil
	}
	admitted := 0
	for range 3 {
		for _, q := range []*quotas{a, b} {
			if admit(q) {
				admitted++
			}
		}
	}
	assert.Equal(t, 6, admitted, "before a sync, each instance sees only its own count")
	require.NoError(t, a.sync(t.Context()))
	require.NoError(t, b.sync(t.Context()))
	assert.False(t, admit(b), "b synced last: it sees the total")
	require.NoError(t, a.sync(t.Context()))
	assert.False(t, admit(a), "a sees it at its next sync")
	assert.False(t, admit(b))

	over, _, err := a.admit(t.Context(), subjects)
	require.NoError(t, err)
	require.NotNil(t, over)
	assert.Equal(t, "requests_per_day", over.Name)
	assert.EqualValues(t, 5, over.Size)
	assert.EqualValues(t, 6, over.Used, "one past the limit: b's last admission before it synced")
	assert.Equal(t, time.Date(2026, 12, 8, 0, 0, 0, 0, time.UTC), over.Reset)
	assert.Equal(t, time.Hour, over.retry)

	// A new day starts a new count.
	clock.set(clock.now().Add(2 * time.Hour))
	assert.True(t, admit(a), "the next UTC day")

	// Close writes what is pending; a new counter reads it back.
	require.NoError(t, a.Close(t.Context()))
	c := newQuotas(st.Quotas(), -1, clock.now, slog.New(slog.DiscardHandler))
	for range 4 {
		assert.True(t, admit(c))
	}
	assert.False(t, admit(c), "1 counted by a before Close, 4 by c: the day's 5 are used")
}

func TestQuotaCacheAndSubjects(t *testing.T) {
	st := memory.New()
	t.Cleanup(func() { _ = st.Close() })
	clock := &fakeClock{t: time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)}
	q := newQuotas(st.Quotas(), time.Minute, clock.now, slog.New(slog.DiscardHandler))
	t.Cleanup(func() { _ = q.Close(t.Context()) })

	over, tight, err := q.admit(t.Context(), []string{"project:p", "user:u"})
	require.NoError(t, err)
	assert.Nil(t, over)
	assert.Nil(t, tight, "no quota: nothing counted, no RateLimit fields")

	require.NoError(t, st.Quotas().Put(t.Context(), &store.Quota{Subject: "user:u", RequestsPerMonth: 1}))
	_, tight, err = q.admit(t.Context(), []string{"project:p", "user:u"})
	require.NoError(t, err)
	assert.Nil(t, tight, "a quota set elsewhere holds once the cache expires, not before")
	clock.set(clock.now().Add(time.Minute))
	_, tight, err = q.admit(t.Context(), []string{"project:p", "user:u"})
	require.NoError(t, err)
	require.NotNil(t, tight)
	assert.Equal(t, "user:u", tight.Subject)
	assert.EqualValues(t, 0, tight.Remaining)
	over, _, err = q.admit(t.Context(), []string{"project:p", "user:u"})
	require.NoError(t, err)
	require.NotNil(t, over)
	assert.Equal(t, "requests_per_month", over.Name)
	assert.Equal(t, time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC), over.Reset)
}
