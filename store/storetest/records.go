package storetest

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mockapi-go/mockapi/store"
)

var base = store.Scope{Project: "p1"}

func raw(s string) json.RawMessage { return json.RawMessage(s) }

func testRecords(t *testing.T, h Harness) {
	t.Run("CountFollowsWrites", func(t *testing.T) {
		t.Parallel()
		s := h.open(t)
		r := s.Records()
		sess := store.Scope{Project: base.Project, Session: "s1"}
		create := func(sc store.Scope, coll, id string) {
			t.Helper()
			_, err := r.Create(ctx(t), sc, coll, id, raw(`{"name":"x"}`))
			require.NoError(t, err)
		}
		for _, id := range []string{"1", "2", "3"} {
			create(base, "pets", id)
		}
		create(base, "toys", "1")
		require.Equal(t, 3, count(t, r, base, "pets"))
		require.Equal(t, 3, count(t, r, sess, "pets"), "a session sees base data")
		_, err := r.Create(ctx(t), base, "pets", "1", raw(`{}`))
		require.ErrorIs(t, err, store.ErrConflict)
		require.ErrorIs(t, r.Delete(ctx(t), base, "pets", "9"), store.ErrNotFound)
		_, err = r.Replace(ctx(t), base, "pets", "1", raw(`{"name":"y"}`))
		require.NoError(t, err)
		require.Equal(t, 3, count(t, r, base, "pets"), "failed writes and replaces count nothing")

		create(sess, "pets", "4")                                   // only in the session
		_, err = r.Patch(ctx(t), sess, "pets", "2", raw(`{"a":1}`)) // overlays a base record
		require.NoError(t, err)
		require.NoError(t, r.Delete(ctx(t), sess, "pets", "3")) // hides a base record
		require.Equal(t, 3, count(t, r, sess, "pets"))
		require.Equal(t, 3, count(t, r, base, "pets"), "session writes leave base data alone")

		require.NoError(t, r.Delete(ctx(t), base, "pets", "3")) // under the session's tombstone
		require.NoError(t, r.Delete(ctx(t), base, "pets", "1"))
		require.Equal(t, 1, count(t, r, base, "pets"))
		require.Equal(t, 2, count(t, r, sess, "pets"), "2 (overlaid) and 4")
		create(base, "pets", "5")
		require.Equal(t, 2, count(t, r, base, "pets"))
		require.Equal(t, 3, count(t, r, sess, "pets"))

		require.NoError(t, r.Reset(ctx(t), sess, "pets"))
		require.Equal(t, 2, count(t, r, sess, "pets"), "the session sees base data again")
		require.NoError(t, r.Reset(ctx(t), base, "pets"))
		require.Equal(t, 0, count(t, r, base, "pets"))
		require.Equal(t, 1, count(t, r, base, "toys"), "reset of one collection")
		create(base, "pets", "6")
		require.Equal(t, 1, count(t, r, base, "pets"))
		require.NoError(t, r.Reset(ctx(t), base, ""))
		require.Equal(t, 0, count(t, r, base, "pets"))
		require.Equal(t, 0, count(t, r, base, "toys"))

		// A deleted project takes its records, and so its counts, along.
		p := &store.Project{Name: "P", Visibility: store.Public}
		require.NoError(t, s.Projects().Create(ctx(t), p))
		ps := store.Scope{Project: p.ID}
		create(ps, "pets", "1")
		require.NoError(t, s.Projects().Delete(ctx(t), p.ID))
		require.Equal(t, 0, count(t, r, ps, "pets"))
		create(ps, "pets", "1")
		require.Equal(t, 1, count(t, r, ps, "pets"))
	})
	t.Run("CreateBatch", func(t *testing.T) {
		t.Parallel()
		s := h.open(t)
		r := s.Records()
		sess := store.Scope{Project: base.Project, Session: "s1"}
		batch := func(n, from int) []store.NewRecord {
			out := make([]store.NewRecord, n)
			for i := range out {
				out[i] = store.NewRecord{ID: fmt.Sprintf("%04d", from+i), Data: raw(fmt.Sprintf(`{"n":%d}`, from+i))}
			}
			return out
		}
		require.NoError(t, r.CreateBatch(ctx(t), base, "pets", batch(600, 0)), "more rows than one statement holds")
		require.Equal(t, 600, count(t, r, base, "pets"), "the count follows a batch")
		got, err := r.Get(ctx(t), base, "pets", "0599")
		require.NoError(t, err)
		assert.JSONEq(t, `{"n":599}`, string(got.Data))
		assert.False(t, got.CreatedAt.IsZero())

		for _, tc := range []struct {
			name  string
			scope store.Scope
			recs  []store.NewRecord
			err   error
		}{
			{"an id taken", base, batch(3, 598), store.ErrConflict},
			{"an id given twice", base, append(batch(2, 700), batch(1, 700)...), store.ErrConflict},
			{"an id a session sees", sess, batch(2, 599), store.ErrConflict},
			{"data not an object", base, []store.NewRecord{{ID: "0700", Data: raw(`{}`)}, {ID: "0701", Data: raw(`[1]`)}}, store.ErrInvalid},
			{"too many", base, batch(store.MaxBatch+1, 1000), store.ErrInvalid},
		} {
			require.ErrorIs(t, r.CreateBatch(ctx(t), tc.scope, "pets", tc.recs), tc.err, tc.name)
			require.Equal(t, 600, count(t, r, base, "pets"), "%s: all or nothing", tc.name)
			_, err := r.Get(ctx(t), sess, "pets", "0700")
			require.ErrorIs(t, err, store.ErrNotFound, tc.name)
		}
		require.NoError(t, r.CreateBatch(ctx(t), base, "pets", nil), "an empty batch")

		// In a session: the session's own records, over a tombstone too.
		require.NoError(t, r.Delete(ctx(t), sess, "pets", "0001"))
		require.NoError(t, r.CreateBatch(ctx(t), sess, "pets", []store.NewRecord{{ID: "0001", Data: raw(`{"n":"again"}`)}, {Data: raw(`{"n":"new"}`)}}))
		assert.Equal(t, 601, count(t, r, sess, "pets"))
		assert.Equal(t, 600, count(t, r, base, "pets"), "a session's batch leaves base data alone")
		got, err = r.Get(ctx(t), sess, "pets", "0001")
		require.NoError(t, err)
		assert.JSONEq(t, `{"n":"again"}`, string(got.Data))
	})
	t.Run("NUL", func(t *testing.T) {
		t.Parallel()
		s := h.open(t)
		r := s.Records()
		_, err := r.Create(ctx(t), base, "pets", "ok", raw(`{"name":"back\\u0000slash"}`))
		require.NoError(t, err, "an escaped backslash before u0000 is no NUL")
		for _, tc := range []struct {
			name string
			call func() error
		}{
			{"create", func() error { _, err := r.Create(ctx(t), base, "pets", "", raw(`{"name":"a\u0000b"}`)); return err }},
			{"replace", func() error { _, err := r.Replace(ctx(t), base, "pets", "ok", raw(`{"name":"\u0000"}`)); return err }},
			{"patch", func() error { _, err := r.Patch(ctx(t), base, "pets", "ok", raw(`{"\u0000":1}`)); return err }},
			{"id", func() error { _, err := r.Get(ctx(t), base, "pets", "a\x00"); return err }},
			{"collection", func() error { _, err := r.Create(ctx(t), base, "pe\x00ts", "", raw(`{}`)); return err }},
			{"filter", func() error {
				_, err := r.List(ctx(t), base, "pets", store.Query{Filter: map[string]any{"name": "a\x00"}})
				return err
			}},
		} {
			err := tc.call()
			require.ErrorIs(t, err, store.ErrInvalid, tc.name)
			assert.NotContains(t, err.Error(), "unsupported Unicode", "%s: no raw database error", tc.name)
		}
		got, err := r.Get(ctx(t), base, "pets", "ok")
		require.NoError(t, err)
		assert.JSONEq(t, `{"name":"back\\u0000slash"}`, string(got.Data), "a refused write changes nothing")
	})
	t.Run("CRUD", func(t *testing.T) {
		t.Parallel()
		s := h.open(t)
		r := s.Records()
		rec, err := r.Create(ctx(t), base, "pets", "1", raw(`{"name":"Rex","tag":"dog"}`))
		require.NoError(t, err)
		assert.Equal(t, "1", rec.ID)
		assert.False(t, rec.CreatedAt.IsZero())

		got, err := r.Get(ctx(t), base, "pets", "1")
		require.NoError(t, err)
		assert.JSONEq(t, `{"name":"Rex","tag":"dog"}`, string(got.Data))

		_, err = r.Create(ctx(t), base, "pets", "1", raw(`{}`))
		assert.ErrorIs(t, err, store.ErrConflict, "duplicate id")
		_, err = r.Create(ctx(t), base, "toys", "1", raw(`{}`))
		assert.NoError(t, err, "ids are per collection")
		_, err = r.Create(ctx(t), store.Scope{Project: "p2"}, "pets", "1", raw(`{}`))
		assert.NoError(t, err, "collections are per project")

		auto, err := r.Create(ctx(t), base, "pets", "", raw(`{"name":"Tom"}`))
		require.NoError(t, err)
		assert.NotEmpty(t, auto.ID, "the store assigns an id")

		rep, err := r.Replace(ctx(t), base, "pets", "1", raw(`{"name":"Max"}`))
		require.NoError(t, err)
		assert.JSONEq(t, `{"name":"Max"}`, string(rep.Data))
		assert.True(t, rec.CreatedAt.Equal(rep.CreatedAt), "replace keeps the creation time")

		require.NoError(t, r.Delete(ctx(t), base, "pets", "1"))
		_, err = r.Get(ctx(t), base, "pets", "1")
		assert.ErrorIs(t, err, store.ErrNotFound)
		assert.ErrorIs(t, r.Delete(ctx(t), base, "pets", "1"), store.ErrNotFound)
		_, err = r.Replace(ctx(t), base, "pets", "1", raw(`{}`))
		assert.ErrorIs(t, err, store.ErrNotFound)
		_, err = r.Patch(ctx(t), base, "pets", "1", raw(`{}`))
		assert.ErrorIs(t, err, store.ErrNotFound)
		_, err = r.Create(ctx(t), base, "pets", "1", raw(`{"name":"again"}`))
		assert.NoError(t, err, "a deleted id can be used again")
	})
	t.Run("Invalid", func(t *testing.T) {
		t.Parallel()
		s := h.open(t)
		r := s.Records()
		for name, call := range map[string]func() error{
			"no project":    func() error { _, err := r.Create(ctx(t), store.Scope{}, "pets", "", raw(`{}`)); return err },
			"no collection": func() error { _, err := r.Create(ctx(t), base, "", "", raw(`{}`)); return err },
			"array data":    func() error { _, err := r.Create(ctx(t), base, "pets", "", raw(`[1]`)); return err },
			"bad json":      func() error { _, err := r.Create(ctx(t), base, "pets", "", raw(`{`)); return err },
			"patch array":   func() error { _, err := r.Patch(ctx(t), base, "pets", "1", raw(`[]`)); return err },
			"no id":         func() error { _, err := r.Get(ctx(t), base, "pets", ""); return err },
			"limit":         func() error { _, err := r.List(ctx(t), base, "pets", store.Query{Limit: 5000}); return err },
			"cursor":        func() error { _, err := r.List(ctx(t), base, "pets", store.Query{After: "!!"}); return err },
		} {
			assert.ErrorIs(t, call(), store.ErrInvalid, name)
		}
	})
	t.Run("Update", func(t *testing.T) {
		t.Parallel()
		s := h.open(t)
		r := s.Records()
		rec, err := r.Create(ctx(t), base, "pets", "1", raw(`{"name":"Rex"}`))
		require.NoError(t, err)
		got, err := r.Update(ctx(t), base, "pets", "1", func(data json.RawMessage) (json.RawMessage, error) {
			assert.JSONEq(t, `{"name":"Rex"}`, string(data), "change sees the stored data")
			return raw(`{"name":"Max"}`), nil
		})
		require.NoError(t, err)
		assert.JSONEq(t, `{"name":"Max"}`, string(got.Data))
		assert.True(t, rec.CreatedAt.Equal(got.CreatedAt), "update keeps the creation time")

		refused := fmt.Errorf("refused")
		tests := []struct {
			name   string
			id     string
			change func(json.RawMessage) (json.RawMessage, error)
			want   error
		}{
			{"missing record", "2", func(d json.RawMessage) (json.RawMessage, error) { return d, nil }, store.ErrNotFound},
			{"change fails", "1", func(json.RawMessage) (json.RawMessage, error) { return nil, refused }, refused},
			{"not an object", "1", func(json.RawMessage) (json.RawMessage, error) { return raw(`[1]`), nil }, store.ErrInvalid},
			{"nil change", "1", nil, store.ErrInvalid},
			{"empty id", "", func(d json.RawMessage) (json.RawMessage, error) { return d, nil }, store.ErrInvalid},
		}
		for _, tc := range tests {
			_, err := r.Update(ctx(t), base, "pets", tc.id, tc.change)
			assert.ErrorIs(t, err, tc.want, tc.name)
		}
		got, err = r.Get(ctx(t), base, "pets", "1")
		require.NoError(t, err)
		assert.JSONEq(t, `{"name":"Max"}`, string(got.Data), "a failed update writes nothing")

		// In a session, an update writes the session's overlay only.
		sess := store.Scope{Project: base.Project, Session: "s"}
		_, err = r.Update(ctx(t), sess, "pets", "1", func(json.RawMessage) (json.RawMessage, error) { return raw(`{"name":"Mine"}`), nil })
		require.NoError(t, err)
		got, err = r.Get(ctx(t), base, "pets", "1")
		require.NoError(t, err)
		assert.JSONEq(t, `{"name":"Max"}`, string(got.Data))
	})
	t.Run("MergePatch", func(t *testing.T) {
		t.Parallel()
		s := h.open(t)
		r := s.Records()
		_, err := r.Create(ctx(t), base, "pets", "1", raw(`{"name":"Rex","tag":"dog","owner":{"name":"Ann","city":"Oslo"},"tags":[1,2]}`))
		require.NoError(t, err)
		for _, tc := range []struct{ patch, want string }{
			{`{"name":"Max"}`, `{"name":"Max","tag":"dog","owner":{"name":"Ann","city":"Oslo"},"tags":[1,2]}`},
			{`{"tag":null}`, `{"name":"Max","owner":{"name":"Ann","city":"Oslo"},"tags":[1,2]}`},
			{`{"owner":{"city":null,"zip":"0150"}}`, `{"name":"Max","owner":{"name":"Ann","zip":"0150"},"tags":[1,2]}`},
			{`{"tags":[3]}`, `{"name":"Max","owner":{"name":"Ann","zip":"0150"},"tags":[3]}`},
			{`{}`, `{"name":"Max","owner":{"name":"Ann","zip":"0150"},"tags":[3]}`},
		} {
			got, err := r.Patch(ctx(t), base, "pets", "1", raw(tc.patch))
			require.NoError(t, err, tc.patch)
			assert.JSONEq(t, tc.want, string(got.Data), tc.patch)
			stored, err := r.Get(ctx(t), base, "pets", "1")
			require.NoError(t, err)
			assert.JSONEq(t, tc.want, string(stored.Data), tc.patch)
		}
	})
	t.Run("ListPagination", func(t *testing.T) {
		t.Parallel()
		s := h.open(t)
		r := s.Records()
		const n = 57
		var want []string
		for i := range n {
			id := fmt.Sprintf("%03d", i)
			want = append(want, id)
			kind := []string{"cat", "dog", "fish"}[i%3]
			_, err := r.Create(ctx(t), base, "pets", id, raw(fmt.Sprintf(`{"n":%d,"kind":%q,"even":%t}`, i, kind, i%2 == 0)))
			require.NoError(t, err)
		}
		_, err := r.Create(ctx(t), base, "toys", "x", raw(`{}`))
		require.NoError(t, err)
		for _, tc := range []struct {
			name  string
			q     store.Query
			want  []string
			pages int
		}{
			{"ascending", store.Query{Limit: 10}, want, 6},
			{"descending", store.Query{Limit: 10, Descending: true}, reversed(want), 6},
			{"exact pages", store.Query{Limit: 19}, want, 3},
			{"one page", store.Query{}, want[:50], 0},
			{"filter string", store.Query{Limit: 4, Filter: map[string]any{"kind": "dog"}}, every(want, 1, 3), 5},
			{"filter bool and number", store.Query{Limit: 4, Filter: map[string]any{"even": true, "n": 12}}, []string{"012"}, 1},
			{"filter no match", store.Query{Filter: map[string]any{"kind": "bird"}}, nil, 1},
			{"filter missing field", store.Query{Filter: map[string]any{"color": "red"}}, nil, 1},
		} {
			t.Run(tc.name, func(t *testing.T) {
				got, pages := listAll(t, r, base, "pets", tc.q, tc.pages == 0)
				assert.Equal(t, tc.want, got)
				if tc.pages > 0 {
					assert.Equal(t, tc.pages, pages)
				}
			})
		}
		for _, tc := range []struct {
			f    map[string]any
			want int
		}{
			{nil, n},
			{map[string]any{"kind": "cat"}, 19},
			{map[string]any{"even": false}, 28},
			{map[string]any{"kind": "cat", "even": true}, 10},
		} {
			c, err := r.Count(ctx(t), base, "pets", store.Query{Filter: tc.f})
			require.NoError(t, err)
			assert.Equal(t, tc.want, c, "count %v", tc.f)
		}
	})
	t.Run("Reset", func(t *testing.T) {
		t.Parallel()
		s := h.open(t)
		r := s.Records()
		other := store.Scope{Project: "p2"}
		for _, sc := range []store.Scope{base, other} {
			for _, c := range []string{"pets", "toys"} {
				_, err := r.Create(ctx(t), sc, c, "1", raw(`{}`))
				require.NoError(t, err)
			}
		}
		require.NoError(t, r.Reset(ctx(t), base, "pets"))
		assert.Equal(t, 0, count(t, r, base, "pets"))
		assert.Equal(t, 1, count(t, r, base, "toys"))
		require.NoError(t, r.Reset(ctx(t), base, ""))
		assert.Equal(t, 0, count(t, r, base, "toys"))
		assert.Equal(t, 1, count(t, r, other, "pets"), "another project keeps its data")
		assert.Equal(t, 1, count(t, r, other, "toys"))
	})
}

