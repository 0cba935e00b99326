package mockapi

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mockapi-go/mockapi/mock"
	"github.com/mockapi-go/mockapi/openapi"
	"github.com/mockapi-go/mockapi/share"
	"github.com/mockapi-go/mockapi/store"
	"github.com/mockapi-go/mockapi/store/memory"
	"github.com/mockapi-go/mockapi/store/sqlstore"
	"github.com/mockapi-go/mockapi/store/sqlstore/sqlite"
)

// benchStores opens each store the Server benchmarks run on.
func benchStores(b *testing.B) map[string]*store.Store {
	sq, err := sqlite.Open(context.Background(), "sqlite:"+filepath.Join(b.TempDir(), "bench.db"), sqlstore.WithStore(store.WithTouchInterval(time.Minute)))
	require.NoError(b, err)
	mem := memory.New(store.WithTouchInterval(time.Minute))
	b.Cleanup(func() { _ = sq.Close(); _ = mem.Close() })
	return map[string]*store.Store{"memory": mem, "sqlite": sq}
}

// BenchmarkServer measures each layer of the composed stack against the
// bare mock answering the same request: the Server at the root (default
// project), at /p/{id}/ and through a share link, on memory and SQLite,
// stateless (an example) and stateful (a CRUD get).
func BenchmarkServer(b *testing.B) {
	ctx := context.Background()
	for _, stName := range []string{"memory", "sqlite"} {
		for _, mode := range []string{"stateless", "crud"} {
			b.Run(stName+"/"+mode, func(b *testing.B) {
				st := benchStores(b)[stName]
				opts := []mock.Option{mock.WithSeed(1)}
				if mode == "stateless" {
					opts = append(opts, mock.WithoutState())
				}
				doc, err := openapi.Parse(ctx, []byte(petsSpec))
				require.NoError(b, err)
				bare, err := mock.New(doc, append(opts, mock.WithStore(st.Records(), "bare"))...)
				require.NoError(b, err)
				s, err := New(Options{Store: st, MockOptions: opts, LogQueue: 1 << 20})
				require.NoError(b, err)
				b.Cleanup(func() { _ = s.Close() })
				_, err = s.PutProject(ctx, "default", "Pets", []byte(petsSpec), store.Public)
				require.NoError(b, err)
				token, _, err := share.NewRegistry(st.Links()).Create(ctx, "default", share.LinkOptions{})
				require.NoError(b, err)
				for _, tc := range []struct {
					name string
					h    http.Handler
					path string
				}{
					{"bare-mock", bare, "/pets/1"},
					{"server-root", s, "/pets/1"},
					{"server-project", s, "/p/default/pets/1"},
					{"server-link", s, "/s/" + token + "/pets/1"},
				} {
					b.Run(tc.name, func(b *testing.B) { serveLoop(b, tc.h, "GET", tc.path) })
				}
			})
		}
	}
}

// serveLoop serves one request until the benchmark ends, wants a 2xx
// answer, and reports the median latency as p50-ns beside the mean.
func serveLoop(b *testing.B, h http.Handler, method, path string) {
	req := httptest.NewRequest(method, path, nil)
	req.Header.Set("Origin", "https://app.example")
	var lat []time.Duration
	b.ReportAllocs()
	for b.Loop() {
		w := httptest.NewRecorder()
		t0 := time.Now()
		h.ServeHTTP(w, req)
		lat = append(lat, time.Since(t0))
		if w.Code/100 != 2 {
			b.Fatalf("status %d: %s", w.Code, w.Body)
		}
	}
	slices.Sort(lat)
	if len(lat) > 0 {
		b.ReportMetric(float64(lat[len(lat)/2].Nanoseconds()), "p50-ns")
	}
}

// bigSpec is GitHub's REST description when MOCKAPI_BIG_SPEC names it (the
// corpus script installs it), otherwise a generated description of 1,200
// operations over 600 schemas, so that the benchmark always runs.
func bigSpec(b *testing.B) ([]byte, string) {
	if path := os.Getenv("MOCKAPI_BIG_SPEC"); path != "" {
		spec, err := os.ReadFile(path)
		require.NoError(b, err)
		// A deep route of GitHub's description that answers 204 without a body.
		return spec, "/repos/octo/hello/actions/runs/42/logs"
	}
	var sb strings.Builder
	sb.WriteString("openapi: 3.0.3\ninfo: {title: Big, version: \"1\"}\npaths:\n")
	for i := range 600 {
		fmt.Fprintf(&sb, "  /orgs/{org}/repos/{repo}/area%d/items:\n    get:\n      operationId: list%d\n", i, i)
		fmt.Fprintf(&sb, "      parameters: [{name: org, in: path, required: true, schema: {type: string}}, {name: repo, in: path, required: true, schema: {type: string}}]\n")
		fmt.Fprintf(&sb, "      responses:\n        \"200\": {description: ok, content: {application/json: {schema: {type: array, items: {$ref: \"#/components/schemas/S%d\"}}}}}\n", i)
		fmt.Fprintf(&sb, "  /orgs/{org}/repos/{repo}/area%d/items/{id}:\n    delete:\n      operationId: delete%d\n", i, i)
		fmt.Fprintf(&sb, "      parameters: [{name: org, in: path, required: true, schema: {type: string}}, {name: repo, in: path, required: true, schema: {type: string}}, {name: id, in: path, required: true, schema: {type: integer}}]\n")
		sb.WriteString("      responses:\n        \"204\": {description: gone}\n")
	}
	sb.WriteString("components:\n  schemas:\n")
	for i := range 600 {
		fmt.Fprintf(&sb, "    S%d:\n      type: object\n      description: %q\n      properties:\n", i, strings.Repeat("a long description ", 200))
		for j := range 20 {
			fmt.Fprintf(&sb, "        f%d: {type: string, maxLength: 40, description: field %d}\n", j, j)
		}
	}
	return []byte(sb.String()), "/orgs/o/repos/r/area599/items/7"
}

// BenchmarkServerBigSpec answers a deep, body-less route of a big
// description next to the same kind of route of a small one, through the
// Server at /p/{id}/: the per-request path must not grow with the spec.
func BenchmarkServerBigSpec(b *testing.B) {
	ctx := context.Background()
	big, bigPath := bigSpec(b)
	const small = `openapi: 3.0.3
info: {title: Small, version: "1"}
paths:
  /orgs/{org}/repos/{repo}/items/{id}:
    delete:
      parameters: [{name: org, in: path, required: true, schema: {type: string}}, {name: repo, in: path, required: true, schema: {type: string}}, {name: id, in: path, required: true, schema: {type: integer}}]
      responses:
        "204": {description: gone}
`
	st := memory.New(store.WithTouchInterval(time.Minute))
	b.Cleanup(func() { _ = st.Close() })
	s, err := New(Options{Store: st, MockOptions: []mock.Option{mock.WithSeed(1), mock.WithoutState(), mock.WithoutSecurity()}, LogQueue: 1 << 20})
	require.NoError(b, err)
	b.Cleanup(func() { _ = s.Close() })
	_, err = s.PutProject(ctx, "small", "Small", []byte(small), store.Public)
	require.NoError(b, err)
	_, err = s.PutProject(ctx, "big", "Big", big, store.Public)
	require.NoError(b, err)
	for _, tc := range []struct{ name, path string }{
		{"small", "/p/small/orgs/o/repos/r/items/7"},
		{"big", "/p/big" + bigPath},
	} {
		b.Run(tc.name, func(b *testing.B) { serveLoop(b, s, "DELETE", tc.path) })
	}
}
