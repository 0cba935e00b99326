// Package sqlstore is the database/sql store backend: one code base for two
// dialects, SQLite through modernc.org/sqlite (pure Go) as the embedded
// default, and PostgreSQL through github.com/jackc/pgx/v5/stdlib, which
// several mock-server instances can share.
//
//	s, err := sqlstore.Open(ctx, "sqlite:/var/lib/mockapi/state.db")
//	s, err := sqlstore.Open(ctx, "postgres://mockapi@db/mockapi")
//
// # Connection pool
//
// A store opens at most a few connections per core: 2 per GOMAXPROCS, at
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
// Statements are prepared once per connection: by pgx's statement cache on
// PostgreSQL, and on SQLite by this package (up to 128 per connection).
//
// # SQLite
//
// The database runs in WAL mode with a busy timeout (10 s), so concurrent
// goroutines (and processes) wait for each other instead of failing; write
// transactions begin IMMEDIATE, so they never fail on a lock upgrade.
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
// transaction (plus the session's own rows in a session). That
// is meant for mock data sets (thousands to a few hundred thousand records
// per collection), not for analytics. Field names and values are always
// bind parameters, never SQL text.
//
// # Migrations
//
// Open migrates the schema forward with versioned migrations recorded in
// schema_migrations. Each is applied once, inside a transaction that holds
// the database's write lock (SQLite) or an advisory lock (PostgreSQL), so two
// processes starting together do not both apply it.
package sqlstore

import (
	"context"
	"database/sql"
	sqldriver "database/sql/driver"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers "pgx"
	"modernc.org/sqlite"

	"github.com/mockapi-go/mockapi/store"
	"github.com/mockapi-go/mockapi/store/driver"
)

// dialect holds what differs between SQLite and PostgreSQL.
type dialect struct {
	name       string
	dollar     bool   // placeholders are $1, $2, ... instead of ?
	blob, json string // column types
	serial     string // auto-increment primary key column
	forUpdate  string // row lock suffix of a SELECT in a transaction
	dataText   string // the records.data column as JSON text
}

var sqliteDialect = &dialect{
	name: "sqlite", blob: "BLOB", json: "TEXT", dataText: "data",
	serial: "INTEGER PRIMARY KEY AUTOINCREMENT",
}

var postgresDialect = &dialect{
	name: "postgres", dollar: true, blob: "BYTEA", json: "JSONB", dataText: "data::text",
	serial: "BIGSERIAL PRIMARY KEY", forUpdate: " FOR UPDATE",
}

// db is a connection pool in one dialect.
type db struct {
	*sql.DB
	d     *dialect
	clock atomic.Pointer[func() time.Time] // nil: time.Now
}

// nowMicros is the clock's time in Unix microseconds.
func (db *db) nowMicros() int64 {
	if c := db.clock.Load(); c != nil {
		return (*c)().UnixMicro()
	}
	return time.Now().UnixMicro()
}

// q rewrites ? placeholders for the dialect.
func (db *db) q(query string) string {
	if !db.d.dollar {
		return query
	}
	var b strings.Builder
	n := 0
	for _, r := range query {
		if r == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Open connects to the database the DSN names, migrates its schema and
// returns a Store that owns the connection:
//
//   - sqlite:PATH or file:PATH (SQLite; query parameters other than the
//     pool settings pass to the driver)
//   - postgres://... or postgresql://... (PostgreSQL)
func Open(ctx context.Context, dsn string, opts ...store.Option) (*store.Store, error) {
	d, err := OpenDriver(ctx, dsn)
	if err != nil {
		return nil, err
	}
	return store.New(d, opts...), nil
}

// OpenDriver is Open without the portable layer, for wrapping with store.New.
func OpenDriver(ctx context.Context, dsn string) (driver.Driver, error) {
	source, pl, err := splitPool(dsn)
	if err != nil {
		return nil, err
	}
	var (
		dl    *dialect
		sqldb *sql.DB
	)
	switch {
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		dl = postgresDialect
		if sqldb, err = openPostgres(source); err != nil {
			return nil, err
		}
	case strings.HasPrefix(dsn, "sqlite:"), strings.HasPrefix(dsn, "file:"):
		dl = sqliteDialect
		c, err := sqlite.NewConnector(sqliteSource(source))
		if err != nil {
			return nil, fmt.Errorf("sqlstore: open sqlite: %w", err)
		}
		sqldb = sql.OpenDB(stmtCacheConnector{c})
	default:
		return nil, fmt.Errorf("sqlstore: DSN %q: want sqlite:PATH, file:PATH or postgres://: %w", redact(dsn), store.ErrInvalid)
	}
	pl.apply(sqldb)
	conn := &db{DB: sqldb, d: dl}
	err = migrate(ctx, conn)
	// Processes opening a new SQLite file together race to switch it to
	// WAL, which SQLite refuses at once (no busy timeout applies): wait a
	// little and try again, as a busy writer would.
	for try := 1; err != nil && dl != postgresDialect && isSQLiteBusy(err) && try <= 50; try++ {
		select {
		case <-ctx.Done():
		case <-time.After(time.Duration(min(try, 10)) * 10 * time.Millisecond):
		}
		err = migrate(ctx, conn)
	}
	if err != nil {
		sqldb.Close()
		return nil, fmt.Errorf("sqlstore: %s %s: %w", dl.name, redact(dsn), err)
	}
	return newDriver(conn), nil
}

// sqliteSource turns a sqlite: or file: DSN into a modernc.org/sqlite source
// with WAL, a busy timeout and IMMEDIATE write transactions.
func sqliteSource(dsn string) string {
	path := strings.TrimPrefix(dsn, "sqlite:")
	if !strings.HasPrefix(path, "file:") {
		path = "file:" + path
	}
	base, query, _ := strings.Cut(path, "?")
	q, _ := url.ParseQuery(query)
	if q.Get("_txlock") == "" {
		q.Set("_txlock", "immediate")
	}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Add("_pragma", "foreign_keys(1)")
	return base + "?" + q.Encode()
}

// redact hides a password in a DSN for error messages.
func redact(dsn string) string {
	if u, err := url.Parse(dsn); err == nil && u.User != nil {
		return u.Redacted()
	}
	return dsn
}

// errors

func isUnique(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code() == 2067 || se.Code() == 1555 // SQLITE_CONSTRAINT_UNIQUE, _PRIMARYKEY
	}
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23505"
}

// isSQLiteBusy reports SQLITE_BUSY or SQLITE_LOCKED.
func isSQLiteBusy(err error) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && (se.Code()&0xff == 5 || se.Code()&0xff == 6)
}

