package sqlcore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/mockapi-go/mockapi/store"
	"github.com/mockapi-go/mockapi/store/driver"
)

// Records live in one table keyed by (project, collection, session, id):
// session '' is base data, any other session is that visitor's overlay, where
// deleted marks a tombstone over a base record. Listings read the primary
// key in order, so a page costs O(page). record_counts holds the number of
// base records of each collection, changed in the transaction of every
// write that adds or removes one, so that an unfiltered Count costs one
// row in the base scope and O(overlay) in a session.

type records struct {
	db  *db
	get Getter // nil: Get reads through database/sql
}

// Row is the row a scope sees for a record id, as a Getter reads it: the
// session's own row if it has one, else the base row.
type Row struct {
	Session          string
	Data             []byte // JSON text
	Deleted          bool
	Created, Updated int64 // Unix microseconds
}

// Getter reads the row a scope sees for a record id, as GetSQL does, by
// other means than database/sql; nil and no error when there is none.
// Its errors are the driver's own: Records.Get maps them as it maps
// database/sql's.
type Getter func(ctx context.Context, s store.Scope, collection, id string) (*Row, error)

// GetSQL is the statement that Records.Get runs on PostgreSQL, with the
// scope's project, collection, session and the id as $1 to $4.
var GetSQL string

func init() {
	SQLite.visibleSQL = `SELECT session, data, deleted, created_at, updated_at FROM records
		WHERE project = ? AND collection = ? AND session IN ('', ?) AND id = ?
		ORDER BY session DESC LIMIT 1`
	// PostgreSQL costs session IN ('', $3) as two probes of the primary
	// key, above a sequential scan of a collection of a few hundred
	// records, and keeps the plan it picks for the connection: every read
	// then scanned the whole table. Each lookup of the whole key plans as
	// one probe; the second runs only in a session.
	Postgres.visibleSQL = `SELECT session, data::text, deleted, created_at, updated_at FROM records
			WHERE project = $1 AND collection = $2 AND session = $3 AND id = $4
		UNION ALL
		SELECT session, data::text, deleted, created_at, updated_at FROM records
			WHERE $3 <> '' AND project = $1 AND collection = $2 AND session = '' AND id = $4
		ORDER BY session DESC LIMIT 1`
	GetSQL = Postgres.visibleSQL
}

// querier is a *sql.DB or *sql.Tx.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// row is a stored record row.
type row struct {
	store.Record
	session string
	deleted bool
}

func recordErr(s store.Scope, collection, id string, err error) error {
	return fmt.Errorf("record %s/%s/%s: %w", s.Project, collection, id, err)
}