func testSessions(t *testing.T, h Harness) {
	t.Run("Overlay", func(t *testing.T) {
		t.Parallel()
		s := h.open(t)
		r := s.Records()
		a := store.Scope{Project: "p1", Session: "visitor-a"}
		b := store.Scope{Project: "p1", Session: "visitor-b"}
		for _, id := range []string{"1", "2", "3"} {
			_, err := r.Create(ctx(t), base, "pets", id, raw(`{"name":"base-`+id+`"}`))
			require.NoError(t, err)
		}
		// Session a: create one, patch one, delete one.
		_, err := r.Create(ctx(t), a, "pets", "4", raw(`{"name":"a-4"}`))
		require.NoError(t, err)
		_, err = r.Patch(ctx(t), a, "pets", "2", raw(`{"name":"a-2"}`))
		require.NoError(t, err)
		require.NoError(t, r.Delete(ctx(t), a, "pets", "3"))
		_, err = r.Create(ctx(t), a, "pets", "1", raw(`{}`))
		assert.ErrorIs(t, err, store.ErrConflict, "a base id is taken in a session")

		assert.Equal(t, []string{"1", "2", "4"}, ids(t, r, a, store.Query{}))
		assert.Equal(t, []string{"4", "2", "1"}, ids(t, r, a, store.Query{Descending: true}))
		assert.Equal(t, []string{"1", "2", "4"}, pagedIDs(t, r, a, 1), "paging the merged view")
		assert.Equal(t, 3, count(t, r, a, "pets"))
		got, err := r.Get(ctx(t), a, "pets", "2")
		require.NoError(t, err)
		assert.JSONEq(t, `{"name":"a-2"}`, string(got.Data))
		_, err = r.Get(ctx(t), a, "pets", "3")
		assert.ErrorIs(t, err, store.ErrNotFound, "deleted in the session")
		c, err := r.Count(ctx(t), a, "pets", store.Query{Filter: map[string]any{"name": "a-2"}})
		require.NoError(t, err)
		assert.Equal(t, 1, c, "filters see the session's version")
		c, err = r.Count(ctx(t), a, "pets", store.Query{Filter: map[string]any{"name": "base-2"}})
		require.NoError(t, err)
		assert.Equal(t, 0, c, "filters do not see the shadowed base version")

		// Base and other sessions are untouched.
		for _, sc := range []store.Scope{base, b} {
			assert.Equal(t, []string{"1", "2", "3"}, ids(t, r, sc, store.Query{}), sc.Session)
			got, err := r.Get(ctx(t), sc, "pets", "2")
			require.NoError(t, err)
			assert.JSONEq(t, `{"name":"base-2"}`, string(got.Data))
		}

		// Recreating an id the session deleted works in the session only.
		_, err = r.Create(ctx(t), a, "pets", "3", raw(`{"name":"a-3"}`))
		require.NoError(t, err)
		got, err = r.Get(ctx(t), a, "pets", "3")
		require.NoError(t, err)
		assert.JSONEq(t, `{"name":"a-3"}`, string(got.Data))

		// Resetting the session's collection shows base data again.
		require.NoError(t, r.Reset(ctx(t), a, "pets"))
		assert.Equal(t, []string{"1", "2", "3"}, ids(t, r, a, store.Query{}))
	})
	t.Run("DeleteSession", func(t *testing.T) {
		t.Parallel()
		s := h.open(t)
		r := s.Records()
		a := store.Scope{Project: "p1", Session: "visitor-a"}
		_, err := r.Create(ctx(t), base, "pets", "1", raw(`{"v":0}`))
		require.NoError(t, err)
		for _, c := range []string{"pets", "toys"} {
			_, err := r.Create(ctx(t), a, c, "s", raw(`{}`))
			require.NoError(t, err)
		}
		_, err = r.Replace(ctx(t), a, "pets", "1", raw(`{"v":1}`))
		require.NoError(t, err)
		require.NoError(t, r.DeleteSession(ctx(t), "p1", "visitor-a"))
		assert.Equal(t, []string{"1"}, ids(t, r, a, store.Query{}))
		assert.Equal(t, 0, count(t, r, a, "toys"))
		got, err := r.Get(ctx(t), a, "pets", "1")
		require.NoError(t, err)
		assert.JSONEq(t, `{"v":0}`, string(got.Data))
	})
	t.Run("BaseResetDropsOverlays", func(t *testing.T) {
		t.Parallel()
		s := h.open(t)
		r := s.Records()
		a := store.Scope{Project: "p1", Session: "visitor-a"}
		_, err := r.Create(ctx(t), a, "pets", "s", raw(`{}`))
		require.NoError(t, err)
		require.NoError(t, r.Reset(ctx(t), base, "pets"))
		assert.Equal(t, 0, count(t, r, a, "pets"))
	})
}

