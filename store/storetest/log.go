package storetest

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mockapi-go/mockapi/store"
)

func testRequestLog(t *testing.T, h Harness) {
	day := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	entries := []store.Entry{
		{Time: day, Project: "p1", Operation: "listPets", Method: "GET", Path: "/pets?api_key=secret", Status: 200, Latency: 10 * time.Millisecond, KeyID: "k1",
			Client: "192.0.2.7", UserAgent: "curl/8.5.0"},
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
		assert.Equal(t, "192.0.2.7", all[5].Client)
		assert.Equal(t, "curl/8.5.0", all[5].UserAgent)
		assert.Empty(t, all[4].Client)

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
			{"status", store.LogQuery{Status: 404}, []string{"/pets/1"}},
			{"status class", store.LogQuery{StatusClass: 5}, []string{"/pets"}},
			{"status class 2xx of a project", store.LogQuery{Project: "p1", StatusClass: 2}, []string{"/pets/2", "/pets", "/pets"}},
			{"status and key", store.LogQuery{KeyID: "k1", StatusClass: 2}, []string{"/pets"}},
			{"a status no entry has", store.LogQuery{Status: 201}, nil},
			{"filters and cursor", store.LogQuery{Project: "p1", StatusClass: 2, After: store.LogCursor{Time: day.Add(48 * time.Hour), ID: all[1].ID}},
				[]string{"/pets", "/pets"}},
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
		_, err = l.Query(ctx(t), store.LogQuery{Status: 42})
		assert.ErrorIs(t, err, store.ErrInvalid)
		_, err = l.Query(ctx(t), store.LogQuery{StatusClass: 10})
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
			{Project: "p1", Operation: "getPet", Count: 2, AvgLatency: 10 * time.Millisecond, Last: day.Add(48 * time.Hour)},
			{Project: "p1", Operation: "listPets", Count: 2, AvgLatency: 20 * time.Millisecond, Last: day.Add(time.Hour)},
			{Project: "p1", Operation: "createPet", Count: 1, AvgLatency: 50 * time.Millisecond, Last: day.Add(25 * time.Hour)},
		}, st.TopOperations)
		assert.Equal(t, map[int]int{2: 3, 4: 1, 5: 1}, st.ByStatusClass)
		assert.Zero(t, st.PageViews)

		// Share-page visits (a link, no operation) are page views, and
		// entries without an operation are no row of TopOperations.
		require.NoError(t, l.Append(ctx(t),
			store.Entry{Time: day, Project: "p3", Method: "GET", Path: "/", LinkID: "l1", Status: 200},
			store.Entry{Time: day, Project: "p3", Method: "GET", Path: "/", LinkID: "l1", Status: 200},
			store.Entry{Time: day, Project: "p3", Method: "GET", Path: "/nowhere", Status: 404},
			store.Entry{Time: day, Project: "p3", Method: "GET", Path: "/nowhere", LinkID: "l1", Status: 404},
			store.Entry{Time: day, Project: "p3", Operation: "listPets", Method: "GET", Path: "/pets", LinkID: "l1", Status: 200}))
		st, err = l.Stats(ctx(t), "p3", time.Time{}, time.Time{})
		require.NoError(t, err)
		assert.Equal(t, 5, st.Total)
		assert.Equal(t, 2, st.PageViews, "an unmatched path through a link is no page view")
		assert.Equal(t, []store.OperationStats{{Project: "p3", Operation: "listPets", Count: 1, Last: day}}, st.TopOperations)

		// Every project at once: operations of the same name in two
		// projects are two rows.
		st, err = l.Stats(ctx(t), "", time.Time{}, time.Time{})
		require.NoError(t, err)
		assert.Equal(t, 11, st.Total)
		assert.Equal(t, 2, st.PageViews)
		assert.Equal(t, map[int]int{2: 7, 4: 3, 5: 1}, st.ByStatusClass)
		var top []string
		for _, o := range st.TopOperations {
			top = append(top, o.Project+"/"+o.Operation)
		}
		assert.Equal(t, []string{"p1/getPet", "p1/listPets", "p1/createPet", "p3/listPets", "p2/other"}, top)
		st, err = l.Stats(ctx(t), "", day.Add(49*time.Hour), time.Time{})
		require.NoError(t, err)
		assert.Equal(t, 1, st.Total, "every project, over a period")

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
	t.Run("Upstream", func(t *testing.T) {
		t.Parallel()
		s := h.open(t)
		l := s.RequestLog()
		long := strings.Repeat("body /name: value must be a string; ", 100)
		require.NoError(t, l.Append(ctx(t),
			store.Entry{Time: day, Project: "p1", Operation: "getPet", Method: "GET", Path: "/pets/1", Status: 200, Source: "upstream"},
			store.Entry{Time: day.Add(time.Minute), Project: "p1", Operation: "listPets", Method: "GET", Path: "/pets", Status: 200,
				Source: "upstream", Drift: "body /0/name: value must be a string"},
			store.Entry{Time: day.Add(2 * time.Minute), Project: "p1", Operation: "listPets", Method: "GET", Path: "/pets", Status: 200, Source: "fallback"},
			store.Entry{Time: day.Add(3 * time.Minute), Project: "p1", Operation: "listPets", Method: "GET", Path: "/pets", Status: 502,
				Source: "upstream", Drift: long},
			store.Entry{Time: day.Add(4 * time.Minute), Project: "p1", Operation: "listPets", Method: "GET", Path: "/pets", Status: 200},
			store.Entry{Time: day.Add(5 * time.Minute), Project: "p2", Operation: "x", Method: "GET", Path: "/x", Status: 200, Source: "upstream", Drift: "status: 418"},
		))
		all, err := l.Query(ctx(t), store.LogQuery{Project: "p1"})
		require.NoError(t, err)
		require.Len(t, all, 5)
		assert.Empty(t, all[0].Source, "answered by the mock alone")
		assert.Equal(t, "fallback", all[2].Source)
		assert.Equal(t, "upstream", all[3].Source)
		assert.Equal(t, "body /0/name: value must be a string", all[3].Drift)
		assert.LessOrEqual(t, len(all[1].Drift), store.MaxLogDrift)
		assert.True(t, strings.HasSuffix(all[1].Drift, store.TruncatedMark))

		drifted, err := l.Query(ctx(t), store.LogQuery{Project: "p1", Drift: true})
		require.NoError(t, err)
		require.Len(t, drifted, 2)
		assert.Equal(t, 502, drifted[0].Status)
		assert.Equal(t, 200, drifted[1].Status)

		st, err := l.Stats(ctx(t), "p1", time.Time{}, time.Time{})
		require.NoError(t, err)
		assert.Equal(t, 5, st.Total)
		assert.Equal(t, 3, st.Upstream)
		assert.Equal(t, 1, st.Fallbacks)
		assert.Equal(t, 2, st.Drift)
		st, err = l.Stats(ctx(t), "", time.Time{}, time.Time{})
		require.NoError(t, err)
		assert.Equal(t, 4, st.Upstream, "across projects")
		assert.Equal(t, 3, st.Drift)
		st, err = l.Stats(ctx(t), "nobody", time.Time{}, time.Time{})
		require.NoError(t, err)
		assert.Zero(t, st.Upstream+st.Fallbacks+st.Drift, "no entries: zero, not an error")
	})

	t.Run("Operations", func(t *testing.T) {
		t.Parallel()
		s := h.open(t)
		l := s.RequestLog()
		require.NoError(t, l.Append(ctx(t), entries...))
		require.NoError(t, l.Append(ctx(t), store.Entry{Time: day, Project: "p1", Method: "GET", Path: "/nowhere", Status: 404}))
		ops, err := l.Operations(ctx(t), "p1", time.Time{}, time.Time{})
		require.NoError(t, err)
		assert.Equal(t, []store.OperationStats{
			{Project: "p1", Operation: "createPet", Count: 1, AvgLatency: 50 * time.Millisecond, Last: day.Add(25 * time.Hour)},
			{Project: "p1", Operation: "getPet", Count: 2, AvgLatency: 10 * time.Millisecond, Last: day.Add(48 * time.Hour)},
			{Project: "p1", Operation: "listPets", Count: 2, AvgLatency: 20 * time.Millisecond, Last: day.Add(time.Hour)},
		}, ops, "every operation, by name; entries without one left out")
		ops, err = l.Operations(ctx(t), "p1", day.Add(24*time.Hour), day.Add(48*time.Hour))
		require.NoError(t, err)
		assert.Equal(t, []store.OperationStats{
			{Project: "p1", Operation: "createPet", Count: 1, AvgLatency: 50 * time.Millisecond, Last: day.Add(25 * time.Hour)},
			{Project: "p1", Operation: "getPet", Count: 1, AvgLatency: 5 * time.Millisecond, Last: day.Add(24 * time.Hour)},
		}, ops, "the period is [since, until)")
		ops, err = l.Operations(ctx(t), "nobody", time.Time{}, time.Time{})
		require.NoError(t, err)
		assert.Empty(t, ops)
		_, err = l.Operations(ctx(t), "", time.Time{}, time.Time{})
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
			{"by count per project", store.Retention{Project: "p1", Keep: 1}, 4, []string{"other", "getPet"}},
			{"by age per project", store.Retention{Project: "p2", Before: day.Add(72 * time.Hour)}, 1, []string{"getPet", "createPet", "getPet", "listPets", "listPets"}},
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
	t.Run("Bounds", func(t *testing.T) {
		t.Parallel()
		s := h.open(t)
		l := s.RequestLog()
		huge := "/" + strings.Repeat("a", 1<<20)
		for _, tc := range []struct {
			name string
			e    store.Entry
			want func(t *testing.T, e store.Entry)
		}{
			{"a 1 MiB path", store.Entry{Project: "p1", Method: "GET", Path: huge, Status: 401}, func(t *testing.T, e store.Entry) {
				assert.LessOrEqual(t, len(e.Path), store.MaxLogPath)
				assert.True(t, strings.HasSuffix(e.Path, store.TruncatedMark), "a cut path says so")
				assert.True(t, strings.HasPrefix(e.Path, "/aaaa"))
			}},
			{"every text field", store.Entry{Project: "p1", Method: strings.Repeat("M", 5000), Path: "/",
				Operation: strings.Repeat("o", 5000), KeyID: strings.Repeat("k", 5000), LinkID: strings.Repeat("l", 5000),
				Session: strings.Repeat("s", 5000), Client: strings.Repeat("c", 5000), UserAgent: strings.Repeat("u", 5000)}, func(t *testing.T, e store.Entry) {
				for _, f := range []string{e.Method, e.Operation, e.KeyID, e.LinkID, e.Session, e.Client} {
					assert.LessOrEqual(t, len(f), store.MaxLogField)
					assert.True(t, strings.HasSuffix(f, store.TruncatedMark))
				}
				assert.LessOrEqual(t, len(e.UserAgent), store.MaxLogUserAgent)
				assert.Greater(t, len(e.UserAgent), store.MaxLogField, "a user agent is kept longer than an id")
				assert.True(t, strings.HasSuffix(e.UserAgent, store.TruncatedMark))
			}},
			{"a user agent with control characters", store.Entry{Project: "p1", Method: "GET", Path: "/", UserAgent: "x\r\nInjected: 1"}, func(t *testing.T, e store.Entry) {
				assert.Equal(t, "x\uFFFD\uFFFDInjected: 1", e.UserAgent)
			}},
			{"a cut between the bytes of a rune", store.Entry{Project: "p1", Method: "GET", Path: "/" + strings.Repeat("é", 2000)}, func(t *testing.T, e store.Entry) {
				assert.True(t, utf8.ValidString(e.Path))
				assert.LessOrEqual(t, len(e.Path), store.MaxLogPath)
			}},
			{"NUL, control characters and invalid UTF-8", store.Entry{Project: "p1", Method: "GET", Path: "/a\x00b\x1b[2J\xff", Session: "s\x00"}, func(t *testing.T, e store.Entry) {
				assert.Equal(t, "/a\uFFFDb\uFFFD[2J\uFFFD", e.Path)
				assert.Equal(t, "s\uFFFD", e.Session)
			}},
		} {
			require.NoError(t, l.Append(ctx(t), tc.e), tc.name)
			got, err := l.Query(ctx(t), store.LogQuery{Project: "p1", Limit: 1})
			require.NoError(t, err, tc.name)
			require.Len(t, got, 1, tc.name)
			t.Run(tc.name, func(t *testing.T) { tc.want(t, got[0]) })
		}
	})
	t.Run("Paging", func(t *testing.T) {
		t.Parallel()
		s := h.open(t)
		l := s.RequestLog()
		same := day.Add(time.Hour)
		batch := []store.Entry{
			{Time: day, Project: "p1", Method: "GET", Path: "/0"},
			{Time: same, Project: "p1", Method: "GET", Path: "/1"},
			{Time: same, Project: "p1", Method: "GET", Path: "/2"},
			{Time: same, Project: "p1", Method: "GET", Path: "/3"},
			{Time: day.Add(2 * time.Hour), Project: "p1", Method: "GET", Path: "/4"},
		}
		require.NoError(t, l.Append(ctx(t), batch...))
		var paths []string
		q := store.LogQuery{Project: "p1", Limit: 2}
		for range 10 {
			page, err := l.Query(ctx(t), q)
			require.NoError(t, err)
			if len(page) == 0 {
				break
			}
			for _, e := range page {
				paths = append(paths, e.Path)
			}
			q.After = page[len(page)-1].Cursor()
		}
		assert.Equal(t, []string{"/4", "/3", "/2", "/1", "/0"}, paths, "pages neither repeat nor skip entries of one time")
	})
}
