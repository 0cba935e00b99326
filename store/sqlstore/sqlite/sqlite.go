// Package sqlite is the SQLite store backend: modernc.org/sqlite (pure Go,
// no cgo), one file per database, for one machine. It links no PostgreSQL
// driver; package store/sqlstore describes the behaviour both SQL
// backends share (pool, listings, migrations).
//
//	s, err := sqlite.Open(ctx, "sqlite:/var/lib/mockapi/state.db")
//
// The database runs in WAL mode with a busy timeout (10 s), so concurrent
// goroutines (and processes) wait for each other instead of failing; write
// transactions begin IMMEDIATE, so they never fail on a lock upgrade.
// Statements are prepared once per connection (up to 128 per connection).
//
// A program that opens its own *sql.DB passes it to New. It must use this
// driver ("sqlite", registered by modernc.org/sqlite, which importing this
// package links); Open's pragmas (WAL, busy timeout, IMMEDIATE
// transactions, foreign keys) are the caller's to set, and without them
// concurrent writers fail with store.ErrUnavailable instead of waiting.
//
// # Compatibility
//
// Open, New, Migrate and the DSN forms Open accepts keep their meaning
// through v1, as package store/sqlstore says.
package sqlite

import (
	"context"
	"database/sql"
	sqldriver "database/sql/driver"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"modernc.org/sqlite"

	"github.com/mockapi-go/mockapi/store"
	"github.com/mockapi-go/mockapi/store/driver"
	"github.com/mockapi-go/mockapi/store/sqlstore"
	"github.com/mockapi-go/mockapi/store/sqlstore/internal/sqlcore"
)

func init() {
	sqlcore.RegisterErrors(sqlcore.Errors{Unique: isUnique, Busy: isBusy})
	// Case-insensitive matching lower-cases both sides with Go's
	// strings.ToLower; SQLite's lower() folds ASCII only.
	sqlite.MustRegisterDeterministicScalarFunction("mockapi_lower", 1, func(_ *sqlite.FunctionContext, args []sqldriver.Value) (sqldriver.Value, error) {
		switch v := args[0].(type) {
		case string:
			return strings.ToLower(v), nil
		case []byte:
			return strings.ToLower(string(v)), nil
		}
		return args[0], nil
	})
}

// Open opens the SQLite database at the DSN (sqlite:PATH, file:PATH or a
// bare PATH; query parameters other than the pool settings of package
// store/sqlstore pass to the driver), migrates its schema unless
// sqlstore.WithoutMigrate says otherwise, and returns a Store that owns the
// connection. The file is created when missing.
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
	if scheme, _, ok := strings.Cut(dsn, "://"); dsn == "" || ok && scheme != "file" && scheme != "sqlite" {
		return nil, fmt.Errorf("sqlstore: DSN %q: want sqlite:PATH, file:PATH or a path: %w", sqlcore.Redact(dsn), store.ErrInvalid)
	}
	source, pool, err := sqlcore.SplitPool(dsn)
	if err != nil {
		return nil, err
	}
	conn, err := sqlite.NewConnector(modernSource(source))
	if err != nil {
		return nil, fmt.Errorf("sqlstore: open sqlite: %w", err)
	}
	db := sql.OpenDB(stmtCacheConnector{conn})
	pool.Apply(db)
	d, err := sqlcore.NewDriver(ctx, db, sqlcore.SQLite, skipMigrate, " "+sqlcore.Redact(dsn))
	if err != nil {
		db.Close()
		return nil, err
	}
	return d, nil
}

// New returns a Store over db, a SQLite pool the caller opened with
// modernc.org/sqlite and configures. Unless sqlstore.WithoutMigrate says
// otherwise, it first migrates the schema. The Store owns db: closing it
// closes db.
func New(ctx context.Context, db *sql.DB, opts ...sqlstore.Option) (*store.Store, error) {
	c := config(opts)
	d, err := sqlcore.NewDriver(ctx, db, sqlcore.SQLite, c.SkipMigrate, "")
	if err != nil {
		return nil, err
	}
	return store.New(d, c.Store...), nil
}

// Migrate migrates the schema of db forward, as Open and New do unless
// told not to. It is safe to run from several processes at once.
func Migrate(ctx context.Context, db *sql.DB) error {
	return sqlcore.Migrate(ctx, db, sqlcore.SQLite)
}

func config(opts []sqlstore.Option) sqlcore.Config {
	var c sqlcore.Config
	for _, o := range opts {
		o(&c)
	}
	return c
}

// modernSource turns a sqlite:, file: or bare-path DSN into a modernc.org/sqlite
// source with WAL, a busy timeout and IMMEDIATE write transactions.
func modernSource(dsn string) string {
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

// isUnique reports SQLITE_CONSTRAINT_UNIQUE or _PRIMARYKEY.
func isUnique(err error) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && (se.Code() == 2067 || se.Code() == 1555)
}

// isBusy reports SQLITE_BUSY or SQLITE_LOCKED.
func isBusy(err error) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && (se.Code()&0xff == 5 || se.Code()&0xff == 6)
}
