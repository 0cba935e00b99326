package mock

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mockapi-go/mockapi/openapi"
	"github.com/mockapi-go/mockapi/store"
	"github.com/mockapi-go/mockapi/store/memory"
)

// failingRecords is a store whose reads fail with a database's own words.
type failingRecords struct{ store.Records }

var errDatabase = errors.New(`pq: could not connect to "db.internal:5432" as user "mock" with password=hunter2`)

func (failingRecords) List(context.Context, store.Scope, string, store.Query) (*store.Page, error) {
	return nil, errDatabase
}
func (failingRecords) Get(context.Context, store.Scope, string, string) (*store.Record, error) {
	return nil, errDatabase
}

// A store failure is a fixed 500 for the client; its text goes only to
// the operator's log (security L4).
func TestStoreFailureTextStaysInTheLog(t *testing.T) {
	t.Parallel()
	st := memory.New(store.WithTouchInterval(0))
	t.Cleanup(func() { _ = st.Close() })
	doc, err := openapi.Parse(context.Background(), []byte(crudSpec))
	require.NoError(t, err)
	var logs bytes.Buffer
	h, err := New(doc, WithSeed(1), WithStore(failingRecords{st.Records()}, "p"),
		WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))
	require.NoError(t, err)
	for _, target := range []string{"/pets", "/pets/1"} {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest("GET", target, nil))
		assert.Equal(t, 500, w.Code, target)
		assert.Contains(t, w.Body.String(), "MOCK_FAILURE")
		assert.NotContains(t, w.Body.String(), "hunter2", target)
		assert.NotContains(t, w.Body.String(), "db.internal", target)
	}
	assert.Contains(t, logs.String(), "db.internal:5432", "the operator sees the cause")
}

// busyRecords is a store whose database is out of connections.
type busyRecords struct{ store.Records }

var errBusy = fmt.Errorf("sqlstore: list p/pets: %w (FATAL: sorry, too many clients already at db.internal)", store.ErrUnavailable)

func (busyRecords) List(context.Context, store.Scope, string, store.Query) (*store.Page, error) {
	return nil, errBusy
}
func (busyRecords) Get(context.Context, store.Scope, string, string) (*store.Record, error) {
	return nil, errBusy
}

// A store that cannot serve now is a 503 with Retry-After and no
// database detail; the log has the cause once per burst, not per request.
func TestStoreUnavailableIs503(t *testing.T) {
	t.Parallel()
	st := memory.New(store.WithTouchInterval(0))
	t.Cleanup(func() { _ = st.Close() })
	doc, err := openapi.Parse(context.Background(), []byte(crudSpec))
	require.NoError(t, err)
	var logs bytes.Buffer
	h, err := New(doc, WithSeed(1), WithStore(busyRecords{st.Records()}, "p"),
		WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))
	require.NoError(t, err)
	for range 50 {
		for _, target := range []string{"/pets", "/pets/1"} {
			w := httptest.NewRecorder()
			h.ServeHTTP(w, httptest.NewRequest("GET", target, nil))
			assert.Equal(t, 503, w.Code, target)
			assert.Equal(t, "1", w.Header().Get("Retry-After"), target)
			assert.Contains(t, w.Header().Get("Content-Type"), "application/problem+json", target)
			assert.Contains(t, w.Body.String(), "SERVICE_UNAVAILABLE", target)
			assert.NotContains(t, w.Body.String(), "db.internal", target)
		}
	}
	assert.Equal(t, 1, strings.Count(logs.String(), "too many clients"), "one log line per burst:\n%s", logs.String())
}
