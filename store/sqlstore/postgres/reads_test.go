package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"reflect"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mockapi-go/mockapi/store"
	"github.com/mockapi-go/mockapi/store/sqlstore/internal/sqlcore"
	"github.com/mockapi-go/mockapi/store/storetest"
)

// testDSN is a DSN on a schema of its own, or skips the test.
func testDSN(t *testing.T) string {
	base := os.Getenv("MOCKAPI_TEST_POSTGRES")
	if base == "" {
		t.Skip("postgres: MOCKAPI_TEST_POSTGRES holds no PostgreSQL DSN")
	}
	return storetest.PostgresSchema(t, base)
}

// One statement serves reads of many scopes, collections and ids, and
// each read gets the row a read of its own gets: the session's row over
// the base one, the session's tombstone, a record only the session has,
// a record of another collection or project, nothing.
func TestGetBatch(t *testing.T) {
	t.Parallel()
	dsn := testDSN(t)
	ctx := t.Context()
	s, err := Open(ctx, dsn)
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	base, sess := store.Scope{Project: "p"}, store.Scope{Project: "p", Session: "v"}
	for _, c := range []struct {
		scope      store.Scope
		collection string
		id, data   string
	}{
		{base, "pets", "1", `{"n":1}`}, {base, "pets", "2", `{"n":2}`}, {base, "toys", "1", `{"t":1}`},
		{store.Scope{Project: "q"}, "pets", "1", `{"q":1}`}, {sess, "pets", "3", `{"n":3}`},
	} {
		_, err := s.Records().Create(ctx, c.scope, c.collection, c.id, []byte(c.data))
		require.NoError(t, err)
	}
	_, err = s.Records().Replace(ctx, sess, "pets", "2", []byte(`{"n":22}`))
	require.NoError(t, err)
	require.NoError(t, s.Records().Delete(ctx, sess, "pets", "1"))

	db, _, err := openPostgres(dsn)
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	r := newReader(db, 1)
	type want struct {
		session, data string // data "": no row
		deleted       bool
	}
	cases := []struct {
		scope          store.Scope
		collection, id string
		want           want
	}{
		{base, "pets", "1", want{"", `{"n":1}`, false}},
		{base, "pets", "2", want{"", `{"n":2}`, false}},
		{base, "pets", "3", want{}},
		{sess, "pets", "1", want{"v", `{}`, true}},
		{sess, "pets", "2", want{"v", `{"n":22}`, false}},
		{sess, "pets", "3", want{"v", `{"n":3}`, false}},
		{sess, "pets", "9", want{}},
		{base, "toys", "1", want{"", `{"t":1}`, false}},
		{sess, "toys", "1", want{"", `{"t":1}`, false}},
		{store.Scope{Project: "q"}, "pets", "1", want{"", `{"q":1}`, false}},
		{store.Scope{Project: "q"}, "pets", "2", want{}},
		{base, "pets", "1", want{"", `{"n":1}`, false}}, // twice in one batch
	}
	newCall := func(i int) *getCall {
		c := cases[i]
		return &getCall{ctx: ctx, s: c.scope, collection: c.collection, id: c.id, done: make(chan struct{})}
	}
	check := func(c *getCall, i int, how string) {
		t.Helper()
		<-c.done
		require.NoError(t, c.err, "%s: case %d", how, i)
		w := cases[i].want
		if w.data == "" {
			assert.Nil(t, c.row, "%s: case %d", how, i)
			return
		}
		require.NotNil(t, c.row, "%s: case %d", how, i)
		assert.Equal(t, w.session, c.row.Session, "%s: case %d", how, i)
		assert.Equal(t, w.deleted, c.row.Deleted, "%s: case %d", how, i)
		if !w.deleted { // a tombstone keeps no data or times
			assert.JSONEq(t, w.data, string(c.row.Data), "%s: case %d", how, i)
			assert.Positive(t, c.row.Created, "%s: case %d", how, i)
		}
	}

	batch := make([]*getCall, len(cases))
	for i := range cases {
		batch[i] = newCall(i)
	}
	r.run(batch)
	for i, c := range batch {
		check(c, i, "batch")
	}
	var baseBatch []*getCall // every read in the base scope: another statement
	var baseCases []int
	for i, c := range cases {
		if c.scope.Session == "" {
			baseBatch, baseCases = append(baseBatch, newCall(i)), append(baseCases, i)
		}
	}
	r.run(baseBatch)
	for j, c := range baseBatch {
		check(c, baseCases[j], "base batch")
	}
	for i := range cases {
		c := newCall(i)
		r.run([]*getCall{c})
		check(c, i, "alone")
		if batch[i].row != nil {
			assert.Equal(t, *c.row, *batch[i].row, "case %d: a read alone and in a batch", i)
		}
	}
}

