package mock

import (
	"context"
	"fmt"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/mockapi-go/mockapi/store"
	"github.com/mockapi-go/mockapi/store/memory"
	"github.com/mockapi-go/mockapi/store/sqlstore/sqlite"
)

// benchProject is the project the CRUD benchmarks keep their records under.
const benchProject = "bench"

// crudBenchStores are the backends the CRUD benchmarks run on, in the order
// their sub-benchmarks are reported.
var crudBenchStores = []struct {
	name string
	open func(b *testing.B) *store.Records
}{
	{"memory", func(b *testing.B) *store.Records {
		return memory.New(store.WithTouchInterval(0)).Records()
	}},
	{"sqlite", func(b *testing.B) *store.Records {
		s, err := sqlite.Open(context.Background(), "sqlite:"+filepath.Join(b.TempDir(), "b.db"))
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { _ = s.Close() })
		return s.Records()
	}},
}

// eachCRUDStore runs fn as one sub-benchmark per backend.
func eachCRUDStore(b *testing.B, fn func(b *testing.B, records *store.Records)) {
	for _, st := range crudBenchStores {
		b.Run(st.name, func(b *testing.B) { fn(b, st.open(b)) })
	}
}

// benchCRUD is a stateful handler on records whose pet collection starts
// empty and already counts as seeded.
func benchCRUD(b *testing.B, records *store.Records) *Handler {
	b.Helper()
	h := newCRUD(b, WithStore(records, benchProject), WithSeedRecords(0))
	// The first request writes the seed marker of "/pets".
	benchDo(b, h, "GET", "/api/pets?_limit=1", "", 200)
	return h
}

var benchStatuses = [...]string{"available", "pending", "sold"}

// fillPets writes n valid pets with ids 1..n straight to the store, as the
// handler would have stored them: after the handler was built, so they
// count as shaped.
func fillPets(b *testing.B, records *store.Records, n int) {
	b.Helper()
	ctx := context.Background()
	scope := store.Scope{Project: benchProject}
	for i := 1; i <= n; i++ {
		data := fmt.Sprintf(`{"id":%d,"name":"pet-%d","status":%q,"age":%d,"createdAt":"2024-01-02T03:04:05Z"}`,
			i, i, benchStatuses[i%len(benchStatuses)], i%31)
		if _, err := records.Create(ctx, scope, "/pets", intStoreID(int64(i)), []byte(data)); err != nil {
			b.Fatal(err)
		}
	}
}

// benchDo sends one request through the whole handler and checks its status.
func benchDo(b *testing.B, h *Handler, method, target, body string, want int) {
	r := httptest.NewRequest(method, target, strings.NewReader(body))
	if body != "" {
		r.Header.Set("Content-Type", "application/json")
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if w.Code != want {
		b.Fatalf("%s %s: status %d, want %d: %s", method, target, w.Code, want, w.Body.String())
	}
}

// benchList times one list request on a collection of n pets.
func benchList(b *testing.B, n int, target string) {
	eachCRUDStore(b, func(b *testing.B, records *store.Records) {
		h := benchCRUD(b, records)
		fillPets(b, records, n)
		b.ReportAllocs()
		for b.Loop() {
			benchDo(b, h, "GET", target, "", 200)
		}
	})
}

// BenchmarkCRUDCreate times POST of a new pet: id assignment, validation,
// shaping and the store write.
func BenchmarkCRUDCreate(b *testing.B) {
	eachCRUDStore(b, func(b *testing.B, records *store.Records) {
		h := benchCRUD(b, records)
		b.ReportAllocs()
		for b.Loop() {
			benchDo(b, h, "POST", "/api/pets", `{"name":"Rex","status":"available","age":3}`, 201)
		}
	})
}

// BenchmarkCRUDGet times GET of an existing pet, cycling over 1,000 ids.
func BenchmarkCRUDGet(b *testing.B) {
	const n = 1000
	eachCRUDStore(b, func(b *testing.B, records *store.Records) {
		h := benchCRUD(b, records)
		fillPets(b, records, n)
		targets := make([]string, n)
		for i := range targets {
			targets[i] = "/api/pets/" + strconv.Itoa(i+1)
		}
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			benchDo(b, h, "GET", targets[i%n], "", 200)
			i++
		}
	})
}

// BenchmarkCRUDList times the third page of 20 pets in collections of 1,000
// and 10,000: equal times would mean a page costs O(page).
func BenchmarkCRUDList(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		b.Run("n="+strconv.Itoa(n), func(b *testing.B) {
			benchList(b, n, "/api/pets?_page=3&_limit=20")
		})
	}
}

// BenchmarkCRUDListFiltered times a filtered page sorted by a field on a
// collection of 10,000 pets, a third of them sold.
func BenchmarkCRUDListFiltered(b *testing.B) {
	benchList(b, 10000, "/api/pets?status=sold&_sort=age&_limit=20")
}

// BenchmarkStatelessGet is the baseline of BenchmarkCRUDGet: the same kind
// of request answered from the description's example, with no store.
func BenchmarkStatelessGet(b *testing.B) {
	h := newCRUD(b, WithoutState())
	b.ReportAllocs()
	for b.Loop() {
		benchDo(b, h, "GET", "/api/pets/1", "", 200)
	}
}
