package storetest

import (
	"encoding/base64"
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mockapi-go/mockapi/store"
	"github.com/mockapi-go/mockapi/store/driver"
)

// queryData is the collection the query tests select from: numbers,
// strings, booleans, nulls, nested values, fields of several JSON types
// under one name, fields some records lack, and field names that mean
// something in SQL or JSON paths.
var queryData = []struct{ id, data string }{
	{"a", `{"n":1,"s":"apple","b":true,"v":1,"z":null}`},
	{"b", `{"n":2.5,"s":"Banana","b":false,"v":"1"}`},
	{"c", `{"n":-3,"s":"cherry pie","v":true,"z":0}`},
	{"d", `{"n":10,"s":"date","b":true,"v":[1],"nested":{"deep":{"s":"Hidden Gem"}}}`},
	{"e", `{"s":"","v":{"x":1},"tags":["Zebra",5],"x\"y":[1,{"a":null}]}`},
	{"f", `{"n":2,"b":false,"v":null,"u":"Ünïcode"}`},
	{"g", `{"s":"100%_done","n":"7"}`},
	{"h", `{"a'b":1,"a.b":"dot","$x":true,"with space":"yes","say \"hi\"":2,"a":{"b":"nested"},"n":1e3}`},
}

// decoy matches nearly every query; a session hides or replaces the base
// records that hold it, so a decoy in a session's results is a leak.
const decoy = `{"n":2,"s":"apple Banana e","b":true,"v":1,"z":null,"u":"ünï","a.b":"dot","$x":true,"a'b":5,
	"with space":"yes","say \"hi\"":3,"tags":["zebra"],"nested":{"x":"hidden"},"weird":"decoy"}`

// seedQueryData makes the scope see exactly queryData. In a session it
// gets there through every kind of overlay: base records seen as they are,
// base decoys replaced by the session, records only the session created,
// and base decoys the session deleted (tombstones). Another session's
// writes must not show.
func seedQueryData(t *testing.T, r *store.Records, sc store.Scope) {
	t.Helper()
	if sc.Session == "" {
		for _, d := range queryData {
			_, err := r.Create(ctx(t), sc, "q", d.id, raw(d.data))
			require.NoError(t, err)
		}
		return
	}
	b := store.Scope{Project: sc.Project}
	other := store.Scope{Project: sc.Project, Session: sc.Session + "-other"}
	for i, d := range queryData {
		var err error
		switch i % 3 {
		case 0:
			_, err = r.Create(ctx(t), b, "q", d.id, raw(d.data))
		case 1:
			_, err = r.Create(ctx(t), b, "q", d.id, raw(decoy))
			require.NoError(t, err)
			_, err = r.Replace(ctx(t), sc, "q", d.id, raw(d.data))
		case 2:
			_, err = r.Create(ctx(t), sc, "q", d.id, raw(d.data))
		}
		require.NoError(t, err)
	}
	for _, id := range []string{"a0", "c0", "e0", "h0", "z"} {
		_, err := r.Create(ctx(t), b, "q", id, raw(decoy))
		require.NoError(t, err)
		require.NoError(t, r.Delete(ctx(t), sc, "q", id))
	}
	for _, id := range []string{"b0", "f0"} {
		_, err := r.Create(ctx(t), other, "q", id, raw(decoy))
		require.NoError(t, err)
	}
	_, err := r.Replace(ctx(t), other, "q", "a", raw(decoy))
	require.NoError(t, err)
}

// queryScopes are the scopes every query test runs in.
var queryScopes = []struct {
	name  string
	scope store.Scope
}{
	{"Base", store.Scope{Project: "p1"}},
	{"Session", store.Scope{Project: "p1", Session: "visitor"}},
}

func cond(field string, op store.Op, v any) store.Condition {
	return store.Condition{Field: field, Op: op, Value: v}
}

