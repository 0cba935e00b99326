package share_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mockapi-go/mockapi/internal/secret"
	"github.com/mockapi-go/mockapi/share"
	"github.com/mockapi-go/mockapi/store"
	"github.com/mockapi-go/mockapi/store/memory"
)

// clock is a settable clock for WithClock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Now()} }

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *clock) Add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

func newRegistry(t *testing.T, opts ...share.Option) (*share.Registry, *store.Store) {
	t.Helper()
	st := memory.New(store.WithTouchInterval(0))
	t.Cleanup(func() { _ = st.Close() })
	return share.NewRegistry(st.Links(), opts...), st
}

func TestRegistryLifecycle(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r, st := newRegistry(t)

	token, l, err := r.Create(ctx, "p1", share.LinkOptions{Name: "QA", TokenRequired: true})
	require.NoError(t, err)
	require.NoError(t, share.CheckToken(token), token)
	require.True(t, strings.HasPrefix(token, share.TokenPrefix))
	require.Equal(t, "p1", l.Project)
	require.Equal(t, "QA", l.Name)
	require.True(t, l.TokenRequired)
	require.True(t, strings.HasPrefix(token, l.Prefix))
	require.Less(t, len(l.Prefix), len(token)/2, "the stored prefix must not reveal the token")

	// Only the hash is stored.
	stored, err := st.Links().Get(ctx, l.ID)
	require.NoError(t, err)
	require.Equal(t, secret.Hash(token), stored.Hash)
	require.NotContains(t, stored.Hash, token[len(share.TokenPrefix):])

	got, err := r.Resolve(ctx, token)
	require.NoError(t, err)
	require.Equal(t, l.ID, got.ID)

	// Regenerate: the old token stops, the new one works, the id stays.
	token2, l2, err := r.Regenerate(ctx, l.ID)
	require.NoError(t, err)
	require.NotEqual(t, token, token2)
	require.Equal(t, l.ID, l2.ID)
	_, err = r.Resolve(ctx, token)
	require.ErrorIs(t, err, store.ErrNotFound)
	got, err = r.Resolve(ctx, token2)
	require.NoError(t, err)
	require.Equal(t, l.ID, got.ID)

	// Revoke: the current token stops; regenerating a revoked link fails.
	require.NoError(t, r.Revoke(ctx, l.ID))
	require.NoError(t, r.Revoke(ctx, l.ID), "revoking twice is not an error")
	_, err = r.Resolve(ctx, token2)
	require.ErrorIs(t, err, store.ErrNotFound)
	_, _, err = r.Regenerate(ctx, l.ID)
	require.ErrorIs(t, err, store.ErrNotFound)

	ls, err := r.List(ctx, "p1")
	require.NoError(t, err)
	require.Len(t, ls, 1)
	require.False(t, ls[0].RevokedAt.IsZero())

	require.ErrorIs(t, r.Revoke(ctx, "nope"), store.ErrNotFound)
}

func TestRegistryExpiry(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := newClock()
	r, _ := newRegistry(t, share.WithClock(c.Now))

	token, _, err := r.Create(ctx, "p1", share.LinkOptions{ExpiresAt: c.Now().Add(time.Hour)})
	require.NoError(t, err)
	_, err = r.Resolve(ctx, token)
	require.NoError(t, err)
	c.Add(time.Hour)
	_, err = r.Resolve(ctx, token)
	require.ErrorIs(t, err, store.ErrNotFound)

	_, _, err = r.Create(ctx, "p1", share.LinkOptions{ExpiresAt: c.Now()})
	require.ErrorIs(t, err, store.ErrInvalid)
	_, _, err = r.Create(ctx, "", share.LinkOptions{})
	require.ErrorIs(t, err, store.ErrInvalid)
}

func TestRegistryResolveGarbage(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r, _ := newRegistry(t)
	token, _, err := r.Create(ctx, "p1", share.LinkOptions{})
	require.NoError(t, err)
	for _, bad := range []string{
		"", "x", share.TokenPrefix, token[:len(token)-1], token + "A",
		strings.ToUpper(token), token[:len(token)-1] + "=", token[:len(token)-1] + "/",
		strings.Replace(token, share.TokenPrefix, "msk_", 1),
	} {
		_, err := r.Resolve(ctx, bad)
		require.ErrorIs(t, err, store.ErrNotFound, "%q", bad)
	}
}

func TestRegistryTokensAreUnique(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r, _ := newRegistry(t)
	seen := map[string]bool{}
	for range 50 {
		token, _, err := r.Create(ctx, "p1", share.LinkOptions{})
		require.NoError(t, err)
		require.False(t, seen[token])
		seen[token] = true
	}
	ls, err := r.List(ctx, "p1")
	require.NoError(t, err)
	require.Len(t, ls, 50)
}

func TestCheckToken(t *testing.T) {
	t.Parallel()
	r, _ := newRegistry(t)
	good, _, err := r.Create(context.Background(), "p1", share.LinkOptions{})
	require.NoError(t, err)
	require.NoError(t, share.CheckToken(good))
	tests := map[string]string{
		"empty":          "",
		"no prefix":      "xxx" + good[len(share.TokenPrefix):],
		"too short":      good[:len(good)-1],
		"too long":       good + "a",
		"bad alphabet":   good[:len(good)-1] + "=",
		"an API key":     "mk_" + good[len(share.TokenPrefix):],
		"space in token": good[:10] + " " + good[11:],
	}
	for name, s := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			err := share.CheckToken(s)
			require.ErrorIs(t, err, share.ErrMalformedToken)
			if s != "" {
				assert.NotContains(t, err.Error(), s, "the error never quotes the token")
			}
		})
	}
}
