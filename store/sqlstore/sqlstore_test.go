package sqlstore_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mockapi-go/mockapi/store"
	"github.com/mockapi-go/mockapi/store/sqlstore"
	"github.com/mockapi-go/mockapi/store/sqlstore/postgres"
	"github.com/mockapi-go/mockapi/store/sqlstore/sqlite"
	"github.com/mockapi-go/mockapi/store/storetest"
)

// open opens the DSN with the dialect package it names.
func open(ctx context.Context, dsn string, opts ...store.Option) (*store.Store, error) {
	if strings.HasPrefix(dsn, "postgres") {
		return postgres.Open(ctx, dsn, sqlstore.WithStore(opts...))
	}
	return sqlite.Open(ctx, dsn, sqlstore.WithStore(opts...))
}

// sqliteHarness makes a database file per test.
var sqliteHarness = storetest.Harness{
	NewDatabase: func(t testing.TB) storetest.Opener {
		dsn := "sqlite:" + filepath.Join(t.TempDir(), "state.db")
		return func(t testing.TB, opts ...store.Option) *store.Store {
			s, err := open(context.Background(), dsn, opts...)
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
				s, err := open(context.Background(), dsn, opts...)
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
					s, err := open(t.Context(), dsn)
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

// Each dialect package opens only its own DSNs; the other's is ErrInvalid.
func TestOpenDSN(t *testing.T) {
	for _, tc := range []struct {
		name string
		open func(ctx context.Context, dsn string, opts ...sqlstore.Option) (*store.Store, error)
		dsn  string
	}{
		{"sqlite empty", sqlite.Open, ""},
		{"sqlite mysql", sqlite.Open, "mysql://x"},
		{"sqlite postgres", sqlite.Open, "postgres://u@h/db"},
		{"postgres empty", postgres.Open, ""},
		{"postgres mysql", postgres.Open, "mysql://x"},
		{"postgres path", postgres.Open, "/tmp/x.db"},
		{"postgres sqlite", postgres.Open, "sqlite:/tmp/x.db"},
		{"postgres no slashes", postgres.Open, "postgres:/nope"},
	} {
		_, err := tc.open(t.Context(), tc.dsn)
		require.ErrorIs(t, err, store.ErrInvalid, tc.name)
	}
	for _, dsn := range []string{"file:" + filepath.Join(t.TempDir(), "f.db"), filepath.Join(t.TempDir(), "bare.db")} {
		s, err := sqlite.Open(t.Context(), dsn)
		require.NoError(t, err, dsn)
		require.NoError(t, s.Close())
	}
}

// A caller's own *sql.DB: New migrates it unless told not to, and Migrate
// does it for callers who migrate themselves.
func TestNewOwnDB(t *testing.T) {
	type dialect struct {
		new     func(ctx context.Context, db *sql.DB, opts ...sqlstore.Option) (*store.Store, error)
		migrate func(ctx context.Context, db *sql.DB) error
		db      func(t *testing.T) *sql.DB
	}
	dialects := map[string]dialect{
		"SQLite": {sqlite.New, sqlite.Migrate, func(t *testing.T) *sql.DB {
			db, err := sql.Open("sqlite", "file:"+filepath.Join(t.TempDir(), "own.db")+"?_pragma=busy_timeout(10000)")
			require.NoError(t, err)
			return db
		}},
		"Postgres": {postgres.New, postgres.Migrate, func(t *testing.T) *sql.DB {
			db, err := sql.Open("pgx", storetest.PostgresSchema(t, postgresDSN(t)))
			require.NoError(t, err)
			return db
		}},
	}
	for name, d := range dialects {
		t.Run(name, func(t *testing.T) {
			scope := store.Scope{Project: "p"}
			for _, tc := range []struct {
				name       string
				migrate    bool // the caller runs Migrate first
				skip       bool // New is told not to migrate
				wantSchema bool
			}{
				{"New migrates", false, false, true},
				{"without migrate", false, true, false},
				{"caller migrates", true, true, true},
			} {
				t.Run(tc.name, func(t *testing.T) {
					db := d.db(t)
					if tc.migrate {
						require.NoError(t, d.migrate(t.Context(), db))
					}
					var opts []sqlstore.Option
					if tc.skip {
						opts = append(opts, sqlstore.WithoutMigrate())
					}
					s, err := d.new(t.Context(), db, append(opts, sqlstore.WithStore(store.WithTouchInterval(0)))...)
					require.NoError(t, err)
					_, err = s.Records().Create(t.Context(), scope, "pets", "1", []byte(`{"name":"Rex"}`))
					if tc.wantSchema {
						assert.NoError(t, err)
					} else {
						assert.Error(t, err, "no tables without a migration")
					}
					require.NoError(t, s.Close())
					require.Error(t, db.Ping(), "closing the Store closes the caller's pool")
				})
			}
		})
	}
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
				s, err := open(context.Background(), dsn, opts...)
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
	s, err := open(context.Background(), dsn)
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

// The pool is bounded: with pool_max_conns=2, many concurrent requests all
// succeed, waiting for a connection within their deadline, and PostgreSQL
// never sees more than two connections from the store.
func TestPoolBound(t *testing.T) {
	for name, dsn := range map[string]func(t *testing.T) string{
		"SQLite": func(t *testing.T) string {
			return "sqlite:" + filepath.Join(t.TempDir(), "state.db") + "?pool_max_conns=2"
		},
		"Postgres": func(t *testing.T) string {
			return storetest.PostgresSchema(t, postgresDSN(t)) + "&application_name=mockapi_pool_test&pool_max_conns=2"
		},
	} {
		t.Run(name, func(t *testing.T) {
			dsn := dsn(t)
			s, err := open(t.Context(), dsn)
			require.NoError(t, err)
			t.Cleanup(func() { _ = s.Close() })
			scope := store.Scope{Project: "p"}
			_, err = s.Records().Create(t.Context(), scope, "pets", "1", []byte(`{"name":"Rex"}`))
			require.NoError(t, err)
			var peak atomic.Int64
			stop := make(chan struct{})
			var sampler sync.WaitGroup
			if name == "Postgres" {
				admin, err := sql.Open("pgx", postgresDSN(t))
				require.NoError(t, err)
				defer admin.Close()
				sampler.Go(func() {
					for {
						var n int64
						if admin.QueryRow(`SELECT count(*) FROM pg_stat_activity WHERE application_name = 'mockapi_pool_test'`).Scan(&n) == nil && n > peak.Load() {
							peak.Store(n)
						}
						select {
						case <-stop:
							return
						case <-time.After(5 * time.Millisecond):
						}
					}
				})
			}
			var wg sync.WaitGroup
			errs := make([]error, 64)
			for i := range errs {
				wg.Go(func() {
					ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
					defer cancel()
					for j := range 20 {
						if j%5 == 0 {
							if _, err := s.Records().Create(ctx, scope, "pets", "", []byte(`{"name":"Max"}`)); err != nil {
								errs[i] = err
								return
							}
						}
						if _, err := s.Records().Get(ctx, scope, "pets", "1"); err != nil {
							errs[i] = err
							return
						}
					}
				})
			}
			wg.Wait()
			close(stop)
			sampler.Wait()
			for _, err := range errs {
				require.NoError(t, err)
			}
			n, err := s.Records().Count(t.Context(), scope, "pets", store.Query{})
			require.NoError(t, err)
			require.Equal(t, 1+64*4, n, "every create counted")
			require.LessOrEqual(t, peak.Load(), int64(2), "connections PostgreSQL saw")
			if name == "Postgres" {
				require.Positive(t, peak.Load(), "the sampler saw the store's connections")
			}
		})
	}
}

func TestOpenPoolSettings(t *testing.T) {
	dir := t.TempDir()
	for _, bad := range []string{"pool_max_conns=0", "pool_max_conns=x", "pool_max_conn_idle_time=soon", "pool_max_conn_lifetime=-1s"} {
		_, err := open(t.Context(), "sqlite:"+filepath.Join(dir, "bad.db")+"?"+bad)
		require.ErrorIs(t, err, store.ErrInvalid, bad)
	}
	s, err := open(t.Context(), "sqlite:"+filepath.Join(dir, "ok.db")+"?pool_max_conns=3&pool_max_conn_idle_time=1m&pool_max_conn_lifetime=1h")
	require.NoError(t, err)
	require.NoError(t, s.Close())
}

// A database made before record_counts existed gets its counts from its
// records when it is migrated.
func TestMigrateCounts(t *testing.T) {
	dsn := "sqlite:" + filepath.Join(t.TempDir(), "state.db")
	s, err := open(t.Context(), dsn)
	require.NoError(t, err)
	scope := store.Scope{Project: "p"}
	for range 3 {
		_, err := s.Records().Create(t.Context(), scope, "pets", "", []byte(`{}`))
		require.NoError(t, err)
	}
	_, err = s.Records().Create(t.Context(), store.Scope{Project: "p", Session: "s"}, "pets", "", []byte(`{}`))
	require.NoError(t, err)
	require.NoError(t, s.Close())
	db, err := sql.Open("sqlite", rawDSN(dsn))
	require.NoError(t, err)
	// Back to version 2: undo what versions 3 and later made.
	_, err = db.Exec(`DROP TABLE record_counts; ALTER TABLE api_keys DROP COLUMN deactivated_at;
		ALTER TABLE share_links DROP COLUMN disabled_at; ALTER TABLE share_links DROP COLUMN visitor_requests;
		ALTER TABLE share_links DROP COLUMN visitor_per; ALTER TABLE request_log DROP COLUMN client;
		ALTER TABLE request_log DROP COLUMN user_agent; DROP TABLE users; DROP TABLE user_tokens; DROP TABLE teams;
		DROP TABLE team_members; DROP TABLE team_invites; DROP INDEX projects_team; DROP TABLE quotas;
		DROP TABLE usage_counts; ALTER TABLE request_log DROP COLUMN source; ALTER TABLE request_log DROP COLUMN drift;
		DELETE FROM schema_migrations WHERE version >= 3`)
	require.NoError(t, err)
	require.NoError(t, db.Close())

	s, err = open(t.Context(), dsn)
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	n, err := s.Records().Count(t.Context(), scope, "pets", store.Query{})
	require.NoError(t, err)
	require.Equal(t, 3, n)
}

// A call whose deadline passes while it waits for a connection fails with
// ErrUnavailable, which servers answer with 503 and Retry-After. On
// PostgreSQL reads wait in a queue of their own for the reads ahead of
// them: a deadline that passes there is ErrUnavailable too.
func TestPoolWaitIsUnavailable(t *testing.T) {
	for name, dsn := range map[string]func(t *testing.T) string{
		"SQLite": func(t *testing.T) string {
			return "sqlite:" + filepath.Join(t.TempDir(), "state.db") + "?pool_max_conns=1"
		},
		"Postgres": func(t *testing.T) string {
			return storetest.PostgresSchema(t, postgresDSN(t)) + "&pool_max_conns=1"
		},
	} {
		t.Run(name, func(t *testing.T) {
			s, err := open(t.Context(), dsn(t))
			require.NoError(t, err)
			t.Cleanup(func() { _ = s.Close() })
			scope := store.Scope{Project: "p"}
			_, err = s.Records().Create(t.Context(), scope, "pets", "1", []byte(`{}`))
			require.NoError(t, err)
			held, release := make(chan struct{}), make(chan struct{})
			done := make(chan error)
			go func() {
				_, err := s.Records().Update(t.Context(), scope, "pets", "1", func(data json.RawMessage) (json.RawMessage, error) {
					close(held) // the only connection is in this transaction
					<-release
					return data, nil
				})
				done <- err
			}()
			<-held
			for range 2 { // twice: reads that gave up leave nothing held behind
				ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
				var wg sync.WaitGroup
				errs := make([]error, 2)
				for i := range errs {
					wg.Go(func() { _, errs[i] = s.Records().Get(ctx, scope, "pets", "1") })
				}
				wg.Wait()
				cancel()
				for _, err := range errs {
					require.ErrorIs(t, err, store.ErrUnavailable)
				}
			}
			close(release)
			require.NoError(t, <-done)
			_, err = s.Records().Get(t.Context(), scope, "pets", "1")
			require.NoError(t, err, "the pool serves again")
		})
	}
}
