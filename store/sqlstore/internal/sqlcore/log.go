package sqlcore

import (
	"cmp"
	"context"
	"database/sql"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/mockapi-go/mockapi/store"
)

type requestLog struct {
	db     *db
	append Appender // nil: Append inserts through database/sql
}

const logCols = `time, project, operation, method, path, status, latency, key_id, link_id, session, client, user_agent, source, drift`

// LogColumns are the request_log columns an entry fills, in the order of
// LogValues.
var LogColumns = strings.Split(strings.ReplaceAll(logCols, " ", ""), ",")

// LogValues are the values of an entry's row, in the order of LogColumns.
func LogValues(e store.Entry) []any {
	return []any{micros(e.Time), e.Project, e.Operation, e.Method, e.Path, e.Status, int64(e.Latency), e.KeyID, e.LinkID, e.Session,
		e.Client, e.UserAgent, e.Source, e.Drift}
}

// Appender writes request-log entries, all or none, as Append does, by
// other means than database/sql (the PostgreSQL package copies them
// with pgx). Its errors are the driver's own: Append maps them.
type Appender func(ctx context.Context, entries []store.Entry) error

// appendChunk bounds the rows of one INSERT (PostgreSQL allows 65535
// parameters, SQLite 32766).
const appendChunk = 500

func (l *requestLog) Append(ctx context.Context, entries ...store.Entry) error {
	if l.append != nil {
		return wrap(l.append(ctx, entries), "append %d log entries", len(entries))
	}
	return l.db.inTx(ctx, func(tx *sql.Tx) error {
		for chunk := range slices.Chunk(entries, appendChunk) {
			var b strings.Builder
			b.WriteString(`INSERT INTO request_log (` + logCols + `) VALUES `)
			args := make([]any, 0, len(chunk)*14)
			for i, e := range chunk {
				if i > 0 {
					b.WriteString(", ")
				}
				b.WriteString("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
				args = append(args, LogValues(e)...)
			}
			if _, err := tx.ExecContext(ctx, l.db.q(b.String()), args...); err != nil {
				return wrap(err, "append %d log entries", len(entries))
			}
		}
		return nil
	})
}

// where builds the conditions of a log query.
func logWhere(q store.LogQuery) (string, []any) {
	var (
		conds []string
		args  []any
	)
	eq := func(col, v string) {
		if v != "" {
			conds = append(conds, col+" = ?")
			args = append(args, v)
		}
	}
	eq("project", q.Project)
	eq("operation", q.Operation)
	eq("key_id", q.KeyID)
	eq("link_id", q.LinkID)
	eq("session", q.Session)
	if q.Status != 0 {
		conds = append(conds, "status = ?")
		args = append(args, q.Status)
	}
	if q.Drift {
		conds = append(conds, "drift <> ''")
	}
	if q.StatusClass != 0 {
		conds = append(conds, "status >= ? AND status < ?")
		args = append(args, q.StatusClass*100, q.StatusClass*100+100)
	}
	if !q.Since.IsZero() {
		conds = append(conds, "time >= ?")
		args = append(args, micros(q.Since))
	}
	if !q.Until.IsZero() {
		conds = append(conds, "time < ?")
		args = append(args, micros(q.Until))
	}
	if !q.After.Time.IsZero() {
		t := micros(q.After.Time)
		conds = append(conds, "(time < ? OR (time = ? AND id < ?))")
		args = append(args, t, t, q.After.ID)
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

func (l *requestLog) Query(ctx context.Context, q store.LogQuery) ([]store.Entry, error) {
	where, args := logWhere(q)
	rows, err := l.db.QueryContext(ctx, l.db.q(`SELECT id, `+logCols+` FROM request_log`+where+` ORDER BY time DESC, id DESC LIMIT ?`), append(args, q.Limit)...)
	if err != nil {
		return nil, wrap(err, "query log")
	}
	defer rows.Close()
	var out []store.Entry
	for rows.Next() {
		var (
			e      store.Entry
			t, lat int64
		)
		if err := rows.Scan(&e.ID, &t, &e.Project, &e.Operation, &e.Method, &e.Path, &e.Status, &lat, &e.KeyID, &e.LinkID, &e.Session, &e.Client, &e.UserAgent, &e.Source, &e.Drift); err != nil {
			return nil, wrap(err, "query log")
		}
		e.Time, e.Latency = fromMicros(t), time.Duration(lat)
		out = append(out, e)
	}
	return out, wrap(rows.Err(), "query log")
}

const microsPerDay = 24 * 60 * 60 * 1_000_000

func (l *requestLog) Stats(ctx context.Context, project string, since, until time.Time) (*store.Stats, error) {
	where, args := logWhere(store.LogQuery{Project: project, Since: since, Until: until})
	st := &store.Stats{ByStatusClass: map[int]int{}}
	err := l.db.inTx(ctx, func(tx *sql.Tx) error { // one snapshot for the three aggregates
		rows, err := tx.QueryContext(ctx, l.db.q(`SELECT status / 100, COUNT(*) FROM request_log`+where+` GROUP BY status / 100`), args...)
		if err != nil {
			return wrap(err, "log stats")
		}
		for rows.Next() {
			var class, n int
			if err := rows.Scan(&class, &n); err != nil {
				rows.Close()
				return wrap(err, "log stats")
			}
			st.ByStatusClass[class] = n
			st.Total += n
		}
		rows.Close()
		rows, err = tx.QueryContext(ctx, l.db.q(`SELECT time / `+itoa(microsPerDay)+` AS day, COUNT(*) FROM request_log`+where+` GROUP BY day ORDER BY day`), args...)
		if err != nil {
			return wrap(err, "log stats")
		}
		for rows.Next() {
			var day int64
			var n int
			if err := rows.Scan(&day, &n); err != nil {
				rows.Close()
				return wrap(err, "log stats")
			}
			st.ByDay = append(st.ByDay, store.DayCount{Day: fromMicros(day * microsPerDay), Count: n})
		}
		rows.Close()
		and := " WHERE "
		if where != "" {
			and = where + " AND "
		}
		if err := tx.QueryRowContext(ctx, l.db.q(`SELECT COUNT(*) FROM request_log`+and+`operation = '' AND link_id <> '' AND path = '/'`), args...).Scan(&st.PageViews); err != nil {
			return wrap(err, "log stats")
		}
		var up, fb, drift sql.NullInt64 // SUM of no rows is NULL
		if err := tx.QueryRowContext(ctx, l.db.q(`SELECT SUM(CASE WHEN source = 'upstream' THEN 1 ELSE 0 END),
			SUM(CASE WHEN source = 'fallback' THEN 1 ELSE 0 END), SUM(CASE WHEN drift <> '' THEN 1 ELSE 0 END)
			FROM request_log`+where), args...).Scan(&up, &fb, &drift); err != nil {
			return wrap(err, "log stats")
		}
		st.Upstream, st.Fallbacks, st.Drift = int(up.Int64), int(fb.Int64), int(drift.Int64)
		top, err := l.operations(ctx, tx, and, args, ` ORDER BY n DESC, operation, project LIMIT 10`)
		st.TopOperations = top
		return err
	})
	if err != nil {
		return nil, err
	}
	slices.SortStableFunc(st.TopOperations, func(a, b store.OperationStats) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Operation, b.Operation), cmp.Compare(a.Project, b.Project))
	})
	return st, nil
}

