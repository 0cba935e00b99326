package sqlcore

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/mockapi-go/mockapi/store"
	"github.com/mockapi-go/mockapi/store/driver"
)

// Selecting and sorting records by their JSON fields happens in SQL: SQLite
// json_type/json_extract (json_each for a field name holding a double quote,
// which a JSON path cannot name) and json_tree; PostgreSQL jsonb ->, ->>,
// jsonb_typeof and jsonb_path_query. Field names and values are always
// bind parameters. Case-insensitive matching lower-cases both sides: on
// SQLite with mockapi_lower (Go's strings.ToLower, registered by package
// sqlite), on
// PostgreSQL with lower(), which folds by the database's LC_CTYPE.

// sqlb builds a statement and its arguments together, so that the ?
// placeholders and the arguments stay in the same order.
type sqlb struct {
	strings.Builder
	args []any
}

func (b *sqlb) w(s string, args ...any) *sqlb {
	b.WriteString(s)
	b.args = append(b.args, args...)
	return b
}

// sortCols are the columns a sorted listing orders by: the sort key of
// driver.SortKey (rank, number, string) and the id.
const sortCols = "rk, nk, sk, id"

// typ writes the JSON type of a top-level field of data, in the dialect's
// names (NULL when the field is missing).
func (r *records) typ(b *sqlb, field string) {
	switch {
	case r.db.d == Postgres:
		b.w("jsonb_typeof(data -> ?::text)", field)
	case strings.Contains(field, `"`):
		b.w("(SELECT type FROM json_each(data) WHERE key = ?)", field)
	default:
		b.w("json_type(data, ?)", sqlitePath(field))
	}
}

// val writes the SQL value of a top-level field: for SQLite json_extract's
// (text, integer or real, 0 or 1 for booleans), for PostgreSQL ->>'s text.
func (r *records) val(b *sqlb, field string) {
	switch {
	case r.db.d == Postgres:
		b.w("(data ->> ?::text)", field)
	case strings.Contains(field, `"`):
		b.w("(SELECT atom FROM json_each(data) WHERE key = ?)", field)
	default:
		b.w("json_extract(data, ?)", sqlitePath(field))
	}
}

// sqlitePath is the JSON path of a top-level key without a double quote.
func sqlitePath(field string) string { return `$."` + field + `"` }

// cond writes a condition that is true or false, never NULL.
func (r *records) cond(b *sqlb, c store.Condition) {
	pg := r.db.d == Postgres
	if c.Op == store.Ne {
		b.w("NOT ")
	}
	b.w("COALESCE((")
	switch c.Value.(type) {
	case nil, string, float64, bool:
	default:
		panic(fmt.Sprintf("sqlstore: condition value %T: the Store passes only JSON scalars", c.Value))
	}
	op := map[store.Op]string{store.Eq: "=", store.Ne: "=", store.Gt: ">", store.Gte: ">=", store.Lt: "<", store.Lte: "<="}[c.Op]
	switch v := c.Value.(type) {
	case nil, string, float64, bool:
		if pg && c.Op != store.Like && op == "=" {
			// Containment is Eq for a top-level scalar (numbers compare
			// numerically) and can use the GIN index records_data.
			j, _ := json.Marshal(v)
			b.w("b.data @> jsonb_build_object(?::text, ?::jsonb)", c.Field, string(j))
			break
		}
		r.other(b, c, op, pg)
	}
	b.w("), FALSE)")
}

func (r *records) other(b *sqlb, c store.Condition, op string, pg bool) {
	switch v := c.Value.(type) {
	case nil:
		r.typ(b, c.Field)
		b.w(" = 'null'")
	case string:
		r.typ(b, c.Field)
		switch {
		case pg && c.Op == store.Like:
			b.w(" = 'string' AND strpos(lower(")
			r.val(b, c.Field)
			b.w("), ?) > 0", strings.ToLower(v))
		case c.Op == store.Like:
			b.w(" = 'text' AND instr(mockapi_lower(")
			r.val(b, c.Field)
			b.w("), ?) > 0", strings.ToLower(v))
		case pg:
			b.w(" = 'string' AND ")
			r.val(b, c.Field)
			b.w(` COLLATE "C" `+op+" ?", v)
		default:
			b.w(" = 'text' AND ")
			r.val(b, c.Field)
			b.w(" "+op+" ?", v)
		}
	case float64:
		if pg {
			b.w("(CASE WHEN ")
			r.typ(b, c.Field)
			b.w(" = 'number' THEN ")
			r.val(b, c.Field)
			b.w("::float8 END) "+op+" ?", v)
		} else {
			r.typ(b, c.Field)
			b.w(" IN ('integer', 'real') AND ")
			r.val(b, c.Field)
			b.w(" "+op+" ?", v)
		}
	case bool:
		if pg {
			b.w("(CASE WHEN ")
			r.typ(b, c.Field)
			b.w(" = 'boolean' THEN ")
			r.val(b, c.Field)
			b.w("::boolean END) "+op+" ?", v)
		} else {
			r.typ(b, c.Field)
			b.w(" IN ('true', 'false') AND ")
			r.val(b, c.Field)
			b.w(" "+op+" ?", map[bool]int{false: 0, true: 1}[v])
		}
	}
}

