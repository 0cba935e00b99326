// Package sqlstore holds what the two database/sql store backends share:
// their options, and the behaviour described here. The backends are its
// sub-packages, one per dialect, so that a program links only the driver
// it uses:
//
//   - store/sqlstore/sqlite: SQLite through modernc.org/sqlite (pure Go),
//     the embedded default.
//   - store/sqlstore/postgres: PostgreSQL through github.com/jackc/pgx/v5,
//     which several mock-server instances can share.
//
// Each offers Open, from a DSN, with a pool this package's settings
// bound; New, over a *sql.DB the caller opened and configures; and
// Migrate, for callers who migrate the schema themselves:
//
//	s, err := sqlite.Open(ctx, "sqlite:/var/lib/mockapi/state.db")
//	s, err := postgres.Open(ctx, "postgres://mockapi@db/mockapi")
//	s, err := postgres.New(ctx, db, sqlstore.WithoutMigrate())
//
// # Connection pool
//
// Open opens at most a few connections per core: 2 per GOMAXPROCS, at
// least 4 and at most 16, so that several instances share one PostgreSQL
// server within its default max_connections (100). Idle connections stay
// open (for 5 minutes), so a burst reuses them. A call that finds every
// connection busy waits for one as long as its context allows; when the
// context ends first it fails with [store.ErrUnavailable], which servers
// answer with 503 and Retry-After. Connections PostgreSQL refuses for want
// of slots ("too many clients") are retried the same way. The DSN's query
// sets the pool, with pgxpool's names, on both dialects (the driver never
// sees them):
//
//	pool_max_conns=N              connections at most, busy or idle
//	pool_max_conn_idle_time=5m    close a connection idle that long (0: never)
//	pool_max_conn_lifetime=1h     close a connection that old (0: never, the default)
//
//	postgres://mockapi@db/mockapi?pool_max_conns=8
//	sqlite:/var/lib/mockapi/state.db?pool_max_conns=4
//
// New leaves the caller's pool as it is. A PostgreSQL Store also listens
// for project changes on one connection of its own, and serves the reads
// of single records that wait for a connection together, several per
// statement (package postgres).
//
// # Listing records
//
// A listing ordered by id reads the primary key from the cursor on and
// stops after the page, so without Filter, Where or Search a page costs
// O(page) (plus Offset) whatever the collection's size. With a selection it
// reads rows until the page is full, testing each in SQL (SQLite
// json_type/json_extract and json_tree, PostgreSQL jsonb operators); on
// PostgreSQL, equality conditions are jsonb containment tests that a GIN
// index (jsonb_path_ops) on the data can serve. A listing sorted by a field
// computes the sort key of every matching record of the collection and
// sorts them, O(n log n) per page; Count with a selection reads every
// matching record, while an unfiltered Count (the total beside every list
// page) reads one row of record_counts, kept by each write in its own
// transaction (plus the session's own rows in a session).
// Records.ListCount returns a page and that count from one statement. That
// is meant for mock data sets (thousands to a few hundred thousand records
// per collection), not for analytics. Field names and values are always
// bind parameters, never SQL text.
//
// # Migrations
//
// Open and New migrate the schema forward with versioned migrations
// recorded in schema_migrations, unless [WithoutMigrate] says the caller
// runs Migrate (or its own tooling) instead. Each migration is applied
// once, inside a transaction that holds the database's write lock (SQLite)
// or an advisory lock (PostgreSQL), so two processes starting together do
// not both apply it. A database whose schema is newer than the program's
// is refused.
//
// # Compatibility
//
// The functions and options of this package and of its dialect packages
// keep their signatures and meaning through v1. The schema only moves
// forward, by migrations appended to the list; a database written by a
// newer mockapi may be refused by an older one. Error texts are not part
// of the promise; the sentinel errors of package store are.
package sqlstore
