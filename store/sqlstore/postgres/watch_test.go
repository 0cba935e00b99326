package postgres_test

import (
	"database/sql"
	"errors"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mockapi-go/mockapi/store"
	"github.com/mockapi-go/mockapi/store/sqlstore/postgres"
	"github.com/mockapi-go/mockapi/store/storetest"
)

// Two Stores on one schema, as two instances would be: b learns of a's
// changes from their notifications, reads a version once per change (a
// change made with the trigger off stays unseen while b listens), falls
// back to reading on every call when its listening connection is killed,
// and listens again.
func TestWatchAcrossInstances(t *testing.T) {
	t.Parallel()
	base := os.Getenv("MOCKAPI_TEST_POSTGRES")
	if base == "" {
		t.Skip("postgres: MOCKAPI_TEST_POSTGRES holds no PostgreSQL DSN")
	}
	for _, how := range []string{"open", "new"} {
		t.Run(how, func(t *testing.T) {
			t.Parallel()
			dsn := storetest.PostgresSchema(t, base)
			u, err := url.Parse(dsn)
			require.NoError(t, err)
			schema := u.Query().Get("search_path")
			ctx := t.Context()
			open := func() *store.Store {
				var (
					s   *store.Store
					err error
				)
				if how == "open" {
					s, err = postgres.Open(ctx, dsn)
				} else {
					db, oerr := sql.Open("pgx", dsn)
					require.NoError(t, oerr)
					s, err = postgres.New(ctx, db)
				}
				require.NoError(t, err)
				t.Cleanup(func() { _ = s.Close() })
				return s
			}
			a, b := open(), open()
			admin, err := sql.Open("pgx", dsn)
			require.NoError(t, err)
			t.Cleanup(func() { _ = admin.Close() })
			exec := func(q string, args ...any) {
				_, err := admin.ExecContext(ctx, q, args...)
				require.NoError(t, err, q)
			}
			// silently sets the stored version, as no notification says.
			silently := func(v int64) {
				exec(`ALTER TABLE projects DISABLE TRIGGER projects_changed`)
				exec(`UPDATE projects SET version = $1 WHERE id = 'pets'`, v)
				exec(`ALTER TABLE projects ENABLE TRIGGER projects_changed`)
			}
			listener := func() int {
				var pid int
				err := admin.QueryRowContext(ctx, `SELECT pid FROM pg_stat_activity WHERE application_name = $1`, postgres.ListenerName+" "+schema).Scan(&pid)
				if err != nil {
					return 0
				}
				return pid
			}
			version := func() int64 {
				v, err := b.Projects().Version(ctx, "pets")
				require.NoError(t, err)
				return v
			}

			p := &store.Project{ID: "pets", Name: "Pets", Visibility: store.Public}
			require.NoError(t, a.Projects().Create(ctx, p))
			require.Equal(t, p.Version, version(), "b's first call reads, and starts listening")
			require.Eventually(t, func() bool { return listener() != 0 }, 10*time.Second, 10*time.Millisecond, "b listens")
			require.Equal(t, p.Version, version(), "read once, listening")
			silently(p.Version + 100)
			assert.Equal(t, p.Version, version(), "listening, b does not read the version per call")

			got, err := a.Projects().Get(ctx, "pets")
			require.NoError(t, err)
			require.NoError(t, a.Projects().Update(ctx, got))
			require.Eventually(t, func() bool { return version() == got.Version }, 10*time.Second, time.Millisecond, "a's update reaches b")
			for range 20 {
				require.Equal(t, got.Version, version(), "and b never goes back")
			}

			// The listening connection dies: b reads per call until it
			// listens again, and then knows nothing from before.
			pid := listener()
			exec(`SELECT pg_terminate_backend($1)`, pid)
			silently(got.Version + 100)
			require.Eventually(t, func() bool { return version() == got.Version+100 }, 10*time.Second, time.Millisecond, "b falls back to reading")
			require.Eventually(t, func() bool { l := listener(); return l != 0 && l != pid }, 20*time.Second, 10*time.Millisecond, "b listens again")
			silently(got.Version + 200)
			assert.Equal(t, got.Version+200, version(), "listening again, b forgot what it knew")

			require.NoError(t, a.Projects().Delete(ctx, "pets"))
			require.Eventually(t, func() bool {
				_, err := b.Projects().Version(ctx, "pets")
				return errors.Is(err, store.ErrNotFound)
			}, 10*time.Second, time.Millisecond, "a's delete reaches b")
		})
	}
}
