package storetest

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mockapi-go/mockapi/store"
)

// Benchmark measures the operations on the request path of every backend:
// key lookup by hash, record create and get, a page of 50 from the middle of
// a 10,000 and a 100,000-record collection (the two must cost the same), a
// page of 20 sorted by one field and filtered by another and a filtered
// count in a 10,000-record collection, and request-log appends.
func Benchmark(b *testing.B, h Harness) {
	b.Run("KeyLookup", func(b *testing.B) {
		s := h.open(b)
		const n = 1000
		for i := range n {
			require.NoError(b, s.Keys().Create(ctx(b), newKey(fmt.Sprintf("hash-%06d", i))))
		}
		b.ReportAllocs()
		b.ResetTimer()
		i := 0
		for b.Loop() {
			if _, err := s.Keys().Lookup(ctx(b), fmt.Sprintf("hash-%06d", i%n)); err != nil {
				b.Fatal(err)
			}
			i += 7
		}
	})
	b.Run("RecordCreate", func(b *testing.B) {
		s := h.open(b)
		data := raw(`{"name":"Rex","tag":"dog","age":3}`)
		b.ReportAllocs()
		for b.Loop() {
			if _, err := s.Records().Create(ctx(b), base, "pets", "", data); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("RecordGet", func(b *testing.B) {
		s := h.open(b)
		const n = 1000
		seed(b, s, "pets", n)
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			if _, err := s.Records().Get(ctx(b), base, "pets", recordID(i%n)); err != nil {
				b.Fatal(err)
			}
			i += 7
		}
	})
	for _, n := range []int{10_000, 100_000} {
		b.Run(fmt.Sprintf("ListPage50/%dk", n/1000), func(b *testing.B) {
			s := h.open(b)
			seed(b, s, "pets", n)
			// A cursor in the middle of the collection.
			q := store.Query{Limit: 1000}
			for range n / 2 / 1000 {
				p, err := s.Records().List(ctx(b), base, "pets", q)
				require.NoError(b, err)
				q.After = p.Cursor
			}
			q.Limit = 50
			b.ReportAllocs()
			for b.Loop() {
				p, err := s.Records().List(ctx(b), base, "pets", q)
				if err != nil || len(p.Records) != 50 {
					b.Fatal(err, len(p.Records))
				}
			}
		})
	}
	b.Run("ListSortedFiltered/10k", func(b *testing.B) {
		s := h.open(b)
		seed(b, s, "pets", 10_000)
		q := store.Query{Limit: 20, SortBy: "name", Descending: true, Where: []store.Condition{{Field: "n", Op: store.Lt, Value: 5000}}}
		b.ReportAllocs()
		for b.Loop() {
			p, err := s.Records().List(ctx(b), base, "pets", q)
			if err != nil || len(p.Records) != 20 {
				b.Fatal(err, len(p.Records))
			}
		}
	})
	b.Run("CountFiltered/10k", func(b *testing.B) {
		s := h.open(b)
		seed(b, s, "pets", 10_000)
		q := store.Query{Where: []store.Condition{{Field: "n", Op: store.Gte, Value: 2500}}}
		b.ReportAllocs()
		for b.Loop() {
			n, err := s.Records().Count(ctx(b), base, "pets", q)
			if err != nil || n != 7500 {
				b.Fatal(err, n)
			}
		}
	})
	for _, batch := range []int{1, 100} {
		b.Run(fmt.Sprintf("LogAppend/batch%d", batch), func(b *testing.B) {
			s := h.open(b)
			entries := make([]store.Entry, batch)
			for i := range entries {
				entries[i] = store.Entry{Project: "p1", Operation: "listPets", Method: "GET", Path: "/pets", Status: 200, Latency: time.Millisecond}
			}
			b.ReportAllocs()
			for b.Loop() {
				if err := s.RequestLog().Append(ctx(b), entries...); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*batch), "ns/entry")
		})
	}
}

func recordID(i int) string { return fmt.Sprintf("r%07d", i) }

// seed creates n records in a collection of the base scope, from a few
// goroutines.
func seed(b *testing.B, s *store.Store, collection string, n int) {
	b.Helper()
	const workers = 8
	var wg sync.WaitGroup
	errs := make([]error, workers)
	for w := range workers {
		wg.Go(func() {
			for i := w; i < n; i += workers {
				_, err := s.Records().Create(ctx(b), base, collection, recordID(i), raw(fmt.Sprintf(`{"n":%d,"name":"pet %d"}`, i, i)))
				if err != nil {
					errs[w] = err
					return
				}
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		require.NoError(b, err)
	}
}
