package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/mockapi-go/mockapi/store"
	"github.com/mockapi-go/mockapi/store/sqlstore/internal/sqlcore"
)

// onConn runs fn on a pgx connection of db's pool (sql.Conn.Raw), which
// it returns to the pool afterwards, or drops if fn left it broken. A
// connection that turns out broken before anything was sent is dropped
// and fn tried on another, as database/sql does for its own statements.
func onConn(ctx context.Context, db *sql.DB, fn func(*pgx.Conn) error) error {
	for try := 0; ; try++ {
		err := onConnOnce(ctx, db, fn)
		if err == nil || try == 2 || !pgconn.SafeToRetry(err) || ctx.Err() != nil {
			return err
		}
	}
}

// errNotPgx says the pool's driver hands out no pgx connections.
var errNotPgx = errors.New("not a pgx connection")

func onConnOnce(ctx context.Context, db *sql.DB, fn func(*pgx.Conn) error) error {
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		sc, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("%w: %T", errNotPgx, dc)
		}
		return fn(sc.Conn())
	})
}

// appender copies request-log entries into request_log (COPY), one
// statement per batch, instead of inserting them with 14 parameters
// each: for PostgreSQL and for database/sql the cheaper way to write the
// log, which the server writes for every request it answers.
func appender(db *sql.DB) sqlcore.Appender {
	table := pgx.Identifier{"request_log"}
	return func(ctx context.Context, entries []store.Entry) error {
		return onConn(ctx, db, func(conn *pgx.Conn) error {
			_, err := conn.CopyFrom(ctx, table, sqlcore.LogColumns, pgx.CopyFromSlice(len(entries), func(i int) ([]any, error) {
				return sqlcore.LogValues(entries[i]), nil
			}))
			return err
		})
	}
}