// A read whose caller left is dropped from its batch with the caller's
// error; the others of the batch are served.
func TestGetBatchCallerLeft(t *testing.T) {
	t.Parallel()
	dsn := testDSN(t)
	ctx := t.Context()
	s, err := Open(ctx, dsn)
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	scope := store.Scope{Project: "p"}
	_, err = s.Records().Create(ctx, scope, "pets", "1", []byte(`{"n":1}`))
	require.NoError(t, err)
	db, _, err := openPostgres(dsn)
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	r := newReader(db, 1)

	left, leave := context.WithCancel(ctx)
	leave()
	gone := &getCall{ctx: left, s: scope, collection: "pets", id: "1", done: make(chan struct{})}
	stays := &getCall{ctx: ctx, s: scope, collection: "pets", id: "1", done: make(chan struct{})}
	r.run([]*getCall{gone, stays})
	<-gone.done
	<-stays.done
	require.ErrorIs(t, gone.err, context.Canceled)
	require.NoError(t, stays.err)
	require.NotNil(t, stays.row)
	assert.JSONEq(t, `{"n":1}`, string(stays.row.Data))
}

// A batch's statement runs until the last of its callers leaves.
func TestJoinContexts(t *testing.T) {
	t.Parallel()
	type key struct{}
	a, cancelA := context.WithCancel(context.WithValue(t.Context(), key{}, "a"))
	b, cancelB := context.WithCancel(t.Context())
	ctx, stop := joinContexts([]*getCall{{ctx: a}, {ctx: b}})
	defer stop()
	assert.Equal(t, "a", ctx.Value(key{}), "the first caller's values")
	cancelA()
	require.NoError(t, ctx.Err(), "b still waits")
	cancelB()
	<-ctx.Done()
	require.ErrorIs(t, ctx.Err(), context.Canceled)
}

// Many callers reading through two connections each read their own
// writes, and read what others wrote: reads that wait together, served
// by one statement, see every write committed before they were called.
func TestGetConcurrent(t *testing.T) {
	t.Parallel()
	dsn := testDSN(t) + "&pool_max_conns=2"
	ctx := t.Context()
	s, err := Open(ctx, dsn)
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	base := store.Scope{Project: "p"}
	const shared = 20
	for i := range shared {
		_, err := s.Records().Create(ctx, base, "pets", fmt.Sprint(i), fmt.Appendf(nil, `{"n":%d}`, i))
		require.NoError(t, err)
	}
	var wg sync.WaitGroup
	errs := make([]error, 32)
	for g := range errs {
		wg.Go(func() {
			errs[g] = func() error {
				sess := store.Scope{Project: "p", Session: fmt.Sprint("v", g%4)}
				own := fmt.Sprint("own", g)
				for j := range 30 {
					data := fmt.Appendf(nil, `{"g":%d,"j":%d}`, g, j)
					var err error
					if j == 0 {
						_, err = s.Records().Create(ctx, base, "mine", own, data)
					} else {
						_, err = s.Records().Replace(ctx, base, "mine", own, data)
					}
					if err != nil {
						return err
					}
					rec, err := s.Records().Get(ctx, base, "mine", own)
					if err != nil {
						return fmt.Errorf("own record after write %d: %w", j, err)
					}
					if !jsonEqual(rec.Data, data) {
						return fmt.Errorf("own record after write %d: %s, want %s", j, rec.Data, data)
					}
					id := (g + j) % (shared + 2) // two of every 22 are missing
					rec, err = s.Records().Get(ctx, sess, "pets", fmt.Sprint(id))
					switch {
					case id >= shared && !errors.Is(err, store.ErrNotFound):
						return fmt.Errorf("pet %d: %v, want not found", id, err)
					case id >= shared:
					case err != nil:
						return fmt.Errorf("pet %d: %w", id, err)
					case !jsonEqual(rec.Data, fmt.Appendf(nil, `{"n":%d}`, id)):
						return fmt.Errorf("pet %d: %s", id, rec.Data)
					}
				}
				return nil
			}()
		})
	}
	wg.Wait()
	for _, err := range errs {
		require.NoError(t, err)
	}
}

// jsonEqual reports whether two JSON texts hold the same value.
func jsonEqual(a, b []byte) bool {
	var x, y any
	return json.Unmarshal(a, &x) == nil && json.Unmarshal(b, &y) == nil && reflect.DeepEqual(x, y)
}

var _ sqlcore.Getter = (*reader)(nil).get
