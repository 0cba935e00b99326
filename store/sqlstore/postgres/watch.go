package postgres

import (
	"context"
	"database/sql"
	sqldriver "database/sql/driver"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/mockapi-go/mockapi/store/driver"
	"github.com/mockapi-go/mockapi/store/sqlstore/internal/sqlcore"
)

// ListenerName is the application_name of the connection a Store listens
// for project changes on (followed by a space and the schema), as
// pg_stat_activity shows it. It is set once the Store listens.
const ListenerName = "mockapi listen"

// watching is the SQL driver with driver.Watcher: a trigger notifies
// every committed change to a project (see the migrations), and Watch
// listens on one connection that it holds for as long as it listens.
type watching struct {
	driver.Driver
	// conn runs fn on a connection of its own, closed (never pooled)
	// afterwards.
	conn func(ctx context.Context, fn func(*pgx.Conn) error) error
}

var (
	_ driver.Watcher     = (*watching)(nil)
	_ driver.ClockSetter = (*watching)(nil)
)

// SetClock passes the Store's clock to the SQL driver.
func (w *watching) SetClock(now func() time.Time) {
	if cs, ok := w.Driver.(driver.ClockSetter); ok {
		cs.SetClock(now)
	}
}

// Watch listens on the projects channel and reports the changes made to
// the projects of the schema this store's tables live in.
func (w *watching) Watch(ctx context.Context, ready func(), changed func(project string)) error {
	return w.conn(ctx, func(c *pgx.Conn) error {
		var schema string
		err := c.QueryRow(ctx, `SELECT n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
			WHERE c.oid = 'projects'::regclass`).Scan(&schema)
		if err != nil {
			return fmt.Errorf("watch: projects schema: %w", err)
		}
		if _, err := c.Exec(ctx, "LISTEN "+sqlcore.ProjectsChannel); err != nil {
			return fmt.Errorf("watch: listen: %w", err)
		}
		ready()
		// Named after ready, so that whoever sees the name knows the
		// Store listens.
		if _, err := c.Exec(ctx, `SELECT set_config('application_name', $1, false)`, ListenerName+" "+schema); err != nil {
			return fmt.Errorf("watch: %w", err)
		}
		prefix := schema + "."
		for {
			n, err := c.WaitForNotification(ctx)
			if err != nil {
				return fmt.Errorf("watch: %w", err)
			}
			if id, ok := strings.CutPrefix(n.Payload, prefix); ok && n.Channel == sqlcore.ProjectsChannel {
				changed(id)
			}
		}
	})
}

// dialer listens on a connection made from the pool's own configuration,
// outside the pool: a Store opened with Open uses one connection more
// than its pool_max_conns.
func dialer(cfg *pgx.ConnConfig) func(context.Context, func(*pgx.Conn) error) error {
	return func(ctx context.Context, fn func(*pgx.Conn) error) error {
		c, err := pgx.ConnectConfig(ctx, cfg)
		if err != nil {
			return fmt.Errorf("watch: connect: %w", err)
		}
		defer c.Close(context.WithoutCancel(ctx))
		return fn(c)
	}
}

// borrower listens on a connection taken from db, a pool of pgx's stdlib
// driver, and closes it afterwards instead of returning it: a Store made
// with New keeps one of db's connections while it listens.
func borrower(db *sql.DB) func(context.Context, func(*pgx.Conn) error) error {
	return func(ctx context.Context, fn func(*pgx.Conn) error) error {
		conn, err := db.Conn(ctx)
		if err != nil {
			return fmt.Errorf("watch: connect: %w", err)
		}
		defer conn.Close()
		var ferr error
		_ = conn.Raw(func(dc any) error {
			sc, ok := dc.(*stdlib.Conn)
			if !ok {
				ferr = fmt.Errorf("watch: %T is not a pgx connection", dc)
				return nil
			}
			ferr = fn(sc.Conn())
			return sqldriver.ErrBadConn // LISTENing: never back to the pool
		})
		return ferr
	}
}

// canBorrow reports whether db hands out pgx connections.
func canBorrow(db *sql.DB) bool {
	_, ok := db.Driver().(*stdlib.Driver)
	return ok
}