// visible reads the row the scope sees for the id: the session's own row if
// it has one, else the base row. With lock, in a transaction, it first locks
// the base and overlay rows on PostgreSQL and only then reads, in a new
// statement and so a new snapshot: a concurrent writer that created the
// session's overlay row while this one waited is seen, not overwritten.
// (SQLite write transactions are IMMEDIATE and need no row locks.)
func (r *records) visible(ctx context.Context, q querier, s store.Scope, collection, id string, lock bool) (*row, error) {
	if lock && r.db.d.forUpdate != "" {
		rows, err := q.QueryContext(ctx, r.db.q(`SELECT session FROM records
			WHERE project = ? AND collection = ? AND session IN ('', ?) AND id = ?`+r.db.d.forUpdate), s.Project, collection, s.Session, id)
		if err != nil {
			return nil, wrap(err, "record %s/%s/%s", s.Project, collection, id)
		}
		for rows.Next() { // rows are locked as they are read
			var session string
			if err := rows.Scan(&session); err != nil {
				rows.Close()
				return nil, wrap(err, "record %s/%s/%s", s.Project, collection, id)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, wrap(err, "record %s/%s/%s", s.Project, collection, id)
		}
	}
	var (
		x                row
		data             []byte
		created, updated int64
	)
	err := q.QueryRowContext(ctx, r.db.d.visibleSQL, s.Project, collection, s.Session, id).
		Scan(&x.session, &data, &x.deleted, &created, &updated)
	if err == sql.ErrNoRows {
		return nil, nil
	}
	if err != nil {
		return nil, wrap(err, "record %s/%s/%s", s.Project, collection, id)
	}
	x.ID, x.Data, x.CreatedAt, x.UpdatedAt = id, data, fromMicros(created), fromMicros(updated)
	return &x, nil
}

// getWith reads the visible row through the Getter.
func (r *records) getWith(ctx context.Context, s store.Scope, collection, id string) (*row, error) {
	x, err := r.get(ctx, s, collection, id)
	if err != nil {
		return nil, wrap(err, "record %s/%s/%s", s.Project, collection, id)
	}
	if x == nil {
		return nil, nil
	}
	return &row{Record: store.Record{ID: id, Data: x.Data, CreatedAt: fromMicros(x.Created), UpdatedAt: fromMicros(x.Updated)},
		session: x.Session, deleted: x.Deleted}, nil
}

// put writes the record into the scope's own rows (base or overlay).
func (r *records) put(ctx context.Context, q querier, s store.Scope, collection string, rec *store.Record) error {
	_, err := q.ExecContext(ctx, r.db.q(`INSERT INTO records (project, collection, session, id, data, deleted, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (project, collection, session, id) DO UPDATE SET data = excluded.data, deleted = excluded.deleted,
			created_at = excluded.created_at, updated_at = excluded.updated_at`),
		s.Project, collection, s.Session, rec.ID, string(rec.Data), false, micros(rec.CreatedAt), micros(rec.UpdatedAt))
	return wrap(err, "record %s/%s/%s", s.Project, collection, rec.ID)
}

func (r *records) Create(ctx context.Context, s store.Scope, collection, id string, data json.RawMessage) (*store.Record, error) {
	now := fromMicros(r.db.nowMicros())
	rec := &store.Record{ID: id, Data: data, CreatedAt: now, UpdatedAt: now}
	err := r.db.inTx(ctx, func(tx *sql.Tx) error {
		if err := r.createIn(ctx, tx, s, collection, id, data, now); err != nil {
			return err
		}
		return r.addCount(ctx, tx, s, collection, 1)
	})
	if err != nil {
		return nil, err
	}
	return rec, nil
}

// createIn creates one record in tx, without counting it.
func (r *records) createIn(ctx context.Context, tx *sql.Tx, s store.Scope, collection, id string, data json.RawMessage, now time.Time) error {
	v, err := r.visible(ctx, tx, s, collection, id, true)
	switch {
	case err != nil:
		return err
	case v != nil && !v.deleted:
		return recordErr(s, collection, id, store.ErrConflict)
	case v != nil: // the session's tombstone: only one creator may revive it
		res, err := tx.ExecContext(ctx, r.db.q(`UPDATE records SET data = ?, deleted = ?, created_at = ?, updated_at = ?
			WHERE project = ? AND collection = ? AND session = ? AND id = ? AND deleted = ?`),
			string(data), false, micros(now), micros(now), s.Project, collection, s.Session, id, true)
		if err != nil {
			return wrap(err, "record %s/%s/%s", s.Project, collection, id)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return recordErr(s, collection, id, store.ErrConflict)
		}
		return nil
	}
	_, err = tx.ExecContext(ctx, r.db.q(`INSERT INTO records (project, collection, session, id, data, deleted, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`), s.Project, collection, s.Session, id, string(data), false, micros(now), micros(now))
	return wrap(err, "record %s/%s/%s", s.Project, collection, id)
}

// batchChunk bounds the rows of one INSERT of a batch (8 parameters each).
const batchChunk = 250

// CreateBatch creates every record in one transaction. In the base scope,
// where no tombstone can stand in the way, it inserts many rows per
// statement and counts them once; a conflict shows as fewer rows inserted
// than given, and rolls everything back. A session's batch is created
// record by record, still in one transaction.
func (r *records) CreateBatch(ctx context.Context, s store.Scope, collection string, recs []store.NewRecord) error {
	now := fromMicros(r.db.nowMicros())
	return r.db.inTx(ctx, func(tx *sql.Tx) error {
		if s.Session != "" {
			for _, rec := range recs {
				if err := r.createIn(ctx, tx, s, collection, rec.ID, rec.Data, now); err != nil {
					return err
				}
			}
			return nil
		}
		for chunk := range slices.Chunk(recs, batchChunk) {
			var b strings.Builder
			b.WriteString(`INSERT INTO records (project, collection, session, id, data, deleted, created_at, updated_at) VALUES `)
			args := make([]any, 0, len(chunk)*8)
			for i, rec := range chunk {
				if i > 0 {
					b.WriteString(", ")
				}
				b.WriteString("(?, ?, ?, ?, ?, ?, ?, ?)")
				args = append(args, s.Project, collection, "", rec.ID, string(rec.Data), false, micros(now), micros(now))
			}
			b.WriteString(` ON CONFLICT (project, collection, session, id) DO NOTHING`)
			res, err := tx.ExecContext(ctx, r.db.q(b.String()), args...)
			if err != nil {
				return wrap(err, "records %s/%s: batch of %d", s.Project, collection, len(chunk))
			}
			if n, err := res.RowsAffected(); err != nil || n != int64(len(chunk)) {
				return fmt.Errorf("records %s/%s: a record of the batch exists: %w", s.Project, collection, store.ErrConflict)
			}
		}
		return r.addCount(ctx, tx, s, collection, len(recs))
	})
}

// addCount adds delta to the count of base records of a collection, when
// the scope is the base scope.
func (r *records) addCount(ctx context.Context, q querier, s store.Scope, collection string, delta int) error {
	if s.Session != "" {
		return nil
	}
	_, err := q.ExecContext(ctx, r.db.q(`INSERT INTO record_counts (project, collection, n) VALUES (?, ?, ?)
		ON CONFLICT (project, collection) DO UPDATE SET n = record_counts.n + excluded.n`), s.Project, collection, delta)
	return wrap(err, "count %s/%s", s.Project, collection)
}

func (r *records) Get(ctx context.Context, s store.Scope, collection, id string) (*store.Record, error) {
	var (
		v   *row
		err error
	)
	if r.get != nil {
		v, err = r.getWith(ctx, s, collection, id)
	} else {
		v, err = r.visible(ctx, r.db, s, collection, id, false)
	}
	if err != nil {
		return nil, err
	}
	if v == nil || v.deleted {
		return nil, recordErr(s, collection, id, store.ErrNotFound)
	}
	return &v.Record, nil
}

// update replaces the data of a visible record with what change returns.
func (r *records) update(ctx context.Context, s store.Scope, collection, id string, change func(json.RawMessage) (json.RawMessage, error)) (*store.Record, error) {
	var out *store.Record
	err := r.db.inTx(ctx, func(tx *sql.Tx) error {
		v, err := r.visible(ctx, tx, s, collection, id, true)
		if err != nil {
			return err
		}
		if v == nil || v.deleted {
			return recordErr(s, collection, id, store.ErrNotFound)
		}
		data, err := change(v.Data)
		if err != nil {
			return err
		}
		out = &store.Record{ID: id, Data: data, CreatedAt: v.CreatedAt, UpdatedAt: fromMicros(r.db.nowMicros())}
		return r.put(ctx, tx, s, collection, out)
	})
	return out, err
}

func (r *records) Replace(ctx context.Context, s store.Scope, collection, id string, data json.RawMessage) (*store.Record, error) {
	return r.update(ctx, s, collection, id, func(json.RawMessage) (json.RawMessage, error) { return data, nil })
}

func (r *records) Patch(ctx context.Context, s store.Scope, collection, id string, patch json.RawMessage) (*store.Record, error) {
	return r.update(ctx, s, collection, id, func(doc json.RawMessage) (json.RawMessage, error) { return driver.MergePatch(doc, patch) })
}

func (r *records) Update(ctx context.Context, s store.Scope, collection, id string, change func(json.RawMessage) (json.RawMessage, error)) (*store.Record, error) {
	return r.update(ctx, s, collection, id, change)
}

func (r *records) Delete(ctx context.Context, s store.Scope, collection, id string) error {
	if s.Session == "" {
		return r.db.inTx(ctx, func(tx *sql.Tx) error {
			res, err := tx.ExecContext(ctx, r.db.q(`DELETE FROM records WHERE project = ? AND collection = ? AND session = '' AND id = ?`),
				s.Project, collection, id)
			if err != nil {
				return wrap(err, "record %s/%s/%s", s.Project, collection, id)
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return recordErr(s, collection, id, store.ErrNotFound)
			}
			return r.addCount(ctx, tx, s, collection, -1)
		})
	}
	return r.db.inTx(ctx, func(tx *sql.Tx) error {
		v, err := r.visible(ctx, tx, s, collection, id, true)
		if err != nil {
			return err
		}
		if v == nil || v.deleted {
			return recordErr(s, collection, id, store.ErrNotFound)
		}
		// A tombstone hides the base record from this session; an overlay
		// record with no base record under it just goes.
		var one int
		err = tx.QueryRowContext(ctx, r.db.q(`SELECT 1 FROM records WHERE project = ? AND collection = ? AND session = '' AND id = ?`),
			s.Project, collection, id).Scan(&one)
		switch {
		case err == sql.ErrNoRows:
			_, err = tx.ExecContext(ctx, r.db.q(`DELETE FROM records WHERE project = ? AND collection = ? AND session = ? AND id = ?`),
				s.Project, collection, s.Session, id)
		case err == nil:
			_, err = tx.ExecContext(ctx, r.db.q(`INSERT INTO records (project, collection, session, id, data, deleted, created_at, updated_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?)
				ON CONFLICT (project, collection, session, id) DO UPDATE SET deleted = excluded.deleted`),
				s.Project, collection, s.Session, id, "{}", true, 0, 0)
		}
		return wrap(err, "record %s/%s/%s", s.Project, collection, id)
	})
}

func (r *records) List(ctx context.Context, s store.Scope, collection string, q store.Query) (*store.Page, error) {
	p, _, err := r.list(ctx, s, collection, q, false)
	return p, err
}

// ListCount is List with Count's total in the same statement: every row
// of the page carries it. An empty page carries nothing, and then Count
// runs after it.
func (r *records) ListCount(ctx context.Context, s store.Scope, collection string, q store.Query) (*store.Page, int, error) {
	p, n, err := r.list(ctx, s, collection, q, true)
	if err != nil || len(p.Records) > 0 {
		return p, n, err
	}
	n, err = r.Count(ctx, s, collection, q)
	return p, n, err
}

func (r *records) list(ctx context.Context, s store.Scope, collection string, q store.Query, counted bool) (*store.Page, int, error) {
	var after *driver.Keyset
	if q.After != "" {
		k, err := driver.ParseKeyset(q.After)
		if err != nil {
			return nil, 0, err
		}
		after = &k
	}
	var total *sqlb
	if counted {
		total = r.countSQL(s, collection, q)
	}
	var b sqlb
	r.listSQL(&b, s, collection, q, after, q.Limit+1, total)
	rows, err := r.db.QueryContext(ctx, r.db.q(b.String()), b.args...)
	if err != nil {
		return nil, 0, wrap(err, "list %s/%s", s.Project, collection)
	}
	defer rows.Close()
	p := &store.Page{}
	n := 0
	for rows.Next() {
		var (
			rec              store.Record
			data             []byte
			created, updated int64
		)
		dest := []any{&rec.ID, &data, &created, &updated}
		if counted {
			dest = append(dest, &n)
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, 0, wrap(err, "list %s/%s", s.Project, collection)
		}
		rec.Data, rec.CreatedAt, rec.UpdatedAt = data, fromMicros(created), fromMicros(updated)
		p.Records = append(p.Records, &rec)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, wrap(err, "list %s/%s", s.Project, collection)
	}
	if len(p.Records) > q.Limit {
		p.Records = p.Records[:q.Limit]
		p.Cursor = p.Records[q.Limit-1].ID
	}
	return p, n, nil
}

func (r *records) Count(ctx context.Context, s store.Scope, collection string, q store.Query) (int, error) {
	c := r.countSQL(s, collection, q)
	var n int
	err := r.db.QueryRowContext(ctx, r.db.q("SELECT "+c.String()), c.args...).Scan(&n)
	return n, wrap(err, "count %s/%s", s.Project, collection)
}

// countSQL writes a scalar expression: how many records the scope sees
// that match the query's Filter, Where and Search. Without any, it is the
// base count of record_counts, plus, in a session, its own records that
// hide no base record, less its tombstones over base records that still
// exist; with a selection, a count of the listing.
func (r *records) countSQL(s store.Scope, collection string, q store.Query) *sqlb {
	b := &sqlb{}
	if len(q.Filter) > 0 || len(q.Where) > 0 || q.Search != "" {
		b.w("(SELECT COUNT(*) FROM (")
		r.listSQL(b, s, collection, store.Query{Filter: q.Filter, Where: q.Where, Search: q.Search}, nil, 0, nil)
		b.w(") c)")
		return b
	}
	b.w(`COALESCE((SELECT n FROM record_counts WHERE project = ? AND collection = ?), 0)`, s.Project, collection)
	if s.Session != "" {
		const overlay = `(SELECT COUNT(*) FROM records o WHERE o.project = ? AND o.collection = ? AND o.session = ? AND %s
			AND %s (SELECT 1 FROM records b WHERE b.project = o.project AND b.collection = o.collection AND b.session = '' AND b.id = o.id))`
		b.w(` + `+fmt.Sprintf(overlay, "NOT o.deleted", "NOT EXISTS"), s.Project, collection, s.Session)
		b.w(` - `+fmt.Sprintf(overlay, "o.deleted", "EXISTS"), s.Project, collection, s.Session)
	}
	return b
}

func (r *records) Reset(ctx context.Context, s store.Scope, collection string) error {
	query := `DELETE FROM records WHERE project = ? AND (? = '' OR collection = ?)`
	args := []any{s.Project, collection, collection}
	if s.Session != "" {
		query += ` AND session = ? AND session <> ''` // <>: records_session holds overlays only
		args = append(args, s.Session)
		_, err := r.db.ExecContext(ctx, r.db.q(query), args...)
		return wrap(err, "reset %s/%s", s.Project, collection)
	}
	return r.db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, r.db.q(query), args...); err != nil {
			return wrap(err, "reset %s/%s", s.Project, collection)
		}
		_, err := tx.ExecContext(ctx, r.db.q(`DELETE FROM record_counts WHERE project = ? AND (? = '' OR collection = ?)`), args...)
		return wrap(err, "reset %s/%s", s.Project, collection)
	})
}

func (r *records) DeleteSession(ctx context.Context, project, session string) error {
	// session <> '' lets PostgreSQL use records_session, which holds
	// session rows only; Records.DeleteSession refuses an empty session.
	_, err := r.db.ExecContext(ctx, r.db.q(`DELETE FROM records WHERE project = ? AND session = ? AND session <> ''`), project, session)
	return wrap(err, "delete session %s/%s", project, session)
}
