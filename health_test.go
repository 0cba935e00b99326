package mockapi

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mockapi-go/mockapi/internal/problem"
	"github.com/mockapi-go/mockapi/store"
	"github.com/mockapi-go/mockapi/store/driver"
	"github.com/mockapi-go/mockapi/store/memory"
	"github.com/mockapi-go/mockapi/store/sqlstore/sqlite"
)

// downKeys is a memory store whose key table fails every read, as a
// database that refuses connections does, or blocks until the caller
// gives up, as one that no longer answers does.
type downKeys struct {
	driver.Driver
	hang bool
}

func (d downKeys) Keys() driver.Keys { return downKeyReads{d.Driver.Keys(), d.hang} }

type downKeyReads struct {
	driver.Keys
	hang bool
}

func (k downKeyReads) Get(ctx context.Context, _ string) (*store.Key, error) {
	if k.hang {
		<-ctx.Done()
		return nil, ctx.Err()
	}
	return nil, fmt.Errorf("sqlstore: %w (dial tcp db.internal:5432: password authentication failed for user \"mockapi\")", store.ErrUnavailable)
}

// The liveness probe answers while the process serves; the readiness
// probe answers 200 only when the store does, and its 503 tells nothing of
// the database.
func TestHealthProbes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		store func(t *testing.T) *store.Store
		ready int
	}{
		{"memory", func(*testing.T) *store.Store { return memory.New() }, 200},
		{"sqlite", func(t *testing.T) *store.Store {
			st, err := sqlite.Open(context.Background(), "sqlite:"+filepath.Join(t.TempDir(), "h.db"))
			require.NoError(t, err)
			return st
		}, 200},
		{"store closed", func(*testing.T) *store.Store {
			st := memory.New()
			_ = st.Close()
			return st
		}, 503},
		{"database refuses", func(*testing.T) *store.Store { return store.New(downKeys{Driver: memory.NewDriver()}) }, 503},
		{"database hangs", func(*testing.T) *store.Store { return store.New(downKeys{Driver: memory.NewDriver(), hang: true}) }, 503},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			st := tt.store(t)
			t.Cleanup(func() { _ = st.Close() })
			var logs safeBuffer
			s := newTestServer(t, st, &logs)
			s.ops.readyTimeout = 100 * time.Millisecond

			live := get(s, "/_health/live")
			assert.Equal(t, 200, live.Code)
			assert.JSONEq(t, `{"status":"live"}`, live.Body.String())

			began := time.Now()
			ready := get(s, "/_health/ready")
			assert.Less(t, time.Since(began), 5*time.Second, "the probe gives up after ReadyTimeout")
			assert.Equal(t, tt.ready, ready.Code, ready.Body.String())
			assert.Equal(t, "no-store", ready.Header().Get("Cache-Control"))
			if tt.ready == 200 {
				assert.JSONEq(t, `{"status":"ready"}`, ready.Body.String())
				return
			}
			assert.Equal(t, problem.ContentType, ready.Header().Get("Content-Type"))
			var p map[string]any
			require.NoError(t, json.Unmarshal(ready.Body.Bytes(), &p))
			assert.Equal(t, "SERVICE_UNAVAILABLE", p["code"])
			assert.NotContains(t, ready.Body.String(), "db.internal")
			assert.NotContains(t, ready.Body.String(), "password")
			if tt.name == "database refuses" {
				assert.Contains(t, logs.String(), "db.internal", "the operator's log has the cause")
			}
		})
	}
}

// Once Shutdown begins the Server is no longer ready, so that a load
// balancer stops sending it requests, but it is still alive.
func TestHealthNotReadyAfterShutdown(t *testing.T) {
	t.Parallel()
	st := memory.New()
	t.Cleanup(func() { _ = st.Close() })
	s := newTestServer(t, st, nil)
	require.Equal(t, 200, get(s, "/_health/ready").Code)
	require.NoError(t, s.Close())
	assert.Equal(t, 503, get(s, "/_health/ready").Code)
	assert.Equal(t, 200, get(s, "/_health/live").Code)
}

