package auth_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mockapi-go/mockapi/auth"
	"github.com/mockapi-go/mockapi/store"
	"github.com/mockapi-go/mockapi/store/sqlstore"
	"github.com/mockapi-go/mockapi/store/sqlstore/postgres"
	"github.com/mockapi-go/mockapi/store/sqlstore/sqlite"
	"github.com/mockapi-go/mockapi/store/storetest"
)

// twoInstances opens the same database twice, as two servers would.
type opener func(t testing.TB) *store.Store

func sqliteOpener(t testing.TB) opener {
	dsn := "sqlite:" + filepath.Join(t.TempDir(), "state.db")
	return func(t testing.TB) *store.Store {
		s, err := sqlite.Open(context.Background(), dsn, sqlstore.WithStore(store.WithTouchInterval(0)))
		require.NoError(t, err)
		t.Cleanup(func() { _ = s.Close() })
		return s
	}
}

// postgresOpener makes a schema for the test, dropped at its end, or skips
// when MOCKAPI_TEST_POSTGRES names no server.
func postgresOpener(t testing.TB) opener {
	base := os.Getenv("MOCKAPI_TEST_POSTGRES")
	if base == "" {
		t.Skip("auth: MOCKAPI_TEST_POSTGRES holds no PostgreSQL DSN; skipping the PostgreSQL case")
	}
	dsn := storetest.PostgresSchema(t, base)
	return func(t testing.TB) *store.Store {
		s, err := postgres.Open(context.Background(), dsn, sqlstore.WithStore(store.WithTouchInterval(0)))
		require.NoError(t, err)
		t.Cleanup(func() { _ = s.Close() })
		return s
	}
}

// Two guards over two Stores on one database: a key revoked through one is
// refused by the other on the very next request; so is a rotated key after
// its grace period, while its successor works at once.
func TestRevocationAcrossInstances(t *testing.T) {
	t.Parallel()
	for name, open := range map[string]func(testing.TB) opener{"sqlite": sqliteOpener, "postgres": postgresOpener} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			o := open(t)
			st1, st2 := o(t), o(t)
			g1, g2 := auth.NewGuard(auth.Options{Keys: st1.Keys()}), auth.NewGuard(auth.Options{Keys: st2.Keys()})
			defer g1.Close()
			defer g2.Close()
			p := &auth.Policy{Project: project, Visibility: store.Private}
			h1, h2 := g1.Protect(p)(echo), g2.Protect(p)(echo)
			call := func(h http.Handler, s string) outcome {
				r := httptest.NewRequest("GET", "/", nil)
				r.Header.Set("X-API-Key", s)
				w, pd := do(t, h, r)
				return outcome{w.Code, pd.Code}
			}
			ctx := context.Background()

			s, k := auth.NewKey("ci", project)
			require.NoError(t, st1.Keys().Create(ctx, k))
			require.Equal(t, ok, call(h1, s))
			require.Equal(t, ok, call(h2, s))
			require.NoError(t, st1.Keys().Revoke(ctx, k.ID, time.Now()))
			require.Equal(t, invalidKey, call(h2, s), "revoked on instance 1, seen on instance 2")
			require.Equal(t, invalidKey, call(h1, s))

			// Rotation with a grace period: both work, then only the new one.
			s, k = auth.NewKey("ci", project)
			require.NoError(t, st2.Keys().Create(ctx, k))
			next, nk, err := auth.RotateKey(ctx, st1.Keys(), k.ID, 300*time.Millisecond)
			require.NoError(t, err)
			require.Equal(t, []string{project}, nk.Projects)
			require.Equal(t, ok, call(h2, s), "old key in its grace period")
			require.Equal(t, ok, call(h2, next), "new key at once")
			require.Eventually(t, func() bool { return call(h2, s) == invalidKey }, 5*time.Second, 50*time.Millisecond)
			require.Equal(t, ok, call(h1, next))

			// Rotation without grace stops the old key at once.
			next2, _, err := auth.RotateKey(ctx, st2.Keys(), nk.ID, 0)
			require.NoError(t, err)
			require.Equal(t, invalidKey, call(h1, next))
			require.Equal(t, ok, call(h1, next2))

			// Last use is recorded (coalesced by the Store, written on Flush).
			require.NoError(t, st1.Flush(ctx))
			got, err := st2.Keys().Get(ctx, nk.ID)
			require.NoError(t, err)
			require.False(t, got.LastUsedAt.IsZero(), "last used recorded")
		})
	}
}

// The guard's own clock decides expiry too, so a key the store still
// considers live is refused once the guard's time is past its expiry.
func TestExpiryByGuardClock(t *testing.T) {
	t.Parallel()
	var now atomic.Int64
	now.Store(time.Now().UnixNano())
	e := newEnv(t, auth.Options{Clock: func() time.Time { return time.Unix(0, now.Load()) }})
	s := e.key(t, func(k *store.Key) { k.ExpiresAt = time.Now().Add(time.Hour) }, project)
	h := e.guard.Protect(&auth.Policy{Project: project, Visibility: store.Private})(echo)
	call := func() outcome {
		r := httptest.NewRequest("GET", "/", nil)
		r.Header.Set("Authorization", "Bearer "+s)
		w, p := do(t, h, r)
		return outcome{w.Code, p.Code}
	}
	require.Equal(t, ok, call())
	now.Add(int64(2 * time.Hour))
	require.Equal(t, invalidKey, call())
}