func (l *requestLog) Operations(ctx context.Context, project string, since, until time.Time) ([]store.OperationStats, error) {
	where, args := logWhere(store.LogQuery{Project: project, Since: since, Until: until})
	and := " WHERE "
	if where != "" {
		and = where + " AND "
	}
	out, err := l.operations(ctx, l.db, and, args, ` ORDER BY operation, project`)
	if err != nil {
		return nil, err
	}
	// The database's collation may order names otherwise than Go.
	slices.SortStableFunc(out, func(a, b store.OperationStats) int {
		return cmp.Or(cmp.Compare(a.Operation, b.Operation), cmp.Compare(a.Project, b.Project))
	})
	return out, nil
}

// operations aggregates entries by project and operation; and is the
// query's conditions ending in " AND " (or " WHERE ").
func (l *requestLog) operations(ctx context.Context, q querier, and string, args []any, order string) ([]store.OperationStats, error) {
	rows, err := q.QueryContext(ctx, l.db.q(`SELECT project, operation, COUNT(*) AS n, SUM(latency), MAX(time) FROM request_log`+and+`operation <> ''
		GROUP BY project, operation`+order), args...)
	if err != nil {
		return nil, wrap(err, "log stats")
	}
	defer rows.Close()
	var out []store.OperationStats
	for rows.Next() {
		var (
			o         store.OperationStats
			sum, last int64
		)
		if err := rows.Scan(&o.Project, &o.Operation, &o.Count, &sum, &last); err != nil {
			return nil, wrap(err, "log stats")
		}
		o.AvgLatency, o.Last = time.Duration(sum/int64(o.Count)), fromMicros(last)
		out = append(out, o)
	}
	return out, wrap(rows.Err(), "log stats")
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func (l *requestLog) Prune(ctx context.Context, r store.Retention) (int, error) {
	removed := 0
	scope, scopeArgs := "", []any(nil)
	if r.Project != "" {
		scope, scopeArgs = "project = ? AND ", []any{r.Project}
	}
	err := l.db.inTx(ctx, func(tx *sql.Tx) error {
		if !r.Before.IsZero() {
			res, err := tx.ExecContext(ctx, l.db.q(`DELETE FROM request_log WHERE `+scope+`time < ?`), append(scopeArgs, micros(r.Before))...)
			if err != nil {
				return wrap(err, "prune log")
			}
			n, _ := res.RowsAffected()
			removed += int(n)
		}
		if r.Keep > 0 {
			// The Keep-th newest entry is the oldest one that stays.
			var t, id int64
			where := ""
			if r.Project != "" {
				where = " WHERE project = ?"
			}
			err := tx.QueryRowContext(ctx, l.db.q(`SELECT time, id FROM request_log`+where+` ORDER BY time DESC, id DESC LIMIT 1 OFFSET ?`),
				append(slices.Clone(scopeArgs), r.Keep-1)...).Scan(&t, &id)
			if err == sql.ErrNoRows {
				return nil
			}
			if err != nil {
				return wrap(err, "prune log")
			}
			res, err := tx.ExecContext(ctx, l.db.q(`DELETE FROM request_log WHERE `+scope+`(time < ? OR (time = ? AND id < ?))`),
				append(slices.Clone(scopeArgs), t, t, id)...)
			if err != nil {
				return wrap(err, "prune log")
			}
			n, _ := res.RowsAffected()
			removed += int(n)
		}
		return nil
	})
	return removed, err
}
