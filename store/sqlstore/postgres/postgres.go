// Package postgres is the PostgreSQL store backend, through
// github.com/jackc/pgx/v5's database/sql driver. Several mock-server
// instances can share one database: that is how mockapi scales past one
// machine. It links no SQLite driver; package store/sqlstore describes the
// behaviour both SQL backends share (pool, listings, migrations).
//
//	s, err := postgres.Open(ctx, "postgres://mockapi@db/mockapi?pool_max_conns=8")
//
// Statements are prepared once per connection, by pgx's statement cache.
//
// # Reading records
//
// Records.Get, the call a mock server makes most, runs on pgx itself, on a
// connection of the pool (sql.Conn.Raw), without database/sql's work per
// statement. Reads run at most half as many statements at once as the pool
// has connections (at least one), so that writes, listings and the request
// log keep the other half; reads that arrive while those statements run
// wait, and the next statement serves up to 64 of them at once, one index
// lookup each. Under load that divides the round trips, and PostgreSQL's
// work per statement, by the reads waiting, while a read alone runs its
// own statement at once. Each read sees every write committed before it
// was called: nothing is cached. The same holds for a Store made with New
// over pgx's stdlib driver (half of db's SetMaxOpenConns when New is
// called, else of 2 per GOMAXPROCS, 4 to 16); over another driver reads go
// through database/sql. The request log, which the server writes for every
// request in batches, is copied in (COPY) the same way, one statement per
// batch.
//
// # Changes seen by every instance
//
// A trigger notifies every committed change to a project, and a Store
// listens for them (LISTEN) on a connection of its own from its first
// Projects.Version on: it then reads a project's version once per change
// instead of once per request, and sees a change made elsewhere when the
// notification arrives, right after the commit. While that connection is
// down, the Store reads the version on every request, as before, and it
// forgets every version it knew when it listens again. Open makes the
// listening connection outside the pool (one more than pool_max_conns);
// New borrows it from the *sql.DB it is given, when that is pgx's stdlib
// driver (pg_stat_activity shows it as ListenerName and the schema).
//
// A program that opens its own *sql.DB passes it to New. Errors are read
// by their SQLSTATE, so any driver whose errors report one through a
// SQLState() string method (pgx's do) maps them to the store's sentinels.
//
// # Compatibility
//
// Open, New, Migrate and the DSN forms Open accepts keep their meaning
// through v1, as package store/sqlstore says.
package postgres

import (
	"context"
	"database/sql"
	sqldriver "database/sql/driver"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/mockapi-go/mockapi/store"
	"github.com/mockapi-go/mockapi/store/driver"
	"github.com/mockapi-go/mockapi/store/sqlstore"
	"github.com/mockapi-go/mockapi/store/sqlstore/internal/sqlcore"
)

func init() {
	sqlcore.RegisterErrors(sqlcore.Errors{Unique: isUnique, Unavailable: isConnectError, SQLState: sqlState})
}

// Open connects to the PostgreSQL database the DSN names (postgres://...
// or postgresql://...; the pool settings of package store/sqlstore are
// taken out of its query, the rest pass to pgx), migrates its schema
// unless sqlstore.WithoutMigrate says otherwise, and returns a Store that
// owns the connection pool.
func Open(ctx context.Context, dsn string, opts ...sqlstore.Option) (*store.Store, error) {
	c := config(opts)
	d, err := openDriver(ctx, dsn, c.SkipMigrate)
	if err != nil {
		return nil, err
	}
	return store.New(d, c.Store...), nil
}

// OpenDriver is Open without the portable layer, for wrapping with
// store.New (the conformance suite does).
func OpenDriver(ctx context.Context, dsn string, opts ...sqlstore.Option) (driver.Driver, error) {
	return openDriver(ctx, dsn, config(opts).SkipMigrate)
}

