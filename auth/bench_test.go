package auth_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mockapi-go/mockapi/auth"
	"github.com/mockapi-go/mockapi/store"
	"github.com/mockapi-go/mockapi/store/memory"
	"github.com/mockapi-go/mockapi/store/sqlstore/sqlite"
)

// discard is a reusable ResponseWriter, so the benchmark measures the guard.
type discard struct{ h http.Header }

func (d *discard) Header() http.Header         { return d.h }
func (d *discard) Write(b []byte) (int, error) { return len(b), nil }
func (d *discard) WriteHeader(int)             {}

var noop = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })

// BenchmarkGuard: the guard in front of a no-op handler, letting in a
// valid key for a private project, against the no-op handler alone.
// Compare with: go test -run '^$' -bench Guard -count 6 -benchtime 2000x ./auth/ | benchstat
func BenchmarkGuard(b *testing.B) {
	run := func(b *testing.B, h http.Handler, set func(*http.Request)) {
		r := httptest.NewRequest("GET", "/pets/1", nil)
		r.RemoteAddr = "192.0.2.1:1234"
		set(r)
		w := &discard{h: http.Header{}}
		h.ServeHTTP(w, r) // warm up
		b.ReportAllocs()
		b.ResetTimer()
		for range b.N {
			clear(w.h)
			h.ServeHTTP(w, r)
		}
	}
	b.Run("noop", func(b *testing.B) { run(b, noop, func(*http.Request) {}) })
	for _, backend := range []struct {
		name string
		open func(b *testing.B) *store.Store
	}{
		{"memory", func(*testing.B) *store.Store { return memory.New() }},
		{"sqlite", func(b *testing.B) *store.Store {
			s, err := sqlite.Open(context.Background(), "sqlite:"+filepath.Join(b.TempDir(), "bench.db"))
			require.NoError(b, err)
			return s
		}},
	} {
		for _, limited := range []bool{false, true} {
			name := backend.name
			p := &auth.Policy{Project: project, Visibility: store.Private}
			if limited {
				name += "+ratelimit"
				p.RateLimit = auth.Limit{Requests: 1 << 30, Per: time.Second}
			}
			b.Run(name, func(b *testing.B) {
				st := backend.open(b)
				defer st.Close()
				s, k := auth.NewKey("bench", project)
				require.NoError(b, st.Keys().Create(context.Background(), k))
				g := auth.NewGuard(auth.Options{Keys: st.Keys()})
				defer g.Close()
				run(b, g.Protect(p)(noop), func(r *http.Request) { r.Header.Set("X-API-Key", s) })
			})
		}
	}
	b.Run("public-anonymous", func(b *testing.B) {
		g := auth.NewGuard(auth.Options{})
		defer g.Close()
		run(b, g.Protect(&auth.Policy{Project: project, Visibility: store.Public})(noop), func(*http.Request) {})
	})
}
