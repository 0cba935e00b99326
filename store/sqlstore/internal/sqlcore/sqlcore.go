// Package sqlcore is the database/sql store backend shared by packages
// store/sqlstore/sqlite and store/sqlstore/postgres: the schema and its
// migrations, the SQL of every call in both dialects, and the mapping of
// database errors to the store's sentinels. It imports no database driver;
// each dialect package registers how to read its driver's errors.
package sqlcore

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
	"sync"
	"sync/atomic"
	"time"

	"github.com/mockapi-go/mockapi/store"
	"github.com/mockapi-go/mockapi/store/driver"
)

// Dialect holds what differs between SQLite and PostgreSQL in SQL text.
type Dialect struct {
	Name       string
	dollar     bool   // placeholders are $1, $2, ... instead of ?
	blob, json string // column types
	serial     string // auto-increment primary key column
	forUpdate  string // row lock suffix of a SELECT in a transaction
	dataText   string // the records.data column as JSON text

	visibleSQL string // reads the row a scope sees for an id (see records.visible)
}

// SQLite is the dialect of modernc.org/sqlite.
var SQLite = &Dialect{
	Name: "sqlite", blob: "BLOB", json: "TEXT", dataText: "data",
	serial: "INTEGER PRIMARY KEY AUTOINCREMENT",
}

// Postgres is the dialect of PostgreSQL.
var Postgres = &Dialect{
	Name: "postgres", dollar: true, blob: "BYTEA", json: "JSONB", dataText: "data::text",
	serial: "BIGSERIAL PRIMARY KEY", forUpdate: " FOR UPDATE",
}

