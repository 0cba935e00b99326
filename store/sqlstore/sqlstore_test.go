package sqlstore_test

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mockapi-go/mockapi/store"
	"github.com/mockapi-go/mockapi/store/sqlstore"
	"github.com/mockapi-go/mockapi/store/storetest"
)

// sqliteHarness makes a database file per test.
var sqliteHarness = storetest.Harness{
	NewDatabase: func(t testing.TB) storetest.Opener {
		dsn := "sqlite:" + filepath.Join(t.TempDir(), "state.db")
		return func(t testing.TB, opts ...store.Option) *store.Store {
			s, err := sqlstore.Open(context.Background(), dsn, opts...)
			require.NoError(t, err)
			return s
		}
	},
	Shared: true,
}

func TestSQLite(t *testing.T) {
	storetest.Run(t, sqliteHarness)
}

// postgresDSN is the server the PostgreSQL tests use, or "".
func postgresDSN(t testing.TB) string {
	dsn := os.Getenv("MOCKAPI_TEST_POSTGRES")
	if dsn == "" {
		t.Skip("sqlstore: MOCKAPI_TEST_POSTGRES holds no PostgreSQL DSN; skipping the PostgreSQL backend")
	}
	return dsn
}

// postgresHarness makes a schema per test.
func postgresHarness(t *testing.T) storetest.Harness {
	base := postgresDSN(t)
	return storetest.Harness{
		NewDatabase: func(t testing.TB) storetest.Opener {
			dsn := storetest.PostgresSchema(t, base)
			return func(t testing.TB, opts ...store.Option) *store.Store {
				s, err := sqlstore.Open(context.Background(), dsn, opts...)
				require.NoError(t, err)
				return s
			}
		},
		Shared: true,
	}
}

func TestPostgres(t *testing.T) {
	storetest.Run(t, postgresHarness(t))
}

// TestConcurrentStart opens one fresh database from many goroutines at once,
// as several processes starting together would: every Open succeeds and each
// migration is applied once.
func TestConcurrentStart(t *testing.T) {
	for name, dsn := range map[string]func(t *testing.T) string{
		"SQLite": func(t *testing.T) string { return "sqlite:" + filepath.Join(t.TempDir(), "state.db") },
		"Postgres": func(t *testing.T) string {
			return storetest.PostgresSchema(t, postgresDSN(t))
		},
	} {
		t.Run(name, func(t *testing.T) {
			dsn := dsn(t)
			var wg sync.WaitGroup
			errs := make([]error, 8)
			for i := range errs {
				wg.Go(func() {
					s, err := sqlstore.Open(t.Context(), dsn)
					if err == nil {
						err = s.Close()
					}
					errs[i] = err
				})
			}
			wg.Wait()
			for _, err := range errs {
				require.NoError(t, err)
			}
			db, err := sql.Open(map[bool]string{true: "sqlite", false: "pgx"}[name == "SQLite"], rawDSN(dsn))
			require.NoError(t, err)
			defer db.Close()
			var n, versions int
			require.NoError(t, db.QueryRow(`SELECT COUNT(*), COUNT(DISTINCT version) FROM schema_migrations`).Scan(&n, &versions))
			require.Equal(t, versions, n, "each migration applied once")
			require.Positive(t, n)
		})
	}
}

func rawDSN(dsn string) string {
	if p, ok := strings.CutPrefix(dsn, "sqlite:"); ok {
		return "file:" + p
	}
	return dsn
}

func TestOpenDSN(t *testing.T) {
	for _, dsn := range []string{"", "mysql://x", "/tmp/x.db", "postgres:/nope"} {
		_, err := sqlstore.Open(t.Context(), dsn)
		require.ErrorIs(t, err, store.ErrInvalid, dsn)
	}
	s, err := sqlstore.Open(t.Context(), "file:"+filepath.Join(t.TempDir(), "f.db"))
	require.NoError(t, err, "file: DSNs are SQLite")
	require.NoError(t, s.Close())
}

func BenchmarkSQLite(b *testing.B) {
	storetest.Benchmark(b, sqliteHarness)
}

func BenchmarkPostgres(b *testing.B) {
	base := postgresDSN(b)
	storetest.Benchmark(b, storetest.Harness{
		NewDatabase: func(t testing.TB) storetest.Opener {
			dsn := storetest.PostgresSchema(t, base)
			return func(t testing.TB, opts ...store.Option) *store.Store {
				s, err := sqlstore.Open(context.Background(), dsn, opts...)
				require.NoError(t, err)
				return s
			}
		},
		Shared: true,
	})
}

// L4: a value PostgreSQL cannot store (NUL in text) is ErrInvalid, and the
// error carries no raw database message that a handler might show.
func TestPostgresUnstorableIsInvalid(t *testing.T) {
	dsn := storetest.PostgresSchema(t, postgresDSN(t))
	s, err := sqlstore.Open(context.Background(), dsn)
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	for _, tc := range []struct {
		name string
		call func() error
	}{
		{"NUL in a link's name", func() error {
			return s.Links().Create(context.Background(), &store.Link{Project: "p", Hash: "h1", Name: "a\x00b"})
		}},
		{"NUL in a key's name", func() error {
			return s.Keys().Create(context.Background(), &store.Key{Hash: "h2", Name: "a\x00b"})
		}},
	} {
		err := tc.call()
		require.ErrorIs(t, err, store.ErrInvalid, tc.name)
		require.NotContains(t, err.Error(), "invalid byte sequence", tc.name)
	}
}