// The probes and the metrics are the operator's: they are neither logged
// nor counted as a project's traffic.
func TestOpsEndpointsAreNotProjectTraffic(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := memory.New()
	t.Cleanup(func() { _ = st.Close() })
	s := newTestServer(t, st, nil)
	_, err := s.PutProject(ctx, "default", "Pets", []byte(petsSpec), store.Public)
	require.NoError(t, err)

	for _, path := range []string{"/_health/live", "/_health/ready", "/_metrics", "/_health/live", "/_metrics"} {
		require.Equal(t, 200, get(s, path).Code, path)
	}
	require.Equal(t, 200, get(s, "/pets").Code)
	require.NoError(t, s.FlushLog(ctx))

	entries, err := st.RequestLog().Query(ctx, store.LogQuery{})
	require.NoError(t, err)
	require.Len(t, entries, 1, "only the project's request is logged")
	assert.Equal(t, "/pets", entries[0].Path)

	fams := scrape(t, s)
	assert.Equal(t, 1.0, sumCounter(fams["mockapi_requests_total"], nil), "only the project's request is counted")
}

// Each operator endpoint answers GET and HEAD at its path, moves or turns
// off with its option, and refuses a path that would shadow the rest.
func TestOpsPaths(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name          string
		health, mpath string
		want          map[string]int // path: status of a GET
	}{
		{"defaults", "", "", map[string]int{
			"/_health/live": 200, "/_health/ready": 200, "/_metrics": 200,
			"/_health": 404, "/_health/other": 404, "/_healthy": 404, // the last: the default project's
		}},
		{"moved", "/ops/health", "/ops/metrics", map[string]int{
			"/ops/health/live": 200, "/ops/health/ready": 200, "/ops/metrics": 200,
			"/_health/live": 404, "/_metrics": 404,
		}},
		{"off", "-", "-", map[string]int{"/_health/live": 404, "/_health/ready": 404, "/_metrics": 404}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			st := memory.New()
			t.Cleanup(func() { _ = st.Close() })
			s, err := New(Options{Store: st, HealthPath: tt.health, MetricsPath: tt.mpath})
			require.NoError(t, err)
			t.Cleanup(func() { _ = s.Close() })
			for path, want := range tt.want {
				assert.Equal(t, want, get(s, path).Code, path)
			}
		})
	}

	t.Run("methods", func(t *testing.T) {
		t.Parallel()
		st := memory.New()
		t.Cleanup(func() { _ = st.Close() })
		s := newTestServer(t, st, nil)
		for _, path := range []string{"/_health/live", "/_health/ready", "/_metrics"} {
			w := httptest.NewRecorder()
			s.ServeHTTP(w, httptest.NewRequest(http.MethodPost, path, nil))
			assert.Equal(t, 405, w.Code, path)
			assert.Equal(t, "GET, HEAD", w.Header().Get("Allow"))
			w = httptest.NewRecorder()
			s.ServeHTTP(w, httptest.NewRequest(http.MethodHead, path, nil))
			assert.Equal(t, 200, w.Code, path)
		}
	})

	t.Run("refused", func(t *testing.T) {
		t.Parallel()
		st := memory.New()
		t.Cleanup(func() { _ = st.Close() })
		for _, o := range []Options{
			{HealthPath: "health"}, {HealthPath: "/"}, {HealthPath: "/health/"}, {HealthPath: "/p/x"},
			{MetricsPath: "/_admin/metrics"}, {MetricsPath: "/s/metrics"}, {MetricsPath: "/_admin"},
			{ReadyTimeout: -time.Second},
		} {
			o.Store = st
			_, err := New(o)
			assert.Error(t, err, "%+v", o)
		}
	})
}
