package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/jackc/pgx/v5"

	"github.com/mockapi-go/mockapi/store"
	"github.com/mockapi-go/mockapi/store/sqlstore/internal/sqlcore"
)

// reader serves Records.Get, the hottest call of a mock server, natively
// with pgx on connections of the store's *sql.DB (sql.Conn.Raw), without
// database/sql's per-statement work. It runs at most limit statements at
// once; reads that arrive while all of them run wait in a queue, and the
// next statement serves up to maxGetBatch of them together, one lookup
// per read in one round trip (getManySQL). Under load that divides the
// round trips, and the server's work per statement, by the number of
// reads waiting; alone, a read runs its own statement at once, in the
// caller's goroutine.
//
// Each read still sees every write committed before it was called: the
// statement that serves it starts after it was queued. Nothing is cached.
type reader struct {
	db    *sql.DB
	limit int // statements at once

	mu      sync.Mutex
	queue   []*getCall
	running int // statements running, or about to
}

// maxGetBatch bounds the reads one statement serves.
const maxGetBatch = 64

// getManySQL looks up many records at once: $1 to $4 are arrays of
// projects, collections, sessions and ids; each row is one lookup's
// visible row (as GetSQL reads it, with probes of the whole key) after
// its 1-based index. A lookup without a row has none. The arrays are
// indexed rather than unnested so that PostgreSQL plans the statement
// once per connection: unnest's estimate follows the array's length,
// which made every execution plan anew for a plan as cheap as the
// generic one.
const getManySQL = `SELECT k.i, r.session, r.data::text, r.deleted, r.created_at, r.updated_at
	FROM generate_subscripts($4::text[], 1) AS k(i)
	CROSS JOIN LATERAL (
		SELECT session, data, deleted, created_at, updated_at FROM records
			WHERE project = ($1::text[])[k.i] AND collection = ($2::text[])[k.i]
				AND session = ($3::text[])[k.i] AND id = ($4::text[])[k.i]
		UNION ALL
		SELECT session, data, deleted, created_at, updated_at FROM records
			WHERE ($3::text[])[k.i] <> '' AND project = ($1::text[])[k.i] AND collection = ($2::text[])[k.i]
				AND session = '' AND id = ($4::text[])[k.i]
		ORDER BY session DESC LIMIT 1) r`

// getBaseSQL and getManyBaseSQL are GetSQL and getManySQL for the base
// scope, the common case, where a record's key is the whole lookup: no
// second probe, no sort. $1 to $3 are the project(s), collection(s) and
// id(s). LIMIT 1 keeps each lookup a probe of the primary key: without
// it PostgreSQL may join the ids to the whole table.
const (
	getBaseSQL = `SELECT session, data::text, deleted, created_at, updated_at FROM records
		WHERE project = $1 AND collection = $2 AND session = '' AND id = $3`
	getManyBaseSQL = `SELECT k.i, r.session, r.data::text, r.deleted, r.created_at, r.updated_at
	FROM generate_subscripts($3::text[], 1) AS k(i)
	CROSS JOIN LATERAL (SELECT session, data, deleted, created_at, updated_at FROM records
		WHERE project = ($1::text[])[k.i] AND collection = ($2::text[])[k.i] AND session = '' AND id = ($3::text[])[k.i]
		LIMIT 1) r`
)

// getCall is one Records.Get waiting for its row.
type getCall struct {
	ctx            context.Context
	s              store.Scope
	collection, id string

	row  *sqlcore.Row
	err  error
	done chan struct{} // closed once row and err are set
}

// newReader reads from db with at most limit statements at once (at
// least one).
func newReader(db *sql.DB, limit int) *reader {
	return &reader{db: db, limit: max(limit, 1)}
}

// readLimit is how many statements a reader over db runs at once: half
// the connections db may open (Open's default bound when db sets none),
// at least one. The fewer statements run, the more reads each serves
// under load, which is what saves work; the other half of the pool
// stays for writes, listings and the request log.
func readLimit(db *sql.DB) int {
	n := db.Stats().MaxOpenConnections
	if n <= 0 {
		n = sqlcore.DefaultMaxConns()
	}
	return max(n/2, 1)
}

// get is a sqlcore.Getter.
func (r *reader) get(ctx context.Context, s store.Scope, collection, id string) (*sqlcore.Row, error) {
	c := &getCall{ctx: ctx, s: s, collection: collection, id: id, done: make(chan struct{})}
	r.mu.Lock()
	r.queue = append(r.queue, c)
	lead := r.running < r.limit
	if lead {
		r.running++
	}
	r.mu.Unlock()
	if lead {
		// Most often the batch is this read alone, or this read and a few
		// that queued meanwhile; reads queued later go to a worker, so
		// that this caller does not wait for them.
		if batch := r.take(); batch != nil {
			r.run(batch)
			if r.keep() {
				go r.work()
			}
		}
	}
	select {
	case <-c.done:
		return c.row, c.err
	case <-ctx.Done():
		// The statement that serves c, if one does, ends without it.
		return nil, ctx.Err()
	}
}