func testQueries(t *testing.T, h Harness) {
	t.Run("Invalid", func(t *testing.T) {
		t.Parallel()
		testQueryInvalid(t, h)
	})
	for _, sc := range queryScopes {
		t.Run(sc.name, func(t *testing.T) {
			t.Parallel()
			s := h.open(t)
			r := s.Records()
			seedQueryData(t, r, sc.scope)
			t.Run("Where", func(t *testing.T) { testWhere(t, r, sc.scope) })
			t.Run("Search", func(t *testing.T) { testSearch(t, r, sc.scope) })
			t.Run("Sort", func(t *testing.T) { testSort(t, r, sc.scope) })
			t.Run("Offset", func(t *testing.T) { testOffset(t, r, sc.scope) })
		})
		t.Run(sc.name+"/InsertBetweenPages", func(t *testing.T) {
			t.Parallel()
			testInsertBetweenPages(t, h, sc.scope)
		})
	}
}

// selects checks that the query selects want (in that order), whether
// listed in one page or in pages of 1 and 3 records, and that Count agrees.
func selects(t *testing.T, r *store.Records, sc store.Scope, q store.Query, want []string) {
	t.Helper()
	q.Limit = 1000
	got, pages := listAll(t, r, sc, "q", q, false)
	assert.Equal(t, want, got, "one page")
	assert.Equal(t, 1, pages)
	for _, limit := range []int{1, 3} {
		q.Limit = limit
		got, pages := listAll(t, r, sc, "q", q, false)
		assert.Equal(t, want, got, "pages of %d", limit)
		assert.Equal(t, max(1, (len(want)+limit-1)/limit), pages, "pages of %d", limit)
	}
	n, err := r.Count(ctx(t), sc, "q", store.Query{Filter: q.Filter, Where: q.Where, Search: q.Search, SortBy: q.SortBy, Limit: 3, Offset: 1})
	require.NoError(t, err)
	assert.Equal(t, len(want), n, "count (ignoring sort and paging)")

	// ListCount is List and Count at once, on a first page, a later one
	// and one past the end (empty).
	for _, pq := range []store.Query{{Limit: 3}, {Limit: 2, Offset: 1}, {Limit: 3, Offset: len(want)}} {
		pq.Filter, pq.Where, pq.Search, pq.SortBy, pq.Descending = q.Filter, q.Where, q.Search, q.SortBy, q.Descending
		page, n, err := r.ListCount(ctx(t), sc, "q", pq)
		require.NoError(t, err)
		listed, err := r.List(ctx(t), sc, "q", pq)
		require.NoError(t, err)
		assert.Equal(t, recordIDs(listed.Records), recordIDs(page.Records), "ListCount's page is List's (offset %d)", pq.Offset)
		assert.Equal(t, listed.Cursor, page.Cursor, "and so is its cursor")
		assert.Equal(t, len(want), n, "ListCount's count is Count's (offset %d)", pq.Offset)
	}
}

func recordIDs(recs []*store.Record) []string {
	out := []string{}
	for _, rec := range recs {
		out = append(out, rec.ID)
	}
	return out
}

func allBut(ids ...string) []string {
	return slices.DeleteFunc([]string{"a", "b", "c", "d", "e", "f", "g", "h"}, func(id string) bool { return slices.Contains(ids, id) })
}