// db is a connection pool in one dialect.
type db struct {
	*sql.DB
	d     *Dialect
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

// Config is what the options of package sqlstore set.
type Config struct {
	// SkipMigrate leaves the schema alone.
	SkipMigrate bool
	// Store configures the portable store.
	Store []store.Option
}

// NewDriver returns a driver over sqldb in the dialect, first migrating
// the schema unless skipMigrate. name names the database in errors (a
// redacted DSN). The driver owns sqldb: closing it closes sqldb.
func NewDriver(ctx context.Context, sqldb *sql.DB, d *Dialect, skipMigrate bool, name string, opts ...DriverOption) (driver.Driver, error) {
	if sqldb == nil {
		return nil, fmt.Errorf("sqlstore: nil *sql.DB: %w", store.ErrInvalid)
	}
	conn := &db{DB: sqldb, d: d}
	if !skipMigrate {
		if err := migrateRetry(ctx, conn); err != nil {
			return nil, fmt.Errorf("sqlstore: %s%s: %w", d.Name, name, err)
		}
	}
	b := newDriver(conn)
	for _, o := range opts {
		o(b)
	}
	return b, nil
}

// DriverOption changes how a driver NewDriver returns runs some calls.
type DriverOption func(*backend)

// WithGetter makes Records.Get read through g instead of database/sql
// (the PostgreSQL package reads natively with pgx). Every other call,
// and the reads inside write transactions, stay on database/sql.
func WithGetter(g Getter) DriverOption {
	return func(b *backend) { b.records.get = g }
}

// WithAppender makes RequestLog.Append write through a instead of
// inserting through database/sql.
func WithAppender(a Appender) DriverOption {
	return func(b *backend) { b.log.append = a }
}

// Migrate migrates the schema of sqldb in the dialect forward.
func Migrate(ctx context.Context, sqldb *sql.DB, d *Dialect) error {
	if sqldb == nil {
		return fmt.Errorf("sqlstore: nil *sql.DB: %w", store.ErrInvalid)
	}
	if err := migrateRetry(ctx, &db{DB: sqldb, d: d}); err != nil {
		return fmt.Errorf("sqlstore: %s: %w", d.Name, err)
	}
	return nil
}

// migrateRetry migrates. Processes opening a new SQLite file together
// race to switch it to WAL, which SQLite refuses at once (no busy timeout
// applies): it waits a little and tries again, as a busy writer would.
func migrateRetry(ctx context.Context, conn *db) error {
	err := migrate(ctx, conn)
	for try := 1; err != nil && conn.d == SQLite && isBusy(err) && try <= 50; try++ {
		select {
		case <-ctx.Done():
		case <-time.After(time.Duration(min(try, 10)) * 10 * time.Millisecond):
		}
		err = migrate(ctx, conn)
	}
	return err
}

// Redact hides a password in a DSN for error messages.
func Redact(dsn string) string {
	if u, err := url.Parse(dsn); err == nil && u.User != nil {
		return u.Redacted()
	}
	return dsn
}

// errors

// Errors says how to read one database driver's errors. Each dialect
// package registers its own with RegisterErrors; a func may be nil.
type Errors struct {
	// Unique reports a unique or primary-key violation.
	Unique func(error) bool
	// Busy reports a database busy or locked past its timeout.
	Busy func(error) bool
	// Unavailable reports other errors that pass (the server refused or
	// dropped the connection), beyond what every driver shares.
	Unavailable func(error) bool
	// SQLState returns the SQLSTATE code of an error, or "".
	SQLState func(error) string
}

var (
	errorsMu  sync.RWMutex
	errorKind []Errors
)

// RegisterErrors adds a driver's error reader; dialect packages call it
// from init.
func RegisterErrors(e Errors) {
	errorsMu.Lock()
	defer errorsMu.Unlock()
	errorKind = append(errorKind, e)
}

// anyKind reports whether some registered reader's f says yes.
func anyKind(err error, f func(Errors) func(error) bool) bool {
	errorsMu.RLock()
	defer errorsMu.RUnlock()
	for _, e := range errorKind {
		if g := f(e); g != nil && g(err) {
			return true
		}
	}
	return false
}

func isUnique(err error) bool {
	return anyKind(err, func(e Errors) func(error) bool { return e.Unique })
}

// isBusy reports SQLITE_BUSY or SQLITE_LOCKED.
func isBusy(err error) bool {
	return anyKind(err, func(e Errors) func(error) bool { return e.Busy })
}

// isUnstorable reports a PostgreSQL data exception caused by the value
// stored: a character the encoding cannot hold (NUL in text, \u0000 in
// jsonb) or a malformed value.
func isUnstorable(err error) bool {
	switch sqlState(err) {
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
	if isBusy(err) || anyKind(err, func(e Errors) func(error) bool { return e.Unavailable }) {
		return true
	}
	var ne net.Error
	if errors.As(err, &ne) {
		return true
	}
	code := sqlState(err)
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

// sqlState returns the SQLSTATE code of a PostgreSQL error, or "".
func sqlState(err error) string {
	errorsMu.RLock()
	defer errorsMu.RUnlock()
	for _, e := range errorKind {
		if e.SQLState != nil {
			if c := e.SQLState(err); c != "" {
				return c
			}
		}
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
		return fmt.Errorf("%s: %w: a value the database cannot store (SQLSTATE %s)", where, store.ErrInvalid, sqlState(err))
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
	users    users
	teams    teams
	quotas   quotas
}

func newDriver(db *db) *backend {
	b := &backend{db: db, projects: projects{db}, keys: keys{db}, links: links{db}, records: records{db: db}, log: requestLog{db: db},
		users: users{db}, quotas: quotas{db}}
	b.teams = teams{db, &b.users}
	return b
}

func (d *backend) Projects() driver.Projects     { return &d.projects }
func (d *backend) Keys() driver.Keys             { return &d.keys }
func (d *backend) Links() driver.Links           { return &d.links }
func (d *backend) Records() driver.Records       { return &d.records }
func (d *backend) RequestLog() driver.RequestLog { return &d.log }
func (d *backend) Users() driver.Users           { return &d.users }
func (d *backend) Teams() driver.Teams           { return &d.teams }
func (d *backend) Quotas() driver.Quotas         { return &d.quotas }
func (d *backend) Close() error                  { return d.db.Close() }

// SetClock makes records stamp their times from now.
func (d *backend) SetClock(now func() time.Time) { d.db.clock.Store(&now) }

var (
	_ driver.Driver       = (*backend)(nil)
	_ driver.ClockSetter  = (*backend)(nil)
	_ driver.Projects     = (*projects)(nil)
	_ driver.Keys         = (*keys)(nil)
	_ driver.Links        = (*links)(nil)
	_ driver.Records      = (*records)(nil)
	_ driver.ListCounter  = (*records)(nil)
	_ driver.BatchCreator = (*records)(nil)
	_ driver.RequestLog   = (*requestLog)(nil)
)
