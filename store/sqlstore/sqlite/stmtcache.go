package sqlite

import (
	"context"
	sqldriver "database/sql/driver"
	"errors"
)

// SQLite parses and plans a statement on every call unless it is
// prepared, and for a page or a count that costs as much as running it.
// stmtCacheConnector keeps up to maxConnStmts prepared statements per
// connection, by query text, like pgx's statement cache on PostgreSQL.
// Statement texts vary only with a query's shape (field names and values
// are bind parameters), so the cache stays small; once it is full, new
// texts run unprepared. A statement whose rows are still open is not
// reused: a second use meanwhile runs unprepared.

const maxConnStmts = 128

// stmtCacheConnector wraps a sqldriver.Connector.
type stmtCacheConnector struct{ sqldriver.Connector }

func (c stmtCacheConnector) Connect(ctx context.Context) (sqldriver.Conn, error) {
	conn, err := c.Connector.Connect(ctx)
	if err != nil {
		return nil, err
	}
	sc, ok := conn.(sqliteConn)
	if !ok {
		return conn, nil
	}
	return &cachingConn{sqliteConn: sc, stmts: map[string]*cachedStmt{}}, nil
}

// sqliteConn is what database/sql uses of a modernc.org/sqlite connection.
type sqliteConn interface {
	sqldriver.Conn
	sqldriver.ConnBeginTx
	sqldriver.ConnPrepareContext
	sqldriver.ExecerContext
	sqldriver.QueryerContext
	sqldriver.SessionResetter
	sqldriver.Validator
	sqldriver.Pinger
}

type stmtContext interface {
	sqldriver.Stmt
	sqldriver.StmtExecContext
	sqldriver.StmtQueryContext
}

type cachedStmt struct {
	stmtContext
	busy bool // its rows are open
}

// cachingConn is one connection and its statements. database/sql uses a
// connection from one goroutine at a time, so it needs no lock.
type cachingConn struct {
	sqliteConn
	stmts map[string]*cachedStmt
}

// stmt returns the cached, idle statement for the query, or nil.
func (c *cachingConn) stmt(ctx context.Context, query string) *cachedStmt {
	if s, ok := c.stmts[query]; ok {
		if s.busy {
			return nil
		}
		return s
	}
	if len(c.stmts) >= maxConnStmts {
		return nil
	}
	ds, err := c.sqliteConn.PrepareContext(ctx, query)
	if err != nil {
		return nil // unprepared, the query reports the error itself
	}
	sc, ok := ds.(stmtContext)
	if !ok {
		_ = ds.Close()
		return nil
	}
	s := &cachedStmt{stmtContext: sc}
	c.stmts[query] = s
	return s
}

func (c *cachingConn) ExecContext(ctx context.Context, query string, args []sqldriver.NamedValue) (sqldriver.Result, error) {
	if s := c.stmt(ctx, query); s != nil {
		return s.ExecContext(ctx, args)
	}
	return c.sqliteConn.ExecContext(ctx, query, args)
}

func (c *cachingConn) QueryContext(ctx context.Context, query string, args []sqldriver.NamedValue) (sqldriver.Rows, error) {
	s := c.stmt(ctx, query)
	if s == nil {
		return c.sqliteConn.QueryContext(ctx, query, args)
	}
	rows, err := s.QueryContext(ctx, args)
	if err != nil {
		return nil, err
	}
	s.busy = true
	return &cachedRows{Rows: rows, s: s}, nil
}

func (c *cachingConn) Close() error {
	var errs []error
	for q, s := range c.stmts {
		errs = append(errs, s.Close())
		delete(c.stmts, q)
	}
	return errors.Join(append(errs, c.sqliteConn.Close())...)
}

// cachedRows frees its statement for reuse when closed.
type cachedRows struct {
	sqldriver.Rows
	s *cachedStmt
}

func (r *cachedRows) Close() error {
	err := r.Rows.Close()
	r.s.busy = false
	return err
}