func testWhere(t *testing.T, r *store.Records, sc store.Scope) {
	all := allBut()
	for _, tc := range []struct {
		name   string
		where  []store.Condition
		filter map[string]any
		want   []string
	}{
		{"number eq", []store.Condition{cond("n", store.Eq, 1.0)}, nil, []string{"a"}},
		{"number eq int", []store.Condition{cond("n", store.Eq, 2)}, nil, []string{"f"}},
		{"number eq exponent", []store.Condition{cond("n", store.Eq, int64(1000))}, nil, []string{"h"}},
		{"number ne", []store.Condition{cond("n", store.Ne, 1.0)}, nil, allBut("a")},
		{"number gt", []store.Condition{cond("n", store.Gt, 2.0)}, nil, []string{"b", "d", "h"}},
		{"number gte", []store.Condition{cond("n", store.Gte, 2.0)}, nil, []string{"b", "d", "f", "h"}},
		{"number lt", []store.Condition{cond("n", store.Lt, 2.0)}, nil, []string{"a", "c"}},
		{"number lte", []store.Condition{cond("n", store.Lte, 2.0)}, nil, []string{"a", "c", "f"}},
		{"number lt negative", []store.Condition{cond("n", store.Lt, -2.5)}, nil, []string{"c"}},
		{"number none", []store.Condition{cond("n", store.Lt, -100.0)}, nil, nil},
		{"number like", []store.Condition{cond("n", store.Like, "1")}, nil, nil},
		{"string gt on mixed field", []store.Condition{cond("n", store.Gt, "5")}, nil, []string{"g"}},
		{"string eq", []store.Condition{cond("s", store.Eq, "apple")}, nil, []string{"a"}},
		{"string eq is case-sensitive", []store.Condition{cond("s", store.Eq, "Apple")}, nil, nil},
		{"string ne", []store.Condition{cond("s", store.Ne, "apple")}, nil, allBut("a")},
		{"string gt is byte-wise", []store.Condition{cond("s", store.Gt, "apple")}, nil, []string{"c", "d"}},
		{"string gte", []store.Condition{cond("s", store.Gte, "Banana")}, nil, []string{"a", "b", "c", "d"}},
		{"string lt", []store.Condition{cond("s", store.Lt, "Banana")}, nil, []string{"e", "g"}},
		{"string lte empty", []store.Condition{cond("s", store.Lte, "")}, nil, []string{"e"}},
		{"like ignores case", []store.Condition{cond("s", store.Like, "AN")}, nil, []string{"b"}},
		{"like substring", []store.Condition{cond("s", store.Like, "e")}, nil, []string{"a", "c", "d", "g"}},
		{"like empty", []store.Condition{cond("s", store.Like, "")}, nil, []string{"a", "b", "c", "d", "e", "g"}},
		{"like percent is plain", []store.Condition{cond("s", store.Like, "%")}, nil, []string{"g"}},
		{"like underscore is plain", []store.Condition{cond("s", store.Like, "_")}, nil, []string{"g"}},
		{"like no wildcards", []store.Condition{cond("s", store.Like, "a%e")}, nil, nil},
		{"like no single wildcard", []store.Condition{cond("s", store.Like, "p_e")}, nil, nil},
		{"like unicode", []store.Condition{cond("u", store.Like, "ÜNÏ")}, nil, []string{"f"}},
		{"bool eq true", []store.Condition{cond("b", store.Eq, true)}, nil, []string{"a", "d"}},
		{"bool eq false", []store.Condition{cond("b", store.Eq, false)}, nil, []string{"b", "f"}},
		{"bool ne", []store.Condition{cond("b", store.Ne, true)}, nil, allBut("a", "d")},
		{"bool gt", []store.Condition{cond("b", store.Gt, false)}, nil, []string{"a", "d"}},
		{"bool lte", []store.Condition{cond("b", store.Lte, false)}, nil, []string{"b", "f"}},
		{"bool lt false", []store.Condition{cond("b", store.Lt, false)}, nil, nil},
		{"bool is not a string", []store.Condition{cond("b", store.Eq, "true")}, nil, nil},
		{"mixed eq number", []store.Condition{cond("v", store.Eq, 1.0)}, nil, []string{"a"}},
		{"mixed eq string", []store.Condition{cond("v", store.Eq, "1")}, nil, []string{"b"}},
		{"mixed eq bool", []store.Condition{cond("v", store.Eq, true)}, nil, []string{"c"}},
		{"mixed ne number", []store.Condition{cond("v", store.Ne, 1.0)}, nil, allBut("a")},
		{"mixed gt number", []store.Condition{cond("v", store.Gt, 0.0)}, nil, []string{"a"}},
		{"mixed gte string", []store.Condition{cond("v", store.Gte, "")}, nil, []string{"b"}},
		{"eq null", []store.Condition{cond("v", store.Eq, nil)}, nil, []string{"f"}},
		{"ne null", []store.Condition{cond("v", store.Ne, nil)}, nil, allBut("f")},
		{"eq null vs zero", []store.Condition{cond("z", store.Eq, nil)}, nil, []string{"a"}},
		{"eq zero vs null", []store.Condition{cond("z", store.Eq, 0)}, nil, []string{"c"}},
		{"missing eq", []store.Condition{cond("nope", store.Eq, 1.0)}, nil, nil},
		{"missing ne", []store.Condition{cond("nope", store.Ne, 1.0)}, nil, all},
		{"missing eq null", []store.Condition{cond("nope", store.Eq, nil)}, nil, nil},
		{"missing ne null", []store.Condition{cond("nope", store.Ne, nil)}, nil, all},
		{"missing like", []store.Condition{cond("nope", store.Like, "")}, nil, nil},
		{"missing gt", []store.Condition{cond("nope", store.Gt, "")}, nil, nil},
		{"object ne", []store.Condition{cond("nested", store.Ne, "x")}, nil, all},
		{"object eq", []store.Condition{cond("a", store.Eq, "nested")}, nil, nil},
		{"field with a dot is no path", []store.Condition{cond("a.b", store.Eq, "dot")}, nil, []string{"h"}},
		{"field with a quote", []store.Condition{cond("a'b", store.Gte, 1.0)}, nil, []string{"h"}},
		{"field with a dollar", []store.Condition{cond("$x", store.Eq, true)}, nil, []string{"h"}},
		{"field with a space", []store.Condition{cond("with space", store.Like, "ES")}, nil, []string{"h"}},
		{"field with a double quote", []store.Condition{cond(`say "hi"`, store.Gt, 1.0)}, nil, []string{"h"}},
		{"field with a double quote ne", []store.Condition{cond(`say "hi"`, store.Ne, 2.0)}, nil, allBut("h")},
		{"all conditions", []store.Condition{cond("n", store.Gte, 1.0), cond("n", store.Lt, 10.0), cond("b", store.Eq, false)}, nil, []string{"b", "f"}},
		{"contradiction", []store.Condition{cond("n", store.Gt, 2.0), cond("n", store.Lt, 2.0)}, nil, nil},
		{"filter and where", []store.Condition{cond("n", store.Gt, 1.0)}, map[string]any{"b": true}, []string{"d"}},
		{"filter on odd field names", nil, map[string]any{"a.b": "dot", "$x": true, "a'b": 1, `say "hi"`: 2}, []string{"h"}},
		{"filter on an object", nil, map[string]any{"a": map[string]any{"b": "nested"}}, []string{"h"}},
		{"filter on an array", nil, map[string]any{"tags": []any{"Zebra", 5}}, []string{"e"}},
		{"filter on an array under a quote", nil, map[string]any{`say "hi"`: []any{2}}, nil},
		{"filter on an object under a quote", nil, map[string]any{`x"y`: []any{1, map[string]any{"a": nil}}}, []string{"e"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			selects(t, r, sc, store.Query{Where: tc.where, Filter: tc.filter}, tc.want)
		})
	}
}