func reversed(s []string) []string {
	out := make([]string, len(s))
	for i, v := range s {
		out[len(s)-1-i] = v
	}
	return out
}

func every(s []string, start, step int) []string {
	var out []string
	for i := start; i < len(s); i += step {
		out = append(out, s[i])
	}
	return out
}

// listAll pages through a listing and returns the ids and the page count.
func listAll(t *testing.T, r *store.Records, sc store.Scope, coll string, q store.Query, onePage bool) ([]string, int) {
	t.Helper()
	var got []string
	pages := 0
	for {
		p, err := r.List(ctx(t), sc, coll, q)
		require.NoError(t, err)
		pages++
		require.LessOrEqual(t, len(p.Records), max(q.Limit, 50))
		for _, rec := range p.Records {
			got = append(got, rec.ID)
		}
		if p.Cursor == "" || onePage {
			return got, pages
		}
		require.Less(t, pages, 1000, "listing does not end")
		q.After = p.Cursor
	}
}

func ids(t *testing.T, r *store.Records, sc store.Scope, q store.Query) []string {
	t.Helper()
	got, _ := listAll(t, r, sc, "pets", q, true)
	return got
}

func pagedIDs(t *testing.T, r *store.Records, sc store.Scope, limit int) []string {
	t.Helper()
	got, _ := listAll(t, r, sc, "pets", store.Query{Limit: limit}, false)
	return got
}

func count(t *testing.T, r *store.Records, sc store.Scope, coll string) int {
	t.Helper()
	n, err := r.Count(ctx(t), sc, coll, store.Query{})
	require.NoError(t, err)
	return n
}
