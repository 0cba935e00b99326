package storetest

import (
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mockapi-go/mockapi/store"
)

func testConcurrency(t *testing.T, h Harness) {
	const workers, each = 16, 20
	t.Run("CreateAndPatchOneCollection", func(t *testing.T) {
		t.Parallel()
		s := h.open(t)
		r := s.Records()
		var wg sync.WaitGroup
		errs := make(chan error, workers)
		for w := range workers {
			wg.Go(func() {
				for i := range each {
					id := fmt.Sprintf("w%02d-%02d", w, i)
					if _, err := r.Create(ctx(t), base, "pets", id, raw(`{"n":0}`)); err != nil {
						errs <- err
						return
					}
					if _, err := r.Patch(ctx(t), base, "pets", id, raw(fmt.Sprintf(`{"n":%d,"by":%d}`, i+1, w))); err != nil {
						errs <- err
						return
					}
					if _, err := r.List(ctx(t), base, "pets", store.Query{Limit: 5}); err != nil {
						errs <- err
						return
					}
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			require.NoError(t, err)
		}
		assert.Equal(t, workers*each, count(t, r, base, "pets"))
		for w := range workers {
			c, err := r.Count(ctx(t), base, "pets", store.Query{Filter: map[string]any{"by": w}})
			require.NoError(t, err)
			assert.Equal(t, each, c, "every patch of worker %d stays", w)
		}
	})
	t.Run("PatchOneRecord", func(t *testing.T) {
		t.Parallel()
		s := h.open(t)
		r := s.Records()
		for _, sc := range []store.Scope{base, {Project: base.Project, Session: "visitor"}} {
			_, err := r.Create(ctx(t), base, "counters", "c-"+sc.Session, raw(`{}`))
			require.NoError(t, err)
			var wg sync.WaitGroup
			for w := range workers {
				wg.Go(func() {
					for i := range 5 {
						if _, err := r.Patch(ctx(t), sc, "counters", "c-"+sc.Session, raw(fmt.Sprintf(`{"w%02d-%d":%d}`, w, i, i))); err != nil {
							t.Errorf("patch: %v", err)
							return
						}
					}
				})
			}
			wg.Wait()
			got, err := r.Get(ctx(t), sc, "counters", "c-"+sc.Session)
			require.NoError(t, err)
			var fields map[string]int
			require.NoError(t, json.Unmarshal(got.Data, &fields))
			assert.Len(t, fields, workers*5, "scope %q: every field survives concurrent merge patches", sc.Session)
		}
	})
	t.Run("UpdateOneRecord", func(t *testing.T) {
		t.Parallel()
		s := h.open(t)
		r := s.Records()
		for _, sc := range []store.Scope{base, {Project: base.Project, Session: "visitor"}} {
			_, err := r.Create(ctx(t), base, "counters", "u-"+sc.Session, raw(`{"n":0}`))
			require.NoError(t, err)
			increment := func(data json.RawMessage) (json.RawMessage, error) {
				var c struct{ N int }
				if err := json.Unmarshal(data, &c); err != nil {
					return nil, err
				}
				return json.Marshal(map[string]int{"n": c.N + 1})
			}
			var wg sync.WaitGroup
			for range workers {
				wg.Go(func() {
					for range 5 {
						if _, err := r.Update(ctx(t), sc, "counters", "u-"+sc.Session, increment); err != nil {
							t.Errorf("update: %v", err)
							return
						}
					}
				})
			}
			wg.Wait()
			got, err := r.Get(ctx(t), sc, "counters", "u-"+sc.Session)
			require.NoError(t, err)
			assert.JSONEq(t, fmt.Sprintf(`{"n":%d}`, workers*5), string(got.Data), "scope %q: no increment is lost", sc.Session)
		}
	})
	t.Run("SameIDOneWinner", func(t *testing.T) {
		t.Parallel()
		s := h.open(t)
		var wg sync.WaitGroup
		var mu sync.Mutex
		wins, conflicts := 0, 0
		for range workers {
			wg.Go(func() {
				_, err := s.Records().Create(ctx(t), base, "pets", "the-one", raw(`{}`))
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					wins++
				case errors.Is(err, store.ErrConflict):
					conflicts++
				default:
					t.Errorf("create: %v", err)
				}
			})
		}
		wg.Wait()
		assert.Equal(t, 1, wins)
		assert.Equal(t, workers-1, conflicts)
	})
	t.Run("NoLostUpdate", func(t *testing.T) {
		t.Parallel()
		s := h.open(t)
		p := newProject("counter")
		p.Settings = raw(`{"n":0}`)
		require.NoError(t, s.Projects().Create(ctx(t), p))
		increment(t, []*store.Store{s}, p.ID, workers, 5)
	})
}

// increment runs workers goroutines that each add 1 to the project's
// settings.n times times with read-modify-update retried on ErrConflict,
// spread over the stores, then checks that no increment was lost.
func increment(t *testing.T, stores []*store.Store, id string, workers, times int) {
	first, err := stores[0].Projects().Version(ctx(t), id)
	require.NoError(t, err)
	var wg sync.WaitGroup
	for w := range workers {
		ps := stores[w%len(stores)].Projects()
		wg.Go(func() {
			for range times {
				for attempt := 0; ; attempt++ {
					if attempt > 1000 {
						t.Errorf("worker %d: no progress", w)
						return
					}
					p, err := ps.Get(ctx(t), id)
					if err != nil {
						t.Errorf("get: %v", err)
						return
					}
					var v struct{ N int }
					if err := json.Unmarshal(p.Settings, &v); err != nil {
						t.Errorf("settings: %v", err)
						return
					}
					p.Settings = raw(fmt.Sprintf(`{"n":%d}`, v.N+1))
					err = ps.Update(ctx(t), p)
					if err == nil {
						break
					}
					if !errors.Is(err, store.ErrConflict) {
						t.Errorf("update: %v", err)
						return
					}
				}
			}
		})
	}
	wg.Wait()
	p, err := stores[0].Projects().Get(ctx(t), id)
	require.NoError(t, err)
	assert.JSONEq(t, fmt.Sprintf(`{"n":%d}`, workers*times), string(p.Settings))
	assert.Equal(t, first+int64(workers*times), p.Version)
}

func testClosed(t *testing.T, h Harness) {
	t.Parallel()
	s := h.open(t)
	p := newProject("x")
	require.NoError(t, s.Projects().Create(ctx(t), p))
	require.NoError(t, s.Keys().Touch(ctx(t), "k", time.Now()))
	require.NoError(t, s.Close())
	assert.NoError(t, s.Close(), "closing twice does nothing")
	for name, call := range map[string]func() error{
		"projects": func() error { _, err := s.Projects().Get(ctx(t), p.ID); return err },
		"keys":     func() error { _, err := s.Keys().Lookup(ctx(t), "h"); return err },
		"touch":    func() error { return s.Keys().Touch(ctx(t), "k", time.Now()) },
		"links":    func() error { _, err := s.Links().Lookup(ctx(t), "h"); return err },
		"records":  func() error { _, err := s.Records().Get(ctx(t), base, "pets", "1"); return err },
		"update": func() error {
			_, err := s.Records().Update(ctx(t), base, "pets", "1", func(d json.RawMessage) (json.RawMessage, error) { return d, nil })
			return err
		},
		"log":   func() error { return s.RequestLog().Append(ctx(t), store.Entry{Project: "p"}) },
		"flush": func() error { return s.Flush(ctx(t)) },
	} {
		assert.ErrorIs(t, call(), store.ErrClosed, name)
	}
}

func testMulti(t *testing.T, h Harness) {
	t.Run("RevocationSeenAtOnce", func(t *testing.T) {
		t.Parallel()
		open := h.opener(t)
		a, b := open(t), open(t)
		k := newKey("hash-shared")
		require.NoError(t, a.Keys().Create(ctx(t), k))
		l := &store.Link{Project: "p1", Hash: "link-shared"}
		require.NoError(t, a.Links().Create(ctx(t), l))
		_, err := b.Keys().Lookup(ctx(t), "hash-shared")
		require.NoError(t, err, "the other instance sees a new key at once")
		_, err = b.Links().Lookup(ctx(t), "link-shared")
		require.NoError(t, err)

		require.NoError(t, a.Keys().Revoke(ctx(t), k.ID, time.Now()))
		_, err = b.Keys().Lookup(ctx(t), "hash-shared")
		assert.ErrorIs(t, err, store.ErrNotFound, "the other instance refuses a revoked key on its next lookup")
		require.NoError(t, a.Links().Revoke(ctx(t), l.ID, time.Now()))
		_, err = b.Links().Lookup(ctx(t), "link-shared")
		assert.ErrorIs(t, err, store.ErrNotFound, "the other instance refuses a revoked link on its next lookup")
	})
	t.Run("RecordsAndProjects", func(t *testing.T) {
		t.Parallel()
		open := h.opener(t)
		a, b := open(t), open(t)
		_, err := a.Records().Create(ctx(t), base, "pets", "1", raw(`{"v":1}`))
		require.NoError(t, err)
		got, err := b.Records().Get(ctx(t), base, "pets", "1")
		require.NoError(t, err)
		assert.JSONEq(t, `{"v":1}`, string(got.Data))
		_, err = b.Records().Create(ctx(t), base, "pets", "1", raw(`{}`))
		assert.ErrorIs(t, err, store.ErrConflict)

		p := newProject("shared")
		p.Settings = raw(`{"n":0}`)
		require.NoError(t, a.Projects().Create(ctx(t), p))
		increment(t, []*store.Store{a, b}, p.ID, 8, 5)
	})
}