func testSearch(t *testing.T, r *store.Records, sc store.Scope) {
	for _, tc := range []struct {
		search string
		where  []store.Condition
		want   []string
	}{
		{"an", nil, []string{"b"}},
		{"HIDDEN", nil, []string{"d"}},
		{"zeb", nil, []string{"e"}},
		{"dot", nil, []string{"h"}},
		{"nested", nil, []string{"h"}},
		{"1", nil, []string{"b", "g"}},
		{"5", nil, nil},     // a number, not a string
		{"space", nil, nil}, // a key, not a value
		{"deep", nil, nil},
		{"%", nil, []string{"g"}},
		{"_d", nil, []string{"g"}},
		{"ünÏ", nil, []string{"f"}},
		{"e", nil, []string{"a", "c", "d", "e", "f", "g", "h"}},
		{"e", []store.Condition{cond("b", store.Eq, true)}, []string{"a", "d"}},
		{"decoy", nil, nil},
	} {
		t.Run(tc.search, func(t *testing.T) {
			selects(t, r, sc, store.Query{Search: tc.search, Where: tc.where}, tc.want)
		})
	}
}

func testSort(t *testing.T, r *store.Records, sc store.Scope) {
	for _, tc := range []struct {
		name string
		q    store.Query
		want []string
	}{
		{"id", store.Query{}, []string{"a", "b", "c", "d", "e", "f", "g", "h"}},
		{"id desc", store.Query{Descending: true}, []string{"h", "g", "f", "e", "d", "c", "b", "a"}},
		{"number", store.Query{SortBy: "n"}, []string{"c", "a", "f", "b", "d", "h", "g", "e"}},
		{"number desc", store.Query{SortBy: "n", Descending: true}, []string{"g", "h", "d", "b", "f", "a", "c", "e"}},
		{"string", store.Query{SortBy: "s"}, []string{"e", "g", "b", "a", "c", "d", "f", "h"}},
		{"string desc", store.Query{SortBy: "s", Descending: true}, []string{"d", "c", "a", "b", "g", "e", "h", "f"}},
		{"mixed types", store.Query{SortBy: "v"}, []string{"c", "a", "b", "d", "e", "f", "g", "h"}},
		{"mixed types desc", store.Query{SortBy: "v", Descending: true}, []string{"e", "d", "b", "a", "c", "h", "g", "f"}},
		{"bool ties by id", store.Query{SortBy: "b"}, []string{"b", "f", "a", "d", "c", "e", "g", "h"}},
		{"bool ties by id desc", store.Query{SortBy: "b", Descending: true}, []string{"d", "a", "f", "b", "h", "g", "e", "c"}},
		{"odd field name", store.Query{SortBy: "a.b"}, []string{"h", "a", "b", "c", "d", "e", "f", "g"}},
		{"field with a double quote", store.Query{SortBy: `say "hi"`, Descending: true}, []string{"h", "g", "f", "e", "d", "c", "b", "a"}},
		{"missing everywhere", store.Query{SortBy: "nope", Descending: true}, []string{"h", "g", "f", "e", "d", "c", "b", "a"}},
		{"filtered", store.Query{SortBy: "n", Descending: true, Where: []store.Condition{cond("n", store.Gte, 2.0), cond("n", store.Lt, 100.0)}}, []string{"d", "b", "f"}},
		{"searched", store.Query{SortBy: "s", Search: "E"}, []string{"e", "g", "a", "c", "d", "f", "h"}},
	} {
		t.Run(tc.name, func(t *testing.T) { selects(t, r, sc, tc.q, tc.want) })
	}
}