// take removes the next batch from the queue, or frees the caller's
// statement slot and returns nil when no read waits.
func (r *reader) take() []*getCall {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := min(len(r.queue), maxGetBatch)
	if n == 0 {
		r.running--
		return nil
	}
	batch := make([]*getCall, n)
	copy(batch, r.queue)
	rest := copy(r.queue, r.queue[n:])
	clear(r.queue[rest:])
	r.queue = r.queue[:rest]
	return batch
}

// keep reports whether reads wait, so that the caller's slot goes on to
// serve them; if none waits, it frees the slot.
func (r *reader) keep() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.queue) > 0 {
		return true
	}
	r.running--
	return false
}

// work serves batches until no read waits.
func (r *reader) work() {
	for batch := r.take(); batch != nil; batch = r.take() {
		r.run(batch)
	}
}

// run reads the rows of a batch and hands each its result. Reads whose
// callers left already are dropped; the statement runs until every
// caller left or it ends.
func (r *reader) run(batch []*getCall) {
	live := batch[:0]
	for _, c := range batch {
		if err := c.ctx.Err(); err != nil {
			c.err = err
			close(c.done)
			continue
		}
		live = append(live, c)
	}
	if len(live) == 0 {
		return
	}
	ctx, stop := joinContexts(live)
	err := r.query(ctx, live)
	stop()
	for _, c := range live {
		if c.err == nil {
			c.err = err
		}
		close(c.done)
	}
}

// query reads the rows of the calls on one connection of the pool.
func (r *reader) query(ctx context.Context, calls []*getCall) error {
	return onConn(ctx, r.db, func(conn *pgx.Conn) error {
		if len(calls) == 1 {
			return getOne(ctx, conn, calls[0])
		}
		return getMany(ctx, conn, calls)
	})
}

// getOne reads one call's row with GetSQL, or getBaseSQL in the base
// scope.
func getOne(ctx context.Context, conn *pgx.Conn, c *getCall) error {
	var row pgx.Row
	if c.s.Session == "" {
		row = conn.QueryRow(ctx, getBaseSQL, c.s.Project, c.collection, c.id)
	} else {
		row = conn.QueryRow(ctx, sqlcore.GetSQL, c.s.Project, c.collection, c.s.Session, c.id)
	}
	var x sqlcore.Row
	err := row.Scan(&x.Session, &x.Data, &x.Deleted, &x.Created, &x.Updated)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return nil
	case err != nil:
		return err
	}
	c.row = &x
	return nil
}

// getMany reads the rows of several calls with getManySQL, or
// getManyBaseSQL when every call reads the base scope.
func getMany(ctx context.Context, conn *pgx.Conn, calls []*getCall) error {
	n := len(calls)
	keys := make([]string, 4*n)
	projects, collections, sessions, ids := keys[:n:n], keys[n:2*n:2*n], keys[2*n:3*n:3*n], keys[3*n:]
	base := true
	for i, c := range calls {
		projects[i], collections[i], sessions[i], ids[i] = c.s.Project, c.collection, c.s.Session, c.id
		base = base && c.s.Session == ""
	}
	var (
		rows pgx.Rows
		err  error
	)
	if base {
		rows, err = conn.Query(ctx, getManyBaseSQL, projects, collections, ids)
	} else {
		rows, err = conn.Query(ctx, getManySQL, projects, collections, sessions, ids)
	}
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var (
			i int64
			x sqlcore.Row
		)
		if err := rows.Scan(&i, &x.Session, &x.Data, &x.Deleted, &x.Created, &x.Updated); err != nil {
			return err
		}
		if i < 1 || i > int64(n) {
			return fmt.Errorf("lookup %d of %d", i, n)
		}
		calls[i-1].row = &x
	}
	return rows.Err()
}

// joinContexts returns a context that ends when every call's context has
// ended, with the first one's values, and a func that releases it.
func joinContexts(calls []*getCall) (context.Context, func()) {
	if len(calls) == 1 {
		return calls[0].ctx, func() {}
	}
	ctx, cancel := context.WithCancel(context.WithoutCancel(calls[0].ctx))
	var left atomic.Int64
	left.Store(int64(len(calls)))
	stops := make([]func() bool, len(calls))
	for i, c := range calls {
		stops[i] = context.AfterFunc(c.ctx, func() {
			if left.Add(-1) == 0 {
				cancel()
			}
		})
	}
	return ctx, func() {
		for _, stop := range stops {
			stop()
		}
		cancel()
	}
}
