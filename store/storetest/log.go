package storetest

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mockapi-go/mockapi/store"
)

func testRequestLog(t *testing.T, h Harness) {
	day := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	entries := []store.Entry{
		{Time: day, Project: "p1", Operation: "listPets", Method: "GET", Path: "/pets?api_key=secret", Status: 200, Latency: 10 * time.Millisecond, KeyID: "k1"},
		{Time: day.Add(time.Hour), Project: "p1", Operation: "listPets", Method: "GET", Path: "/pets", Status: 200, Latency: 30 * time.Millisecond, LinkID: "l1", Session: "s1"},
		{Time: day.Add(24 * time.Hour), Project: "p1", Operation: "getPet", Method: "GET", Path: "/pets/1", Status: 404, Latency: 5 * time.Millisecond, KeyID: "k1"},
		{Time: day.Add(25 * time.Hour), Project: "p1", Operation: "createPet", Method: "POST", Path: "/pets#frag", Status: 500, Latency: 50 * time.Millisecond},
		{Time: day.Add(48 * time.Hour), Project: "p1", Operation: "getPet", Method: "GET", Path: "/pets/2", Status: 200, Latency: 15 * time.Millisecond},
		{Time: day.Add(49 * time.Hour), Project: "p2", Operation: "other", Method: "GET", Path: "/x", Status: 200, Latency: time.Millisecond},
	}
	t.Run("AppendQuery", func(t *testing.T) {
		t.Parallel()
		s := h.open(t)
		l := s.RequestLog()
		require.NoError(t, l.Append(ctx(t), entries[:3]...))
		require.NoError(t, l.Append(ctx(t), entries[3:]...))
		require.NoError(t, l.Append(ctx(t)), "an empty batch")
		all, err := l.Query(ctx(t), store.LogQuery{})
		require.NoError(t, err)
		require.Len(t, all, 6)
		assert.Equal(t, "other", all[0].Operation, "newest first")
		assert.Equal(t, "/pets", all[5].Path, "the query string is not logged")
		assert.Equal(t, "/pets", all[2].Path, "the fragment is not logged")
		assert.NotZero(t, all[5].ID)
		assert.Equal(t, 10*time.Millisecond, all[5].Latency)
		assert.True(t, day.Equal(all[5].Time))
		assert.Equal(t, entries[1].LinkID, all[4].LinkID)
		assert.Equal(t, entries[1].Session, all[4].Session)

		for _, tc := range []struct {
			name string
			q    store.LogQuery
			want []string // paths, newest first
		}{
			{"project", store.LogQuery{Project: "p2"}, []string{"/x"}},
			{"operation", store.LogQuery{Project: "p1", Operation: "getPet"}, []string{"/pets/2", "/pets/1"}},
			{"key", store.LogQuery{KeyID: "k1"}, []string{"/pets/1", "/pets"}},
			{"link", store.LogQuery{LinkID: "l1"}, []string{"/pets"}},
			{"session", store.LogQuery{Session: "s1"}, []string{"/pets"}},
			{"period", store.LogQuery{Since: day.Add(time.Hour), Until: day.Add(48 * time.Hour)}, []string{"/pets", "/pets/1", "/pets"}},
			{"limit", store.LogQuery{Project: "p1", Limit: 2}, []string{"/pets/2", "/pets"}},
		} {
			got, err := l.Query(ctx(t), tc.q)
			require.NoError(t, err, tc.name)
			var paths []string
			for _, e := range got {
				paths = append(paths, e.Path)
			}
			assert.Equal(t, tc.want, paths, tc.name)
		}
		_, err = l.Query(ctx(t), store.LogQuery{Limit: -1})
		assert.ErrorIs(t, err, store.ErrInvalid)
		assert.ErrorIs(t, l.Append(ctx(t), store.Entry{Path: "/"}), store.ErrInvalid, "an entry without a project")
	})
	t.Run("Stats", func(t *testing.T) {
		t.Parallel()
		s := h.open(t)
		l := s.RequestLog()
		require.NoError(t, l.Append(ctx(t), entries...))
		st, err := l.Stats(ctx(t), "p1", day, day.Add(72*time.Hour))
		require.NoError(t, err)
		assert.Equal(t, 5, st.Total)
		d0 := day.Truncate(24 * time.Hour)
		require.Len(t, st.ByDay, 3)
		for i, want := range []int{2, 2, 1} {
			assert.True(t, d0.AddDate(0, 0, i).Equal(st.ByDay[i].Day), "day %d: %v", i, st.ByDay[i].Day)
			assert.Equal(t, want, st.ByDay[i].Count, "day %d", i)
		}
		assert.Equal(t, []store.OperationStats{
			{Operation: "getPet", Count: 2, AvgLatency: 10 * time.Millisecond},
			{Operation: "listPets", Count: 2, AvgLatency: 20 * time.Millisecond},
			{Operation: "createPet", Count: 1, AvgLatency: 50 * time.Millisecond},
		}, st.TopOperations)
		assert.Equal(t, map[int]int{2: 3, 4: 1, 5: 1}, st.ByStatusClass)

		st, err = l.Stats(ctx(t), "p1", day.Add(24*time.Hour), day.Add(48*time.Hour))
		require.NoError(t, err)
		assert.Equal(t, 2, st.Total, "the period is [since, until)")
		st, err = l.Stats(ctx(t), "nobody", time.Time{}, time.Time{})
		require.NoError(t, err)
		assert.Equal(t, 0, st.Total)
		assert.Empty(t, st.ByDay)
		_, err = l.Stats(ctx(t), "p1", day, day)
		assert.ErrorIs(t, err, store.ErrInvalid)
	})
	t.Run("Retention", func(t *testing.T) {
		t.Parallel()
		for _, tc := range []struct {
			name    string
			r       store.Retention
			removed int
			left    []string // operations, newest first
		}{
			{"by age", store.Retention{Before: day.Add(25 * time.Hour)}, 3, []string{"other", "getPet", "createPet"}},
			{"by count", store.Retention{Keep: 2}, 4, []string{"other", "getPet"}},
			{"both", store.Retention{Before: day.Add(time.Hour), Keep: 4}, 2, []string{"other", "getPet", "createPet", "getPet"}},
			{"nothing old", store.Retention{Before: day}, 0, []string{"other", "getPet", "createPet", "getPet", "listPets", "listPets"}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				s := h.open(t)
				l := s.RequestLog()
				require.NoError(t, l.Append(ctx(t), entries...))
				n, err := l.Prune(ctx(t), tc.r)
				require.NoError(t, err)
				assert.Equal(t, tc.removed, n)
				got, err := l.Query(ctx(t), store.LogQuery{})
				require.NoError(t, err)
				var ops []string
				for _, e := range got {
					ops = append(ops, e.Operation)
				}
				assert.Equal(t, tc.left, ops)
			})
		}
		s := h.open(t)
		_, err := s.RequestLog().Prune(ctx(t), store.Retention{})
		assert.ErrorIs(t, err, store.ErrInvalid, "a rule that keeps everything is a mistake")
	})
}

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
			c, err := r.Count(ctx(t), base, "pets", map[string]any{"by": w})
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
			require.NoError(t, jsonUnmarshal(got.Data, &fields))
			assert.Len(t, fields, workers*5, "scope %q: every field survives concurrent merge patches", sc.Session)
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
					if err := jsonUnmarshal(p.Settings, &v); err != nil {
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
	assert.EqualValues(t, 1+workers*times, p.Version)
}

func testClosed(t *testing.T, h Harness) {
	t.Parallel()
	s := h.open(t)
	p := newProject("x")
	require.NoError(t, s.Projects().Create(ctx(t), p))
	require.NoError(t, s.Keys().Touch(ctx(t), "k", time.Now()))
	require.NoError(t, s.Close())
	assert.ErrorIs(t, s.Close(), store.ErrClosed, "closing twice")
	for name, call := range map[string]func() error{
		"projects": func() error { _, err := s.Projects().Get(ctx(t), p.ID); return err },
		"keys":     func() error { _, err := s.Keys().Lookup(ctx(t), "h"); return err },
		"touch":    func() error { return s.Keys().Touch(ctx(t), "k", time.Now()) },
		"links":    func() error { _, err := s.Links().Lookup(ctx(t), "h"); return err },
		"records":  func() error { _, err := s.Records().Get(ctx(t), base, "pets", "1"); return err },
		"log":      func() error { return s.RequestLog().Append(ctx(t), store.Entry{Project: "p"}) },
		"flush":    func() error { return s.Flush(ctx(t)) },
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