// search writes a condition that some string in data, at any depth,
// contains the text, ignoring case.
func (r *records) search(b *sqlb, text string) {
	if r.db.d == Postgres {
		// (No jsonpath filter: db.q would take its ? for a placeholder.)
		b.w(`EXISTS (SELECT 1 FROM jsonb_path_query(b.data, 'strict $.**') j(v)
			WHERE jsonb_typeof(j.v) = 'string' AND strpos(lower(j.v #>> '{}'), ?) > 0)`, strings.ToLower(text))
		return
	}
	b.w(`EXISTS (SELECT 1 FROM json_tree(b.data) j WHERE j.type = 'text' AND instr(mockapi_lower(j.atom), ?) > 0)`, strings.ToLower(text))
}

// selection writes " AND ..." for the query's Filter, Where and Search.
// Filter entries with a scalar value are Eq conditions; others compare
// the field's JSON with the value's.
func (r *records) selection(b *sqlb, q store.Query) {
	for _, k := range slices.Sorted(maps.Keys(q.Filter)) {
		b.w(" AND ")
		if c, ok := scalarCondition(k, q.Filter[k]); ok {
			r.cond(b, c)
			continue
		}
		v, _ := json.Marshal(q.Filter[k])
		switch {
		case r.db.d == Postgres:
			b.w("COALESCE(data -> ?::text = ?::jsonb, FALSE)", k, string(v))
		case strings.Contains(k, `"`):
			b.w("COALESCE((SELECT json(value) FROM json_each(data) WHERE key = ?) = json(?), FALSE)", k, string(v))
		default:
			b.w("COALESCE(data -> ? = json(?), FALSE)", sqlitePath(k), string(v))
		}
	}
	for _, c := range q.Where {
		b.w(" AND ")
		r.cond(b, c)
	}
	if q.Search != "" {
		b.w(" AND ")
		r.search(b, q.Search)
	}
}

// scalarCondition turns a filter value that encodes as a JSON scalar
// (an int, a json.Number, ...) into an Eq condition.
func scalarCondition(field string, v any) (store.Condition, bool) {
	raw, err := json.Marshal(v)
	if err != nil {
		return store.Condition{}, false
	}
	var x any
	if json.Unmarshal(raw, &x) != nil {
		return store.Condition{}, false
	}
	switch x.(type) {
	case nil, string, float64, bool:
		return store.Condition{Field: field, Op: store.Eq, Value: x}, true
	}
	return store.Condition{}, false
}