func openDriver(ctx context.Context, dsn string, skipMigrate bool) (driver.Driver, error) {
	if !strings.HasPrefix(dsn, "postgres://") && !strings.HasPrefix(dsn, "postgresql://") {
		return nil, fmt.Errorf("sqlstore: DSN %q: want postgres://: %w", sqlcore.Redact(dsn), store.ErrInvalid)
	}
	source, pool, err := sqlcore.SplitPool(dsn)
	if err != nil {
		return nil, err
	}
	db, cfg, err := openPostgres(source)
	if err != nil {
		return nil, err
	}
	pool.Apply(db)
	d, err := sqlcore.NewDriver(ctx, db, sqlcore.Postgres, skipMigrate, " "+sqlcore.Redact(dsn), native(db)...)
	if err != nil {
		db.Close()
		return nil, err
	}
	return &watching{Driver: d, conn: dialer(cfg)}, nil
}

// New returns a Store over db, a PostgreSQL pool the caller opened and
// configures (pgx's stdlib driver, or another whose errors report their
// SQLSTATE). Unless sqlstore.WithoutMigrate says otherwise, it first
// migrates the schema. The Store owns db: closing it closes db.
func New(ctx context.Context, db *sql.DB, opts ...sqlstore.Option) (*store.Store, error) {
	c := config(opts)
	var dopts []sqlcore.DriverOption
	if canBorrow(db) {
		dopts = native(db)
	}
	d, err := sqlcore.NewDriver(ctx, db, sqlcore.Postgres, c.SkipMigrate, "", dopts...)
	if err != nil {
		return nil, err
	}
	if canBorrow(db) {
		d = &watching{Driver: d, conn: borrower(db)}
	}
	return store.New(d, c.Store...), nil
}

// Migrate migrates the schema of db forward, as Open and New do unless
// told not to. It holds an advisory lock while it runs, so several
// processes may run it at once.
func Migrate(ctx context.Context, db *sql.DB) error {
	return sqlcore.Migrate(ctx, db, sqlcore.Postgres)
}

// native runs the calls a server makes on every request (Records.Get,
// RequestLog.Append) on pgx itself, over db's connections.
func native(db *sql.DB) []sqlcore.DriverOption {
	return []sqlcore.DriverOption{
		sqlcore.WithGetter(newReader(db, readLimit(db)).get),
		sqlcore.WithAppender(appender(db)),
	}
}

func config(opts []sqlstore.Option) sqlcore.Config {
	var c sqlcore.Config
	for _, o := range opts {
		o(&c)
	}
	return c
}

// sqlState returns the SQLSTATE of a PostgreSQL error, or "".
func sqlState(err error) string {
	var se interface{ SQLState() string }
	if errors.As(err, &se) {
		return se.SQLState()
	}
	return ""
}

// isUnique reports a unique violation.
func isUnique(err error) bool { return sqlState(err) == "23505" }

// isConnectError reports a connection pgx could not make.
func isConnectError(err error) bool {
	var ce *pgconn.ConnectError
	return errors.As(err, &ce)
}

// openPostgres opens a pgx pool whose connector waits, within the
// caller's context, while the server refuses connections for want of
// slots (too many clients, starting up), instead of failing the request.
func openPostgres(dsn string) (*sql.DB, *pgx.ConnConfig, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		// pgx leaves the password out of its parse errors.
		return nil, nil, fmt.Errorf("sqlstore: postgres DSN: %w (%v)", store.ErrInvalid, err)
	}
	return sql.OpenDB(retryConnector{stdlib.GetConnector(*cfg)}), cfg, nil
}

// retryConnector retries a connection the server refused for a reason
// that passes (see refusedForNow) with a growing pause, up to a second,
// until the context ends.
type retryConnector struct{ sqldriver.Connector }

func (c retryConnector) Connect(ctx context.Context) (sqldriver.Conn, error) {
	pause := 10 * time.Millisecond
	for {
		conn, err := c.Connector.Connect(ctx)
		if err == nil || !refusedForNow(err) {
			return conn, err
		}
		t := time.NewTimer(pause)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, errors.Join(ctx.Err(), err)
		case <-t.C:
		}
		pause = min(2*pause, time.Second)
	}
}

// refusedForNow reports a connection refused for a reason that passes:
// too many connections (53300), the server starting or stopping (57P03).
func refusedForNow(err error) bool {
	switch sqlState(err) {
	case "53300", "57P03", "53000":
		return true
	}
	return false
}