func testOffset(t *testing.T, r *store.Records, sc store.Scope) {
	for _, tc := range []struct {
		name string
		q    store.Query
		want []string // the whole listing
	}{
		{"id", store.Query{}, allBut()},
		{"id desc", store.Query{Descending: true}, []string{"h", "g", "f", "e", "d", "c", "b", "a"}},
		{"sorted", store.Query{SortBy: "n"}, []string{"c", "a", "f", "b", "d", "h", "g", "e"}},
		{"filtered", store.Query{Where: []store.Condition{cond("s", store.Like, "e")}}, []string{"a", "c", "d", "g"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for offset := range len(tc.want) + 2 {
				q := tc.q
				q.Offset, q.Limit = offset, 2
				p, err := r.List(ctx(t), sc, "q", q)
				require.NoError(t, err)
				end := min(offset+2, len(tc.want))
				want := tc.want[min(offset, len(tc.want)):end]
				assert.Equal(t, want, recIDs(p), "offset %d", offset)
				if end == len(tc.want) {
					assert.Empty(t, p.Cursor, "offset %d: last page", offset)
					continue
				}
				require.NotEmpty(t, p.Cursor, "offset %d", offset)
				q.Offset, q.After = 0, p.Cursor
				rest, _ := listAll(t, r, sc, "q", q, false)
				assert.Equal(t, tc.want[end:], rest, "offset %d: the cursor continues after the page", offset)
			}
		})
	}
}

func recIDs(p *store.Page) []string {
	out := []string{}
	for _, r := range p.Records {
		out = append(out, r.ID)
	}
	return out
}