// sortKey writes the columns rk, nk and sk: the driver.SortKey of the
// field, with the rank of a missing field lowest when descending so that
// those records still come last.
func (r *records) sortKey(b *sqlb, field string, desc bool) {
	missing := driver.RankMissing
	if desc {
		missing = 0
	}
	b.w("CASE ")
	r.typ(b, field)
	if r.db.d == Postgres {
		b.w(fmt.Sprintf(` WHEN 'boolean' THEN %d WHEN 'number' THEN %d WHEN 'string' THEN %d WHEN 'array' THEN %d WHEN 'object' THEN %d ELSE %d END AS rk, `,
			driver.RankBool, driver.RankNumber, driver.RankString, driver.RankComposite, driver.RankComposite, missing))
		b.w("CASE ")
		r.typ(b, field)
		b.w(" WHEN 'number' THEN ")
		r.val(b, field)
		b.w("::float8 WHEN 'boolean' THEN CASE WHEN ")
		r.val(b, field)
		b.w(" = 'true' THEN 1::float8 ELSE 0::float8 END ELSE 0::float8 END AS nk, ")
		b.w("CASE ")
		r.typ(b, field)
		b.w(" WHEN 'string' THEN ")
		r.val(b, field)
		b.w(` ELSE '' END COLLATE "C" AS sk`)
		return
	}
	b.w(fmt.Sprintf(` WHEN 'true' THEN %d WHEN 'false' THEN %d WHEN 'integer' THEN %d WHEN 'real' THEN %d WHEN 'text' THEN %d
		WHEN 'array' THEN %d WHEN 'object' THEN %d ELSE %d END AS rk, `,
		driver.RankBool, driver.RankBool, driver.RankNumber, driver.RankNumber, driver.RankString, driver.RankComposite, driver.RankComposite, missing))
	b.w("CASE ")
	r.typ(b, field)
	b.w(" WHEN 'true' THEN 1 WHEN 'integer' THEN ")
	r.val(b, field)
	b.w(" WHEN 'real' THEN ")
	r.val(b, field)
	b.w(" ELSE 0 END AS nk, CASE ")
	r.typ(b, field)
	b.w(" WHEN 'text' THEN ")
	r.val(b, field)
	b.w(" ELSE '' END AS sk")
}

// listSQL writes a SELECT of id, data (as text), created_at and
// updated_at of the records the scope sees that match the query, in the
// listing's order, after the keyset, skipping q.Offset, at most limit
// (limit 0: all, in no order, for counting). With total, each row also
// has the value of that scalar expression, as column total.
//
// A listing by id reads the primary key in order from the keyset and
// stops after the page: O(offset + page) when nothing is selected, and
// O(rows read until the page is full) with a selection. A listing sorted
// by a field computes the sort key of every matching record of the
// collection and sorts them: O(n log n) per page; the keyset only saves
// returning rows.
func (r *records) listSQL(b *sqlb, s store.Scope, collection string, q store.Query, after *driver.Keyset, limit int, total *sqlb) {
	sorted := q.SortBy != ""
	dir, cmpOp := "ASC", ">"
	if q.Descending {
		dir, cmpOp = "DESC", "<"
	}
	order := " ORDER BY id " + dir
	if sorted {
		order = " ORDER BY rk " + dir + ", nk " + dir + ", sk " + dir + ", id " + dir
	}
	// Each part of a session's union needs offset + limit rows; the outer
	// query skips and cuts.
	partLimit := ""
	if limit > 0 {
		partLimit = fmt.Sprintf(" LIMIT %d", min(q.Offset, 1<<40)+limit)
	}
	part := func(session string, overlay bool) {
		if sorted {
			b.w("SELECT * FROM (")
		}
		b.w("SELECT id, " + r.db.d.dataText + " AS data, created_at, updated_at")
		if sorted {
			b.w(", ")
			r.sortKey(b, q.SortBy, q.Descending)
		}
		b.w(" FROM records b WHERE project = ? AND collection = ? AND session = ? AND deleted = ?", s.Project, collection, session, false)
		if overlay {
			b.w(` AND NOT EXISTS (SELECT 1 FROM records o WHERE o.project = b.project AND o.collection = b.collection
				AND o.session = ? AND o.id = b.id)`, s.Session)
		}
		if after != nil && !sorted {
			b.w(" AND id "+cmpOp+" ?", after.ID)
		}
		r.selection(b, q)
		if sorted {
			b.w(") p")
			if after != nil {
				rank := after.Key.Rank
				if q.Descending && rank == driver.RankMissing {
					rank = 0
				}
				b.w(" WHERE ("+sortCols+") "+cmpOp+" (?, ?, ?, ?)", rank, after.Key.Num, after.Key.Str, after.ID)
			}
		}
		if limit > 0 {
			b.w(order + partLimit)
		}
	}
	if total != nil {
		b.w("SELECT id, data, created_at, updated_at, ("+total.String()+") AS total FROM (", total.args...)
	} else {
		b.w("SELECT id, data, created_at, updated_at FROM (")
	}
	if s.Session == "" {
		part("", false)
	} else {
		b.w("SELECT * FROM (")
		part(s.Session, false)
		b.w(") o1 UNION ALL SELECT * FROM (")
		part("", true)
		b.w(") b1")
	}
	b.w(") x")
	if limit > 0 {
		b.w(order + fmt.Sprintf(" LIMIT %d OFFSET %d", limit, q.Offset))
	}
}