// isUnstorable reports a PostgreSQL data exception caused by the value
// stored: a character the encoding cannot hold (NUL in text, \u0000 in
// jsonb) or a malformed value.
func isUnstorable(err error) bool {
	switch pgCode(err) {
	case "22P05", // untranslatable_character: \u0000 in jsonb
		"22021", // character_not_in_repertoire: NUL or invalid UTF-8 in text
		"22P02", // invalid_text_representation
		"22025": // invalid_escape_sequence
		return true
	}
	return false
}

// isUnavailable reports an error that says the database cannot serve the
// call now rather than that the call is wrong: the context ended (most
// often while waiting for a connection or a lock), the connection broke,
// SQLite is busy or locked past its busy timeout, PostgreSQL lacks
// resources, is shutting down or unreachable, or aborted the transaction
// for a serialization failure or a deadlock.
func isUnavailable(err error) bool {
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) ||
		errors.Is(err, sqldriver.ErrBadConn) || errors.Is(err, sql.ErrConnDone) {
		return true
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case 5, 6: // SQLITE_BUSY, SQLITE_LOCKED
			return true
		}
		return false
	}
	var ce *pgconn.ConnectError
	if errors.As(err, &ce) {
		return true
	}
	var ne net.Error
	if errors.As(err, &ne) {
		return true
	}
	code := pgCode(err)
	switch {
	case code == "":
		return false
	case strings.HasPrefix(code, "08"), // connection_exception
		strings.HasPrefix(code, "53"),                     // insufficient_resources
		code == "57P01", code == "57P02", code == "57P03", // shutdown, cannot_connect_now
		code == "57014",                  // query_canceled (statement_timeout)
		code == "40001", code == "40P01": // serialization_failure, deadlock_detected
		return true
	}
	return false
}

func pgCode(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code
	}
	return ""
}

// wrap turns a unique violation into ErrConflict, a value the database
// cannot store into ErrInvalid, and names what failed.
func wrap(err error, what string, args ...any) error {
	if err == nil {
		return nil
	}
	where := fmt.Sprintf(what, args...)
	switch {
	case isUnique(err):
		return fmt.Errorf("%s: %w (%v)", where, store.ErrConflict, err)
	case errors.Is(err, sql.ErrNoRows):
		return fmt.Errorf("%s: %w", where, store.ErrNotFound)
	case isUnavailable(err):
		return fmt.Errorf("sqlstore: %s: %w (%w)", where, store.ErrUnavailable, err)
	case isUnstorable(err):
		// The value, not the database, is at fault; the raw message (which
		// may quote the value) stays out of the error callers may show.
		return fmt.Errorf("%s: %w: a value the database cannot store (SQLSTATE %s)", where, store.ErrInvalid, pgCode(err))
	}
	return fmt.Errorf("sqlstore: %s: %w", where, err)
}

// times are stored as Unix microseconds, 0 for the zero time.

func micros(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMicro()
}

func fromMicros(us int64) time.Time {
	if us == 0 {
		return time.Time{}
	}
	return time.UnixMicro(us).UTC()
}

func nowMicros() int64 { return time.Now().UnixMicro() }

// inTx runs fn in a transaction, committing when it returns nil.
func (db *db) inTx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return wrap(err, "begin")
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return wrap(err, "commit")
	}
	return nil
}

// driver

type backend struct {
	db       *db
	projects projects
	keys     keys
	links    links
	records  records
	log      requestLog
}

func newDriver(db *db) *backend {
	return &backend{db: db, projects: projects{db}, keys: keys{db}, links: links{db}, records: records{db}, log: requestLog{db}}
}

func (d *backend) Projects() driver.Projects     { return &d.projects }
func (d *backend) Keys() driver.Keys             { return &d.keys }
func (d *backend) Links() driver.Links           { return &d.links }
func (d *backend) Records() driver.Records       { return &d.records }
func (d *backend) RequestLog() driver.RequestLog { return &d.log }
func (d *backend) Close() error                  { return d.db.Close() }

// SetClock makes records stamp their times from now.
func (d *backend) SetClock(now func() time.Time) { d.db.clock.Store(&now) }

var (
	_ driver.Driver      = (*backend)(nil)
	_ driver.ClockSetter = (*backend)(nil)
	_ driver.Projects    = (*projects)(nil)
	_ driver.Keys        = (*keys)(nil)
	_ driver.Links       = (*links)(nil)
	_ driver.Records     = (*records)(nil)
	_ driver.RequestLog  = (*requestLog)(nil)
)