// testInsertBetweenPages lists a collection page by page while records are
// created between pages, some sorting behind the page just listed and some
// ahead of it: no record is listed twice or out of order, every record that
// existed from the start is listed, and a new record is listed exactly when
// it sorts after the end of the page before its creation.
func testInsertBetweenPages(t *testing.T, h Harness, sc store.Scope) {
	for _, tc := range []struct {
		name string
		q    store.Query
	}{
		{"id", store.Query{}},
		{"id desc", store.Query{Descending: true}},
		{"number", store.Query{SortBy: "n"}},
		{"number desc", store.Query{SortBy: "n", Descending: true}},
		{"string filtered", store.Query{SortBy: "s", Where: []store.Condition{cond("keep", store.Eq, true)}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := h.open(t)
			r := s.Records()
			key := func(rec *store.Record) driver.SortKey {
				if tc.q.SortBy == "" {
					return driver.SortKey{}
				}
				return driver.KeyOfData(rec.Data, tc.q.SortBy)
			}
			mk := func(sc store.Scope, id string, n int) *store.Record {
				t.Helper()
				data := fmt.Sprintf(`{"n":%d,"s":"s%04d","keep":true}`, n, n)
				if n < 0 {
					data = `{"keep":true}` // no sort field: listed last
				}
				rec, err := r.Create(ctx(t), sc, "ins", id, raw(data))
				require.NoError(t, err)
				return rec
			}
			var original []string
			for i := range 20 { // values 0..150, the last five tied at 150
				target := sc
				if i%2 == 0 {
					target = store.Scope{Project: sc.Project} // base records under a session
				}
				original = append(original, mk(target, fmt.Sprintf("r%03d", i*10), min(i, 15)*10).ID)
			}
			original = append(original, mk(sc, "r999", -1).ID)
			_, err := r.Create(ctx(t), sc, "ins", "x-dropped", raw(`{"n":70,"keep":false}`))
			require.NoError(t, err)

			q := tc.q
			q.Limit = 4
			var listed []string
			ahead := map[string]bool{} // created between pages: should it be listed?
			for page := 0; ; page++ {
				p, err := r.List(ctx(t), sc, "ins", q)
				require.NoError(t, err)
				listed = append(listed, recIDs(p)...)
				if p.Cursor == "" {
					break
				}
				require.Less(t, page, 50, "listing does not end")
				last := p.Records[len(p.Records)-1]
				lk := key(last)
				n := int(driver.KeyOfData(last.Data, "n").Num)
				for _, c := range []struct {
					id string
					n  int
				}{
					{fmt.Sprintf("%s-%d", last.ID, page), n}, // same value, next id
					{fmt.Sprintf("a-%d", page), n + 5},
					{fmt.Sprintf("r995-%d", page), n - 5},
					{fmt.Sprintf("r000-%d", page), -1},
				} {
					rec := mk(sc, c.id, c.n)
					ahead[c.id] = driver.Order(key(rec), rec.ID, lk, last.ID, tc.q.Descending) > 0
				}
				q.After = p.Cursor
			}

			all, err := r.List(ctx(t), sc, "ins", store.Query{Limit: 1000})
			require.NoError(t, err)
			byID := map[string]*store.Record{}
			for _, rec := range all.Records {
				byID[rec.ID] = rec
			}
			assert.True(t, slices.IsSortedFunc(listed, func(a, b string) int {
				return driver.Order(key(byID[a]), a, key(byID[b]), b, tc.q.Descending)
			}), "listed in order: %v", listed)
			seen := map[string]int{}
			for _, id := range listed {
				seen[id]++
			}
			for id, n := range seen {
				assert.Equal(t, 1, n, "record %s listed %d times", id, n)
			}
			for _, id := range original {
				assert.Contains(t, seen, id, "a record that existed from the start is never skipped")
			}
			require.NotEmpty(t, ahead)
			for id, want := range ahead {
				assert.Equal(t, want, seen[id] == 1, "record %s created between pages: listed", id)
			}
			if tc.q.Where != nil {
				assert.NotContains(t, seen, "x-dropped")
			}
		})
	}
}

func testQueryInvalid(t *testing.T, h Harness) {
	s := h.open(t)
	r := s.Records()
	sc := store.Scope{Project: "p1"}
	_, err := r.Create(ctx(t), sc, "q", "a", raw(`{"n":1}`))
	require.NoError(t, err)
	_, err = r.Create(ctx(t), sc, "q", "b", raw(`{"n":2}`))
	require.NoError(t, err)
	p, err := r.List(ctx(t), sc, "q", store.Query{Limit: 1, SortBy: "n"})
	require.NoError(t, err)
	require.NotEmpty(t, p.Cursor)
	sortedCursor := p.Cursor
	p, err = r.List(ctx(t), sc, "q", store.Query{Limit: 1})
	require.NoError(t, err)
	require.NotEmpty(t, p.Cursor)
	idCursor := p.Cursor
	b64 := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

	for _, tc := range []struct {
		name string
		q    store.Query
	}{
		{"unknown op", store.Query{Where: []store.Condition{cond("n", "between", 1)}}},
		{"empty op", store.Query{Where: []store.Condition{cond("n", "", 1)}}},
		{"empty field", store.Query{Where: []store.Condition{cond("", store.Eq, 1)}}},
		{"field not UTF-8", store.Query{Where: []store.Condition{cond("\xff", store.Eq, 1)}}},
		{"field with NUL", store.Query{Where: []store.Condition{cond("a\x00b", store.Eq, 1)}}},
		{"value object", store.Query{Where: []store.Condition{cond("n", store.Eq, map[string]any{})}}},
		{"value array", store.Query{Where: []store.Condition{cond("n", store.Eq, []any{1})}}},
		{"value struct", store.Query{Where: []store.Condition{cond("n", store.Eq, struct{}{})}}},
		{"value pointer", store.Query{Where: []store.Condition{cond("n", store.Eq, new(int))}}},
		{"value NaN", store.Query{Where: []store.Condition{cond("n", store.Eq, math.NaN())}}},
		{"value Inf", store.Query{Where: []store.Condition{cond("n", store.Lt, math.Inf(1))}}},
		{"value string with NUL", store.Query{Where: []store.Condition{cond("n", store.Eq, "a\x00")}}},
		{"gt null", store.Query{Where: []store.Condition{cond("n", store.Gt, nil)}}},
		{"gte null", store.Query{Where: []store.Condition{cond("n", store.Gte, nil)}}},
		{"lt null", store.Query{Where: []store.Condition{cond("n", store.Lt, nil)}}},
		{"lte null", store.Query{Where: []store.Condition{cond("n", store.Lte, nil)}}},
		{"like null", store.Query{Where: []store.Condition{cond("n", store.Like, nil)}}},
		{"like number", store.Query{Where: []store.Condition{cond("n", store.Like, 1)}}},
		{"like bool", store.Query{Where: []store.Condition{cond("n", store.Like, true)}}},
		{"filter empty field", store.Query{Filter: map[string]any{"": 1}}},
		{"search not UTF-8", store.Query{Search: "\xff"}},
		{"sort field not UTF-8", store.Query{SortBy: "\xfe"}},
		{"negative offset", store.Query{Offset: -1}},
		{"negative limit", store.Query{Limit: -1}},
		{"cursor not base64", store.Query{After: "!!"}},
		{"cursor not JSON", store.Query{After: b64("r0001")}},
		{"cursor without id", store.Query{After: b64(`{"k":{"Rank":0,"Num":0,"Str":""}}`)}},
		{"cursor with extra fields", store.Query{After: b64(`{"i":"a","k":{},"x":1}`)}},
		{"cursor with a bad rank", store.Query{SortBy: "n", After: b64(`{"f":"n","i":"a","k":{"Rank":9}}`)}},
		{"cursor of a sorted listing", store.Query{After: sortedCursor}},
		{"cursor of another sort field", store.Query{SortBy: "m", After: sortedCursor}},
		{"cursor of another direction", store.Query{SortBy: "n", Descending: true, After: sortedCursor}},
		{"cursor of an id listing", store.Query{SortBy: "n", After: idCursor}},
		{"cursor of an id listing reversed", store.Query{Descending: true, After: idCursor}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := r.List(ctx(t), sc, "q", tc.q)
			assert.ErrorIs(t, err, store.ErrInvalid, "list")
			if tc.q.After == "" && tc.q.Offset == 0 && tc.q.Limit == 0 && tc.q.SortBy == "" {
				_, err = r.Count(ctx(t), sc, "q", tc.q)
				assert.ErrorIs(t, err, store.ErrInvalid, "count")
			}
		})
	}
	// The cursors themselves work in their own listings.
	p, err = r.List(ctx(t), sc, "q", store.Query{SortBy: "n", After: sortedCursor})
	require.NoError(t, err)
	assert.Equal(t, []string{"b"}, recIDs(p))
	p, err = r.List(ctx(t), sc, "q", store.Query{After: idCursor})
	require.NoError(t, err)
	assert.Equal(t, []string{"b"}, recIDs(p))
}
